/** Building blocks shared by the card builders: text, code blocks, footer, buttons, size budget. */
import { CHECKS } from '../../checks';
import type { Finding, Severity } from '../../domain/finding';
import { renderFix, renderFixScript } from '../../fixes/powershell';
import { clip, escapeMarkdown, md, oneLine } from './markdown';
import type { AdaptiveCard, CardAction, CardActionData, CardContext, CardElement } from './types';

export const CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
/** The hard limit every builder stays under (Teams accepts bot messages up to about 100 KB). */
export const MAX_CARD_BYTES = 80 * 1024;
/** What builders aim for: large inputs are summarised until the card fits. */
export const CARD_BUDGET_BYTES = 40 * 1024;

/** Bytes of the card's JSON (UTF-8), as it goes over the wire. */
export function cardSize(card: unknown): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

export function adaptiveCard(
  body: CardElement[],
  options: { actions?: CardAction[]; fallbackText?: string; fullWidth?: boolean } = {},
): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: CARD_SCHEMA,
    version: '1.5',
    ...(options.fallbackText ? { fallbackText: clip(oneLine(options.fallbackText), 500) } : {}),
    body,
    ...(options.actions && options.actions.length > 0 ? { actions: options.actions } : {}),
    ...(options.fullWidth ? { msteams: { width: 'Full' as const } } : {}),
  };
}

export interface TextOptions {
  size?: 'Small' | 'Default' | 'Medium' | 'Large' | 'ExtraLarge';
  weight?: 'Lighter' | 'Default' | 'Bolder';
  color?: 'Default' | 'Dark' | 'Light' | 'Accent' | 'Good' | 'Warning' | 'Attention';
  isSubtle?: boolean;
  spacing?: 'None' | 'Small' | 'Default' | 'Medium' | 'Large' | 'ExtraLarge' | 'Padding';
  separator?: boolean;
  fontType?: 'Default' | 'Monospace';
  maxLines?: number;
}

/**
 * A wrapping TextBlock. `markdown` is card text already made safe: our own words, with every untrusted
 * value passed through md(). Use plain() for text that must show exactly as given.
 */
export function text(markdown: string, options: TextOptions = {}): CardElement {
  return { type: 'TextBlock', text: markdown, wrap: true, ...options };
}

/** A wrapping TextBlock showing `value` literally (all markdown escaped). */
export function plain(value: string, options: TextOptions = {}): CardElement {
  return text(escapeMarkdown(value), options);
}

export function container(items: CardElement[], options: Record<string, unknown> = {}): CardElement {
  return { type: 'Container', items, ...options };
}

/**
 * Code (PowerShell) as a monospace block: one TextBlock per line, because a TextBlock's markdown joins
 * single newlines. Leading indentation becomes no-break spaces (markdown strips spaces; PowerShell reads
 * U+00A0 as whitespace). Text is escaped, so names from AD stay literal.
 */
export function codeBlock(code: string): CardElement {
  const lines = code.replace(/\r\n?/g, '\n').split('\n');
  return container(
    lines.map((line) => {
      const indent = /^ */.exec(line)![0].length;
      const shown = line.trim() === '' ? '\u00a0' : '\u00a0'.repeat(indent) + escapeMarkdown(line.slice(indent));
      return text(shown, { fontType: 'Monospace', spacing: 'None', size: 'Small' });
    }),
    { style: 'emphasis', spacing: 'Small' },
  );
}

