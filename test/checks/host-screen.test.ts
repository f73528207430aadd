import { CHECKS } from '../../src/checks';
import { hostSurelyClean } from '../../src/checks/host-screen';
import { createSnapshot, type DirectorySnapshot } from '../../src/domain/snapshot';
import { demoData } from '../../src/directory/demo-directory';
import { syntheticDirectory } from '../../bench/synthetic';
import { loadScenarios, scenarioData } from '../support/scenario';

const hostRules = CHECKS.filter((c) => c.scope === 'host');

/**
 * Every rule that calls a computer quiet must find nothing for it, in any of its roles; and every computer the
 * screen calls clean must get no finding from any host rule.
 */
function verdicts(snapshot: DirectorySnapshot): { clean: number; maybe: number } {
  let clean = 0;
  let maybe = 0;
  for (const host of snapshot.data.computers) {
    for (const rule of hostRules) {
      if (rule.scope !== 'host' || !rule.quiet(snapshot, host)) continue;
      for (const role of rule.roles) expect({ rule: rule.id, host: host.name, role, found: rule.check({ snapshot, host, role }) }).toEqual({ rule: rule.id, host: host.name, role, found: [] });
    }
    if (!hostSurelyClean(snapshot, host)) {
      maybe++;
      continue;
    }
    clean++;
    for (const rule of hostRules) {
      if (rule.scope !== 'host') continue;
      for (const role of rule.roles) {
        const found = rule.check({ snapshot, host, role });
        expect({ rule: rule.id, host: host.name, role, found }).toEqual({ rule: rule.id, host: host.name, role, found: [] });
      }
    }
  }
  return { clean, maybe };
}

describe('the host screen', () => {
  test('no host rule is quiet for every host of the fixtures (each quiet test can say no)', () => {
    const snapshots = [createSnapshot(demoData(new Date(0))), ...loadScenarios().map((s) => createSnapshot(scenarioData(s)))];
    const speaks = hostRules.filter((rule) => rule.scope === 'host' && snapshots.some((snap) => snap.data.computers.some((h) => !rule.quiet(snap, h))));
    expect(speaks.map((r) => r.id)).toEqual(hostRules.map((r) => r.id));
  });

  test('never calls a host with findings clean: demo directory', () => {
    const { clean, maybe } = verdicts(createSnapshot(demoData(new Date(0))));
    expect(clean).toBeGreaterThan(0);
    expect(maybe).toBeGreaterThan(0);
  });

  test('never calls a host with findings clean: every scenario', () => {
    let clean = 0;
    for (const scenario of loadScenarios()) clean += verdicts(createSnapshot(scenarioData(scenario))).clean;
    expect(clean).toBeGreaterThan(0);
  });

  test('never calls a host with findings clean: a synthetic fleet with every kind of defect', () => {
    const { clean, maybe } = verdicts(createSnapshot(syntheticDirectory(2000)));
    expect(clean).toBeGreaterThan(1000);
    expect(maybe).toBeGreaterThan(100);
  });
});
