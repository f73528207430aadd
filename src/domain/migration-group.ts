import type { Computer } from './model';
import { transitiveGroups, type DirectorySnapshot } from './snapshot';

/**
 * Which Hyper-V hosts a host is expected to migrate to and from.
 * - domain: every Hyper-V host of the same domain (the default);
 * - parent-ou: hosts in the same OU (one OU per cluster or site is a common layout);
 * - ou: only hosts under the given OU, as one group;
 * - group: only members (direct or nested) of the given AD group, by DN or name.
 */
export type MigrationGroup =
  | { kind: 'domain' }
  | { kind: 'parent-ou' }
  | { kind: 'ou'; dn: string }
  | { kind: 'group'; name: string };

export function describeMigrationGroup(group: MigrationGroup): string {
  switch (group.kind) {
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

function parentDn(dn: string): string {
  const comma = dn.search(/(?<!\\),/);
  return comma === -1 ? '' : dn.slice(comma + 1).toLowerCase();
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
