/** Advice about the migration group: a `domain` group that is really many separate clusters. */
import { checkFleet } from '../../src/checker';
import { demoData } from '../../src/directory/demo-directory';
import { ADVICE_MIN_HOSTS, ADVICE_WITHIN_OU_SHARE, groupAdvice, type InferredGroups } from '../../src/domain/group-advice';
import { AUTO_FULL_MESH_MAX_HOSTS, migrationGroups, type MigrationGroup } from '../../src/domain/migration-group';
import type { DirectoryData } from '../../src/domain/model';
import { createSnapshot } from '../../src/domain/snapshot';
import { fleetJson } from '../../src/render/json';
import { fleetText } from '../../src/render/text';
import { scanCard, summaryCard } from '../../src/render/cards';
import { expectValidCard } from '../support/validate-card';
import { buildSummary } from '../../src/summary/model';
import { summaryText } from '../../src/summary/text';
import { syntheticDirectory } from '../../bench/synthetic';
import { fleetData, names, type HostSpec } from '../summary/fleet';

const ctx = { directoryLabel: 'test', takenAt: '2026-03-02T06:00:00.000Z' };

/** `count` hosts in OUs of `perOu` hosts; each delegates to every host of its own OU (fleetData). */
function clustered(count: number, perOu: number): HostSpec[] {
  return names('HV', count).map((name, i) => ({ name, ou: `Cluster ${Math.floor(i / perOu)}` }));
}

const domainScan = (data: DirectoryData) => checkFleet(createSnapshot(data), { group: { kind: 'domain' } });

describe('separate-clusters advice', () => {
  test('a domain group of many clusters (one OU each, delegating within it) gets it, with the numbers', () => {
    const report = domainScan(fleetData(clustered(100, 20)));
    expect(report.advice).toHaveLength(1);
    const a = report.advice![0]!;
    if (a.kind !== 'separate-clusters') throw new Error(`expected separate-clusters advice, got ${a.kind}`);
    expect(a).toMatchObject({ kind: 'separate-clusters', domain: 'contoso.com', hosts: 100, ous: 5, delegating: 100, withinOu: 100, directions: 9900 });
    expect(a.entriesPerHost).toBe(99 * 4);
    expect(a.message).toContain('KCD_MIGRATION_GROUP=parent-ou');
    expect(a.message).toContain('100 of the 100 hosts that delegate');
    // Every front end shows it.
    expect(fleetText(report, 'test')).toContain('Advice: The 100 Hyper-V hosts of contoso.com');
    expect(fleetJson(report, 'test').advice).toEqual(report.advice);
    const card = scanCard(report, ctx);
    expectValidCard(card);
    expect(JSON.stringify(card)).toContain('KCD\\\\_MIGRATION\\\\_GROUP=parent-ou');
    const { summary } = buildSummary({ report, directory: 'test' });
    expect(summary.advice).toEqual([a.message]);
    expect(summaryText(summary)).toContain(`Advice: ${a.message}`);
    const daily = summaryCard(summary, ctx);
    expectValidCard(daily);
    expect(JSON.stringify(daily)).toContain('💡 The 100 Hyper-V hosts of contoso.com');
  });

  test('the synthetic benchmark fleet (clusters of 8–32, one OU each) as one domain group gets it', () => {
    const report = checkFleet(createSnapshot(syntheticDirectory(300)), { group: { kind: 'domain' }, storage: true });
    expect(report.advice).toHaveLength(1);
    expect(report.advice![0]).toMatchObject({ domain: 'lab.test', hosts: 300 });
    expect(report.advice![0]).toMatchObject({ kind: 'separate-clusters', ous: expect.any(Number) as unknown });
    expect((report.advice![0] as { ous: number }).ous).toBeGreaterThan(8);
    // Checked per OU, the same fleet needs no advice.
    expect(checkFleet(createSnapshot(syntheticDirectory(300)), { group: { kind: 'parent-ou' } }).advice).toBeUndefined();
  });

  test('absent for the demo directory, for a genuine one-cluster domain, and for a meshed domain spread over OUs', () => {
    expect(checkFleet(createSnapshot(demoData(new Date('2026-01-01T00:00:00Z')))).advice).toBeUndefined();
    expect(fleetJson(checkFleet(createSnapshot(demoData(new Date('2026-01-01T00:00:00Z')))), 'demo')).not.toHaveProperty('advice');
    // 100 hosts, one OU, all delegating to each other: one big cluster, correctly one group.
    expect(domainScan(fleetData(clustered(100, 100))).advice).toBeUndefined();
    // The same full mesh, but the hosts filed in 5 OUs: they do delegate across OUs, so the domain is the group.
    const meshed = fleetData(clustered(100, 100));
    meshed.computers.forEach((c, i) => (c.distinguishedName = c.distinguishedName.replace('OU=Cluster 0', `OU=Site ${i % 5}`)));
    expect(domainScan(meshed).advice).toBeUndefined();
    // Small domains are left alone whatever their layout.
    expect(domainScan(fleetData(clustered(ADVICE_MIN_HOSTS, 8))).advice).toBeUndefined();
    expect(domainScan(fleetData(clustered(ADVICE_MIN_HOSTS + 1, 8))).advice).toHaveLength(1);
  });
});

