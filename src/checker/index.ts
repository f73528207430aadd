/**
 * The shared delegation checker: pure functions from a DirectorySnapshot to reports. No I/O, no logging,
 * deterministic order. The bot, the CLI and the daily job are front ends to these three questions.
 */
import { CHECKS, type Check, type HostRole } from '../checks';
import { hasErrors, SEVERITY_ORDER, type Finding } from '../domain/finding';

export { hasErrors } from '../domain/finding';
import type { Computer, User } from '../domain/model';
import { migrationGroups, migrationPeers, resolvedFleetGroup, resolvedGroup, type MigrationGroup } from '../domain/migration-group';
import { groupAdvice, type FleetAdvice } from '../domain/group-advice';
import type { DirectorySnapshot } from '../domain/snapshot';
import { InputError } from '../domain/errors';
import { PairScreen } from '../checks/pair-screen';
import { countKnown, COUNTED_READY, knownDest, NOT_COUNTED, type MemberFacts, type MemberNeeds } from './fleet-counting';
import { hostSurelyClean } from '../checks/host-screen';
import { PairFindingSummariser, type Dropped } from './fleet-summariser';

type PairCheck = Extract<Check, { scope: 'pair' }>;
type HostCheck = Extract<Check, { scope: 'host' }>;
type UserCheck = Extract<Check, { scope: 'user' }>;

const PAIR_CHECKS = CHECKS.filter((c): c is PairCheck => c.scope === 'pair');
const HOST_CHECKS = CHECKS.filter((c): c is HostCheck => c.scope === 'host');
const USER_CHECKS = CHECKS.filter((c): c is UserCheck => c.scope === 'user');
/** In host and fleet questions both directions are evaluated, so the reverse-direction hint is redundant. */
const PAIR_CHECKS_BOTH_WAYS = PAIR_CHECKS.filter((c) => c.id !== 'KCD016');

export interface PairOptions {
  storage?: boolean;
  fileServers?: readonly Computer[];
  /** The account that starts the migration. */
  user?: User;
}

export interface PairReport {
  kind: 'pair';
  source: Computer;
  destination: Computer;
  storage: boolean;
  fileServers: readonly Computer[];
  user?: User;
  ready: boolean;
  findings: Finding[];
}

export interface Direction {
  ready: boolean;
  /** Rule ids of the errors that block this direction, for tables. */
  blockers: string[];
}

export interface PeerReadiness {
  peer: Computer;
  outbound: Direction;
  inbound: Direction;
}

export interface HostReport {
  kind: 'host';
  host: Computer;
  storage: boolean;
  group: MigrationGroup;
  peers: PeerReadiness[];
  /** Every finding that blocks or concerns a direction to or from this host, deduplicated. */
  findings: Finding[];
  /** No error finding in any direction. */
  ready: boolean;
}

export interface FleetHost {
  host: Computer;
  ready: boolean;
  peersTotal: number;
  /** Peers this host can migrate to. */
  peersReady: number;
  /** The host's own findings and those of its outbound pairs. */
  findings: Finding[];
}

