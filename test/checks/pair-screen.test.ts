import { CHECKS } from '../../src/checks';
import { PairScreen, SCREENED_PAIR_RULES } from '../../src/checks/pair-screen';
import { createSnapshot, type DirectorySnapshot } from '../../src/domain/snapshot';
import { demoData } from '../../src/directory/demo-directory';
import { loadScenarios, scenarioData } from '../support/scenario';

const screened = CHECKS.filter((c) => SCREENED_PAIR_RULES.includes(c.id));

/** Every ordered pair the screen calls clean must get no finding from any screened rule. */
function verdicts(snapshot: DirectorySnapshot, storage: boolean): { clean: number; maybe: number } {
  const screen = new PairScreen(snapshot, storage);
  let clean = 0;
  let maybe = 0;
  for (const source of snapshot.data.computers) {
    for (const dest of snapshot.data.computers) {
      if (source === dest) continue;
      if (!screen.clean(source, dest)) {
        maybe++;
        continue;
      }
      clean++;
      for (const rule of screened) {
        if (rule.scope !== 'pair') continue;
        const found = rule.check({ snapshot, source, dest, storage, fileServers: [] });
        expect({ rule: rule.id, source: source.name, dest: dest.name, found }).toEqual({ rule: rule.id, source: source.name, dest: dest.name, found: [] });
      }
    }
  }
  return { clean, maybe };
}

describe('the fleet pair screen', () => {
  test('speaks for every pair rule of host and fleet questions (all but KCD016)', () => {
    const pairRules = CHECKS.filter((c) => c.scope === 'pair' && c.id !== 'KCD016').map((c) => c.id);
    expect([...SCREENED_PAIR_RULES]).toEqual(pairRules);
  });

  test.each([true, false])('never calls a pair with findings clean: demo directory, storage %s', (storage) => {
    const { clean, maybe } = verdicts(createSnapshot(demoData(new Date(0))), storage);
    expect(clean).toBeGreaterThan(0);
    expect(maybe).toBeGreaterThan(0);
  });

  test('never calls a pair with findings clean: every scenario', () => {
    let clean = 0;
    for (const scenario of loadScenarios()) {
      for (const storage of [true, false]) clean += verdicts(createSnapshot(scenarioData(scenario)), storage).clean;
    }
    expect(clean).toBeGreaterThan(0);
  });
});
