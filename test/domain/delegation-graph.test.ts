/** Migration groups inferred from who delegates to whom: clusters in one OU, a host with no delegation, `auto`. */
import { checkFleet, checkHost } from '../../src/checker';
import { delegationComponents } from '../../src/domain/delegation-graph';
import type { InferredGroups } from '../../src/domain/group-advice';
import { AUTO_FULL_MESH_MAX_HOSTS, migrationGroups, migrationPeers, peerQuery } from '../../src/domain/migration-group';
import type { DirectoryData } from '../../src/domain/model';
import { resolveHost } from '../../src/domain/names';
import { createSnapshot } from '../../src/domain/snapshot';
import { renderFix } from '../../src/fixes/powershell';
import { scanCard, summaryCard } from '../../src/render/cards';
import { fleetJson } from '../../src/render/json';
import { fleetText } from '../../src/render/text';
import { buildSummary } from '../../src/summary/model';
import { summaryText } from '../../src/summary/text';
import { expectValidCard } from '../support/validate-card';
import { fleetData, names } from '../summary/fleet';

const ctx = { directoryLabel: 'test', takenAt: '2026-03-02T06:00:00.000Z' };

/**
 * `clusters` clusters of `size` hosts that delegate to each other, every host in the one OU "Hyper-V" (as many
 * estates keep them), plus `loners` hosts with no delegation to or from anyone.
 */
function oneOu(clusters: number, size: number, loners = 0): DirectoryData {
  const specs = [
    ...names('HV', clusters * size).map((name, i) => ({ name, ou: `C${Math.floor(i / size)}` })),
    ...names('NEW', loners).map((name) => ({ name, ou: `alone-${name}` })),
  ];
  const data = fleetData(specs);
  for (const c of data.computers) c.distinguishedName = c.distinguishedName.replace(/OU=[^,]+/, 'OU=Hyper-V');
  return data;
}

describe('the delegation graph', () => {
  test('clusters in one OU are its components; a host nobody delegates to and who delegates to nobody is isolated', () => {
    const snapshot = createSnapshot(oneOu(4, 10, 1));
    const { componentOf, isolated, sizes } = delegationComponents(snapshot);
    expect([...sizes.values()]).toEqual([10, 10, 10, 10]);
    expect([...isolated].map((c) => c.name)).toEqual(['NEW1']);
    const hv = (n: number) => resolveHost(snapshot, `HV${n}`);
    expect(componentOf.get(hv(1))).toBe(componentOf.get(hv(10)));
    expect(componentOf.get(hv(1))).not.toBe(componentOf.get(hv(11)));
  });

  test('one entry from either side links two hosts, in either name form and for cifs too', () => {
    const data = oneOu(0, 0, 4); // NEW1…NEW4, no delegation at all
    const [a, b, c, d] = data.computers;
    a!.allowedToDelegateTo = [`cifs/${b!.dnsHostName}`]; // A → B by cifs, FQDN
    d!.allowedToDelegateTo = [`Microsoft Virtual System Migration Service/${c!.name}`]; // D → C, NetBIOS
    const { componentOf, isolated } = delegationComponents(createSnapshot(data));
    expect(isolated.size).toBe(0);
    expect(componentOf.get(a!)).toBe(componentOf.get(b!));
    expect(componentOf.get(c!)).toBe(componentOf.get(d!));
    expect(componentOf.get(a!)).not.toBe(componentOf.get(c!));
  });
});