describe('separate-clusters advice: its bounds and numbers', () => {
  const adviceOf = (data: DirectoryData, group: MigrationGroup = { kind: 'domain' }, storage = true) => {
    const snapshot = createSnapshot(data);
    return groupAdvice(snapshot, group, migrationGroups(snapshot, group), storage);
  };

  test('entries per host: two name forms per peer and service, cifs only with storage; the AD-limit sentence past 1,200', () => {
    const [withStorage] = adviceOf(fleetData(clustered(100, 20)), { kind: 'domain' }, true);
    const [vmOnly] = adviceOf(fleetData(clustered(100, 20)), { kind: 'domain' }, false);
    expect(withStorage).toMatchObject({ kind: 'separate-clusters', entriesPerHost: 99 * 4, directions: 9900, suggestion: 'KCD_MIGRATION_GROUP=parent-ou' });
    expect(vmOnly).toMatchObject({ kind: 'separate-clusters', entriesPerHost: 99 * 2 });
    expect(withStorage!.message).toContain('9,900 migration directions');
    expect(withStorage!.message).not.toContain('more than AD keeps');
    // 301 hosts need exactly 1,200 entries each: still within what AD keeps; 302 need 1,204.
    expect(adviceOf(fleetData(clustered(301, 43)))[0]).toMatchObject({ entriesPerHost: 1200 });
    expect(adviceOf(fleetData(clustered(301, 43)))[0]!.message).not.toContain('more than AD keeps');
    const over = adviceOf(fleetData(clustered(302, 43)))[0]!;
    expect(over).toMatchObject({ entriesPerHost: 1204, ous: 8 });
    expect(over.message).toContain('every host would need 1,204 delegation entries');
  });

  test(`given when at least ${ADVICE_WITHIN_OU_SHARE * 100}% of the delegating hosts delegate only within their OU; hosts delegating to nobody are not counted`, () => {
    /** 70 hosts in 7 OUs; the first `outside` hosts also delegate to a host of the next OU; the last `idle` delegate to nobody. */
    const fleet = (outside: number, idle = 0) => {
      const data = fleetData(clustered(70, 10));
      data.computers.forEach((c, i) => {
        if (i < outside) c.allowedToDelegateTo.push(`Microsoft Virtual System Migration Service/${data.computers[(i + 10) % 70]!.name}`);
        if (i >= 70 - idle) c.allowedToDelegateTo = [];
      });
      return data;
    };
    expect(adviceOf(fleet(14))).toEqual([expect.objectContaining({ delegating: 70, withinOu: 56, ous: 7 })]);
    expect(adviceOf(fleet(15))).toEqual([]);
    // 10 idle hosts: 60 delegate, 48 of them within their OU (80%).
    expect(adviceOf(fleet(12, 10))).toEqual([expect.objectContaining({ delegating: 60, withinOu: 48 })]);
    expect(adviceOf(fleet(13, 10))).toEqual([]);
    // Nobody delegates: nothing says the group is split.
    expect(adviceOf(fleet(0, 70))).toEqual([]);
  });

  test('a host\'s entries naming itself or a non-member do not count as delegating to a peer', () => {
    const data = fleetData(clustered(70, 10));
    const loner = data.computers[0]!;
    loner.allowedToDelegateTo = [`Microsoft Virtual System Migration Service/${loner.name}`, 'cifs/fileserver.contoso.com'];
    expect(adviceOf(data)).toEqual([expect.objectContaining({ delegating: 69, withinOu: 69 })]);
  });

  test('only for domain groups (auto as domain); not for OU, AD-group or parent-ou groups', () => {
    const data = fleetData(clustered(100, 20));
    expect(adviceOf(data, { kind: 'auto' })).toEqual([expect.objectContaining({ kind: 'separate-clusters', migrationGroup: 'domain' })]);
    expect(adviceOf(data, { kind: 'parent-ou' })).toEqual([]);
    expect(adviceOf(data, { kind: 'ou', dn: 'DC=contoso,DC=com' })).toEqual([]);
    expect(adviceOf(data, { kind: 'group', name: 'x' })).toEqual([]);
    // Grouped by delegation, each cluster is its own group already: a note on the groups, no split advice.
    expect(adviceOf(data, { kind: 'delegation' }).map((a) => a.kind)).toEqual(['inferred-groups']);
  });

  test('one piece of advice per domain, in domain order', () => {
    const data = fleetData(clustered(70, 10));
    const other = fleetData(clustered(70, 10)).computers.map((c) => ({
      ...c,
      name: `A${c.name}`,
      samAccountName: `A${c.samAccountName}`,
      dnsHostName: `a${c.dnsHostName}`.replace('contoso.com', 'zeta.com'),
      domain: 'zeta.com',
      distinguishedName: c.distinguishedName.replace('DC=contoso,DC=com', 'DC=zeta,DC=com'),
      servicePrincipalNames: c.servicePrincipalNames.map((s) => s.replace(/\/(.*)$/, (_, n: string) => `/a${n.replace('contoso.com', 'zeta.com')}`)),
      allowedToDelegateTo: c.allowedToDelegateTo.map((s) => s.replace(/\/(.*)$/, (_, n: string) => `/a${n.replace('contoso.com', 'zeta.com')}`)),
    }));
    const advice = adviceOf({ ...data, domains: ['contoso.com', 'zeta.com'], computers: [...data.computers, ...other] });
    // zeta.com's hosts (A…) come first among the hosts; the advice is in domain order.
    expect(advice.map((a) => [a.kind, a.domain, a.hosts])).toEqual([
      ['separate-clusters', 'contoso.com', 70],
      ['separate-clusters', 'zeta.com', 70],
    ]);
  });
});

