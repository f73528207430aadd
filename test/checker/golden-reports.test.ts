/**
 * Golden reports: for every scenario fixture and for the demo directory, the pair, host and fleet reports with
 * their findings in full (texts, data, fix as data and as PowerShell), compared exactly with the committed
 * test/fixtures/golden/<scenario>.json. The rule tests assert rule ids, not prose; these catch a changed
 * message, a lost data field or a wrong command, and keep the reports byte-identical across refactors.
 * After a wanted change (a new rule, scenario or wording), regenerate them and review the diff:
 *   UPDATE_GOLDEN=1 npx jest test/checker/golden --selectProjects unit
 */
import { checkFleet, checkHost, checkPair, type FleetReport, type HostReport, type PairReport } from '../../src/checker';
import { demoData } from '../../src/directory/demo-directory';
import type { MigrationGroup } from '../../src/domain/migration-group';
import { resolveHost } from '../../src/domain/names';
import { createSnapshot, type DirectorySnapshot } from '../../src/domain/snapshot';
import { renderFixScript } from '../../src/fixes/powershell';
import { FindingTable, firstDifference, goldenNames, goldenTexts } from '../support/golden';
import { askScenario } from '../support/run-scenario';
import { loadScenarios, scenarioData } from '../support/scenario';

function pairGolden(t: FindingTable, r: PairReport) {
  return {
    source: r.source.name,
    destination: r.destination.name,
    storage: r.storage,
    fileServers: r.fileServers.map((f) => f.name),
    user: r.user?.samAccountName ?? null,
    ready: r.ready,
    findings: t.keys(r.findings),
    fixScript: renderFixScript(r.findings, { purgeOn: [r.source.name] }),
  };
}

function hostGolden(t: FindingTable, r: HostReport) {
  return {
    host: r.host.name,
    storage: r.storage,
    ready: r.ready,
    peers: r.peers.map((p) => ({ peer: p.peer.name, outbound: p.outbound, inbound: p.inbound })),
    findings: t.keys(r.findings),
    fixScript: renderFixScript(r.findings),
  };
}

function fleetGolden(t: FindingTable, r: FleetReport) {
  return {
    storage: r.storage,
    group: r.group,
    totals: r.totals,
    advice: r.advice ?? null,
    hosts: r.hosts.map((h) => ({
      host: h.host.name,
      ready: h.ready,
      peersTotal: h.peersTotal,
      peersReady: h.peersReady,
      findings: t.keys(h.findings),
    })),
  };
}

/** The host reports of `hosts` and the fleet report, with storage (their default) and without. */
function groupGolden(t: FindingTable, snapshot: DirectorySnapshot, hosts: readonly string[], group: MigrationGroup = { kind: 'domain' }) {
  return [true, false].map((storage) => ({
    storage,
    hosts: hosts.map((h) => hostGolden(t, checkHost(snapshot, resolveHost(snapshot, h), { storage, group }))),
    fleet: fleetGolden(t, checkFleet(snapshot, { storage, group })),
  }));
}

/** A golden file's content: its reports, then the findings they name. */
function withFindings(build: (t: FindingTable) => Record<string, unknown>) {
  const t = new FindingTable();
  const reports = build(t);
  return { ...reports, findings: t.entries() };
}

/** Each scenario's golden content, built when its test runs (not at load: mutation testing needs per-test coverage). */
function scenarioReports(): Record<string, () => unknown> {
  const out: Record<string, () => unknown> = {};
  for (const s of loadScenarios()) {
    out[`scenario-${s.id}`] = () => {
      const snapshot = createSnapshot(scenarioData(s));
      return withFindings((t) => ({
        description: s.description,
        pair: pairGolden(t, askScenario(s, snapshot)),
        groups: groupGolden(t, snapshot, [s.question.source, s.question.destination]),
      }));
    };
  }
  return out;
}

/** Every ordered pair of the demo's Hyper-V hosts (with storage and file server FHOST1), each user, both groupings. */
function demoReport() {
  const snapshot = createSnapshot(demoData(new Date('2026-01-01T00:00:00Z')));
  const hyperV = snapshot.hyperVHosts;
  const names = hyperV.map((h) => h.name);
  const fileServers = [resolveHost(snapshot, 'FHOST1')];
  return withFindings((t) => ({
    pairs: hyperV.flatMap((a) => hyperV.filter((b) => b !== a).map((b) => pairGolden(t, checkPair(snapshot, a, b, { storage: true, fileServers })))),
    // The user rules (KCD010, KCD011) do not depend on the pair: one pair per user (named: hosts added to the demo
    // later sort before it).
    users: snapshot.data.users.map((user) => pairGolden(t, checkPair(snapshot, resolveHost(snapshot, 'EU-HV1'), resolveHost(snapshot, 'GOGO-2'), { user }))),
    domainGroup: groupGolden(t, snapshot, names),
    parentOuGroup: groupGolden(t, snapshot, names, { kind: 'parent-ou' }),
  }));
}

const reports: Record<string, () => unknown> = { ...scenarioReports(), demo: demoReport };

describe('golden reports (test/fixtures/golden/; UPDATE_GOLDEN=1 regenerates them)', () => {
  test.each(Object.keys(reports))('%s', (name) => {
    const { actual, golden } = goldenTexts(name, reports[name]!());
    expect(firstDifference(actual, golden)).toBeUndefined();
  });

  test('every golden file belongs to a scenario or the demo (none left from a removed scenario)', () => {
    expect(goldenNames()).toEqual(Object.keys(reports).sort());
  });
});
