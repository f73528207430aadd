import { delegationComponents } from './delegation-graph';
import type { Computer } from './model';
import { domainOfDn, transitiveGroups, type DirectorySnapshot } from './snapshot';

/**
 * Which Hyper-V hosts a host is expected to migrate to and from.
 * - auto (the default): `domain` for a domain whose Hyper-V hosts AD can configure as one full mesh
 *   (AUTO_FULL_MESH_MAX_HOSTS), `delegation` for a larger one;
 * - delegation: the hosts connected by delegation (delegation-graph.ts); a host with no delegation to or from
 *   any peer falls back to the other such hosts of its OU;
 * - domain: every Hyper-V host of the same domain;
 * - parent-ou: hosts in the same OU (one OU per cluster or site is a common layout);
 * - ou: only hosts under the given OU, as one group;
 * - group: only members (direct or nested) of the given AD group, by DN or name.
 */
export type MigrationGroup =
  | { kind: 'auto' }
  | { kind: 'delegation' }
  | { kind: 'domain' }
  | { kind: 'parent-ou' }
  | { kind: 'ou'; dn: string }
  | { kind: 'group'; name: string };

export function describeMigrationGroup(group: MigrationGroup): string {
  switch (group.kind) {
    case 'auto':
      return `all Hyper-V hosts of the same domain, or the hosts connected by delegation in a domain of more than ${AUTO_FULL_MESH_MAX_HOSTS}`;
    case 'delegation':
      return 'the Hyper-V hosts connected by delegation';
    case 'domain':
      return 'all Hyper-V hosts of the same domain';
    case 'parent-ou':
      return 'Hyper-V hosts in the same OU';
    case 'ou':
      return `Hyper-V hosts under ${group.dn}`;
    case 'group':
      return `Hyper-V hosts in group ${group.name}`;
  }
}

/**
 * The most Hyper-V hosts of one domain `auto` still checks as one group: a full mesh needs 4 entries per peer
 * (migration service and cifs, two name forms) and AD keeps about 1,200 values on an object, so 300 peers.
 */
export const AUTO_FULL_MESH_MAX_HOSTS = 300;

/** Hyper-V hosts per domain (for `auto`), once per snapshot. */
const hostsPerDomain = new WeakMap<DirectorySnapshot, Map<string, number>>();

function domainHosts(snapshot: DirectorySnapshot, domain: string): number {
  let counts = hostsPerDomain.get(snapshot);
  if (!counts) {
    counts = new Map();
    for (const h of snapshot.hyperVHosts) counts.set(h.domain, (counts.get(h.domain) ?? 0) + 1);
    hostsPerDomain.set(snapshot, counts);
  }
  return counts.get(domain) ?? 0;
}

/** The group `auto` resolves to for `host`'s domain. */
export function resolvedGroup(snapshot: DirectorySnapshot, host: Computer, group: MigrationGroup): MigrationGroup {
  if (group.kind !== 'auto') return group;
  return domainHosts(snapshot, host.domain) > AUTO_FULL_MESH_MAX_HOSTS ? { kind: 'delegation' } : { kind: 'domain' };
}

/**
 * The group a fleet report states: `auto` resolved when it resolves the same way for every domain (so a demo or
 * a small estate reads "all Hyper-V hosts of the same domain", as before `auto`), else `auto` itself.
 */
export function resolvedFleetGroup(snapshot: DirectorySnapshot, group: MigrationGroup): MigrationGroup {
  if (group.kind !== 'auto') return group;
  const kinds = new Set(snapshot.hyperVHosts.map((h) => resolvedGroup(snapshot, h, group).kind));
  return kinds.size === 1 && kinds.has('delegation') ? { kind: 'delegation' } : kinds.size <= 1 ? { kind: 'domain' } : group;
}

/** The parent DN of `dn`, lower-cased ("" for a root). */
export function parentDn(dn: string): string {
  const comma = firstRdnEnd(dn);
  return comma === -1 ? '' : dn.slice(comma + 1).toLowerCase();
}

/**
 * Where the first RDN of `dn` ends: its first comma not escaped by a backslash, or -1. A fleet scan asks for
 * every host; the regex runs only when the first comma is escaped.
 */
function firstRdnEnd(dn: string): number {
  const comma = dn.indexOf(',');
  if (comma <= 0 || dn.charCodeAt(comma - 1) !== 92) return comma;
  return dn.search(/(?<!\\),/);
}

function inGroup(snapshot: DirectorySnapshot, c: Computer, name: string): boolean {
  const wanted = name.toLowerCase();
  return transitiveGroups(snapshot, c.memberOf).some(
    (g) => g.distinguishedName.toLowerCase() === wanted || g.name.toLowerCase() === wanted,
  );
}

