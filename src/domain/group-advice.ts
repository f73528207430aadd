/**
 * Fleet-level advice about the migration group itself (not a KCD finding: nothing in AD is wrong).
 *
 * Why: with the default KCD_MIGRATION_GROUP=domain every Hyper-V host of a domain is expected to migrate to
 * every other. When the domain really holds many separate clusters (one OU each, hosts delegating only within
 * their OU), that expectation turns every cross-cluster pair into "missing delegation" findings nobody should
 * fix: a host would need 4 × (hosts − 1) entries, far more than AD keeps on one object (about 1,200 values).
 */
import type { Computer } from './model';
import { delegationComponents } from './delegation-graph';
import { AUTO_FULL_MESH_MAX_HOSTS, parentDn, resolvedGroup, type MigrationGroup } from './migration-group';
import { compareNames, delegationIdsOf, type DirectorySnapshot } from './snapshot';

/** A domain group is looked at from this many Hyper-V hosts on (the largest Hyper-V cluster has 64 nodes). */
export const ADVICE_MIN_HOSTS = 64;
/** The share of delegating hosts that must delegate only within their own OU for the group to look split. */
export const ADVICE_WITHIN_OU_SHARE = 0.8;

export type FleetAdvice = SeparateClusters | InferredGroups;

/** The groups `delegation` (or `auto`, for a large domain) found: a note on what was checked as a group. */
export interface InferredGroups {
  kind: 'inferred-groups';
  migrationGroup: MigrationGroup['kind'];
  domain: string;
  hosts: number;
  /** Groups of hosts connected by delegation, largest first: a name (the first host) and the size. */
  groups: Array<{ name: string; hosts: number }>;
  /** Hosts with no delegation to or from any peer, checked with the other such hosts of their OU. */
  withoutPeers: number;
  /** Hosts that linked two or more groups (delegating to both), and the groups they linked, by name. */
  bridges: Array<{ host: string; groups: string[] }>;
  message: string;
}

export interface SeparateClusters {
  kind: 'separate-clusters';
  /** The group as configured, and which one (the domain). */
  migrationGroup: MigrationGroup['kind'];
  domain: string;
  hosts: number;
  /** OUs the group's hosts sit in. */
  ous: number;
  /** Hosts that delegate to at least one other host of the group. */
  delegating: number;
  /** Of those, hosts that delegate only to hosts of their own OU. */
  withinOu: number;
  /** Migration directions the group expects: hosts × (hosts − 1). */
  directions: number;
  /** Delegation entries each host would need for the whole group. */
  entriesPerHost: number;
  /** What to set instead. */
  suggestion: string;
  message: string;
}

const n = (x: number) => x.toLocaleString('en-US');

/** Advice for the groups of a fleet scan (`groups` as migrationGroups gives them); [] when there is none. */
export function groupAdvice(
  snapshot: DirectorySnapshot,
  group: MigrationGroup,
  groups: ReadonlyMap<Computer, readonly Computer[]>,
  storage: boolean,
): FleetAdvice[] {
  if (group.kind !== 'domain' && group.kind !== 'auto' && group.kind !== 'delegation') return [];
  const out: FleetAdvice[] = [...inferredGroups(snapshot, group, groups)];
  for (const members of new Set(groups.values())) {
    if (members.length <= ADVICE_MIN_HOSTS || resolvedGroup(snapshot, members[0]!, group).kind !== 'domain') continue;
    const advice = separateClusters(snapshot, members, storage);
    if (advice) out.push(advice);
  }
  return out.sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0));
}

/** How many inferred groups a note names; the rest are counted. */
const NAMED_GROUPS = 10;

