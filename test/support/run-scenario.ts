import { checkPair, type PairReport } from '../../src/checker';
import { resolveHost, resolveUserIn } from '../../src/domain/names';
import type { User } from '../../src/domain/model';
import { createSnapshot, type DirectorySnapshot } from '../../src/domain/snapshot';
import { scenarioData, ScenarioNames, type Scenario } from './scenario';

/**
 * Asks a scenario's question of a snapshot (built from the scenario unless given). `user` is the initiating
 * account when the source looked it up itself (LDAP snapshots hold no users).
 */
export function askScenario(s: Scenario, snapshot?: DirectorySnapshot, names = new ScenarioNames(''), user?: User): PairReport {
  const snap = snapshot ?? createSnapshot(scenarioData(s, names));
  const q = s.question;
  return checkPair(snap, resolveHost(snap, names.host(q.source)), resolveHost(snap, names.host(q.destination)), {
    storage: q.storage ?? false,
    fileServers: (q.fileServers ?? []).map((f) => resolveHost(snap, names.host(f))),
    user: q.as ? (user ?? resolveUserIn(snap, names.user(q.as))) : undefined,
  });
}

export function ruleIds(report: { findings: { rule: string }[] }): string[] {
  return [...new Set(report.findings.map((f) => f.rule))].sort();
}

/** The scenario's expected rule ids in ruleIds' order (sorted, each once). */
export function expectedIds(s: Scenario): string[] {
  return [...new Set(s.expect)].sort();
}
