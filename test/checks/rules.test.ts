import { checkFleet, checkHost } from '../../src/checker';
import { CHECKS } from '../../src/checks';
import { KCD021 } from '../../src/checks/KCD021-unconstrained-on-2025';
import { KCD022 } from '../../src/checks/KCD022-no-migration-peers';
import type { Computer } from '../../src/domain/model';
import { resolveHost } from '../../src/domain/names';
import { createSnapshot } from '../../src/domain/snapshot';
import { renderFixScript } from '../../src/fixes/powershell';
import { krbtgtAccount, LAB_BASE_DN, loadScenario, loadScenarios, scenarioData } from '../support/scenario';
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
  test('ids are KCD001…KCD026, unique and in order', () => {
    expect(CHECKS.map((c) => c.id)).toEqual(Array.from({ length: 26 }, (_, i) => `KCD${String(i + 1).padStart(3, '0')}`));
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

describe('KCD020: a sensitive krbtgt stops every delegation of its domain', () => {
  const scenario = loadScenario('krbtgt-sensitive');

  test('every host of the domain fails as a source, in host and fleet questions; the fix clears the flag', () => {
    const snapshot = createSnapshot(scenarioData(scenario));
    const fleet = checkFleet(snapshot);
    expect(fleet.totals.pairsExpected).toBe(2);
    expect(fleet.totals.pairsReady).toBe(0);
    expect(fleet.hosts.map((h) => [h.host.name, h.ready, h.findings.map((f) => f.rule)])).toEqual([
      ['DST', false, ['KCD020']],
      ['SRC', false, ['KCD020']],
    ]);
    const host = checkHost(snapshot, resolveHost(snapshot, 'SRC'));
    expect(host.peers.map((p) => [p.outbound.blockers, p.inbound.blockers])).toEqual([[['KCD020'], ['KCD020']]]);
    const [finding] = askScenario(scenario).findings;
    expect(finding).toMatchObject({ rule: 'KCD020', subject: 'krbtgt', data: { domain: 'lab.test' } });
    expect(renderFixScript([finding!]).split('\n')).toContain('Set-ADAccountControl -Identity krbtgt -AccountNotDelegated $false');
  });

  test('another domain\'s krbtgt does not matter; a user export that names krbtgt is read too', () => {
    const data = scenarioData({ ...scenario, krbtgt: { sensitive: false } });
    const other = { ...krbtgtAccount(true), distinguishedName: 'CN=krbtgt,CN=Users,DC=other,DC=test' };
    expect(ruleIds(askScenario(scenario, createSnapshot({ ...data, spnAccounts: [...data.spnAccounts, other] })))).toEqual([]);
    // A PowerShell user export has no SPN holders: krbtgt comes as a user.
    const exported = {
      ...data,
      spnAccounts: [],
      users: [...data.users, { samAccountName: 'krbtgt', distinguishedName: `CN=krbtgt,CN=Users,${LAB_BASE_DN}`, domain: 'lab.test', userAccountControl: 0x100202, memberOf: [] }],
    };
    expect(ruleIds(askScenario(scenario, createSnapshot(exported)))).toEqual(['KCD020']);
  });
});

describe('KCD021: Windows Server 2025 is told by its build (26100 and later)', () => {
  const host = (os: Partial<Computer>, uac = 0x1000 | 0x80000): Computer => ({
    name: 'H', samAccountName: 'H$', domain: 'lab.test', distinguishedName: 'CN=H,DC=lab,DC=test', userAccountControl: uac,
    servicePrincipalNames: [], allowedToDelegateTo: [], allowedToActOnBehalfOf: [], memberOf: [], ...os,
  });
  const snapshot = createSnapshot(scenarioData(loadScenario('healthy-pair')));
  const fires = (c: Computer) => KCD021.scope === 'host' && KCD021.check({ snapshot, host: c, role: 'source' }).length > 0;

  test.each([
    ['10.0 (26100)', 'Windows Server 2025 Datacenter', true],
    ['10.0 (26200)', undefined, true],
    ['10.0 (20348)', 'Windows Server 2022 Datacenter', false],
    // The build decides over the name; without a version the name does; unknown is not 2025.
    ['10.0 (20348)', 'Windows Server 2025 Datacenter', false],
    [undefined, 'Windows Server 2025 Standard', true],
    [undefined, undefined, false],
  ])('version %s, name %s: %s', (operatingSystemVersion, operatingSystem, expected) => {
    const c = host({ ...(operatingSystemVersion ? { operatingSystemVersion } : {}), ...(operatingSystem ? { operatingSystem } : {}) });
    expect(fires(c)).toBe(expected);
    // quiet never hides a finding.
    if (expected && KCD021.scope === 'host') expect(KCD021.quiet(snapshot, c)).toBe(false);
  });

  test('quiet (the fleet screen) for an unconstrained host before 2025 and for a 2025 host without the flag', () => {
    expect(KCD021.scope === 'host' && KCD021.quiet(snapshot, host({ operatingSystemVersion: '10.0 (20348)' }))).toBe(true);
    expect(KCD021.scope === 'host' && KCD021.quiet(snapshot, host({ operatingSystemVersion: '10.0 (26100)' }, 0x1000 | 0x1000000))).toBe(true);
  });

  test('the finding records the OS parts it was told by; an absent part is empty', () => {
    const c = host({ operatingSystemVersion: '10.0 (26200)' });
    const [finding] = KCD021.scope === 'host' ? KCD021.check({ snapshot, host: c, role: 'source' }) : [];
    expect(finding?.data).toEqual({ operatingSystem: '', operatingSystemVersion: '10.0 (26200)' });
  });

  test('a 2025 domain controller (unconstrained by design) and a 2025 host without the flag are not findings', () => {
    expect(fires(host({ operatingSystemVersion: '10.0 (26100)' }, 0x2000 | 0x80000))).toBe(false);
    expect(fires(host({ operatingSystemVersion: '10.0 (26100)' }, 0x1000 | 0x1000000))).toBe(false);
  });
});

describe('KCD007: the destination\'s own migration SPN missing in either name form (event 14050)', () => {
  test.each([
    ['dest-migration-spn-short-only', 'Microsoft Virtual System Migration Service/dst.lab.test'],
    ['dest-migration-spn-fqdn-only', 'Microsoft Virtual System Migration Service/DST'],
  ])('%s: names the missing form, says the entry naming it points nowhere, and registers it with setspn -S', (id, spn) => {
    const findings = askScenario(loadScenario(id)).findings;
    expect(findings.map((f) => [f.rule, f.subject, f.data.spn])).toEqual([
      ['KCD007', 'DST', spn],
      ['KCD012', 'SRC', spn],
    ]);
    const [missing, entry] = findings;
    expect(missing!.message).toBe(`DST does not have the SPN "${spn}".`);
    expect(missing!.why).toContain('VMMS failed to register its SPNs (event 14050)');
    expect(entry!.message).toBe(`SRC may delegate to "${spn}", but DST has not registered that SPN, so the entry points nowhere.`);
    expect(entry!.why).toContain('event 14050 on DST');
    // Both findings fix the same thing on DST, once; SRC's entry stays.
    const script = renderFixScript(findings).split('\n');
    expect(script.filter((l) => l.startsWith('setspn'))).toEqual([`setspn -S '${spn}' DST   # or restart vmms on DST`]);
    expect(script.join('\n')).not.toContain('-Remove');
  });
});

describe('KCD022: a host nobody configured, told from one whose entries point at no Hyper-V host', () => {
  const data = scenarioData(loadScenario('new-host-no-peers'));
  /** KCD022's findings for NEW when NEW lists `entries` (none of them held by a Hyper-V host). */
  const findingsFor = (entries: string[]) => {
    const computers = data.computers.map((c) => (c.name === 'NEW' ? { ...c, allowedToDelegateTo: entries } : c));
    const snapshot = createSnapshot({ ...data, computers });
    const host = resolveHost(snapshot, 'NEW');
    return KCD022.scope === 'host' ? KCD022.check({ snapshot, host, role: 'source' }) : [];
  };

  test('no entries at all: a finding', () => {
    expect(findingsFor([]).map((f) => [f.rule, f.subject, f.data])).toEqual([['KCD022', 'NEW', { domain: 'lab.test' }]]);
  });

  test('a migration-service entry (in any letter case) towards a computer that is gone: configured, no finding', () => {
    expect(findingsFor(['Microsoft Virtual System Migration Service/GONE'])).toEqual([]);
    expect(findingsFor(['cifs/GONE', 'microsoft virtual system migration service/gone.lab.test'])).toEqual([]);
  });

  test('only other services listed (cifs, or the migration service name not as the service class): still a finding', () => {
    expect(findingsFor(['cifs/GONE']).map((f) => f.rule)).toEqual(['KCD022']);
    expect(findingsFor(['cifs/Microsoft Virtual System Migration Service/']).map((f) => f.rule)).toEqual(['KCD022']);
  });
});
