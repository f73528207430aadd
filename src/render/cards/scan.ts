/** The fleet: totals, the most common problems and the worst hosts; summarised however large the fleet. */
import type { FleetHost, FleetReport } from '../../checker';
import { describeMigrationGroup } from '../../domain/migration-group';
import { adaptiveCard, container, fitToBudget, footer, plural, recheck, ruleTitle, submit, text } from './common';
import { md } from './markdown';
import type { AdaptiveCard, CardContext, CardElement } from './types';

interface ScanLimits {
  worstHosts: number;
  topRules: number;
  rulesPerHost: number;
}

const LADDER: readonly ScanLimits[] = [
  { worstHosts: 15, topRules: 8, rulesPerHost: 4 },
  { worstHosts: 10, topRules: 6, rulesPerHost: 3 },
  { worstHosts: 5, topRules: 4, rulesPerHost: 2 },
];

interface HostSummary {
  host: FleetHost;
  errors: number;
  warnings: number;
  /** Rule ids of errors and warnings, most frequent first. */
  rules: string[];
}

function summarise(h: FleetHost): HostSummary {
  const byRule = new Map<string, number>();
  let errors = 0;
  let warnings = 0;
  for (const f of h.findings) {
    if (f.severity === 'error') errors++;
    else if (f.severity === 'warning') warnings++;
    else continue;
    byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
  }
  const rules = [...byRule.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([r]) => r);
  return { host: h, errors, warnings, rules };
}

/** Hosts with errors, most errors first (then warnings, then name). */
export function worstHosts(report: FleetReport): HostSummary[] {
  return report.hosts
    .filter((h) => !h.ready)
    .map(summarise)
    .sort((a, b) => b.errors - a.errors || b.warnings - a.warnings || (a.host.host.name < b.host.host.name ? -1 : 1));
}

/** Per rule: findings and distinct hosts, most findings first. */
function ruleStats(report: FleetReport): Array<{ rule: string; findings: number; hosts: number }> {
  const hosts = new Map<string, number>();
  for (const h of report.hosts) for (const rule of new Set(h.findings.map((f) => f.rule))) hosts.set(rule, (hosts.get(rule) ?? 0) + 1);
  return Object.entries(report.totals.byRule)
    .map(([rule, findings]) => ({ rule, findings, hosts: hosts.get(rule) ?? 0 }))
    .sort((a, b) => b.findings - a.findings || (a.rule < b.rule ? -1 : 1));
}

function cell(items: CardElement[]): CardElement {
  return { type: 'TableCell', items };
}

/**
 * A table whose short columns (rule ids, counts) have fixed pixel widths, so that at the narrow card width of
 * Teams and the Playground "KCD002" and "Findings" never wrap mid-word; the text columns share the rest.
 */
function table(widths: Array<number | `${number}px`>, header: string[], rows: CardElement[][][]): CardElement {
  return {
    type: 'Table',
    columns: widths.map((width) => ({ width })),
    rows: [
      { type: 'TableRow', style: 'emphasis', cells: header.map((h) => cell([text(`**${h}**`)])) },
      ...rows.map((cells) => ({ type: 'TableRow', cells: cells.map(cell) })),
    ],
    showGridLines: true,
    spacing: 'Small',
  };
}

function build(report: FleetReport, ctx: CardContext, limits: ScanLimits): AdaptiveCard {
  const t = report.totals;
  const allReady = t.hostsWithErrors === 0;
  const n = (x: number) => x.toLocaleString('en-US');
  const body: CardElement[] = [
    container(
      [
        text(allReady ? `✅ All ${plural(t.hosts, 'Hyper-V host')} ready` : `❌ ${n(t.hostsWithErrors)} of ${plural(t.hosts, 'Hyper-V host')} not ready`, {
          size: 'Large',
          weight: 'Bolder',
          color: allReady ? 'Good' : 'Attention',
        }),
        text(`${md(describeMigrationGroup(report.group), 300)} · ${report.storage ? 'with storage (cifs)' : 'VM only'}`, {
          isSubtle: true,
          size: 'Small',
          spacing: 'Small',
        }),
      ],
      { style: allReady ? 'good' : 'attention', bleed: true },
    ),
    {
      type: 'FactSet',
      facts: [
        { title: 'Hyper-V hosts', value: n(t.hosts) },
        { title: 'Hosts with errors', value: n(t.hostsWithErrors) },
        { title: 'Migration directions ready', value: `${n(t.pairsReady)} of ${n(t.pairsExpected)}` },
        { title: 'Findings', value: `${n(t.errors)} errors, ${n(t.warnings)} warnings, ${n(t.infos)} notes` },
      ],
    },
  ];
  // Advice about the migration group: a few per report at most (one per domain), each a sentence.
  for (const a of (report.advice ?? []).slice(0, 3)) {
    body.push(container([text(`💡 ${md(a.message, 600)}`, { size: 'Small' })], { style: 'warning', spacing: 'Medium' }));
  }
  const rules = ruleStats(report);
  if (rules.length > 0) {
    body.push(text('**Most common problems**', { separator: true, spacing: 'Medium' }));
    body.push(
      table(
        ['76px', 1, '84px', '64px'],
        ['Rule', 'Problem', 'Findings', 'Hosts'],
        rules.slice(0, limits.topRules).map((r) => [[text(md(r.rule))], [text(md(ruleTitle(r.rule)))], [text(n(r.findings))], [text(n(r.hosts))]]),
      ),
    );
    if (rules.length > limits.topRules) {
      body.push(text(`… and ${plural(rules.length - limits.topRules, 'more rule')}.`, { isSubtle: true, spacing: 'Small' }));
    }
  }
  const worst = worstHosts(report);
  if (worst.length > 0) {
    body.push(text('**Hosts with the most errors**', { separator: true, spacing: 'Medium' }));
    body.push(
      table(
        [3, '64px', 2, 3],
        ['Host', 'Errors', 'Can migrate to', 'Top rules'],
        worst.slice(0, limits.worstHosts).map((w) => [
          [text(md(w.host.host.name))],
          [text(n(w.errors), { color: 'Attention' })],
          [text(`${n(w.host.peersReady)} of ${n(w.host.peersTotal)}`)],
          [text(w.rules.slice(0, limits.rulesPerHost).map((r) => md(r)).join(', '))],
        ]),
      ),
    );
    if (worst.length > limits.worstHosts) {
      body.push(text(`… and ${plural(worst.length - limits.worstHosts, 'more host')} with errors.`, { isSubtle: true, spacing: 'Small' }));
    }
    body.push(text(`Ask "/kcd check ${md('<host>')}" for a host's findings and the PowerShell that fixes them.`, { isSubtle: true, size: 'Small' }));
  }
  body.push(footer(ctx));
  return adaptiveCard(body, {
    actions: [
      recheck('Scan again', { kcd: 'scan' }),
      ...worst.slice(0, 3).map((w) => submit(`Check ${w.host.host.name}`, { kcd: 'check', host: w.host.host.name })),
    ],
    fallbackText: `${t.hosts} Hyper-V hosts, ${t.hostsWithErrors} with errors; ${t.pairsReady} of ${t.pairsExpected} migration directions ready`,
    fullWidth: true,
  });
}

/** The card for a scan: constant size in the number of hosts (top rules and worst hosts only). */
export function scanCard(report: FleetReport, ctx: CardContext): AdaptiveCard {
  return fitToBudget((limits) => build(report, ctx, limits), LADDER);
}
