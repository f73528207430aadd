/** Migration groups: what each kind selects, how `auto` resolves at its bound, and the DN parsing they rest on. */
import {
  AUTO_FULL_MESH_MAX_HOSTS,
  describeMigrationGroup,
  migrationGroups,
  migrationPeers,
  parentDn,
  peerQuery,
  resolvedFleetGroup,
  resolvedGroup,
  type MigrationGroup,
} from '../../src/domain/migration-group';
import type { DirectoryData } from '../../src/domain/model';
import { createSnapshot } from '../../src/domain/snapshot';
import { fleetData, names } from '../summary/fleet';

/** `count` hosts of contoso.com (one OU, a full mesh) and, when `others` > 0, that many of fabrikam.net. */
function twoDomains(count: number, others = 0): DirectoryData {
  const data = fleetData(names('HV', count).map((name) => ({ name })));
  const extra = fleetData(names('FAB', others).map((name) => ({ name }))).computers.map((c) => ({
    ...c,
    domain: 'fabrikam.net',
    distinguishedName: c.distinguishedName.replace('DC=contoso,DC=com', 'DC=fabrikam,DC=net'),
  }));
  return { ...data, domains: ['contoso.com', 'fabrikam.net'], computers: [...data.computers, ...extra] };
}

const peerNames = (data: DirectoryData, host: string, group: MigrationGroup) => {
  const snapshot = createSnapshot(data);
  return migrationPeers(snapshot, snapshot.hyperVHosts.find((h) => h.name === host)!, group).map((h) => h.name);
};

describe('auto', () => {
  test(`a domain of exactly ${AUTO_FULL_MESH_MAX_HOSTS} Hyper-V hosts is one domain group; one more makes it delegation`, () => {
    const at = createSnapshot(twoDomains(AUTO_FULL_MESH_MAX_HOSTS, 2));
    expect(resolvedGroup(at, at.hyperVHosts[0]!, { kind: 'auto' })).toEqual({ kind: 'domain' });
    expect(resolvedFleetGroup(at, { kind: 'auto' })).toEqual({ kind: 'domain' });
    const over = createSnapshot(twoDomains(AUTO_FULL_MESH_MAX_HOSTS + 1, 2));
    const contoso = over.hyperVHosts.find((h) => h.domain === 'contoso.com')!;
    const fabrikam = over.hyperVHosts.find((h) => h.domain === 'fabrikam.net')!;
    expect(resolvedGroup(over, contoso, { kind: 'auto' })).toEqual({ kind: 'delegation' });
    // Counted per domain: the small domain stays a domain group, so the fleet states `auto` itself.
    expect(resolvedGroup(over, fabrikam, { kind: 'auto' })).toEqual({ kind: 'domain' });
    expect(resolvedFleetGroup(over, { kind: 'auto' })).toEqual({ kind: 'auto' });
    const large = createSnapshot(twoDomains(AUTO_FULL_MESH_MAX_HOSTS + 1));
    expect(resolvedFleetGroup(large, { kind: 'auto' })).toEqual({ kind: 'delegation' });
  });

  test('a configured group is kept as it is, for a host and for a fleet', () => {
    const snapshot = createSnapshot(twoDomains(3));
    for (const group of [{ kind: 'parent-ou' }, { kind: 'ou', dn: 'OU=X,DC=contoso,DC=com' }, { kind: 'delegation' }] as MigrationGroup[]) {
      expect(resolvedGroup(snapshot, snapshot.hyperVHosts[0]!, group)).toBe(group);
      expect(resolvedFleetGroup(snapshot, group)).toBe(group);
    }
    // No Hyper-V host at all: nothing to split, the domain group.
    expect(resolvedFleetGroup(createSnapshot(twoDomains(0)), { kind: 'auto' })).toEqual({ kind: 'domain' });
  });

  test('peers and the peer query of `auto` are those of the group it resolves to', () => {
    const data = twoDomains(3, 2);
    expect(peerNames(data, 'HV1', { kind: 'auto' })).toEqual(['HV2', 'HV3']);
    expect(peerNames(data, 'FAB1', { kind: 'auto' })).toEqual(['FAB2']);
    const snapshot = createSnapshot(data);
    expect(peerQuery(snapshot, snapshot.hyperVHosts[0]!, { kind: 'auto' })).toEqual(peerQuery(snapshot, snapshot.hyperVHosts[0]!, { kind: 'domain' }));
  });
});

