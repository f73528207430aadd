/**
 * The scenario fixtures, written to a real Samba AD DC and read back through the LDAP adapter: the checker
 * must reach the same verdicts as from the in-memory fixtures.
 */
import { labFacts, withSensitiveKrbtgt } from '../ad-lab/lab';
import { loadScenario, loadScenarios as loadFixtureScenarios, ScenarioNames } from '../support/scenario';
import { labDirectory, loadScenarios } from '../support/scenario-lab';
import { askScenario, expectedIds, ruleIds } from '../support/run-scenario';
import type { DirectorySnapshot } from '../../src/domain/snapshot';

// The DC work (loading accounts, KDC round trips) takes longer than jest's default 5 s.
jest.setTimeout(600_000);

const runTag = `${Date.now().toString(36).slice(-3)}`.toUpperCase();
const scenarios = loadFixtureScenarios()
  .filter((s) => s.dc !== false)
  .map((scenario, i) => ({ scenario, names: new ScenarioNames(`Q${runTag}${i.toString(36).toUpperCase()}-`) }));

describe('scenario fixtures on a real Samba AD DC', () => {
  let snapshot: DirectorySnapshot;
  const directory = () => labDirectory(labFacts());

  beforeAll(async () => {
    const facts = labFacts();
    await loadScenarios(facts, scenarios);
    const dir = directory();
    try {
      snapshot = await dir.snapshot();
    } finally {
      await dir.close();
    }
  });

  test('every scenario the DC can hold is loaded', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(20);
  });

  test.each(scenarios.map((s) => [s.scenario.id, s] as const))('%s', async (_id, { scenario, names }) => {
    let user;
    if (scenario.question.as) {
      const dir = directory();
      try {
        user = await dir.findUser(names.user(scenario.question.as));
      } finally {
        await dir.close();
      }
      expect(user).toBeDefined();
    }
    const report = askScenario(scenario, snapshot, names, user);
    const ids = ruleIds(report);
    expect(ids).toEqual(expectedIds(scenario));
    expect(report.ready).toBe(scenario.ready);
    // The same question from the in-memory fixture gives the same rule ids.
    expect(ids).toEqual(ruleIds(askScenario(scenario, undefined, names)));
  });
});

describe('krbtgt marked sensitive on the real DC (the lab\'s one krbtgt: flipped for this test, then restored)', () => {
  test('the krbtgt-sensitive scenario read over LDAP gives KCD020, as from the fixture; without the flag the pair is ready', async () => {
    const facts = labFacts();
    const scenario = loadScenario('krbtgt-sensitive');
    const names = new ScenarioNames(`Q${runTag}KT-`);
    await loadScenarios(facts, [{ scenario, names }]);
    const ask = async () => {
      const dir = labDirectory(facts);
      try {
        const user = await dir.findUser(names.user('alice'));
        return askScenario(scenario, await dir.snapshot(), names, user);
      } finally {
        await dir.close();
      }
    };
    const flagged = await withSensitiveKrbtgt(facts, ask);
    expect(ruleIds(flagged)).toEqual(expectedIds(scenario));
    expect(flagged.ready).toBe(false);
    expect(ruleIds(flagged)).toEqual(ruleIds(askScenario(scenario, undefined, names)));
    const restored = await ask();
    expect(ruleIds(restored)).toEqual([]);
    expect(restored.ready).toBe(true);
  });
});
