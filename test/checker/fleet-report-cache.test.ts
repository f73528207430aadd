/** One fleet report per snapshot and migration group: asked again, the same report; anything else, a new one. */
import { checkFleet } from '../../src/checker';
import { cachedFleetReport } from '../../src/checker/fleet-report-cache';
import { createSnapshot } from '../../src/domain/snapshot';
import { demoData } from '../../src/directory/demo-directory';

describe('cachedFleetReport', () => {
  const data = demoData(new Date(0));

  test('is checkFleet with storage on, computed once per snapshot and group', () => {
    const snapshot = createSnapshot(data);
    const report = cachedFleetReport(snapshot, { kind: 'parent-ou' });
    expect(report).toEqual(checkFleet(snapshot, { group: { kind: 'parent-ou' } }));
    expect(cachedFleetReport(snapshot, { kind: 'parent-ou' })).toBe(report);
    // The key is the group's content, not the object.
    expect(cachedFleetReport(snapshot, JSON.parse('{"kind":"parent-ou"}') as { kind: 'parent-ou' })).toBe(report);
  });

  test('another group or a refreshed snapshot computes afresh', () => {
    const snapshot = createSnapshot(data);
    const byOu = cachedFleetReport(snapshot, { kind: 'parent-ou' });
    const byDomain = cachedFleetReport(snapshot, { kind: 'domain' });
    expect(byDomain).not.toBe(byOu);
    expect(byDomain.group).toEqual({ kind: 'domain' });
    expect(byDomain.totals.pairsExpected).not.toBe(byOu.totals.pairsExpected);
    expect(cachedFleetReport(snapshot, { kind: 'domain' })).toBe(byDomain);
    const refreshed = createSnapshot(data);
    const again = cachedFleetReport(refreshed, { kind: 'parent-ou' });
    expect(again).not.toBe(byOu);
    expect(again).toEqual(byOu);
  });
});
