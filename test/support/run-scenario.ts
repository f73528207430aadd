import { checkPair, type PairReport } from '../../src/checker';
import { resolveHost, resolveUserIn } from '../../src/domain/names';
import { createSnapshot, type DirectorySnapshot } from '../../src/domain/snapshot';
import { scenarioData, ScenarioNames, type Scenario } from './scenario';

/** Asks a scenario's question of a snapshot (built from the scenario unless given). */
export function askScenario(s: Scenario, snapshot?: DirectorySnapshot, names = new ScenarioNames('')): PairReport {
  const snap = snapshot ?? createSnapshot(scenarioData(s, names));
  const q = s.question;
  return checkPair(snap, resolveHost(snap, names.host(q.source)), resolveHost(snap, names.host(q.destination)), {
    storage: q.storage ?? false,
    fileServers: (q.fileServers ?? []).map((f) => resolveHost(snap, names.host(f))),
    user: q.as ? resolveUserIn(snap, names.user(q.as)) : undefined,
  });
}

export function ruleIds(report: { findings: { rule: string }[] }): string[] {
  return [...new Set(report.findings.map((f) => f.rule))].sort();
}
