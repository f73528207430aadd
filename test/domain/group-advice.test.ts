/** Advice about the migration group: a `domain` group that is really many separate clusters. */
import { checkFleet } from '../../src/checker';
import { demoData } from '../../src/directory/demo-directory';
import { ADVICE_MIN_HOSTS } from '../../src/domain/group-advice';
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
