/**
 * The peer loop's LDAP search (peerQuery + peerFilter: what the generated PowerShell hands Get-ADComputer),
 * run against a real Samba AD DC: for each kind of migration group it finds exactly the peers the checker
 * derives from the snapshot read from the same DC (migrationPeers).
 */
import type { Client } from 'ldapts';
import { migrationPeers, peerQuery, type MigrationGroup } from '../../src/domain/migration-group';
import type { DirectorySnapshot } from '../../src/domain/snapshot';
import { peerFilter } from '../../src/fixes/powershell';
import { adminClient, computerEntry, groupEntry, LAB_BASE_DN, labFacts, loadEntries, ouEntry, uniqueName } from '../ad-lab/lab';
import { labDirectory } from '../support/scenario-lab';

jest.setTimeout(300_000);

describe('the peer loop selects the migration group on a real DC', () => {
  const top = ouEntry(uniqueName('PL'));
  const clusterA = ouEntry('Cluster A', top.dn);
  const clusterB = ouEntry('Cluster (B)', top.dn);
  const a = [uniqueName('PA'), uniqueName('PA'), uniqueName('PA')];
  const b = [uniqueName('PB'), uniqueName('PB')];
  const other = uniqueName('PN'); // not a Hyper-V host: never a peer
  const inner = groupEntry({ name: uniqueName('GI'), container: top.dn, members: [`CN=${a[0]},${clusterA.dn}`, `CN=${b[0]},${clusterB.dn}`] });
  const outer = groupEntry({ name: uniqueName('GO'), container: top.dn, members: [inner.dn, `CN=${a[1]},${clusterA.dn}`] });
  let snapshot: DirectorySnapshot;
  let client: Client;

  beforeAll(async () => {
    const facts = labFacts();
    await loadEntries(facts, [
      top,
      clusterA,
      clusterB,
      ...a.map((name) => computerEntry({ name, container: clusterA.dn, hyperV: true })),
      ...b.map((name) => computerEntry({ name, container: clusterB.dn, hyperV: true })),
      computerEntry({ name: other, container: clusterA.dn }),
      inner,
      outer,
    ]);
    const dir = labDirectory(facts);
    try {
      snapshot = await dir.snapshot();
    } finally {
      await dir.close();
    }
    client = await adminClient(facts);
  });

  afterAll(async () => {
    await client?.unbind();
  });

  /** The DNs (lower-cased) the loop's Get-ADComputer would return, less the host itself. */
  async function search(hostName: string, group: MigrationGroup): Promise<string[]> {
    const host = snapshot.computersByName.get(hostName.toLowerCase())!;
    const q = peerQuery(snapshot, host, group);
    const { searchEntries } = await client.search(q.searchBase ?? LAB_BASE_DN, {
      scope: q.scope === 'onelevel' ? 'one' : 'sub',
      filter: peerFilter(q),
      attributes: ['dNSHostName'],
    });
    return searchEntries.map((e) => e.dn.toLowerCase()).filter((dn) => dn !== host.distinguishedName.toLowerCase()).sort();
  }

  function peers(hostName: string, group: MigrationGroup): string[] {
    const host = snapshot.computersByName.get(hostName.toLowerCase())!;
    return migrationPeers(snapshot, host, group).map((p) => p.distinguishedName.toLowerCase()).sort();
  }

  test('parent-ou: the hosts of the same OU, one level', async () => {
    for (const name of [...a, ...b]) {
      const found = await search(name, { kind: 'parent-ou' });
      expect(found).toEqual(peers(name, { kind: 'parent-ou' }));
      expect(found.length).toBe(a.includes(name) ? a.length - 1 : b.length - 1);
    }
  });

  test('ou:<DN>: every Hyper-V host under the OU', async () => {
    const group: MigrationGroup = { kind: 'ou', dn: top.dn };
    const found = await search(a[0]!, group);
    expect(found).toEqual(peers(a[0]!, group));
    expect(found).toHaveLength(a.length + b.length - 1);
  });

  test('group:<name>: members, nested membership included', async () => {
    for (const name of [outer.attributes.sAMAccountName as string, outer.dn]) {
      const group: MigrationGroup = { kind: 'group', name };
      const found = await search(a[0]!, group);
      expect(found).toEqual(peers(a[0]!, group));
      expect(found).toHaveLength(2); // a[1] (direct), b[0] (through the inner group)
    }
  });

  test('domain: the migration-service filter matches every Hyper-V host (compared within this test\'s OU)', async () => {
    const mine = (dns: string[]) => dns.filter((dn) => dn.endsWith(`,${top.dn.toLowerCase()}`));
    const found = mine(await search(b[1]!, { kind: 'domain' }));
    expect(found).toEqual(mine(peers(b[1]!, { kind: 'domain' })));
    expect(found).toHaveLength(a.length + b.length - 1);
  });
});
