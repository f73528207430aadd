/**
 * The approval card of a fix plan (issue 21): exactly what will be written — per object its DN, each attribute
 * with the values added and removed, userAccountControl before → after — who asked, when it expires, and what
 * stays for a person. The same card, re-rendered, shows the plan's end: applied (with the fresh verdict), stale,
 * failed, rejected, expired.
 */
import type { AttributeChange, FixPlan } from '../../apply/types';
import { describeUac } from '../../domain/uac';
import type { PlanRecord } from '../../store/state';
import { adaptiveCard, codeBlock, container, fitToBudget, footer, formatTakenAt, plain, text } from './common';
import { md, oneLine } from './markdown';
import type { AdaptiveCard, CardAction, CardContext, CardElement } from './types';

export interface PlanCardOptions {
  /** Signed tokens of the Approve and Reject buttons (only while pending). */
  approveToken?: string;
  rejectToken?: string;
  /** A line above everything (why the button press was refused, and what to do). */
  notice?: { text: string; color: 'Attention' | 'Warning' | 'Good' | 'Accent' };
  /** After the write: AD read afresh and checked again. */
  recheck?: { ready: boolean; summary: string };
}

const hex = (n: number) => `0x${n.toString(16).toUpperCase()}`;
const who = (p: PlanRecord['requester'] | undefined) => md(p?.name ?? p?.upn ?? p?.aadObjectId ?? 'someone', 120);

function changeLines(change: AttributeChange, maxValues: number): string[] {
  const list = (sign: string, values: readonly string[]) => [
    ...values.slice(0, maxValues).map((v) => `  ${sign} ${oneLine(v)}`),
    ...(values.length > maxValues ? [`  … and ${values.length - maxValues} more`] : []),
  ];
  switch (change.attribute) {
    case 'msDS-AllowedToDelegateTo':
      return [`msDS-AllowedToDelegateTo (values added/removed; the others stay):`, ...list('+', change.add), ...list('-', change.remove)];
    case 'userAccountControl':
      return [`userAccountControl: ${hex(change.before)} → ${hex(change.after)}`, `  before: ${describeUac(change.before)}`, `  after:  ${describeUac(change.after)}`];
    case 'msDS-SupportedEncryptionTypes':
      return [`msDS-SupportedEncryptionTypes: ${change.before === null ? 'not set' : hex(change.before)} → ${hex(change.after)}`];
    case 'msDS-AllowedToActOnBehalfOfOtherIdentity': {
      const aces = (a: typeof change.after) => a.map((x) => `${x.type === 'deny' ? 'deny ' : ''}${oneLine(x.principal ?? x.sid)}`).join(', ') || 'nobody';
      return [
        'msDS-AllowedToActOnBehalfOfOtherIdentity (resource-based delegation):',
        `  before: ${change.before === null ? 'no descriptor' : aces(change.before)}`,
        `  after:  ${aces(change.after)}`,
      ];
    }
  }
}

const STATUS_LINE: Record<PlanRecord['status'], { label: string; color: 'Accent' | 'Good' | 'Attention' | 'Warning' }> = {
  pending: { label: '🕒 Waiting for approval', color: 'Accent' },
  applying: { label: '⏳ Approved: writing to AD', color: 'Accent' },
  applied: { label: '✅ Applied', color: 'Good' },
  stale: { label: '⚠️ Not applied: AD changed since the plan', color: 'Warning' },
  failed: { label: '❌ Write failed', color: 'Attention' },
  rejected: { label: '🚫 Rejected', color: 'Warning' },
  expired: { label: '⌛ Expired', color: 'Warning' },
};

function questionLine(plan: FixPlan): string {
  const q = plan.question;
  if (q.kind === 'host') return `**${md(q.host)}** and its migration peers`;
  return `**${md(q.source)}** → **${md(q.destination)}**${q.storage ? ' with storage' : ''}${q.fileServers.length > 0 ? ` via ${q.fileServers.map((f) => md(f)).join(', ')}` : ''}`;
}