/** One note per domain whose hosts were grouped by delegation. */
function inferredGroups(snapshot: DirectorySnapshot, group: MigrationGroup, groups: ReadonlyMap<Computer, readonly Computer[]>): InferredGroups[] {
  const { componentOf, isolated, bridges } = delegationComponents(snapshot);
  const byDomain = new Map<string, { hosts: number; withoutPeers: number; groups: Set<readonly Computer[]> }>();
  for (const [host, members] of groups) {
    if (resolvedGroup(snapshot, host, group).kind !== 'delegation') continue;
    let d = byDomain.get(host.domain);
    if (!d) byDomain.set(host.domain, (d = { hosts: 0, withoutPeers: 0, groups: new Set() }));
    d.hosts++;
    if (isolated.has(host)) d.withoutPeers++;
    else if (componentOf.has(host)) d.groups.add(members);
  }
  return [...byDomain].map(([domain, d]) => {
    const sized = [...d.groups].map((m) => ({ name: m[0]!.name, hosts: m.length })).sort((a, b) => b.hosts - a.hosts || compareNames(a.name, b.name));
    const named = sized.slice(0, NAMED_GROUPS).map((g) => `${g.name}'s (${n(g.hosts)})`).join(', ');
    const more = sized.length > NAMED_GROUPS ? ` and ${n(sized.length - NAMED_GROUPS)} more` : '';
    // A side is named by its first host (hyperVHosts order), as the groups are.
    const linked = bridges
      .filter((b) => b.host.domain === domain)
      .map((b) => ({ host: b.host.name, groups: b.sides.map((side) => snapshot.hyperVHosts[side]!.name) }));
    const bridgeText = linked
      .slice(0, NAMED_GROUPS)
      .map((b) => `${b.host} delegates to ${b.groups.map((g) => `${g}'s`).join(' and ')} groups`)
      .join('; ');
    return {
      kind: 'inferred-groups' as const,
      migrationGroup: group.kind,
      domain,
      hosts: d.hosts,
      groups: sized,
      withoutPeers: d.withoutPeers,
      bridges: linked,
      message:
        `The ${n(d.hosts)} Hyper-V hosts of ${domain} were checked in the ${n(sized.length)} group${sized.length === 1 ? '' : 's'} ` +
        `their delegation connects (KCD_MIGRATION_GROUP=${group.kind}${group.kind === 'auto' ? `: more than ${n(AUTO_FULL_MESH_MAX_HOSTS)} hosts, too many for one full mesh` : ''}): ` +
        `${named}${more}.` +
        (d.withoutPeers > 0 ? ` ${n(d.withoutPeers)} host${d.withoutPeers === 1 ? ' has' : 's have'} no delegation to or from any peer and ${d.withoutPeers === 1 ? 'was' : 'were'} checked with the other such hosts of ${d.withoutPeers === 1 ? 'its' : 'their'} OU.` : '') +
        (linked.length > 0
          ? ` Not merged into one group: ${bridgeText}${linked.length > NAMED_GROUPS ? ` (and ${n(linked.length - NAMED_GROUPS)} more such host${linked.length - NAMED_GROUPS === 1 ? '' : 's'})` : ''}; ` +
            'each side is checked as its own group, the linking host with the side it has most links to.'
          : ''),
    };
  });
}

function separateClusters(snapshot: DirectorySnapshot, members: readonly Computer[], storage: boolean): SeparateClusters | undefined {
  // Holders are matched by DN as stored, as the rules match them (helpers.isHeldBy).
  const ouOf = new Map<string, string>();
  for (const m of members) ouOf.set(m.distinguishedName, parentDn(m.distinguishedName));
  const ous = new Set(ouOf.values()).size;
  if (ous < 2) return undefined; // one OU: a genuine one-cluster group, however large
  let delegating = 0;
  let withinOu = 0;
  for (const m of members) {
    const own = ouOf.get(m.distinguishedName)!;
    let toPeer = false;
    let outside = false;
    const ids = delegationIdsOf(snapshot, m).inOrder;
    for (let i = 0; i < ids.length && !outside; i++) {
      for (const holder of snapshot.delegationTargetById[ids[i]!]!.holders) {
        const ou = holder.isComputer && holder.distinguishedName !== m.distinguishedName ? ouOf.get(holder.distinguishedName) : undefined;
        if (ou === undefined) continue;
        toPeer = true;
        if (ou !== own) outside = true;
      }
    }
    if (toPeer) delegating++;
    if (toPeer && !outside) withinOu++;
  }
  if (delegating === 0 || withinOu < ADVICE_WITHIN_OU_SHARE * delegating) return undefined;
  const hosts = members.length;
  const domain = members[0]!.domain;
  const entriesPerHost = (hosts - 1) * 2 * (storage ? 2 : 1);
  const suggestion = 'KCD_MIGRATION_GROUP=parent-ou';
  return {
    kind: 'separate-clusters',
    migrationGroup: 'domain',
    domain,
    hosts,
    ous,
    delegating,
    withinOu,
    directions: hosts * (hosts - 1),
    entriesPerHost,
    suggestion,
    message:
      `The ${n(hosts)} Hyper-V hosts of ${domain} are checked as one migration group (KCD_MIGRATION_GROUP=domain, ` +
      `${n(hosts * (hosts - 1))} migration directions), but they sit in ${n(ous)} OUs and ${n(withinOu)} of the ` +
      `${n(delegating)} hosts that delegate do so only to hosts of their own OU: they look like separate clusters. ` +
      `Set ${suggestion} (one group per OU), or group:<name> / ou:<DN>, to check each cluster on its own` +
      (entriesPerHost > 1200
        ? `; as one group every host would need ${n(entriesPerHost)} delegation entries, more than AD keeps on one object (about 1,200 values).`
        : '.'),
  };
}