describe('inferred-groups note', () => {
  const noteOf = (data: DirectoryData) => {
    const snapshot = createSnapshot(data);
    const group: MigrationGroup = { kind: 'delegation' };
    return groupAdvice(snapshot, group, migrationGroups(snapshot, group), true).find((a): a is InferredGroups => a.kind === 'inferred-groups')!;
  };

  test('names the ten largest groups (largest first, then by name) and counts the rest', () => {
    // 12 OUs: Cluster 0 has 3 hosts, the others 2.
    const small = Array.from({ length: 22 }, (_, i) => `N${String(i).padStart(2, '0')}`);
    const specs = [...clustered(3, 3), ...small.map((name, i) => ({ name, ou: `Cluster ${1 + Math.floor(i / 2)}` }))];
    const note = noteOf(fleetData(specs));
    expect(note.groups).toHaveLength(12);
    expect(note.groups[0]).toEqual({ name: 'HV1', hosts: 3 });
    expect(note.groups.slice(1)).toEqual(small.filter((_, i) => i % 2 === 0).map((name) => ({ name, hosts: 2 })));
    expect(note).toMatchObject({ hosts: 25, withoutPeers: 0, bridges: [], migrationGroup: 'delegation', domain: 'contoso.com' });
    expect(note.message).toContain('in the 12 groups');
    expect(note.message).toContain(" and 2 more.");
    expect(note.message).not.toContain('no delegation to or from');
    expect(note.message).not.toContain('Not merged');
  });

  test('exactly ten groups: all named, none counted', () => {
    const note = noteOf(fleetData(clustered(20, 2)));
    expect(note.groups).toHaveLength(10);
    expect(note.message).not.toContain(' more');
  });

  test('one host without peers: singular', () => {
    const note = noteOf(fleetData([...clustered(4, 2), { name: 'NEW1', ou: 'alone' }]));
    expect(note).toMatchObject({ withoutPeers: 1 });
    expect(note.message).toContain('1 host has no delegation to or from any peer and was checked with the other such hosts of its OU');
  });

  test('one group: singular; several hosts without peers: plural', () => {
    const data = fleetData([...clustered(4, 4), ...names('NEW', 2).map((name) => ({ name, ou: `alone-${name}` }))]);
    const note = noteOf(data);
    expect(note).toMatchObject({ hosts: 6, withoutPeers: 2, groups: [{ name: 'HV1', hosts: 4 }] });
    expect(note.message).toContain('in the 1 group their delegation connects');
    expect(note.message).toContain('2 hosts have no delegation to or from any peer and were checked with the other such hosts of their OU');
  });
});