describe('a bridge between two clusters', () => {
  /** Clusters of 10 in one OU, and BRIDGE delegating to every host of the first two clusters (and they to it). */
  function bridged(): DirectoryData {
    const data = oneOu(4, 10, 1);
    const bridge = data.computers.find((c) => c.name === 'NEW1')!;
    const firstTwo = data.computers.filter((c) => /^HV\d+$/.test(c.name) && Number(c.name.slice(2)) <= 20);
    bridge.allowedToDelegateTo = firstTwo.flatMap((c) => [`Microsoft Virtual System Migration Service/${c.name}`, `Microsoft Virtual System Migration Service/${c.dnsHostName}`]);
    // One more link to the first cluster: the bridge belongs with it.
    for (const c of firstTwo.slice(0, 3)) c.allowedToDelegateTo.push(`Microsoft Virtual System Migration Service/${bridge.name}`);
    return data;
  }

  test('is found and does not merge the clusters: each side is its own group, the bridge joins the side it has most links to', () => {
    const snapshot = createSnapshot(bridged());
    const { componentOf, sizes, bridges } = delegationComponents(snapshot);
    expect([...sizes.values()].sort((a, b) => a - b)).toEqual([10, 10, 10, 11]);
    expect(bridges.map((b) => b.host.name)).toEqual(['NEW1']);
    const at = (name: string) => componentOf.get(resolveHost(snapshot, name));
    expect(at('NEW1')).toBe(at('HV1'));
    expect(at('HV1')).not.toBe(at('HV11'));
    const report = checkFleet(snapshot, { group: { kind: 'delegation' } });
    expect(report.totals.pairsExpected).toBe(11 * 10 + 3 * 10 * 9);
    const note = report.advice?.find((a): a is InferredGroups => a.kind === 'inferred-groups');
    expect(note?.bridges).toEqual([{ host: 'NEW1', groups: ['HV1', 'HV11'] }]);
    expect(note?.message).toContain("Not merged into one group: NEW1 delegates to HV1's and HV11's groups");
  });

  test('a cluster with one host hanging off it (delegating to one member only) is not split', () => {
    const data = oneOu(4, 10, 1);
    const pendant = data.computers.find((c) => c.name === 'NEW1')!;
    pendant.allowedToDelegateTo = ['Microsoft Virtual System Migration Service/HV5'];
    const { sizes, bridges } = delegationComponents(createSnapshot(data));
    expect([...sizes.values()].sort((a, b) => a - b)).toEqual([10, 10, 10, 11]);
    expect(bridges).toEqual([]);
  });
});

describe('KCD_MIGRATION_GROUP=delegation', () => {
  const snapshot = createSnapshot(oneOu(4, 10, 1));
  const report = checkFleet(snapshot, { group: { kind: 'delegation' } });

  test('each cluster is checked as its own group: every direction inside it, none across', () => {
    expect(report.group).toEqual({ kind: 'delegation' });
    expect(report.totals.pairsExpected).toBe(4 * 10 * 9);
    expect(report.totals.pairsReady).toBe(4 * 10 * 9);
    const hv1 = resolveHost(snapshot, 'HV1');
    expect(migrationPeers(snapshot, hv1, { kind: 'delegation' }).map((p) => p.name)).toEqual(names('HV', 10).filter((n) => n !== 'HV1').sort());
    expect(checkHost(snapshot, hv1, { group: { kind: 'delegation' } }).peers).toHaveLength(9);
  });

  test('the scan says which groups were inferred, in its text, JSON, card and daily summary', () => {
    const note = report.advice?.find((a): a is InferredGroups => a.kind === 'inferred-groups');
    expect(note).toMatchObject({ domain: 'contoso.com', hosts: 41, withoutPeers: 1, groups: [{ name: 'HV1', hosts: 10 }, { name: 'HV11', hosts: 10 }, { name: 'HV21', hosts: 10 }, { name: 'HV31', hosts: 10 }] });
    expect(note!.message).toContain('checked in the 4 groups their delegation connects');
    expect(note!.message).toContain('1 host has no delegation to or from any peer');
    expect(fleetText(report, 'test')).toContain(note!.message.slice(0, 60));
    expect(fleetJson(report, 'test').advice).toContainEqual(note);
    const card = scanCard(report, ctx);
    expectValidCard(card);
    expect(JSON.stringify(card)).toContain('their delegation connects');
    const { summary } = buildSummary({ report, directory: 'test' });
    expect(summaryText(summary)).toContain('their delegation connects');
    expectValidCard(summaryCard(summary, ctx));
  });

  test('a loop fix for an inferred group names its members: no LDAP filter selects who delegates to whom', () => {
    const query = peerQuery(snapshot, resolveHost(snapshot, 'HV1'), { kind: 'delegation' });
    expect(query.names).toEqual(names('HV', 10).filter((n) => n !== 'HV1').sort().map((n) => `${n}$`));
    const script = renderFix({ kind: 'delegate-to-peers', host: 'HV1', services: ['cifs'], peers: query, missing: 80, peerCount: 9 });
    expect(script).toContain("foreach ($name in @('HV10$'");
    expect(script).not.toContain('-LDAPFilter');
  });
});