describe('describeMigrationGroup names what selects the hosts', () => {
  test.each([
    [{ kind: 'auto' }, `more than ${AUTO_FULL_MESH_MAX_HOSTS}`],
    [{ kind: 'delegation' }, 'connected by delegation'],
    [{ kind: 'domain' }, 'same domain'],
    [{ kind: 'parent-ou' }, 'same OU'],
    [{ kind: 'ou', dn: 'OU=Cluster 7,DC=contoso,DC=com' }, 'under OU=Cluster 7,DC=contoso,DC=com'],
    [{ kind: 'group', name: 'HV-Cluster-7' }, 'group HV-Cluster-7'],
  ] as Array<[MigrationGroup, string]>)('%j', (group, text) => {
    expect(describeMigrationGroup(group)).toContain(text);
  });

  test('each kind reads differently', () => {
    const kinds: MigrationGroup[] = [{ kind: 'auto' }, { kind: 'delegation' }, { kind: 'domain' }, { kind: 'parent-ou' }, { kind: 'ou', dn: 'x' }, { kind: 'group', name: 'x' }];
    expect(new Set(kinds.map(describeMigrationGroup)).size).toBe(kinds.length);
  });
});

describe('parentDn', () => {
  test.each([
    ['CN=HV1,OU=Cluster 1,DC=Contoso,DC=com', 'ou=cluster 1,dc=contoso,dc=com'],
    // An escaped comma belongs to the name.
    ['CN=Smith\\, John,OU=Hosts,DC=contoso,DC=com', 'ou=hosts,dc=contoso,dc=com'],
    ['CN=a\\,b\\,c,OU=X,DC=y', 'ou=x,dc=y'],
    ['DC=com', ''],
    // A comma first is no RDN end to skip past an escape.
    [',OU=X', 'ou=x'],
  ])('%s → %s', (dn, parent) => {
    expect(parentDn(dn)).toBe(parent);
  });

  test('hosts whose names hold an escaped comma share their OU\'s group', () => {
    const data = fleetData(names('HV', 3).map((name) => ({ name, ou: 'Cluster 1' })));
    data.computers[0]!.distinguishedName = 'CN=HV1\\, old,OU=Cluster 1,DC=contoso,DC=com';
    expect(peerNames(data, 'HV1', { kind: 'parent-ou' })).toEqual(['HV2', 'HV3']);
    const snapshot = createSnapshot(data);
    expect(peerQuery(snapshot, snapshot.hyperVHosts[0]!, { kind: 'parent-ou' })).toMatchObject({ searchBase: 'OU=Cluster 1,DC=contoso,DC=com', scope: 'onelevel' });
  });
});

describe('ou and group selections', () => {
  const data = fleetData([
    ...names('A', 3).map((name) => ({ name, ou: 'Cluster A,OU=Hyper-V' })),
    ...names('B', 2).map((name) => ({ name, ou: 'Cluster B,OU=Hyper-V' })),
    { name: 'C1', ou: 'Hyper-V-Old' },
    // An OU whose name ends in the text of another's DN ("=" needs no escaping in a DN).
    { name: 'C2', ou: 'Archive OU=Hyper-V' },
  ]);

  test('ou: hosts anywhere under it, matched in any letter case; not a sibling OU whose name only ends the same', () => {
    expect(peerNames(data, 'A1', { kind: 'ou', dn: 'ou=hyper-v,dc=contoso,dc=com' })).toEqual(['A2', 'A3', 'B1', 'B2']);
    expect(peerNames(data, 'C1', { kind: 'ou', dn: 'OU=Hyper-V,DC=contoso,DC=com' })).toEqual([]);
    expect(peerNames(data, 'C2', { kind: 'ou', dn: 'OU=Hyper-V,DC=contoso,DC=com' })).toEqual([]);
    expect(peerNames(data, 'B1', { kind: 'ou', dn: 'OU=Cluster B,OU=Hyper-V,DC=contoso,DC=com' })).toEqual(['B2']);
    const groups = migrationGroups(createSnapshot(data), { kind: 'ou', dn: 'OU=Cluster B,OU=Hyper-V,DC=contoso,DC=com' });
    expect([...groups.keys()].map((h) => h.name)).toEqual(['B1', 'B2']);
  });

  test('group: members by the group\'s DN or name in any case; a host outside it has no peers', () => {
    const withGroup = structuredClone(data);
    const dn = 'CN=Cluster Hosts,OU=Groups,DC=contoso,DC=com';
    withGroup.groups.push({ distinguishedName: dn, name: 'Cluster Hosts', sid: 'S-1-5-21-9', memberOf: [] });
    for (const c of withGroup.computers.filter((x) => x.name.startsWith('A') || x.name === 'C1')) c.memberOf.push(dn);
    expect(peerNames(withGroup, 'A1', { kind: 'group', name: 'cluster hosts' })).toEqual(['A2', 'A3', 'C1']);
    expect(peerNames(withGroup, 'A1', { kind: 'group', name: dn.toUpperCase() })).toEqual(['A2', 'A3', 'C1']);
    expect(peerNames(withGroup, 'B1', { kind: 'group', name: 'Cluster Hosts' })).toEqual([]);
    // Members of another group are not members of this one.
    const backup = 'CN=Backup Hosts,OU=Groups,DC=contoso,DC=com';
    withGroup.groups.push({ distinguishedName: backup, name: 'Backup Hosts', sid: 'S-1-5-21-10', memberOf: [] });
    for (const c of withGroup.computers.filter((x) => x.name.startsWith('B'))) c.memberOf.push(backup);
    expect(peerNames(withGroup, 'B1', { kind: 'group', name: 'Cluster Hosts' })).toEqual([]);
    expect(peerNames(withGroup, 'B1', { kind: 'group', name: 'Backup Hosts' })).toEqual(['B2']);
    const groups = migrationGroups(createSnapshot(withGroup), { kind: 'group', name: 'Cluster Hosts' });
    expect([...groups.keys()].map((h) => h.name)).toEqual(['A1', 'A2', 'A3', 'C1']);
    // One members array per group, shared by its members.
    expect(new Set(groups.values()).size).toBe(1);
  });

  test('delegation: hosts with no delegation at all are grouped with the other such hosts of their own OU only', () => {
    const spare = structuredClone(data);
    spare.computers.push(...fleetData([{ name: 'C3', ou: 'Hyper-V-Old' }]).computers);
    // C1 and C3 (Hyper-V-Old) and C2 (another OU) delegate to nobody, and nobody to them.
    expect(peerNames(spare, 'C1', { kind: 'delegation' })).toEqual(['C3']);
    expect(peerNames(spare, 'C2', { kind: 'delegation' })).toEqual([]);
    expect(peerNames(spare, 'A1', { kind: 'delegation' })).toEqual(['A2', 'A3']);
  });

  test('migrationGroups gives each host its group\'s members (itself included), as migrationPeers does without it', () => {
    const snapshot = createSnapshot(data);
    for (const group of [{ kind: 'parent-ou' }, { kind: 'domain' }, { kind: 'delegation' }] as MigrationGroup[]) {
      const groups = migrationGroups(snapshot, group);
      for (const host of snapshot.hyperVHosts) {
        expect(groups.get(host)!.filter((h) => h !== host)).toEqual(migrationPeers(snapshot, host, group));
        expect(groups.get(host)).toContain(host);
      }
    }
  });
});

