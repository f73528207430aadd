/**
 * What changed between two summaries of the same fleet: problems that appeared or were fixed on hosts
 * present both times (grouped by host and rule, with counts), hosts added or gone, hosts that became
 * ready or stopped being ready. Pure; host names compare case-insensitively.
 */
import { ruleOfKey, type CompactScan } from './compact';

export interface HostRuleChange {
  host: string;
  rule: string;
  /** How many findings of this rule appeared (or disappeared) on this host. */
  count: number;
}

export interface FleetDiff {
  /** When the previous summary's data was read. */
  since?: string;
  newProblems: HostRuleChange[];
  fixed: HostRuleChange[];
  /** Hosts in this scan only, with whether they are ready. */
  hostsAdded: Array<{ host: string; ready: boolean; problems: number }>;
  hostsGone: string[];
  /** Present both times: not ready before, ready now; and the reverse. */
  nowReady: string[];
  nowNotReady: string[];
}

export function isEmptyDiff(d: FleetDiff): boolean {
  return d.newProblems.length + d.fixed.length + d.hostsAdded.length + d.hostsGone.length + d.nowReady.length + d.nowNotReady.length === 0;
}

function byRule(keys: Iterable<string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const k of keys) out.set(ruleOfKey(k), (out.get(ruleOfKey(k)) ?? 0) + 1);
  return out;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function changes(host: string, keys: string[]): HostRuleChange[] {
  return [...byRule(keys).entries()].map(([rule, count]) => ({ host, rule, count })).sort((a, b) => cmp(a.rule, b.rule));
}

export function diffScans(previous: CompactScan, current: CompactScan): FleetDiff {
  const before = new Map(Object.entries(previous.hosts).map(([name, keys]) => [name.toLowerCase(), { name, keys }]));
  const wasNotReady = new Set(previous.notReady.map((n) => n.toLowerCase()));
  const isNotReady = new Set(current.notReady.map((n) => n.toLowerCase()));
  const diff: FleetDiff = {
    ...(previous.takenAt ? { since: previous.takenAt } : {}),
    newProblems: [],
    fixed: [],
    hostsAdded: [],
    hostsGone: [],
    nowReady: [],
    nowNotReady: [],
  };
  const seen = new Set<string>();
  for (const [name, keys] of Object.entries(current.hosts).sort(([a], [b]) => cmp(a, b))) {
    const lower = name.toLowerCase();
    seen.add(lower);
    const old = before.get(lower);
    if (!old) {
      diff.hostsAdded.push({ host: name, ready: !isNotReady.has(lower), problems: keys.length });
      continue;
    }
    const oldKeys = new Set(old.keys);
    const newKeys = new Set(keys);
    diff.newProblems.push(...changes(name, keys.filter((k) => !oldKeys.has(k))));
    diff.fixed.push(...changes(name, old.keys.filter((k) => !newKeys.has(k))));
    if (wasNotReady.has(lower) && !isNotReady.has(lower)) diff.nowReady.push(name);
    if (!wasNotReady.has(lower) && isNotReady.has(lower)) diff.nowNotReady.push(name);
  }
  for (const [lower, old] of [...before.entries()].sort(([a], [b]) => cmp(a, b))) if (!seen.has(lower)) diff.hostsGone.push(old.name);
  return diff;
}
