/** `/kcd summary`: the summary now, diffed against this conversation's previous one. */
import { cachedFleetReport } from '../../checker/fleet-report-cache';
import { summaryCard } from '../../render/cards';
import { buildSummary } from '../../summary/model';
import { defineCommand, SUBSCRIPTION_FILLERS } from '../command';

export const summary = defineCommand<{ kcd: 'summary' }, 'summary'>({
  id: 'summary',
  aliases: ['digest'],
  arguments: [],
  description: "The summary now: what changed since this chat's previous summary (daily or on demand).",
  examples: ['/kcd summary'],
  intents: ['summary'],
  fillers: [...SUBSCRIPTION_FILLERS, 'today', 'latest', 'last'],
  slow: true,
  request: () => ({ kcd: 'summary' }),
  async handle(_request, ctx) {
    if (!ctx.summaries) {
      // Without the state store: the summary, with nothing to compare it with.
      const snapshot = await ctx.snapshot();
      const report = cachedFleetReport(snapshot, ctx.migrationGroup);
      const { summary: built } = buildSummary({ report, snapshot, directory: ctx.directoryLabel(), takenAt: snapshot.data.source.takenAt });
      return { card: summaryCard(built, ctx.cardContext(snapshot)), summary: `summary: ${report.totals.hostsWithErrors}/${report.totals.hosts} hosts with errors` };
    }
    const { summary: built, scan, subscription } = await ctx.summaries.summaryNow(ctx.conversation);
    const note = subscription ? `This chat also gets it daily at ${subscription.time} (${subscription.timeZone})` : undefined;
    const card = summaryCard(built, { directoryLabel: scan.directory, takenAt: scan.takenAt }, { ...(note ? { note } : {}) });
    return { card, summary: `summary: ${built.totals.hostsWithErrors}/${built.totals.hosts} hosts with errors` };
  },
});