describe('delegation groups on other layouts', () => {
  test('clusters in an OU each: the same groups as parent-ou', () => {
    const snapshot = createSnapshot(fleetData(names('HV', 30).map((name, i) => ({ name, ou: `Cluster ${Math.floor(i / 10)}` }))));
    const byDelegation = new Set(migrationGroups(snapshot, { kind: 'delegation' }).values());
    const byOu = new Set(migrationGroups(snapshot, { kind: 'parent-ou' }).values());
    const membersOf = (groups: Set<readonly { name: string }[]>) => [...groups].map((g) => g.map((c) => c.name).join()).sort();
    expect(membersOf(byDelegation)).toEqual(membersOf(byOu));
    expect(byDelegation.size).toBe(3);
  });

  test('delegation across domains joins one group, and KCD013 names what cannot work', () => {
    const data = oneOu(1, 4);
    const other = data.computers[3]!;
    other.domain = 'eu.contoso.com';
    other.distinguishedName = other.distinguishedName.replace('DC=contoso,DC=com', 'DC=eu,DC=contoso,DC=com');
    data.domains = ['contoso.com', 'eu.contoso.com'];
    const snapshot = createSnapshot(data);
    const report = checkFleet(snapshot, { group: { kind: 'delegation' } });
    expect(report.totals.pairsExpected).toBe(4 * 3);
    expect(report.hosts.find((h) => h.host.name === other.name)?.findings.map((f) => f.rule)).toContain('KCD013');
  });
});

describe('KCD_MIGRATION_GROUP=auto (the default)', () => {
  test('a domain AD can configure as one full mesh keeps the domain group', () => {
    const snapshot = createSnapshot(oneOu(4, 10, 1));
    const report = checkFleet(snapshot);
    expect(report.group).toEqual({ kind: 'domain' });
    expect(report.totals.pairsExpected).toBe(41 * 40);
    expect(report.advice?.some((a) => a.kind === 'inferred-groups')).toBeFalsy();
  });

  test(`a larger one (more than ${AUTO_FULL_MESH_MAX_HOSTS} hosts) is split into the groups its delegation shows`, () => {
    const snapshot = createSnapshot(oneOu(20, 16, 2));
    expect(snapshot.hyperVHosts.length).toBeGreaterThan(AUTO_FULL_MESH_MAX_HOSTS);
    const report = checkFleet(snapshot);
    expect(report.group).toEqual({ kind: 'delegation' });
    // The two hosts without delegation fall back to their OU, as one group of two that is not configured.
    expect(report.totals.pairsExpected).toBe(20 * 16 * 15 + 2);
    expect(report.totals.pairsReady).toBe(20 * 16 * 15);
    expect(report.hosts.filter((h) => !h.ready).map((h) => h.host.name)).toEqual(['NEW1', 'NEW2']);
    expect(new Set(migrationGroups(snapshot, { kind: 'auto' }).values()).size).toBe(20 + 1); // the two loners share their OU's
    expect(report.advice).toEqual([expect.objectContaining({ kind: 'inferred-groups', migrationGroup: 'delegation', withoutPeers: 2 })]);
  });
});
