/**
 * What is kept of a fleet scan for tomorrow's diff: per host, a set of short finding keys, never whole
 * reports. A 5,000-host fleet is a few hundred KB; identical fleet states produce identical JSON (hosts
 * and keys are sorted), so the store can share one file between conversations (content addressed).
 */
import { createHash } from 'node:crypto';
import type { FleetReport } from '../checker';
import type { Finding } from '../domain/finding';
import { COMPACT_SCAN_FORMAT, type CompactScan } from '../store/compact-scan';

export { COMPACT_SCAN_FORMAT, compactScanSchema, type CompactScan } from '../store/compact-scan';

/**
 * A finding's identity across scans: "KCD001:3f9a0c12" = the rule, and 8 hex digits of a hash of its
 * subject and facts (the missing SPN, the peer…). The rule stays readable for "fixed" lines.
 */
export function findingKey(f: Pick<Finding, 'rule' | 'subject' | 'data'>): string {
  const digest = createHash('sha1').update(`${f.subject.toLowerCase()}|${JSON.stringify(f.data)}`).digest('hex').slice(0, 8);
  return `${f.rule}:${digest}`;
}

/** "KCD001:3f9a0c12" → "KCD001". */
export function ruleOfKey(key: string): string {
  const colon = key.indexOf(':');
  return colon === -1 ? key : key.slice(0, colon);
}

/** Errors and warnings count as problems; notes (info) never appear in a summary or its diff. */
export function isProblem(f: Finding): boolean {
  return f.severity === 'error' || f.severity === 'warning';
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function compactScan(report: FleetReport, source: { directory: string; takenAt?: string }): CompactScan {
  const hosts: Record<string, string[]> = {};
  const sorted = [...report.hosts].sort((a, b) => byName(a.host.name, b.host.name));
  for (const h of sorted) hosts[h.host.name] = [...new Set(h.findings.filter(isProblem).map(findingKey))].sort();
  const t = report.totals;
  return {
    format: COMPACT_SCAN_FORMAT,
    version: 1,
    directory: source.directory,
    ...(source.takenAt ? { takenAt: source.takenAt } : {}),
    totals: { hosts: t.hosts, hostsWithErrors: t.hostsWithErrors, pairsExpected: t.pairsExpected, pairsReady: t.pairsReady },
    hosts,
    notReady: sorted.filter((h) => !h.ready).map((h) => h.host.name),
  };
}

/** A stable id for the scan's content (the store names its file after it). */
export function scanId(scan: CompactScan): string {
  return createHash('sha256').update(JSON.stringify(scan)).digest('hex').slice(0, 20);
}
