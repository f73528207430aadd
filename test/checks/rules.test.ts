import { CHECKS } from '../../src/checks';
import { loadScenarios } from '../support/scenario';
import { askScenario, expectedIds, ruleIds } from '../support/run-scenario';

const scenarios = loadScenarios();

describe('every scenario fixture gets exactly the verdict it describes', () => {
  test.each(scenarios.map((s) => [s.id, s] as const))('%s', (_id, scenario) => {
    const report = askScenario(scenario);
    // Exactly these rules: a missed finding and a spurious one both fail.
    expect(ruleIds(report)).toEqual(expectedIds(scenario));
    expect(report.ready).toBe(scenario.ready);
  });
});

describe('the rule catalogue', () => {
  test('ids are KCD001…KCD019, unique and in order', () => {
    expect(CHECKS.map((c) => c.id)).toEqual(Array.from({ length: 19 }, (_, i) => `KCD${String(i + 1).padStart(3, '0')}`));
  });

  test.each(CHECKS.map((c) => [c.id, c] as const))('%s fires in some scenario and stays silent in another', (id, check) => {
    const firing = scenarios.filter((s) => ruleIds(askScenario(s)).includes(id));
    const silent = scenarios.filter((s) => !ruleIds(askScenario(s)).includes(id));
    expect(firing.length).toBeGreaterThan(0);
    expect(silent.length).toBeGreaterThan(0);
    // A finding always carries its rule's declared severity.
    for (const s of firing) {
      for (const f of askScenario(s).findings.filter((x) => x.rule === id)) expect(f.severity).toBe(check.severity);
    }
  });

  test('every error and warning comes with a fix', () => {
    for (const s of scenarios) {
      for (const f of askScenario(s).findings) expect(f.fix).toBeDefined();
    }
  });
});
