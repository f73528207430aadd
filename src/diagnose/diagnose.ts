/**
 * A diagnosis of a pasted failure: the facts of the paste (extract.ts), the pair check for the hosts it names,
 * and for every code and event what it means, which of the pair's findings explain it ("AD explains it:
 * KCD001, KCD004") or, when none does, what outside AD causes it and what to try next. A code kcd does not
 * know is named as unknown, never dropped. Pure: a snapshot in, a Diagnosis out.
 */
import { checkHost, checkPair, type HostReport, type PairReport } from '../checker';
import type { Finding } from '../domain/finding';
import type { MigrationGroup } from '../domain/migration-group';
import { UnknownHostError } from '../domain/errors';
import type { Computer } from '../domain/model';
import { resolveHost } from '../domain/names';
import type { DirectorySnapshot } from '../domain/snapshot';
import { extractFacts, type PasteFacts } from './extract';
import { knownCode, knownEvent, type KnownCause } from './knowledge';

export interface Cause {
  code?: string;
  event?: number;
  /** False for a code or event kcd has no entry for. */
  known: boolean;
  meaning: string;
  /** Rule ids among the pair's findings that explain it (empty: AD does not explain it, or no pair was checked). */
  explainedBy: string[];
  /** What else causes it, with the next thing to try (shown when AD does not explain it). */
  notInAd: string[];
}

export interface UnknownName {
  role: 'source' | 'destination' | 'file server' | 'host';
  name: string;
  suggestions: string[];
}

export interface Diagnosis {
  facts: PasteFacts;
  /** The pair checked, when both hosts were named and found. */
  report?: PairReport;
  /**
   * When the paste names one host and no pair (an event such as 14050 about the host it was logged on, or only
   * a source or only a destination): that host checked against its migration group.
   */
  hostReport?: HostReport;
  causes: Cause[];
  /** Names the paste gives that the directory does not know (with "did you mean"). */
  unknown: UnknownName[];
  /** What is missing for a pair check (no source, no destination), in words; empty when it ran. */
  missing: string[];
}

function resolve(snapshot: DirectorySnapshot, name: string, role: UnknownName['role'], unknown: UnknownName[]): Computer | undefined {
  try {
    return resolveHost(snapshot, name);
  } catch (error) {
    if (!(error instanceof UnknownHostError)) throw error;
    unknown.push({ role, name, suggestions: error.suggestions });
    return undefined;
  }
}

function cause(entry: KnownCause | undefined, id: { code: string } | { event: number }, findings: readonly Finding[]): Cause {
  if (!entry) {
    const what = 'code' in id ? `error code ${id.code}` : `event ${id.event}`;
    return { ...id, known: false, meaning: `kcd does not know ${what}: look it up with the text that came with it.`, explainedBy: [], notInAd: [] };
  }
  const found = new Set(findings.filter((f) => f.severity !== 'info').map((f) => f.rule));
  return { ...id, known: true, meaning: entry.meaning, explainedBy: entry.rules.filter((r) => found.has(r)), notInAd: [...entry.notInAd] };
}

export interface DiagnoseOptions {
  /** The migration group a host named alone is checked in (KCD_MIGRATION_GROUP); default: its domain. */
  group?: MigrationGroup;
}

export function diagnose(snapshot: DirectorySnapshot, paste: string, options: DiagnoseOptions = {}): Diagnosis {
  const facts = extractFacts(paste);
  const unknown: UnknownName[] = [];
  const source = facts.source ? resolve(snapshot, facts.source, 'source', unknown) : undefined;
  const dest = facts.destination ? resolve(snapshot, facts.destination, 'destination', unknown) : undefined;
  const fileServers = facts.fileServers.map((f) => resolve(snapshot, f, 'file server', unknown)).filter((c): c is Computer => c !== undefined);
  const named = facts.hosts.map((h) => resolve(snapshot, h, 'host', unknown)).filter((c): c is Computer => c !== undefined);
  const missing: string[] = [];
  if (!facts.source) missing.push('the source host (the paste does not say where the move started)');
  if (!facts.destination) missing.push('the destination host');
  const report = source && dest ? checkPair(snapshot, source, dest, { storage: facts.storage, fileServers }) : undefined;
  // One host and no pair: what AD says about that host is what can explain the paste.
  const alone = report ? [] : [...new Set([...(source ? [source] : []), ...(dest ? [dest] : []), ...named])];
  // A move's paste says whether it moved storage; a host named only by an event gets kcd host's default (storage on).
  const storage = source || dest ? facts.storage : undefined;
  const hostReport = alone.length === 1 ? checkHost(snapshot, alone[0]!, { storage, group: options.group }) : undefined;
  // A host report covers the host's peers too: only the findings about the host itself explain what it logged.
  const findings = report?.findings ?? hostReport?.findings.filter((f) => f.subject === hostReport.host.name) ?? [];
  const causes = [
    ...facts.codes.map((code) => cause(knownCode(code), { code }, findings)),
    ...facts.events.map((event) => cause(knownEvent(event), { event }, findings)),
  ];
  return { facts, ...(report ? { report } : {}), ...(hostReport ? { hostReport } : {}), causes, unknown, missing };
}