describe('peerQuery', () => {
  test('delegation: the peers by sAMAccountName, counted in the label', () => {
    const snapshot = createSnapshot(fleetData(names('HV', 3).map((name) => ({ name }))));
    expect(peerQuery(snapshot, snapshot.hyperVHosts[0]!, { kind: 'delegation' })).toEqual({
      domain: 'contoso.com',
      scope: 'subtree',
      names: ['HV2$', 'HV3$'],
      label: 'the 2 Hyper-V hosts connected to HV1 by delegation',
    });
  });

  test('domain and parent-ou: the domain, or the host\'s OU one level deep; a host DN without a parent is its own base', () => {
    const data = fleetData(names('HV', 2).map((name) => ({ name, ou: 'Cluster 1' })));
    const snapshot = createSnapshot(data);
    const host = snapshot.hyperVHosts[0]!;
    expect(peerQuery(snapshot, host, { kind: 'domain' })).toEqual({ domain: 'contoso.com', scope: 'subtree', label: 'all Hyper-V hosts of contoso.com' });
    expect(peerQuery(snapshot, host, { kind: 'parent-ou' })).toEqual({
      domain: 'contoso.com',
      searchBase: 'OU=Cluster 1,DC=contoso,DC=com',
      scope: 'onelevel',
      label: 'the Hyper-V hosts in OU=Cluster 1,DC=contoso,DC=com',
    });
    const rootless = { ...host, distinguishedName: 'CN=HV1' };
    expect(peerQuery(snapshot, rootless, { kind: 'parent-ou' })).toMatchObject({ searchBase: 'CN=HV1' });
  });

  test('ou: the OU\'s own domain and base; a root given with spaces first is still a root', () => {
    const snapshot = createSnapshot(fleetData(names('HV', 2).map((name) => ({ name }))));
    const host = snapshot.hyperVHosts[0]!;
    expect(peerQuery(snapshot, host, { kind: 'ou', dn: 'OU=Hyper-V,DC=fabrikam,DC=net' })).toEqual({
      domain: 'fabrikam.net',
      searchBase: 'OU=Hyper-V,DC=fabrikam,DC=net',
      scope: 'subtree',
      label: 'the Hyper-V hosts under OU=Hyper-V,DC=fabrikam,DC=net',
    });
    expect(peerQuery(snapshot, host, { kind: 'ou', dn: '  dc=fabrikam,DC=net' }).domain).toBe('fabrikam.net');
    // An OU DN with no domain part: the host's domain.
    expect(peerQuery(snapshot, host, { kind: 'ou', dn: 'OU=Hyper-V' }).domain).toBe('contoso.com');
  });
});
