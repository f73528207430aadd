/**
 * peerQuery restates a migration group as an LDAP search (what the 'delegate-to-peers' loop runs). Checked here
 * with a small interpreter of the query's semantics over the snapshot: for every host and every kind of group,
 * the computers the query selects, less the host itself, are exactly migrationPeers.
 */
import { demoData } from '../../src/directory/demo-directory';
import type { Computer } from '../../src/domain/model';
import { migrationGroups, migrationPeers, peerQuery, type MigrationGroup, type PeerQuery } from '../../src/domain/migration-group';
import { createSnapshot, domainOfDn, transitiveGroups, type DirectorySnapshot } from '../../src/domain/snapshot';
import { MIGRATION_SERVICE } from '../../src/domain/spn';
import { fleetData, names } from '../summary/fleet';

/** What AD answers: (servicePrincipalName=<migration service>/*), under the base with the scope, in the groups. */
function selects(snapshot: DirectorySnapshot, q: PeerQuery, c: Computer): boolean {
  if (!c.servicePrincipalNames.some((s) => s.toLowerCase().startsWith(`${MIGRATION_SERVICE.toLowerCase()}/`))) return false;
  const dn = c.distinguishedName.toLowerCase();
  if (q.searchBase === undefined) {
    if (domainOfDn(c.distinguishedName) !== q.domain) return false;
  } else {
    const base = q.searchBase.toLowerCase();
    if (!dn.endsWith(`,${base}`)) return false;
    if (q.scope === 'onelevel' && dn.slice(0, -base.length - 1).search(/(?<!\\),/) !== -1) return false;
  }
  if (q.memberOf) {
    const wanted = new Set(q.memberOf.map((g) => g.toLowerCase()));
    if (!transitiveGroups(snapshot, c.memberOf).some((g) => wanted.has(g.distinguishedName.toLowerCase()))) return false;
  }
  return true;
}

function expectSamePeers(snapshot: DirectorySnapshot, group: MigrationGroup): number {
  let checked = 0;
  // Hosts outside every group (e.g. not under the OU) have no peers and so never get a loop.
  const inGroup = migrationGroups(snapshot, group);
  for (const host of snapshot.hyperVHosts.filter((h) => inGroup.has(h))) {
    const q = peerQuery(snapshot, host, group);
    const selected = snapshot.data.computers.filter((c) => c !== host && selects(snapshot, q, c)).map((c) => c.name).sort();
    const peers = migrationPeers(snapshot, host, group).filter((p) => p.domain === host.domain || group.kind !== 'group');
    expect(selected).toEqual(peers.map((p) => p.name).sort());
    checked += peers.length;
  }
  return checked;
}

describe('peerQuery', () => {
  const demo = createSnapshot(demoData(new Date('2026-01-01T00:00:00Z')));
  const groups: MigrationGroup[] = [{ kind: 'domain' }, { kind: 'parent-ou' }];

  test('selects exactly the migration peers in the demo directory (domain, parent OU, OU)', () => {
    const ou: MigrationGroup = { kind: 'ou', dn: 'OU=Hyper-V Hosts,DC=contoso,DC=com' };
    for (const group of [...groups, ou]) expect(expectSamePeers(demo, group)).toBeGreaterThan(0);
  });

  test('selects exactly the migration peers of a fleet in several OUs', () => {
    const fleet = createSnapshot(fleetData(names('HV', 12).map((name, i) => ({ name, ou: `Cluster ${i % 3}` }))));
    expect(expectSamePeers(fleet, { kind: 'domain' })).toBe(12 * 11);
    expect(expectSamePeers(fleet, { kind: 'parent-ou' })).toBe(12 * 3);
    expect(expectSamePeers(fleet, { kind: 'ou', dn: 'OU=Cluster 1,DC=contoso,DC=com' })).toBe(4 * 3);
  });

  test('an AD group: its DNs as the snapshot matched them (by name or DN), members nested too', () => {
    const data = fleetData(names('HV', 6).map((name) => ({ name })));
    const inner = 'CN=Hyper-V Cluster A,OU=Groups,DC=contoso,DC=com';
    const outer = 'CN=Hyper-V Hosts,OU=Groups,DC=contoso,DC=com';
    data.groups.push({ distinguishedName: inner, name: 'Hyper-V Cluster A', memberOf: [outer] }, { distinguishedName: outer, name: 'Hyper-V Hosts', memberOf: [] });
    data.computers.slice(0, 4).forEach((c) => c.memberOf.push(inner));
    const snapshot = createSnapshot(data);
    const host = snapshot.hyperVHosts[0]!;
    expect(peerQuery(snapshot, host, { kind: 'group', name: 'hyper-v hosts' })).toEqual({
      domain: 'contoso.com',
      scope: 'subtree',
      memberOf: [outer],
      label: 'the Hyper-V hosts of contoso.com in group hyper-v hosts',
    });
    expect(expectSamePeers(snapshot, { kind: 'group', name: 'Hyper-V Hosts' })).toBe(4 * 3);
    expect(expectSamePeers(snapshot, { kind: 'group', name: inner })).toBe(4 * 3);
  });

  test('the domain of an OU group comes from the OU, also when the OU given is the domain root', () => {
    const host = demo.hyperVHosts[0]!;
    expect(peerQuery(demo, host, { kind: 'ou', dn: 'OU=Hyper-V,DC=fabrikam,DC=net' }).domain).toBe('fabrikam.net');
    expect(peerQuery(demo, host, { kind: 'ou', dn: 'DC=fabrikam,DC=net' }).domain).toBe('fabrikam.net');
  });
});
