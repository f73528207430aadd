/** `/kcd scan`: every Hyper-V host of the directory, totals and the worst hosts. */
import { cachedFleetReport } from '../../checker/fleet-report-cache';
import { scanCard } from '../../render/cards';
import { defineCommand, FRESH_FLAG } from '../command';

export const scan = defineCommand<{ kcd: 'scan' }, 'scan'>({
  id: 'scan',
  aliases: ['fleet'],
  arguments: [FRESH_FLAG],
  description: 'Check every Hyper-V host in the directory: totals and the worst hosts.',
  examples: ['/kcd scan', '/kcd scan --fresh'],
  intents: ['scan'],
  fillers: ['all', 'the', 'every', 'everything', 'host', 'hosts', 'fleet', 'domain', 'servers', 'hyper-v'],
  slow: true,
  request: () => ({ kcd: 'scan' }),
  async handle(_request, ctx) {
    const snapshot = await ctx.snapshot();
    const report = cachedFleetReport(snapshot, ctx.migrationGroup);
    return {
      card: scanCard(report, ctx.cardContext(snapshot, { fresh: ctx.options.fresh })),
      summary: `scan: ${report.totals.hostsWithErrors}/${report.totals.hosts} hosts with errors`,
    };
  },
});
