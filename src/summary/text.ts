/**
 * The summary as plain text, for cron and mail (`kcd scan --summary`): the same content as the card —
 * totals, misconfigured hosts with their top rule ids, what changed, readiness matrices.
 */
import { isEmptyDiff } from './diff';
import type { FleetSummary, ReadinessMatrix, SummaryChanges } from './model';

const n = (x: number) => x.toLocaleString('en-US');
/** "2026-03-02T06:00:00.000Z" → "2026-03-02 06:00 UTC" (as the card's footer shows it). */
function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}
const plural = (x: number, word: string) => `${n(x)} ${x === 1 ? word : `${word}s`}`;

export interface SummaryTextOptions {
  /** Hosts listed in full; the rest are counted (default: all). */
  maxHosts?: number;
  /** Lines per kind of change (default: all). */
  maxChanges?: number;
}

function list<T>(items: readonly T[], max: number, line: (item: T) => string, more: (rest: number) => string): string[] {
  const out = items.slice(0, max).map(line);
  if (items.length > max) out.push(more(items.length - max));
  return out;
}

function changesText(c: SummaryChanges, max: number): string[] {
  const since = c.since ? ` (data read ${when(c.since)})` : '';
  if (isEmptyDiff(c)) return [`No changes since the previous summary${since}.`];
  const out = [`Changes since the previous summary${since}:`];
  const section = <T>(title: string, items: readonly T[], line: (item: T) => string) => {
    if (items.length === 0) return;
    out.push(`  ${title} (${n(items.length)}):`);
    out.push(...list(items, max, (i) => `    ${line(i)}`, (rest) => `    … and ${n(rest)} more`));
  };
  section('New problems', c.newProblems, (p) => `${p.host}  ${p.rule}${p.count > 1 ? ` ×${p.count}` : ''}${p.example ? `  ${p.example}` : ''}`);
  section('Fixed', c.fixed, (p) => `${p.host}  ${p.rule}${p.count > 1 ? ` ×${p.count}` : ''}`);
  section('Hosts added', c.hostsAdded, (h) => `${h.host}  ${h.ready ? 'ready' : 'NOT READY'}`);
  section('Hosts gone', c.hostsGone, (h) => h);
  section('Now ready', c.nowReady, (h) => h);
  section('No longer ready', c.nowNotReady, (h) => h);
  return out;
}

function matrixText(m: ReadinessMatrix): string[] {
  const width = Math.max(...m.hosts.map((h) => h.length));
  const cols = m.hosts.map((_, j) => String(j + 1).padStart(3));
  const out = [`Readiness matrix, ${m.label} (row = source, column = destination; Y ready, x blocked):`, `  ${''.padEnd(width + 4)}${cols.join('')}`];
  m.hosts.forEach((h, i) => {
    const cells = m.ready[i]!.map((r) => (r === null ? '  -' : r ? '  Y' : '  x')).join('');
    out.push(`  ${String(i + 1).padStart(2)}. ${h.padEnd(width)}${cells}`);
  });
  return out;
}

export function summaryText(s: FleetSummary, options: SummaryTextOptions = {}): string {
  const maxHosts = options.maxHosts ?? Infinity;
  const maxChanges = options.maxChanges ?? Infinity;
  const t = s.totals;
  const taken = s.takenAt ? ` · read ${when(s.takenAt)}` : '';
  const out = [
    `kcd summary · directory: ${s.directory}${taken}`,
    t.hostsWithErrors === 0
      ? `All ${plural(t.hosts, 'Hyper-V host')} ready.`
      : `${n(t.hostsWithErrors)} of ${plural(t.hosts, 'Hyper-V host')} not ready.`,
    `Hyper-V hosts: ${n(t.hosts)} · hosts with errors: ${n(t.hostsWithErrors)} · migration directions ready: ${n(t.pairsReady)} of ${n(t.pairsExpected)}`,
    `(${s.group}, ${s.storage ? 'with storage (cifs)' : 'VM only'})`,
    ...(s.advice ?? []).flatMap((a) => ['', `Advice: ${a}`]),
  ];
  if (s.changes) out.push('', ...changesText(s.changes, maxChanges));
  else out.push('', 'First summary: changes are shown from the next one on.');
  const broken = s.hosts.filter((h) => !h.ready);
  const warned = s.hosts.filter((h) => h.ready);
  if (broken.length > 0) {
    out.push('', `Misconfigured hosts (${n(broken.length)}):`);
    const width = Math.min(20, Math.max(...broken.map((h) => h.host.length)));
    out.push(
      ...list(
        broken,
        maxHosts,
        (h) =>
          `  ${h.host.padEnd(width)}  ${plural(h.errors, 'error').padStart(10)}  can migrate to ${n(h.peersReady)} of ${n(h.peersTotal)}  ${h.top.map((p) => p.rule).join(', ')}`,
        (rest) => `  … and ${plural(rest, 'more host')}`,
      ),
    );
  }
  if (warned.length > 0) {
    out.push('', `Ready, with warnings (${n(warned.length)}):`);
    out.push(...list(warned, maxHosts, (h) => `  ${h.host}  ${h.top.map((p) => p.rule).join(', ')}`, (rest) => `  … and ${plural(rest, 'more host')}`));
  }
  for (const m of s.matrices) out.push('', ...matrixText(m));
  if (s.matrixGroups > s.matrices.length) out.push(`(${plural(s.matrixGroups - s.matrices.length, 'more small group')} not shown.)`);
  if (broken.length > 0) out.push('', 'Run `kcd host <name>` for a host\'s findings and the PowerShell that fixes them.');
  return out.join('\n');
}
