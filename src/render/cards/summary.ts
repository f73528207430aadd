/**
 * The daily summary card, and the small cards that confirm subscription changes. The summary shows the
 * totals, what changed since the previous summary, the misconfigured hosts (top rules, a button each to
 * open the host's card) and readiness matrices for small migration groups; a healthy fleet gets a short
 * "all N hosts ready" card. Large fleets are cut down through a ladder of limits until the card fits.
 */
import { isEmptyDiff } from '../../summary/diff';
import type { FleetSummary, ReadinessMatrix, SummaryChanges, SummaryHost } from '../../summary/model';
import { adaptiveCard, container, fitToBudget, footer, formatTakenAt, plural, submit, text } from './common';
import { askButton } from './help';
import { md } from './markdown';
import type { AdaptiveCard, CardContext, CardElement } from './types';

export interface SummaryCardOptions {
  /** "Daily summary" for scheduled posts, "Summary" on demand. */
  title?: string;
  /** A line for the footer, e.g. "Posted daily at 07:30 (Europe/Berlin) · /kcd unsubscribe to stop". */
  note?: string;
}

interface Limits {
  hosts: number;
  rulesPerHost: number;
  changeLines: number;
  matrices: number;
  warned: number;
}

const LADDER: readonly Limits[] = [
  { hosts: 10, rulesPerHost: 3, changeLines: 8, matrices: 2, warned: 20 },
  { hosts: 6, rulesPerHost: 2, changeLines: 5, matrices: 1, warned: 10 },
  { hosts: 4, rulesPerHost: 1, changeLines: 3, matrices: 1, warned: 5 },
  { hosts: 3, rulesPerHost: 1, changeLines: 2, matrices: 0, warned: 3 },
];

const n = (x: number) => x.toLocaleString('en-US');
const times = (count: number) => (count > 1 ? ` ×${n(count)}` : '');

function more(count: number, what: string): CardElement {
  return text(`… and ${plural(count, what)}.`, { isSubtle: true, size: 'Small', spacing: 'None' });
}

function lines<T>(items: readonly T[], max: number, line: (item: T) => string, what: string): CardElement[] {
  const out = items.slice(0, max).map((item) => text(line(item), { size: 'Small', spacing: 'None' }));
  if (items.length > max) out.push(more(items.length - max, what));
  return out;
}

function changesBlock(c: SummaryChanges, limits: Limits): CardElement[] {
  const since = formatTakenAt(c.since);
  const heading = `**What changed** since the previous summary${since ? ` (data read ${since})` : ''}`;
  if (isEmptyDiff(c)) return [text(heading, { separator: true, spacing: 'Medium' }), text('Nothing: same hosts, same problems.', { isSubtle: true, spacing: 'Small' })];
  const out: CardElement[] = [text(heading, { separator: true, spacing: 'Medium' })];
  const section = <T>(title: string, color: 'Attention' | 'Good' | 'Default', items: readonly T[], line: (item: T) => string, what: string) => {
    if (items.length === 0) return;
    out.push(text(`${title} (${n(items.length)})`, { weight: 'Bolder', color, spacing: 'Small' }));
    out.push(...lines(items, limits.changeLines, line, what));
  };
  section('🆕 New problems', 'Attention', c.newProblems, (p) => `**${md(p.host)}** · ${md(p.rule)}${times(p.count)}${p.example ? ` · ${md(p.example, 160)}` : ''}`, 'more new problem');
  section('✔️ Fixed', 'Good', c.fixed, (p) => `**${md(p.host)}** · ${md(p.rule)}${times(p.count)}`, 'more fix');
  section('🔴 No longer ready', 'Attention', c.nowNotReady, (h) => md(h), 'more host');
  section('🟢 Now ready', 'Good', c.nowReady, (h) => md(h), 'more host');
  section('➕ Hosts added', 'Default', c.hostsAdded, (h) => `${md(h.host)} · ${h.ready ? 'ready' : 'not ready'}`, 'more host');
  section('➖ Hosts gone', 'Default', c.hostsGone, (h) => md(h), 'more host');
  return out;
}

function hostBlock(h: SummaryHost, limits: Limits): CardElement {
  const items: CardElement[] = [
    text(`❌ **${md(h.host)}** · ${plural(h.errors, 'error')}${h.warnings ? `, ${plural(h.warnings, 'warning')}` : ''} · can migrate to ${n(h.peersReady)} of ${n(h.peersTotal)}`, {
      spacing: 'None',
    }),
    ...h.top.slice(0, limits.rulesPerHost).map((p) =>
      text(`${p.severity === 'error' ? '❌' : '⚠️'} **${md(p.rule)}** ${md(p.title, 80)}${times(p.count)} · ${md(p.example, 160)}`, { size: 'Small', spacing: 'None', isSubtle: true }),
    ),
  ];
  if (h.top.length > limits.rulesPerHost) items.push(more(h.top.length - limits.rulesPerHost, 'more rule'));
  items.push({ type: 'ActionSet', spacing: 'Small', actions: [submit(`Open ${h.host}`, { kcd: 'check', host: h.host })] });
  return container(items, { separator: true, spacing: 'Small' });
}

