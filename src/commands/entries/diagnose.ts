/**
 * `/kcd diagnose <paste>`, and any message that is a pasted failure (a Move-VM error, a Hyper-V-VMMS event, a
 * sentence with an error code): what the codes and events mean and which of the pair's findings explain them.
 */
import { diagnose as diagnosePaste } from '../../diagnose/diagnose';
import { diagnosisCard } from '../../render/cards/diagnose';
import { defineCommand } from '../command';

export const diagnose = defineCommand<{ kcd: 'diagnose'; text: string }, 'diagnose'>({
  id: 'diagnose',
  aliases: ['diag'],
  arguments: [{ name: 'paste', required: true, kind: 'text', description: 'what the failed move printed: Move-VM output, an event from Event Viewer, or a line with the code' }],
  description: 'Paste a failed live migration (Move-VM error, Hyper-V-VMMS event, a code): what it means and what in AD explains it.',
  examples: ["/kcd diagnose Virtual machine migration operation for 'VM01' failed at migration source 'GOGO-3' ... with host 'GOGO-4' ... (0x8009030E)"],
  intents: ['diagnose'],
  classified: false,
  slow: true,
  request: (parsed) => (parsed.paste ? { kcd: 'diagnose', text: parsed.paste } : undefined),
  async handle(request, ctx) {
    const snapshot = await ctx.snapshot();
    const d = diagnosePaste(snapshot, request.text, { group: ctx.migrationGroup });
    const checked = d.report ?? d.hostReport;
    const verdict = checked ? `${d.report ? 'pair' : 'host'} ${checked.ready ? 'ready' : 'not ready'}` : 'no pair';
    return { card: diagnosisCard(d, ctx.cardContext(snapshot)), summary: `diagnose ${d.facts.codes.join(',') || '-'} ${d.facts.events.join(',') || '-'}: ${verdict}` };
  },
});