/** The key of the group a host belongs to, or undefined when it belongs to none. */
function groupKey(snapshot: DirectorySnapshot, c: Computer, group: MigrationGroup): string | undefined {
  switch (group.kind) {
    case 'auto':
      return groupKey(snapshot, c, resolvedGroup(snapshot, c, group));
    case 'delegation': {
      const component = delegationComponents(snapshot).componentOf.get(c);
      // Only Hyper-V hosts are in the graph; a computer without the SPN is asked about by name (migrationPeers).
      return component !== undefined ? `#${component}` : `ou|${parentDn(c.distinguishedName)}`;
    }
    case 'domain':
      return c.domain;
    case 'parent-ou':
      return parentDn(c.distinguishedName);
    case 'ou': {
      const ou = group.dn.toLowerCase();
      const dn = c.distinguishedName.toLowerCase();
      return dn.endsWith(`,${ou}`) ? ou : undefined;
    }
    case 'group':
      return inGroup(snapshot, c, group.name) ? group.name.toLowerCase() : undefined;
  }
}

/**
 * Partitions the Hyper-V hosts into migration groups once (O(hosts)), so fleet scans never compare every
 * host with every other. Returns, for each host, the other members of its group (sorted by name).
 */
export function migrationGroups(snapshot: DirectorySnapshot, group: MigrationGroup): Map<Computer, readonly Computer[]> {
  const byKey = new Map<string, Computer[]>();
  for (const host of snapshot.hyperVHosts) {
    const key = groupKey(snapshot, host, group);
    if (key === undefined) continue;
    const members = byKey.get(key);
    if (members) members.push(host);
    else byKey.set(key, [host]);
  }
  const peers = new Map<Computer, readonly Computer[]>();
  for (const members of byKey.values()) {
    for (const host of members) peers.set(host, members);
  }
  return peers;
}

/** The peers of one host (any computer, even one whose migration SPN is missing), excluding itself. */
export function migrationPeers(snapshot: DirectorySnapshot, host: Computer, group: MigrationGroup): Computer[] {
  const key = groupKey(snapshot, host, group);
  if (key === undefined) return [];
  return snapshot.hyperVHosts.filter((h) => h !== host && groupKey(snapshot, h, group) === key);
}

/**
 * How a PowerShell loop finds the peers `migrationPeers` would give, straight from AD: computers with the
 * migration service SPN (what makes a Hyper-V host here, see isHyperVHost), narrowed as the group narrows.
 * The generated fix of a host that misses too many entries to list (src/fixes/powershell.ts) runs it.
 */
export interface PeerQuery {
  /** DNS name of the domain whose writable DC the loop reads and writes. */
  domain: string;
  /** Search base DN; absent: the domain's root. */
  searchBase?: string;
  scope: 'subtree' | 'onelevel';
  /** Only members, nested too, of one of these groups (DNs). */
  memberOf?: string[];
  /**
   * Exactly these computers (sAMAccountNames), for a group no LDAP filter selects (`delegation`: who delegates
   * to whom); searchBase, scope and memberOf are then not used.
   */
  names?: string[];
  /** What is selected, for the script's comment ("all Hyper-V hosts of contoso.com"). */
  label: string;
}

/** The query for the peers of `host` in `group` (same selection as groupKey, restated as LDAP). */
export function peerQuery(snapshot: DirectorySnapshot, host: Computer, group: MigrationGroup): PeerQuery {
  switch (group.kind) {
    case 'auto':
      return peerQuery(snapshot, host, resolvedGroup(snapshot, host, group));
    case 'delegation': {
      const peers = migrationPeers(snapshot, host, group);
      const names = peers.map((p) => p.samAccountName);
      return { domain: host.domain, scope: 'subtree', names, label: `the ${peers.length} Hyper-V hosts connected to ${host.name} by delegation` };
    }
    case 'domain':
      return { domain: host.domain, scope: 'subtree', label: `all Hyper-V hosts of ${host.domain}` };
    case 'parent-ou': {
      const comma = firstRdnEnd(host.distinguishedName);
      const ou = comma === -1 ? host.distinguishedName : host.distinguishedName.slice(comma + 1);
      return { domain: host.domain, searchBase: ou, scope: 'onelevel', label: `the Hyper-V hosts in ${ou}` };
    }
    case 'ou': {
      // domainOfDn skips the first RDN (an object's own name); an OU given as the domain root has none to skip.
      const domain = domainOfDn(/^\s*DC=/i.test(group.dn) ? `OU=x,${group.dn}` : group.dn);
      return { domain: domain || host.domain, searchBase: group.dn, scope: 'subtree', label: `the Hyper-V hosts under ${group.dn}` };
    }
    case 'group': {
      // The group's DNs as the snapshot matched them (by DN or by name): the loop asks AD for their members.
      const wanted = group.name.toLowerCase();
      const dns = transitiveGroups(snapshot, host.memberOf)
        .filter((g) => g.distinguishedName.toLowerCase() === wanted || g.name.toLowerCase() === wanted)
        .map((g) => g.distinguishedName);
      // Classic delegation does not cross domains (KCD013), so members in other domains are not looked for.
      return { domain: host.domain, scope: 'subtree', memberOf: dns, label: `the Hyper-V hosts of ${host.domain} in group ${group.name}` };
    }
  }
}