function cell(value: string): CardElement {
  return { type: 'TableCell', items: [{ type: 'TextBlock', text: value }] };
}

function matrixBlock(m: ReadinessMatrix): CardElement[] {
  return [
    text(`**Readiness matrix** · ${md(m.label, 120)}`, { separator: true, spacing: 'Medium' }),
    {
      type: 'Table',
      columns: [{ width: 4 }, ...m.hosts.map(() => ({ width: 1 }))],
      rows: [
        { type: 'TableRow', style: 'emphasis', cells: [cell('From ↓ To →'), ...m.hosts.map((_, j) => cell(String(j + 1)))] },
        ...m.hosts.map((h, i) => ({
          type: 'TableRow',
          cells: [cell(`${i + 1}. ${md(h, 40)}`), ...m.ready[i]!.map((r) => cell(r === null ? '—' : r ? '✅' : '❌'))],
        })),
      ],
      showGridLines: true,
      horizontalCellContentAlignment: 'Center',
      spacing: 'Small',
    },
    text('Rows are sources, columns destinations (numbered like the rows). ✅ can live-migrate · ❌ blocked: open the source host for why.', {
      isSubtle: true,
      size: 'Small',
      spacing: 'Small',
    }),
  ];
}

function header(s: FleetSummary, title: string): CardElement {
  const t = s.totals;
  const ok = t.hostsWithErrors === 0;
  return container(
    [
      text(title, { isSubtle: true, size: 'Small', weight: 'Bolder' }),
      text(ok ? `✅ All ${plural(t.hosts, 'Hyper-V host')} ready` : `❌ ${n(t.hostsWithErrors)} of ${plural(t.hosts, 'Hyper-V host')} not ready`, {
        size: 'Large',
        weight: 'Bolder',
        color: ok ? 'Good' : 'Attention',
        spacing: 'None',
      }),
      text(`${md(s.group, 300)} · ${s.storage ? 'with storage (cifs)' : 'VM only'}`, { isSubtle: true, size: 'Small', spacing: 'Small' }),
    ],
    { style: ok ? 'good' : 'attention', bleed: true },
  );
}

function facts(s: FleetSummary): CardElement {
  const t = s.totals;
  return {
    type: 'FactSet',
    facts: [
      { title: 'Hyper-V hosts', value: n(t.hosts) },
      { title: 'Hosts with errors', value: n(t.hostsWithErrors) },
      { title: 'Migration directions ready', value: `${n(t.pairsReady)} of ${n(t.pairsExpected)}` },
    ],
  };
}

function fallback(s: FleetSummary): string {
  const t = s.totals;
  const c = s.changes;
  const changed = c && !isEmptyDiff(c) ? `; since the previous summary: ${c.newProblems.length} new problems, ${c.fixed.length} fixed` : '';
  return `kcd summary: ${t.hostsWithErrors} of ${t.hosts} Hyper-V hosts not ready; ${t.pairsReady} of ${t.pairsExpected} migration directions ready${changed}`;
}

function build(s: FleetSummary, ctx: CardContext, options: SummaryCardOptions, limits: Limits): AdaptiveCard {
  const title = options.title ?? 'Summary';
  const body: CardElement[] = [header(s, title), facts(s)];
  // Advice about the migration group: one per domain at most, each a sentence.
  for (const a of (s.advice ?? []).slice(0, 3)) body.push(container([text(`💡 ${md(a, 600)}`, { size: 'Small' })], { style: 'warning', spacing: 'Medium' }));
  if (s.changes) body.push(...changesBlock(s.changes, limits));
  const broken = s.hosts.filter((h) => !h.ready);
  const warned = s.hosts.filter((h) => h.ready);
  if (broken.length > 0) {
    body.push(text(`**Misconfigured hosts** (${n(broken.length)}), most errors first`, { separator: true, spacing: 'Medium' }));
    body.push(...broken.slice(0, limits.hosts).map((h) => hostBlock(h, limits)));
    if (broken.length > limits.hosts) body.push(more(broken.length - limits.hosts, 'more misconfigured host'));
  }
  if (warned.length > 0) {
    const names = warned.slice(0, limits.warned).map((h) => `${md(h.host)} (${h.top.map((p) => md(p.rule)).join(', ')})`);
    body.push(
      text(`⚠️ Ready, with warnings: ${names.join(', ')}${warned.length > limits.warned ? `, and ${n(warned.length - limits.warned)} more` : ''}.`, {
        size: 'Small',
        separator: true,
        spacing: 'Medium',
      }),
    );
  }
  if (broken.length > 0) {
    for (const m of s.matrices.slice(0, limits.matrices)) body.push(...matrixBlock(m));
    const hidden = s.matrixGroups - Math.min(limits.matrices, s.matrices.length);
    if (hidden > 0 && limits.matrices > 0) body.push(more(hidden, 'more small group'));
  }
  body.push(footer(ctx, options.note ? [md(options.note, 300)] : []));
  return adaptiveCard(body, {
    actions: [submit('Full scan', { kcd: 'scan' })],
    fallbackText: fallback(s),
    fullWidth: broken.length > 0,
  });
}