/** "2026-01-01T12:03:09Z" → "2026-01-01 12:03 UTC"; undefined when not a date. */
export function formatTakenAt(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return undefined;
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

/**
 * "Data: demo directory · read 2026-01-01 12:03 UTC" plus any extra lines, small and subtle; "read just now,
 * not from the cache" when the asker bypassed the cache and the read succeeded (a failed one shows as stale).
 */
export function footer(ctx: CardContext, extra: string[] = []): CardElement {
  const when = formatTakenAt(ctx.takenAt);
  const fresh = ctx.fresh && !ctx.stale;
  const read = fresh ? ` · read just now${when ? ` (${when})` : ''}, not from the cache` : when ? ` · read ${when}` : '';
  const source = `Data: ${md(ctx.directoryLabel, 120)}${read}`;
  const lines = [source, ...extra].map((line, i) => text(line, { size: 'Small', isSubtle: true, spacing: i === 0 ? 'Default' : 'None' }));
  if (ctx.stale) {
    const age = Math.max(0, Math.round(ctx.stale.ageMinutes));
    const reason = ctx.stale.reason ? ` (${md(ctx.stale.reason, 200)})` : '';
    lines.unshift(
      text(`⚠️ AD unreachable — answer from the last good read, ${age} minute${age === 1 ? '' : 's'} old${reason}.`, {
        size: 'Small',
        weight: 'Bolder',
        color: 'Warning',
        spacing: 'Default',
      }),
    );
  }
  return container(lines, { separator: true, spacing: 'Medium' });
}

export function submit(title: string, data: CardActionData): CardAction {
  return { type: 'Action.Submit', title: clip(title, 60), data };
}

/**
 * Universal Actions "Re-check": Action.Execute (verb `recheck`), so the bot can answer with the updated
 * card in place; clients without Universal Actions use the equivalent Action.Submit fallback.
 */
export function recheck(title: string, data: CardActionData): CardAction {
  return { type: 'Action.Execute', title, verb: 'recheck', data, fallback: submit(title, data) };
}

/** "Request fix" (Action.Execute: the card is updated in place with the request's state; the approval card follows). */
export function requestFixAction(token: string): CardAction {
  return { type: 'Action.Execute', title: 'Request fix', verb: 'apply-request', data: { kcd: 'apply', step: 'request', token } };
}

/** The fix-request line and button of a not-ready card, as the context says. */
export function fixRequestParts(ready: boolean, ctx: CardContext): { notes: CardElement[]; actions: CardAction[] } {
  if (ready) return { notes: [], actions: [] };
  const notes = ctx.fixNote ? [text(md(ctx.fixNote, 400), { weight: 'Bolder', color: 'Accent', spacing: 'Medium' })] : [];
  return { notes, actions: !ctx.fixNote && ctx.requestFix ? [requestFixAction(ctx.requestFix)] : [] };
}

export const SEVERITY_LABEL: Record<Severity, string> = { error: 'Error', warning: 'Warning', info: 'Note' };
export const SEVERITY_COLOR: Record<Severity, TextOptions['color']> = { error: 'Attention', warning: 'Warning', info: 'Accent' };
const SEVERITY_ICON: Record<Severity, string> = { error: '❌', warning: '⚠️', info: 'ℹ️' };

const RULE_TITLES = new Map(CHECKS.map((c) => [c.id, c.title]));

export function ruleTitle(rule: string): string {
  return RULE_TITLES.get(rule) ?? rule;
}

export interface FindingGroup {
  rule: string;
  severity: Severity;
  findings: Finding[];
}

/** Findings by rule, in the checker's order (errors first, then by rule id). */
export function groupByRule(findings: readonly Finding[]): FindingGroup[] {
  const groups = new Map<string, FindingGroup>();
  for (const f of findings) {
    const g = groups.get(f.rule);
    if (g) g.findings.push(f);
    else groups.set(f.rule, { rule: f.rule, severity: f.severity, findings: [f] });
  }
  return [...groups.values()];
}

export interface FindingListOptions {
  /** Findings shown per rule; the rest are counted ("… and K more"). */
  perRule: number;
  /** Rules shown at all; the rest are counted. */
  maxRules?: number;
  /** The PowerShell of each shown finding. */
  withFix: boolean;
  /** "Why" only with a rule's first finding (long lists), instead of with each one that differs. */
  whyOnce?: boolean;
  /** Where the complete list is, for "… and K more" lines. */
  moreHint?: string;
}

function findingItems(f: Finding, showWhy: boolean, withFix: boolean): CardElement[] {
  const items = [text(md(f.message, 600), { spacing: 'Small' })];
  if (showWhy) items.push(text(`Why: ${md(f.why, 1200)}`, { isSubtle: true, spacing: 'None', size: 'Small' }));
  if (withFix && f.fix) items.push(codeBlock(renderFix(f.fix)));
  return items;
}

/** Findings grouped by rule: a header per rule (severity, id, title), then what, why and the PowerShell. */
export function findingList(findings: readonly Finding[], options: FindingListOptions): CardElement[] {
  const groups = groupByRule(findings);
  const shownGroups = groups.slice(0, options.maxRules ?? groups.length);
  const out: CardElement[] = shownGroups.map((g) => {
    const items: CardElement[] = [
      text(`${SEVERITY_ICON[g.severity]} **${md(g.rule)}** · ${SEVERITY_LABEL[g.severity]} · ${md(ruleTitle(g.rule))}`, {
        color: SEVERITY_COLOR[g.severity],
        weight: 'Bolder',
      }),
    ];
    let lastWhy: string | undefined;
    g.findings.slice(0, options.perRule).forEach((f, i) => {
      const showWhy = options.whyOnce ? i === 0 : f.why !== lastWhy;
      lastWhy = f.why;
      items.push(...findingItems(f, showWhy, options.withFix));
    });
    const more = g.findings.length - options.perRule;
    if (more > 0) {
      items.push(text(`… and ${more} more ${md(g.rule)} finding${more === 1 ? '' : 's'}${options.moreHint ? ` (${options.moreHint})` : ''}.`, { isSubtle: true, spacing: 'Small' }));
    }
    return container(items, { separator: true, spacing: 'Medium' });
  });
  const hidden = groups.slice(shownGroups.length);
  if (hidden.length > 0) {
    const n = hidden.reduce((sum, g) => sum + g.findings.length, 0);
    out.push(
      text(`… and ${n} more finding${n === 1 ? '' : 's'} under ${hidden.map((g) => md(g.rule)).join(', ')}${options.moreHint ? ` (${options.moreHint})` : ''}.`, {
        isSubtle: true,
        separator: true,
      }),
    );
  }
  return out;
}

/**
 * The "All fixes" script (renderFixScript). When it is longer than `maxLines`, the script for the
 * longest prefix of fixable findings that fits (searched among the first 4 × maxLines) is shown
 * instead: always a complete, runnable script, never one cut mid-statement, with a comment saying
 * what it leaves out and where the full script is.
 */
export function fixScriptBlock(
  findings: readonly Finding[],
  options: { purgeOn?: readonly string[]; maxLines: number; fullScriptHint: string },
): CardElement[] {
  const fixable = findings.filter((f) => f.fix);
  if (fixable.length === 0) return [];
  const render = (subset: readonly Finding[]) => renderFixScript(subset, { purgeOn: options.purgeOn });
  const lineCount = (s: string) => s.split('\n').length;
  // Every fix adds at least one line unless it repeats another, so far more fixes than lines cannot fit;
  // rendering them all would also be slow (the script merges values one by one).
  const searchLimit = options.maxLines * 4;
  let script = fixable.length <= searchLimit ? render(fixable) : undefined;
  if (script === undefined || lineCount(script) > options.maxLines) {
    let lo = 0;
    let hi = Math.min(fixable.length, searchLimit);
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (lineCount(render(fixable.slice(0, mid))) <= options.maxLines - 1) lo = mid;
      else hi = mid - 1;
    }
    script = [
      `# Too long for a card: this covers ${lo} of ${fixable.length.toLocaleString('en-US')} fixes. The full script: ${oneLine(options.fullScriptHint)}`,
      ...(lo > 0 ? [render(fixable.slice(0, lo))] : []),
    ].join('\n');
  }
  return [
    text('**All fixes** (PowerShell with the ActiveDirectory module, as an account that may edit these computer objects)', {
      separator: true,
      spacing: 'Medium',
    }),
    codeBlock(script),
  ];
}

/**
 * Builds the card with each set of limits in turn and returns the first that fits the budget. The last
 * entry of the ladder must be small enough to always fit; if even it does not, its card is returned
 * (builders clip every string, so this only happens with a broken ladder, and tests guard it).
 */
export function fitToBudget<L>(build: (limits: L) => AdaptiveCard, ladder: readonly L[], budget = CARD_BUDGET_BYTES): AdaptiveCard {
  let card: AdaptiveCard | undefined;
  for (const limits of ladder) {
    card = build(limits);
    if (cardSize(card) <= budget) return card;
  }
  return card!;
}

/** "1 host" / "3 hosts". */
export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? word : pluralWord}`;
}
