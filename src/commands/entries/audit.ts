/** `/kcd audit [N]`: the last changes the bot planned, approved, refused and wrote (issue 21), for approvers and operators. */
import { InputError } from '../../domain/errors';
import { auditCard } from '../../render/cards/audit';
import { defineCommand } from '../command';

/** Shown when no number is given; at most MAX_AUDIT_RECORDS. */
export const DEFAULT_AUDIT_RECORDS = 10;
export const MAX_AUDIT_RECORDS = 50;

export const audit = defineCommand<{ kcd: 'audit'; count: string }, 'audit'>({
  id: 'audit',
  aliases: ['changes', 'history'],
  arguments: [{ name: 'count', required: false, kind: 'count', description: `how many of the last records (1-${MAX_AUDIT_RECORDS}, default ${DEFAULT_AUDIT_RECORDS})` }],
  description: 'The last fixes requested, approved, rejected and written by the bot, with who and what changed.',
  examples: ['/kcd audit', '/kcd audit 20'],
  intents: ['audit'],
  classified: false,
  fillers: ['last', 'show', 'the', 'log', 'records', 'entries', 'changes'],
  request: (parsed) => ({ kcd: 'audit', count: parsed.count ?? String(DEFAULT_AUDIT_RECORDS) }),
  async handle(request, ctx) {
    if (!/^\d{1,6}$/.test(request.count) || Number(request.count) < 1 || Number(request.count) > MAX_AUDIT_RECORDS) {
      throw new InputError(`"${request.count.slice(0, 40)}" is not a number of records from 1 to ${MAX_AUDIT_RECORDS}.`, `Ask for the last few, e.g. /kcd audit ${DEFAULT_AUDIT_RECORDS}.`);
    }
    if (!ctx.audit) {
      throw new InputError('This bot does not apply fixes, so it keeps no audit log of them.', 'Applying fixes is turned on with KCD_WRITE_BIND_DN and KCD_APPROVER_GROUPS (docs/apply.md).');
    }
    if (!(await ctx.audit.mayRead())) {
      throw new InputError('Only approvers (KCD_APPROVER_GROUPS) and those who may request fixes (KCD_OPERATOR_GROUPS) can read the audit log.', 'Ask an approver, or an admin to add you to one of those groups.');
    }
    const records = await ctx.audit.last(Number(request.count));
    return { card: auditCard(records, Number(request.count), ctx.cardContext()), summary: `audit: ${records.length} records` };
  },
});