/** The summary card: stays under the card budget however large the fleet or the list of changes. */
export function summaryCard(summary: FleetSummary, ctx: CardContext, options: SummaryCardOptions = {}): AdaptiveCard {
  return fitToBudget((limits) => build(summary, ctx, options, limits), LADDER);
}

// ---------------------------------------------------------------------------------------------------
// Subscription confirmations
// ---------------------------------------------------------------------------------------------------

export interface SubscriptionView {
  /** "07:30" */
  time: string;
  timeZone: string;
  /** The next post, already formatted in the subscription's zone ("Tue 3 Mar 2026, 07:30 CET"), and how far off. */
  next: string;
  nextIn: string;
  /** The last post, formatted, if any. */
  lastPosted?: string;
}

function small(card: CardElement[], ctx: CardContext, actions: ReturnType<typeof askButton>[], fallbackText: string): AdaptiveCard {
  return adaptiveCard([...card, footer(ctx)], { actions, fallbackText });
}

/** "/kcd subscribe" done: when the summary comes, and how to change or stop it. */
export function subscribedCard(view: SubscriptionView, ctx: CardContext, change: 'created' | 'updated' | 'unchanged'): AdaptiveCard {
  const what = change === 'created' ? 'This chat will get the daily summary' : change === 'updated' ? 'Daily summary moved' : 'This chat already gets the daily summary';
  return small(
    [
      text(`🗓️ ${what}`, { weight: 'Bolder', size: 'Medium', color: 'Good' }),
      {
        type: 'FactSet',
        facts: [
          { title: 'Every day at', value: `${view.time} (${view.timeZone})` },
          { title: 'Next', value: `${view.next}, ${view.nextIn}` },
        ],
      },
      text('Change the time with "/kcd subscribe HH:MM Zone/City"; stop it with "/kcd unsubscribe".', { isSubtle: true, size: 'Small' }),
    ],
    ctx,
    [askButton('/kcd summary'), askButton('/kcd unsubscribe')],
    `Daily summary at ${view.time} (${view.timeZone}); next ${view.next}`,
  );
}

/** "/kcd unsubscribe": stopped, or there was nothing to stop. */
export function unsubscribedCard(previous: { time: string; timeZone: string } | undefined, ctx: CardContext): AdaptiveCard {
  return small(
    [
      text(previous ? '🔕 Daily summary stopped' : 'ℹ️ This chat has no daily summary', { weight: 'Bolder', size: 'Medium' }),
      text(
        previous
          ? `This chat no longer gets the summary at ${md(previous.time)} (${md(previous.timeZone)}). "/kcd subscribe" starts it again.`
          : 'Nothing to stop. "/kcd subscribe" posts one here every day.',
        { size: 'Small' },
      ),
    ],
    ctx,
    previous ? [askButton('/kcd subscribe')] : [],
    previous ? 'Daily summary stopped' : 'No daily summary in this chat',
  );
}

/** "/kcd subscriptions": what this chat gets and when next. */
export function subscriptionsCard(view: SubscriptionView | undefined, ctx: CardContext): AdaptiveCard {
  if (!view) {
    return small(
      [
        text('ℹ️ This chat has no daily summary', { weight: 'Bolder', size: 'Medium' }),
        text('"/kcd subscribe" posts one here every day (default time and zone set by your admin), or "/kcd subscribe 07:30 Europe/Berlin".', { size: 'Small' }),
      ],
      ctx,
      [askButton('/kcd subscribe'), askButton('/kcd summary')],
      'No daily summary in this chat',
    );
  }
  const facts = [
    { title: 'Every day at', value: `${view.time} (${view.timeZone})` },
    { title: 'Next', value: `${view.next}, ${view.nextIn}` },
    { title: 'Last posted', value: view.lastPosted ?? 'not yet' },
  ];
  return small(
    [text('🗓️ This chat gets the daily summary', { weight: 'Bolder', size: 'Medium' }), { type: 'FactSet', facts }],
    ctx,
    [askButton('/kcd summary'), askButton('/kcd unsubscribe')],
    `Daily summary at ${view.time} (${view.timeZone}); next ${view.next}`,
  );
}