describe('advice word for word, and which advice for which group', () => {
  const adviceOf = (data: DirectoryData, group: MigrationGroup) => {
    const snapshot = createSnapshot(data);
    return groupAdvice(snapshot, group, migrationGroups(snapshot, group), true);
  };
  /** The computers of `data` (fleetData, contoso.com) moved to `domain`: names, SPNs, entries and DNs. */
  const inDomain = (data: DirectoryData, domain: string): DirectoryData['computers'] => {
    const dc = domain
      .split('.')
      .map((part) => `DC=${part}`)
      .join(',');
    const swap = (s: string) => s.replace(/contoso\.com/gi, domain);
    return data.computers.map((c) => ({
      ...c,
      domain,
      dnsHostName: swap(c.dnsHostName!),
      distinguishedName: c.distinguishedName.replace('DC=contoso,DC=com', dc),
      servicePrincipalNames: c.servicePrincipalNames.map(swap),
      allowedToDelegateTo: c.allowedToDelegateTo.map(swap),
    }));
  };
  const k = (i: number) => String(i).padStart(2, '0');

  /**
   * contoso.com: 11 pairs of 4-host clusters, each pair held together by one host (KnnBR) delegating to both; 30
   * clusters of 2. zeta.com (hosts A…, first in name order) and alpha.com (B…): two clusters of 3 each.
   */
  function bridgedEstate(bridged = 11): DirectoryData {
    const specs: HostSpec[] = [];
    for (let i = 1; i <= bridged; i++) {
      for (const side of ['A', 'B']) for (let h = 1; h <= 4; h++) specs.push({ name: `K${k(i)}${side}${h}`, ou: `K${k(i)} ${side}` });
      specs.push({ name: `K${k(i)}BR`, ou: `K${k(i)} bridge` });
    }
    for (let i = 1; i <= 30; i++) for (const h of ['a', 'b']) specs.push({ name: `P${k(i)}${h}`, ou: `P${k(i)}` });
    const data = fleetData(specs);
    for (let i = 1; i <= bridged; i++) {
      const bridge = data.computers.find((c) => c.name === `K${k(i)}BR`)!;
      bridge.allowedToDelegateTo = data.computers.filter((c) => /^K\d\d[AB]\d$/.test(c.name) && c.name.startsWith(`K${k(i)}`)).map((c) => `cifs/${c.name}`);
    }
    const small = (prefix: string) => fleetData(names(prefix, 6).map((name, i) => ({ name, ou: `${prefix} ${Math.floor(i / 3)}` })));
    return { ...data, domains: ['contoso.com', 'zeta.com', 'alpha.com'], computers: [...data.computers, ...inDomain(small('A'), 'zeta.com'), ...inDomain(small('B'), 'alpha.com')] };
  }

  test('inferred groups: one note per domain in domain order, the ten largest groups named, bridges named up to ten and the rest counted', () => {
    const advice = adviceOf(bridgedEstate(), { kind: 'delegation' }) as InferredGroups[];
    expect(advice.map((a) => [a.kind, a.domain, a.hosts])).toEqual([
      ['inferred-groups', 'alpha.com', 6],
      ['inferred-groups', 'contoso.com', 159],
      ['inferred-groups', 'zeta.com', 6],
    ]);
    const [alpha, contoso, zeta] = advice;
    const named = Array.from({ length: 10 }, (_, i) => `K${k(i + 1)}A1's (5)`).join(', ');
    const bridges = Array.from({ length: 10 }, (_, i) => `K${k(i + 1)}BR delegates to K${k(i + 1)}A1's and K${k(i + 1)}B1's groups`).join('; ');
    expect(contoso!.message).toBe(
      `The 159 Hyper-V hosts of contoso.com were checked in the 52 groups their delegation connects (KCD_MIGRATION_GROUP=delegation): ${named} and 42 more. ` +
        `Not merged into one group: ${bridges} (and 1 more such host); each side is checked as its own group, the linking host with the side it has most links to.`,
    );
    expect(contoso!.bridges).toHaveLength(11);
    expect(contoso!.bridges[10]).toEqual({ host: 'K11BR', groups: ['K11A1', 'K11B1'] });
    // The other domains' notes have no bridges of contoso.com's.
    expect(alpha!.bridges).toEqual([]);
    expect(zeta!.bridges).toEqual([]);
    expect(alpha!.message).toBe('The 6 Hyper-V hosts of alpha.com were checked in the 2 groups their delegation connects (KCD_MIGRATION_GROUP=delegation): B1\'s (3), B4\'s (3).');
  });

  test('ten bridges: all named, none counted', () => {
    const contoso = (adviceOf(bridgedEstate(10), { kind: 'delegation' }) as InferredGroups[]).find((a) => a.domain === 'contoso.com')!;
    const named = Array.from({ length: 10 }, (_, i) => `K${k(i + 1)}A1's (5)`).join(', ');
    const bridges = Array.from({ length: 10 }, (_, i) => `K${k(i + 1)}BR delegates to K${k(i + 1)}A1's and K${k(i + 1)}B1's groups`).join('; ');
    expect(contoso.message).toBe(
      `The 150 Hyper-V hosts of contoso.com were checked in the 50 groups their delegation connects (KCD_MIGRATION_GROUP=delegation): ${named} and 40 more. ` +
        `Not merged into one group: ${bridges}; each side is checked as its own group, the linking host with the side it has most links to.`,
    );
  });

  test('groups are listed largest first whatever their names; equal sizes by name in any letter case', () => {
    const specs: HostSpec[] = [
      ...names('A', 2).map((name) => ({ name, ou: 'small' })),
      ...names('c', 3).map((name) => ({ name, ou: 'middle c' })),
      ...names('B', 3).map((name) => ({ name, ou: 'middle B' })),
      ...names('D', 4).map((name) => ({ name, ou: 'large' })),
    ];
    const [note] = adviceOf(fleetData(specs), { kind: 'delegation' }) as InferredGroups[];
    expect(note!.groups).toEqual([
      { name: 'D1', hosts: 4 },
      { name: 'B1', hosts: 3 },
      { name: 'c1', hosts: 3 },
      { name: 'A1', hosts: 2 },
    ]);
    expect(note!.message).toBe(
      "The 12 Hyper-V hosts of contoso.com were checked in the 4 groups their delegation connects (KCD_MIGRATION_GROUP=delegation): D1's (4), B1's (3), c1's (3), A1's (2).",
    );
  });

  test(`auto above ${AUTO_FULL_MESH_MAX_HOSTS} hosts says why it grouped by delegation`, () => {
    const [note] = adviceOf(fleetData(clustered(AUTO_FULL_MESH_MAX_HOSTS + 1, 7)), { kind: 'auto' });
    expect(note!.kind).toBe('inferred-groups');
    expect(note!.message).toMatch(
      /^The 301 Hyper-V hosts of contoso\.com were checked in the 43 groups their delegation connects \(KCD_MIGRATION_GROUP=auto: more than 300 hosts, too many for one full mesh\): HV\d+'s \(7\), /,
    );
  });

  test('a large delegation group spread over two OUs is one group by its delegation: no advice to split it', () => {
    // 70 hosts, two OUs meshed inside, joined by one entry: one component, so one group of 70.
    const data = fleetData(clustered(70, 35));
    data.computers[0]!.allowedToDelegateTo.push('cifs/HV70');
    const advice = adviceOf(data, { kind: 'delegation' });
    expect(advice.map((a) => a.kind)).toEqual(['inferred-groups']);
    expect((advice[0] as InferredGroups).groups).toEqual([{ name: 'HV1', hosts: 70 }]);
    // As a domain group, the same hosts get the advice: two OUs are enough.
    const asDomain = adviceOf(data, { kind: 'domain' });
    expect(asDomain).toEqual([expect.objectContaining({ kind: 'separate-clusters', ous: 2, hosts: 70, delegating: 70, withinOu: 69 })]);
    expect(asDomain[0]!.message).toMatch(/, to check each cluster on its own\.$/);
  });
});
