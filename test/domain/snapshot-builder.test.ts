/**
 * SnapshotBuilder fed computer by computer (as the LDAP read does) gives the same snapshot as createSnapshot:
 * the same indexes and the same reports, whenever the sPNMappings arrive, and also when what it was fed is
 * not what build() is given (it starts over then).
 */
import { checkFleet, checkHost } from '../../src/checker';
import { demoData } from '../../src/directory/demo-directory';
import type { DirectoryData } from '../../src/domain/model';
import { createSnapshot, SnapshotBuilder, type DirectorySnapshot } from '../../src/domain/snapshot';
import { fleetJson, hostJson } from '../../src/render/json';
import { syntheticDirectory } from '../../bench/synthetic';
import { loadScenarios, scenarioData } from '../support/scenario';

type Feed = 'mappings first' | 'mappings half way' | 'mappings at build' | 'mappings last';

function fed(data: DirectoryData, feed: Feed): DirectorySnapshot {
  const builder = new SnapshotBuilder();
  if (feed === 'mappings first') builder.setSpnMappings(data.spnMappings);
  data.computers.forEach((c, i) => {
    if (feed === 'mappings half way' && i === Math.floor(data.computers.length / 2)) builder.setSpnMappings(data.spnMappings);
    builder.addComputer(c);
  });
  if (feed === 'mappings last') builder.setSpnMappings(data.spnMappings);
  return builder.build(data);
}

/** Everything the checker reads from a snapshot, as plain data. */
function indexes(s: DirectorySnapshot): unknown {
  const name = (c: { distinguishedName: string }) => c.distinguishedName;
  return {
    hyperVHosts: s.hyperVHosts.map(name),
    spnAliases: [...s.spnAliases],
    duplicates: [...s.duplicateSpnHolders],
    targets: s.delegationTargetById.map((t) => ({ id: t.id, holders: t.holders, dc: t.domainController && name(t.domainController) })),
    ids: [...s.delegationIds].map(([c, ids]) => [name(c), [...ids.inOrder], [...ids.sorted], ids.anyUnheld, ids.anyDomainController]),
    formFacts: [...s.formFacts].map(([c, f]) => [name(c), f.ids, f.held]),
    spns: s.data.computers.flatMap((c) => c.servicePrincipalNames.map((spn) => [spn, s.spnIndex.get(spn.toUpperCase())])),
    entries: s.data.computers.flatMap((c) => c.allowedToDelegateTo.map((e) => [e, s.delegationTargets.get(e.toLowerCase())?.id])),
  };
}

function reports(s: DirectorySnapshot): string {
  const parts: unknown[] = [];
  for (const group of [{ kind: 'domain' as const }, { kind: 'parent-ou' as const }]) {
    parts.push(fleetJson(checkFleet(s, { storage: true, group }), 'x'));
    if (s.hyperVHosts.length <= 50) parts.push(s.hyperVHosts.map((h) => hostJson(checkHost(s, h, { storage: true, group }), 'x')));
  }
  return JSON.stringify(parts);
}

const FEEDS: Feed[] = ['mappings first', 'mappings half way', 'mappings at build', 'mappings last'];

const DIRECTORIES: Array<[string, () => DirectoryData]> = [
  ['the demo directory', () => demoData(new Date('2026-01-01T00:00:00Z'))],
  ['a synthetic fleet of 1,000 hosts', () => syntheticDirectory(1000)],
  ...loadScenarios().map((s): [string, () => DirectoryData] => [`scenario ${s.id}`, () => scenarioData(s)]),
];

describe('SnapshotBuilder', () => {
  describe.each(DIRECTORIES)('%s', (_name, load) => {
    const data = load();
    const expected = createSnapshot(data);
    const expectedIndexes = indexes(expected);
    const expectedReports = reports(expected);

    test.each(FEEDS)('fed one computer at a time, %s: same indexes and reports', (feed) => {
      const snapshot = fed(data, feed);
      expect(indexes(snapshot)).toEqual(expectedIndexes);
      expect(reports(snapshot)).toBe(expectedReports);
    });
  });

  test('fed other computers than build() is given (a ranged entry converted late): starts over, same result', () => {
    const data = syntheticDirectory(300);
    const builder = new SnapshotBuilder().setSpnMappings(data.spnMappings);
    // The fifth computer comes last, as an entry whose ranged attributes were completed after the search.
    const late = data.computers[4]!;
    for (const c of data.computers) if (c !== late) builder.addComputer(c);
    builder.addComputer(late);
    const snapshot = builder.build(data);
    expect(indexes(snapshot)).toEqual(indexes(createSnapshot(data)));
    expect(reports(snapshot)).toBe(reports(createSnapshot(data)));
  });

  test('other sPNMappings at build(): starts over with the ones in the data', () => {
    const data = demoData(new Date('2026-01-01T00:00:00Z'));
    const builder = new SnapshotBuilder().setSpnMappings(['host=alerter,http']); // no cifs alias
    for (const c of data.computers) builder.addComputer(c);
    const snapshot = builder.build(data);
    expect(snapshot.spnAliases.get('cifs')).toBe('host');
    expect(reports(snapshot)).toBe(reports(createSnapshot(data)));
  });
});