function build(record: PlanRecord, options: PlanCardOptions, ctx: CardContext, maxValues: number, withInstructions: boolean): AdaptiveCard {
  const { plan } = record;
  const status = STATUS_LINE[record.status];
  const body: CardElement[] = [];
  if (options.notice) body.push(text(md(options.notice.text, 600), { weight: 'Bolder', color: options.notice.color, spacing: 'None' }));
  body.push(
    container(
      [
        text(status.label, { size: 'Large', weight: 'Bolder', color: status.color }),
        text(`Fix plan for ${questionLine(plan)}: ${plan.objects.length} object${plan.objects.length === 1 ? '' : 's'} in AD`, { spacing: 'Small' }),
        text(
          `Requested by ${who(record.requester)} · ${formatTakenAt(record.requestedAt) ?? record.requestedAt}` +
            (record.status === 'pending' ? ` · expires ${formatTakenAt(record.expiresAt) ?? record.expiresAt}` : '') +
            (record.decidedBy ? ` · ${record.status === 'rejected' ? 'rejected' : 'approved'} by ${who(record.decidedBy)}` : ''),
          { isSubtle: true, size: 'Small', spacing: 'None' },
        ),
      ],
      { style: record.status === 'applied' ? 'good' : record.status === 'pending' || record.status === 'applying' ? 'accent' : 'warning', bleed: true },
    ),
  );
  if (record.outcome) body.push(plain(record.outcome, { spacing: 'Small', size: 'Small' }));
  if (options.recheck) {
    body.push(
      text(options.recheck.ready ? '✅ Checked again, AD read afresh: **READY**' : `❌ Checked again, AD read afresh: still **NOT READY** (${md(options.recheck.summary, 300)})`, {
        color: options.recheck.ready ? 'Good' : 'Attention',
        weight: 'Bolder',
      }),
    );
  }
  body.push(text('**What the bot writes** (LDAP modify through the write account; nothing else changes)', { separator: true, spacing: 'Medium' }));
  for (const object of plan.objects) {
    body.push(plain(`${object.name} (${object.rules.join(', ')})`, { weight: 'Bolder', spacing: 'Small' }));
    body.push(plain(object.dn, { size: 'Small', isSubtle: true, spacing: 'None' }));
    body.push(codeBlock(object.changes.flatMap((c) => changeLines(c, maxValues)).join('\n')));
  }
  if (plan.refused.length > 0) {
    body.push(text('**Not written by the bot**', { separator: true, spacing: 'Medium' }));
    for (const r of plan.refused.slice(0, 10)) body.push(plain(`${r.rule} ${r.subject}: ${r.detail}`, { size: 'Small', spacing: 'None' }));
    if (plan.refused.length > 10) body.push(text(`… and ${plan.refused.length - 10} more`, { size: 'Small', spacing: 'None' }));
  }
  if (withInstructions && plan.instructions.length > 0) {
    body.push(text('**Then, on the hosts** (the bot does not run anything there)', { separator: true, spacing: 'Medium' }));
    body.push(codeBlock(plan.instructions.join('\n')));
  }
  body.push(footer({ ...ctx, takenAt: plan.takenAt }, [`Plan ${md(plan.id)}${record.correlationId ? ` · correlation ${md(record.correlationId)}` : ''}`]));
  const actions: CardAction[] = [];
  if (record.status === 'pending' && options.approveToken && options.rejectToken) {
    actions.push(
      { type: 'Action.Execute', title: 'Approve and apply', verb: 'apply-approve', style: 'positive', data: { kcd: 'apply', step: 'approve', token: options.approveToken } },
      { type: 'Action.Execute', title: 'Reject', verb: 'apply-reject', style: 'destructive', data: { kcd: 'apply', step: 'reject', token: options.rejectToken } },
    );
  }
  return adaptiveCard(body, { actions, fallbackText: `Fix plan ${plan.id}: ${status.label.replace(/^\S+\s/, '')}`, fullWidth: true });
}

const LADDER = [
  { maxValues: 20, withInstructions: true },
  { maxValues: 8, withInstructions: true },
  { maxValues: 3, withInstructions: false },
  { maxValues: 1, withInstructions: false },
];

export function planCard(record: PlanRecord, options: PlanCardOptions, ctx: CardContext): AdaptiveCard {
  return fitToBudget((l) => build(record, options, ctx, l.maxValues, l.withInstructions), LADDER);
}

/** "Nothing the bot can write": the plan had no AD change left (what stays is host-side or refused). */
export function nothingToApplyCard(plan: FixPlan, ctx: CardContext): AdaptiveCard {
  const body: CardElement[] = [
    text('Nothing for the bot to write', { size: 'Large', weight: 'Bolder' }),
    text(`For ${questionLine(plan)}, AD read just now needs no change the bot may make.`, { spacing: 'Small' }),
  ];
  if (plan.refused.length > 0) {
    body.push(text('**Left for a person**', { separator: true }));
    for (const r of plan.refused.slice(0, 10)) body.push(plain(`${r.rule} ${r.subject}: ${r.detail}`, { size: 'Small', spacing: 'None' }));
  }
  if (plan.instructions.length > 0) body.push(codeBlock(plan.instructions.join('\n')));
  body.push(footer({ ...ctx, takenAt: plan.takenAt }));
  return adaptiveCard(body, { fallbackText: 'Nothing for the bot to write', fullWidth: true });
}
