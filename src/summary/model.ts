/**
 * The daily summary as data: what the Teams card, `kcd scan --summary` (text) and `--json` all show.
 * Built from one fleet scan, the compact form of the previous summary (for "what changed") and,
 * for migration groups small enough to read, a source × destination readiness matrix.
 */
import { checkHost, type FleetHost, type FleetReport } from '../checker';
import { CHECKS } from '../checks';
import type { Severity } from '../domain/finding';
import type { Computer } from '../domain/model';
import { describeMigrationGroup, migrationGroups, resolvedGroup, type MigrationGroup } from '../domain/migration-group';
import type { DirectorySnapshot } from '../domain/snapshot';
import { compactScan, findingKey, isProblem, type CompactScan } from './compact';
import { diffScans, type FleetDiff } from './diff';

export const SUMMARY_FORMAT = 'kcd-summary';
/** Migration groups of at most this many hosts get a readiness matrix. */
export const MATRIX_MAX_HOSTS = 12;
/** At most this many matrices are computed (cards show fewer when space is short). */
export const MAX_MATRICES = 4;
/** Top problems kept per host (one per rule). */
export const TOP_PER_HOST = 5;

export interface TopProblem {
  rule: string;
  severity: Extract<Severity, 'error' | 'warning'>;
  title: string;
  /** Findings of this rule on the host. */
  count: number;
  /** The first finding's message. */
  example: string;
}

export interface SummaryHost {
  host: string;
  ready: boolean;
  errors: number;
  warnings: number;
  peersReady: number;
  peersTotal: number;
  /** One entry per rule: errors first, then most findings, then rule id. */
  top: TopProblem[];
}

export interface ReadinessMatrix {
  /** The migration group ("contoso.com", "Cluster 0001"). */
  label: string;
  hosts: string[];
  /** ready[i][j]: can hosts[i] live-migrate to hosts[j]? null on the diagonal. */
  ready: Array<Array<boolean | null>>;
}

export interface SummaryChanges extends FleetDiff {
  /** New problems carry the message of one new finding. */
  newProblems: Array<FleetDiff['newProblems'][number] & { example?: string }>;
}

export interface FleetSummary {
  format: typeof SUMMARY_FORMAT;
  version: 1;
  directory: string;
  takenAt?: string;
  group: string;
  storage: boolean;
  totals: { hosts: number; hostsWithErrors: number; hostsWithWarnings: number; pairsExpected: number; pairsReady: number };
  /** Advice about the migration group itself (FleetReport.advice), when there is any: one sentence each. */
  advice?: string[];
  /** Hosts with errors or warnings, worst first (errors, then warnings, then name). */
  hosts: SummaryHost[];
  /** Absent for a first summary (nothing to compare with). */
  changes?: SummaryChanges;
  matrices: ReadinessMatrix[];
  /** Groups small enough for a matrix (some may be left out: at most MAX_MATRICES are computed). */
  matrixGroups: number;
}

export interface SummaryInput {
  report: FleetReport;
  /** Needed for readiness matrices; without it there are none. */
  snapshot?: DirectorySnapshot;
  directory: string;
  takenAt?: string;
  /** The previous summary of the same audience, for "what changed". */
  previous?: CompactScan;
  /** This scan in compact form, when the caller already has it (the scheduler shares one per run). */
  current?: CompactScan;
}

const RULE_TITLES = new Map(CHECKS.map((c) => [c.id, c.title]));
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function summariseHost(h: FleetHost): SummaryHost {
  const rules = new Map<string, TopProblem>();
  let errors = 0;
  let warnings = 0;
  for (const f of h.findings) {
    if (!isProblem(f)) continue;
    if (f.severity === 'error') errors++;
    else warnings++;
    const entry = rules.get(f.rule);
    if (entry) {
      entry.count++;
      if (f.severity === 'error' && entry.severity !== 'error') entry.severity = 'error';
    } else {
      rules.set(f.rule, { rule: f.rule, severity: f.severity as TopProblem['severity'], title: RULE_TITLES.get(f.rule) ?? f.rule, count: 1, example: f.message });
    }
  }
  const top = [...rules.values()]
    .sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) || b.count - a.count || cmp(a.rule, b.rule))
    .slice(0, TOP_PER_HOST);
  return { host: h.host.name, ready: h.ready, errors, warnings, peersReady: h.peersReady, peersTotal: h.peersTotal, top };
}