export interface FleetReport {
  kind: 'fleet';
  storage: boolean;
  group: MigrationGroup;
  hosts: FleetHost[];
  /** Notes about the migration group itself (e.g. a domain of separate clusters); absent when there are none. */
  advice?: FleetAdvice[];
  totals: {
    hosts: number;
    hostsWithErrors: number;
    pairsExpected: number;
    pairsReady: number;
    errors: number;
    warnings: number;
    infos: number;
    byRule: Record<string, number>;
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A finding with the parts the sort and the dedup key need, computed once. */
interface Keyed {
  f: Finding;
  subject: string;
  data: string;
}

/**
 * Deduplicates (same rule, subject in any case, and data) and sorts deterministically: errors first, then by
 * rule id, subject (case-insensitive), then data.
 */
export function normaliseFindings(findings: Iterable<Finding>): Finding[] {
  // One finding is its own normal form (a host of a fleet scan often has just one).
  if (Array.isArray(findings) && findings.length === 1) return [findings[0] as Finding];
  const byKey = new Map<string, Keyed>();
  for (const f of findings) {
    const subject = f.subject.toLowerCase();
    const data = JSON.stringify(f.data);
    const key = `${f.rule}|${subject}|${data}`;
    if (!byKey.has(key)) byKey.set(key, { f, subject, data });
  }
  if (byKey.size === 0) return [];
  return [...byKey.values()]
    .sort(
      (a, b) =>
        SEVERITY_ORDER[a.f.severity] - SEVERITY_ORDER[b.f.severity] || cmp(a.f.rule, b.f.rule) || cmp(a.subject, b.subject) || cmp(a.data, b.data),
    )
    .map((k) => k.f);
}


const HOST_CHECKS_BY_ROLE: Record<HostRole, readonly HostCheck[]> = {
  source: HOST_CHECKS.filter((c) => c.roles.includes('source')),
  target: HOST_CHECKS.filter((c) => c.roles.includes('target')),
};

/** `surelyClean`: hostSurelyClean's answer when the caller has it (a fleet scan asks once for both roles). */
function hostFindings(snapshot: DirectorySnapshot, host: Computer, role: HostRole, surelyClean?: boolean): Finding[] {
  // Most hosts are clean: every rule says so cheaply without running (see host-screen.ts).
  if (surelyClean ?? hostSurelyClean(snapshot, host)) return NO_FINDINGS;
  const ctx = { snapshot, host, role };
  let out: Finding[] | undefined;
  for (const c of HOST_CHECKS_BY_ROLE[role]) {
    const found = c.check(ctx);
    if (found.length > 0) (out ??= []).push(...found);
  }
  return out ?? NO_FINDINGS;
}

/** Shared by every host without findings in a role (callers only read host findings): nothing for the GC to copy. */
const NO_FINDINGS = Object.freeze([]) as unknown as Finding[];

/** Host findings per (host, role), computed once per question. */
class HostFindingCache {
  private readonly cache = new Map<Computer, Partial<Record<HostRole, Finding[]>>>();
  constructor(private readonly snapshot: DirectorySnapshot) {}
  get(host: Computer, role: HostRole): Finding[] {
    let entry = this.cache.get(host);
    if (!entry) this.cache.set(host, (entry = {}));
    return (entry[role] ??= hostFindings(this.snapshot, host, role));
  }
}

function pairFindings(
  snapshot: DirectorySnapshot,
  checks: readonly PairCheck[],
  source: Computer,
  dest: Computer,
  storage: boolean,
  fileServers: readonly Computer[] = [],
): Finding[] {
  const ctx = { snapshot, source, dest, storage, fileServers };
  let out: Finding[] | undefined;
  for (const c of checks) {
    const found = c.check(ctx);
    if (found.length > 0) (out ??= []).push(...found);
  }
  return out ?? [];
}

/** Can SOURCE live-migrate to DEST? */
export function checkPair(snapshot: DirectorySnapshot, source: Computer, dest: Computer, options: PairOptions = {}): PairReport {
  if (source === dest) {
    throw new InputError(
      `Source and destination are the same host (${source.name}).`,
      'Name two different Hyper-V hosts: the one the VM runs on, then the one it should move to.',
    );
  }
  const storage = options.storage ?? false;
  const fileServers = options.fileServers ?? [];
  const user = options.user;
  const findings = normaliseFindings([
    ...hostFindings(snapshot, source, 'source'),
    ...hostFindings(snapshot, dest, 'target'),
    ...fileServers.flatMap((fs) => hostFindings(snapshot, fs, 'target')),
    ...pairFindings(snapshot, PAIR_CHECKS, source, dest, storage, fileServers),
    ...(user ? USER_CHECKS.flatMap((c) => c.check({ snapshot, user })) : []),
  ]);
  return { kind: 'pair', source, destination: dest, storage, fileServers, user, ready: !hasErrors(findings), findings };
}

function direction(findings: readonly Finding[]): Direction {
  const blockers = [...new Set(findings.filter((f) => f.severity === 'error').map((f) => f.rule))].sort();
  return { ready: blockers.length === 0, blockers };
}

export interface GroupOptions {
  storage?: boolean;
  group?: MigrationGroup;
}

export interface FleetOptions extends GroupOptions {
  /** Told after each Hyper-V host (a CLI draws progress with it); the checker itself does no I/O. */
  onHost?: (done: number, total: number) => void;
}

/** One host against every peer in its migration group, both directions. */
export function checkHost(snapshot: DirectorySnapshot, host: Computer, options: GroupOptions = {}): HostReport {
  const storage = options.storage ?? true;
  const group = resolvedGroup(snapshot, host, options.group ?? { kind: 'auto' });
  const cache = new HostFindingCache(snapshot);
  const all: Finding[] = [];
  const peers = migrationPeers(snapshot, host, group).map((peer) => {
    const out = [...cache.get(host, 'source'), ...cache.get(peer, 'target'), ...pairFindings(snapshot, PAIR_CHECKS_BOTH_WAYS, host, peer, storage)];
    const back = [...cache.get(peer, 'source'), ...cache.get(host, 'target'), ...pairFindings(snapshot, PAIR_CHECKS_BOTH_WAYS, peer, host, storage)];
    all.push(...out, ...back);
    return { peer, outbound: direction(out), inbound: direction(back) };
  });
  // A host with no peers still gets its own findings.
  all.push(...cache.get(host, 'source'), ...cache.get(host, 'target'));
  const findings = normaliseFindings(all);
  return { kind: 'host', host, storage, group, peers, findings, ready: !hasErrors(findings) };
}

export { FLEET_FINDINGS_PER_RULE, FLEET_MAX_LISTED } from './fleet-summariser';

/** The group of a host that is in none (one shared array: checkFleet keeps facts per members array). */
const NO_MEMBERS: readonly Computer[] = Object.freeze([]);

/** What checkFleet knows per migration group (see groupFacts there). */
interface GroupFacts {
  handles: Int32Array;
  /** Each member's own findings as a target (computed once per host: each host is in one group). */
  targetFindings: Finding[][];
  targetBlocks: Uint8Array;
  /** hostSurelyClean per member (1: clean), for its findings as a source too. */
  surelyClean: Uint8Array;
  members: MemberFacts;
  distinctNames: number;
  /** How many members the host loop has reached: hosts come in hyperVHosts order, as members do. */
  visited: number;
}

/** `host`'s index among its group's members (-1: in none); the host loop meets members in order. */
function memberIndex(host: Computer, members: readonly Computer[], facts: GroupFacts): number {
  if (members[facts.visited] === host) return facts.visited++;
  return members.indexOf(host);
}

/**
 * Every Hyper-V host: its own findings and those of each outbound pair in its group. Cost is
 * O(hosts × group size): groups are partitioned once, host findings are computed once per host.
 */
export function checkFleet(snapshot: DirectorySnapshot, options: FleetOptions = {}): FleetReport {
  const storage = options.storage ?? true;
  const group = resolvedFleetGroup(snapshot, options.group ?? { kind: 'auto' });
  const groups = migrationGroups(snapshot, group);
  // Nearly every pair is clean: the screen says so without running the rules (which run for the rest).
  const screen = new PairScreen(snapshot, storage, PAIR_CHECKS_BOTH_WAYS);
  const byRule: Record<string, number> = {};
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  let pairsExpected = 0;
  let pairsReady = 0;
  // Per group (the members array is shared by the group), what every pair into a member needs: the screen's
  // handle, the member's own target findings and whether they block. Once per group, not once per pair.
  // Every host is in one group at most, so a member's findings are computed once without a per-host cache.
  const perGroup = new Map<readonly Computer[], GroupFacts>();
  const groupFacts = (members: readonly Computer[]) => {
    let facts = perGroup.get(members);
    if (!facts) {
      const handles = new Int32Array(members.length);
      const targetFindings = new Array<Finding[]>(members.length);
      const targetBlocks = new Uint8Array(members.length);
      const surelyClean = new Uint8Array(members.length);
      const memberFacts: MemberFacts = new Array<MemberNeeds | null | undefined>(members.length);
      for (let j = 0; j < members.length; j++) {
        const m = members[j]!;
        handles[j] = screen.freshHandle(m);
        surelyClean[j] = hostSurelyClean(snapshot, m) ? 1 : 0;
        targetFindings[j] = hostFindings(snapshot, m, 'target', surelyClean[j] === 1);
        targetBlocks[j] = hasErrors(targetFindings[j]!) ? 1 : 0;
      }
      const distinctNames = new Set(members.map((m) => m.name)).size === members.length ? 1 : 0;
      perGroup.set(members, (facts = { handles, targetFindings, targetBlocks, surelyClean, members: memberFacts, distinctNames, visited: 0 }));
    }
    return facts;
  };
  const onHost = options.onHost;
  const hosts = snapshot.hyperVHosts.map((host, index): FleetHost => {
    const members = groups.get(host) ?? NO_MEMBERS;
    const facts = groupFacts(members);
    const { handles, targetBlocks, members: memberFacts, distinctNames } = facts;
    const at = memberIndex(host, members, facts);
    const ownSource = hostFindings(snapshot, host, 'source', at >= 0 ? facts.surelyClean[at] === 1 : undefined);
    const ownTarget = at >= 0 ? facts.targetFindings[at]! : hostFindings(snapshot, host, 'target');
    const ownBlocks = hasErrors(ownSource);
    // Most hosts have no finding at all: no list until there is something to put in it (50,000 hosts, less GC).
    let collected: Finding[] | undefined = ownSource.length + ownTarget.length > 0 ? [...ownSource, ...ownTarget] : undefined;
    // Created on the first pair with findings: most hosts have none.
    let summariser: PairFindingSummariser | undefined;
    let peersTotal = 0;
    let peersReady = 0;
    // Per rule, the summary of this host's findings once there is one (it stays so for the rest of its pairs).
    let dropped: Array<Dropped | undefined> | undefined;
    for (let j = 0; j < members.length; j++) {
      const peer = members[j]!;
      if (peer === host) continue;
      peersTotal++;
      if (screen.cleanFor(host, peer, handles[j]!)) {
        if (!ownBlocks && targetBlocks[j] === 0) peersReady++;
        continue;
      }
      // When the rules can tell from the peer alone (destNeeds) and every rule whose entries this host lacks
      // is already summarised for it (the usual case in a large group after the first peers), count the
      // missing entries instead of building findings that would be dropped. Anything else takes the rules' path.
      const known = summariser && peer.domain === host.domain ? knownDest(snapshot, PAIR_CHECKS_BOTH_WAYS, storage, peer, j, memberFacts) : null;
      if (known) {
        const counted = countKnown(PAIR_CHECKS_BOTH_WAYS, summariser!, screen, host, peer, known, (dropped ??= new Array<Dropped | undefined>(PAIR_CHECKS_BOTH_WAYS.length)));
        if (counted !== NOT_COUNTED) {
          if (counted === COUNTED_READY && !ownBlocks && targetBlocks[j] === 0) peersReady++;
          continue;
        }
      }
      const pair = pairFindings(snapshot, PAIR_CHECKS_BOTH_WAYS, host, peer, storage);
      const ready = !ownBlocks && !hasErrors(pair) && targetBlocks[j] === 0;
      if (ready) peersReady++;
      if (pair.length > 0) (summariser ??= new PairFindingSummariser(snapshot, host, group, storage, members.length - 1, distinctNames === 1)).add(pair);
    }
    if (summariser) (collected ??= []).push(...summariser.findings());
    const findings = collected === undefined || collected.length === 0 ? [] : normaliseFindings(collected);
    for (const f of findings) {
      byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
      if (f.severity === 'error') errors++;
      else if (f.severity === 'warning') warnings++;
      else infos++;
    }
    pairsExpected += peersTotal;
    pairsReady += peersReady;
    onHost?.(index + 1, snapshot.hyperVHosts.length);
    return { host, ready: !hasErrors(findings), peersTotal, peersReady, findings };
  });
  const advice = groupAdvice(snapshot, group, groups, storage);
  return {
    kind: 'fleet',
    storage,
    group,
    hosts,
    ...(advice.length > 0 ? { advice } : {}),
    totals: {
      hosts: hosts.length,
      hostsWithErrors: hosts.filter((h) => !h.ready).length,
      pairsExpected,
      pairsReady,
      errors,
      warnings,
      infos,
      byRule,
    },
  };
}