function groupLabel(snapshot: DirectorySnapshot, configured: MigrationGroup, members: readonly Computer[]): string {
  const first = members[0]!;
  const group = resolvedGroup(snapshot, first, configured);
  switch (group.kind) {
    case 'delegation':
      return `${first.name}'s group`;
    case 'domain':
      return first.domain;
    case 'parent-ou': {
      const parent = first.distinguishedName.slice(first.distinguishedName.search(/(?<!\\),/) + 1);
      const rdn = /^\s*[A-Za-z]+=((?:\\.|[^,\\])*)/.exec(parent);
      return rdn ? rdn[1]!.replace(/\\(.)/g, '$1') : parent;
    }
    default:
      return describeMigrationGroup(group);
  }
}

/** Readiness matrices for the groups of 2…MATRIX_MAX_HOSTS hosts: groups with a blocked direction first. */
function matrices(report: FleetReport, snapshot: DirectorySnapshot): { matrices: ReadinessMatrix[]; eligible: number } {
  const groups = new Set<readonly Computer[]>(migrationGroups(snapshot, report.group).values());
  const byHost = new Map(report.hosts.map((h) => [h.host, h]));
  const eligible = [...groups]
    .filter((members) => members.length >= 2 && members.length <= MATRIX_MAX_HOSTS)
    .map((members) => ({
      members: [...members].sort((a, b) => cmp(a.name, b.name)),
      blocked: members.some((m) => {
        const h = byHost.get(m);
        return h !== undefined && h.peersReady < h.peersTotal;
      }),
      label: groupLabel(snapshot, report.group, members),
    }))
    .sort((a, b) => Number(b.blocked) - Number(a.blocked) || cmp(a.label, b.label));
  const out = eligible.slice(0, MAX_MATRICES).map(({ members, label }): ReadinessMatrix => {
    const index = new Map(members.map((m, i) => [m, i]));
    const ready: Array<Array<boolean | null>> = members.map((_, i) => members.map((__, j) => (i === j ? null : false)));
    members.forEach((m, i) => {
      for (const p of checkHost(snapshot, m, { storage: report.storage, group: report.group }).peers) {
        const j = index.get(p.peer);
        if (j !== undefined) ready[i]![j] = p.outbound.ready;
      }
    });
    return { label, hosts: members.map((m) => m.name), ready };
  });
  return { matrices: out, eligible: eligible.length };
}

function enrichChanges(diff: FleetDiff, report: FleetReport, previous: CompactScan): SummaryChanges {
  const hosts = new Map(report.hosts.map((h) => [h.host.name, h]));
  const oldKeys = new Map(Object.entries(previous.hosts).map(([name, keys]) => [name.toLowerCase(), new Set(keys)]));
  return {
    ...diff,
    newProblems: diff.newProblems.map((c) => {
      const before = oldKeys.get(c.host.toLowerCase()) ?? new Set<string>();
      const finding = hosts.get(c.host)?.findings.find((f) => f.rule === c.rule && isProblem(f) && !before.has(findingKey(f)));
      return finding ? { ...c, example: finding.message } : c;
    }),
  };
}

/** The summary model, and this scan's compact form (what the next summary diffs against). */
export function buildSummary(input: SummaryInput): { summary: FleetSummary; compact: CompactScan } {
  const { report } = input;
  const compact = input.current ?? compactScan(report, { directory: input.directory, takenAt: input.takenAt });
  const hosts = report.hosts
    .filter((h) => h.findings.some(isProblem))
    .map(summariseHost)
    .sort((a, b) => b.errors - a.errors || b.warnings - a.warnings || cmp(a.host, b.host));
  const m = input.snapshot ? matrices(report, input.snapshot) : { matrices: [], eligible: 0 };
  const t = report.totals;
  const summary: FleetSummary = {
    format: SUMMARY_FORMAT,
    version: 1,
    directory: input.directory,
    ...(input.takenAt ? { takenAt: input.takenAt } : {}),
    group: describeMigrationGroup(report.group),
    storage: report.storage,
    totals: {
      hosts: t.hosts,
      hostsWithErrors: t.hostsWithErrors,
      hostsWithWarnings: hosts.filter((h) => h.errors === 0 && h.warnings > 0).length,
      pairsExpected: t.pairsExpected,
      pairsReady: t.pairsReady,
    },
    ...(report.advice ? { advice: report.advice.map((a) => a.message) } : {}),
    hosts,
    ...(input.previous ? { changes: enrichChanges(diffScans(input.previous, compact), report, input.previous) } : {}),
    matrices: m.matrices,
    matrixGroups: m.eligible,
  };
  return { summary, compact };
}
