import { planFix, planForHost, planForPair, planForQuestion, planMaker, type PlanOptions } from '../../src/apply/planner';
import type { PlanMaker } from '../../src/apply/approvals';
import { UnknownHostError } from '../../src/domain/errors';
import { MAX_PLAN_OBJECTS, type FixPlan, type PlanQuestion } from '../../src/apply/types';
import { demoData } from '../../src/directory/demo-directory';
import type { Finding, Fix } from '../../src/domain/finding';
import { peerQuery } from '../../src/domain/migration-group';
import type { Computer, DirectoryData } from '../../src/domain/model';
import { resolveHost } from '../../src/domain/names';
import { createSnapshot, type DirectorySnapshot } from '../../src/domain/snapshot';
import { UAC } from '../../src/domain/uac';
import { askScenario } from '../support/run-scenario';
import { loadScenario, scenarioData, type Scenario } from '../support/scenario';

const OPTIONS: PlanOptions = { id: 'plan-1', now: new Date('2026-12-07T06:00:00.000Z'), directory: 'test' };
const PURGE = '# Then let AD replicate to the DC the hosts use, and purge the SYSTEM ticket cache (or wait up to 15 minutes):';
const purge = (...hosts: string[]) => [PURGE, ...hosts.map((h) => `Invoke-Command -ComputerName ${h} { klist -li 0x3e7 purge }`)].join('\n');
const MIGRATION = 'Microsoft Virtual System Migration Service';
const SRC_DN = 'CN=SRC,CN=Computers,DC=lab,DC=test';
const DST_DN = 'CN=DST,CN=Computers,DC=lab,DC=test';
const PT = UAC.WORKSTATION_TRUST_ACCOUNT | UAC.TRUSTED_TO_AUTH_FOR_DELEGATION;

function pairQuestion(s: Scenario): PlanQuestion {
  return { kind: 'pair', source: s.question.source, destination: s.question.destination, storage: s.question.storage ?? false, fileServers: s.question.fileServers ?? [] };
}

/** The scenario's question asked, and the plan for its findings. */
function planScenario(id: string): FixPlan {
  const s = loadScenario(id);
  const snapshot = createSnapshot(scenarioData(s));
  return planFix(snapshot, askScenario(s, snapshot).findings, pairQuestion(s), OPTIONS);
}

function finding(rule: string, subject: string, fix: Fix): Finding {
  return { rule, severity: 'error', subject, message: `${rule} on ${subject}`, why: 'test', data: {}, fix };
}

function scenarioSnapshot(id: string, change?: (data: DirectoryData) => void): DirectorySnapshot {
  const data = scenarioData(loadScenario(id));
  change?.(data);
  return createSnapshot(data);
}

const HOST_QUESTION: PlanQuestion = { kind: 'host', host: 'SRC', storage: true };

describe('planFix: each kind of fix as LDAP changes', () => {
  test('missing delegation entries: only the values the source lacks, with the basis read and the purge', () => {
    expect(planScenario('missing-cifs')).toEqual({
      id: 'plan-1',
      question: { kind: 'pair', source: 'SRC', destination: 'DST', storage: true, fileServers: [] },
      directory: 'test',
      takenAt: '2026-01-01T00:00:00.000Z',
      createdAt: '2026-12-07T06:00:00.000Z',
      objects: [
        {
          dn: SRC_DN,
          name: 'SRC$',
          kind: 'computer',
          basis: { allowedToDelegateTo: [`${MIGRATION}/DST`, `${MIGRATION}/dst.lab.test`], userAccountControl: PT, supportedEncryptionTypes: null },
          changes: [{ attribute: 'msDS-AllowedToDelegateTo', add: ['cifs/DST', 'cifs/dst.lab.test'], remove: [] }],
          rules: ['KCD002'],
        },
      ],
      refused: [],
      instructions: [purge('SRC')],
    });
  });

  test('a value already present in another case is not added again', () => {
    const s = loadScenario('missing-fqdn-form');
    const snapshot = createSnapshot(scenarioData(s));
    const findings = askScenario(s, snapshot).findings;
    const upper = finding('KCD001', 'SRC', { kind: 'computer', host: 'SRC', addDelegation: [`${MIGRATION}/DST`.toUpperCase(), 'cifs/dst.lab.test', 'CIFS/DST.LAB.TEST'] });
    const plan = planFix(snapshot, [upper, ...findings], pairQuestion(s), OPTIONS);
    expect(plan.objects[0]!.changes).toEqual([{ attribute: 'msDS-AllowedToDelegateTo', add: ['cifs/dst.lab.test', `${MIGRATION}/dst.lab.test`], remove: [] }]);
  });

  test('stale entries are removed as AD spells them, and only those present', () => {
    const snapshot = scenarioSnapshot('stale-entry');
    const plan = planFix(snapshot, [finding('KCD012', 'SRC', { kind: 'computer', host: 'SRC', removeDelegation: [`${MIGRATION}/gone`, 'cifs/NEVER-THERE'] })], HOST_QUESTION, OPTIONS);
    expect(plan.objects.map((o) => o.changes)).toEqual([[{ attribute: 'msDS-AllowedToDelegateTo', add: [], remove: [`${MIGRATION}/GONE`] }]]);
  });

  test('a disabled destination is enabled: userAccountControl without ACCOUNTDISABLE, no purge', () => {
    const plan = planScenario('disabled-destination');
    expect(plan.objects).toEqual([
      expect.objectContaining({ dn: DST_DN, rules: ['KCD009'], changes: [{ attribute: 'userAccountControl', before: PT | UAC.ACCOUNTDISABLE, after: PT }] }),
    ]);
    expect(plan.instructions).toEqual([]);
  });

  test('"Kerberos only" becomes protocol transition', () => {
    expect(planScenario('kerberos-only').objects[0]!.changes).toEqual([
      { attribute: 'userAccountControl', before: UAC.WORKSTATION_TRUST_ACCOUNT, after: PT },
    ]);
  });

  test('unconstrained delegation on 2025: three findings, one userAccountControl change, and the Hyper-V note', () => {
    const plan = planScenario('unconstrained-2025');
    expect(plan.objects).toEqual([
      expect.objectContaining({
        name: 'SRC$',
        rules: ['KCD004', 'KCD021', 'KCD005'],
        changes: [{ attribute: 'userAccountControl', before: UAC.WORKSTATION_TRUST_ACCOUNT | UAC.TRUSTED_FOR_DELEGATION, after: PT }],
      }),
    ]);
    expect(plan.instructions[0]).toBe(purge('SRC'));
    expect(plan.instructions[1]).toContain('Set-VMHost -VirtualMachineMigrationAuthenticationType Kerberos');
    expect(planScenario('unconstrained').instructions).toEqual([purge('SRC')]);
  });

  test('UAC changes of one object merge into one before → after (enable and protocol transition)', () => {
    const snapshot = scenarioSnapshot('kerberos-only', (d) => (d.computers[0]!.userAccountControl |= UAC.ACCOUNTDISABLE));
    const plan = planFix(
      snapshot,
      [
        finding('KCD009', 'SRC', { kind: 'computer', host: 'SRC', enable: true }),
        finding('KCD004', 'SRC', { kind: 'account-control', host: 'SRC', trustedForDelegation: false, trustedToAuthForDelegation: true }),
      ],
      HOST_QUESTION,
      OPTIONS,
    );
    expect(plan.objects).toHaveLength(1);
    expect(plan.objects[0]).toMatchObject({
      rules: ['KCD009', 'KCD004'],
      basis: { userAccountControl: UAC.WORKSTATION_TRUST_ACCOUNT | UAC.ACCOUNTDISABLE },
      changes: [{ attribute: 'userAccountControl', before: UAC.WORKSTATION_TRUST_ACCOUNT | UAC.ACCOUNTDISABLE, after: PT }],
    });
  });

  test('encryption types: the low etype bits become AES128|AES256, other bits kept, on computers and users', () => {
    expect(planScenario('rc4-only-source').objects[0]!.changes).toEqual([{ attribute: 'msDS-SupportedEncryptionTypes', before: 0x4, after: 0x18 }]);
    expect(planScenario('des-only-destination').objects[0]!.changes).toEqual([{ attribute: 'msDS-SupportedEncryptionTypes', before: 0x3, after: 0x18 }]);
    const user = planScenario('rc4-only-user');
    expect(user.objects).toEqual([
      {
        dn: 'CN=alice,CN=Users,DC=lab,DC=test',
        name: 'alice',
        kind: 'user',
        basis: { allowedToDelegateTo: [], userAccountControl: 0x200, supportedEncryptionTypes: 0x4 },
        changes: [{ attribute: 'msDS-SupportedEncryptionTypes', before: 0x4, after: 0x18 }],
        rules: ['KCD019'],
      },
    ]);
    // A user's tickets need no host's cache purged.
    expect(user.instructions).toEqual([]);
    // 0x20004 (RC4 and the resource SID compression bit): the bit above the etypes stays; not set counts as 0.
    const snapshot = scenarioSnapshot('rc4-only-source', (d) => {
      d.computers[0]!.supportedEncryptionTypes = 0x20004;
      delete d.computers[1]!.supportedEncryptionTypes;
    });
    const fix = (account: string): Finding => finding('KCD018', account, { kind: 'encryption-types', account, accountKind: 'computer' });
    const plan = planFix(snapshot, [fix('SRC'), fix('DST')], HOST_QUESTION, OPTIONS);
    expect(plan.objects.map((o) => [o.name, o.changes])).toEqual([
      ['DST$', [{ attribute: 'msDS-SupportedEncryptionTypes', before: null, after: 0x18 }]],
      ['SRC$', [{ attribute: 'msDS-SupportedEncryptionTypes', before: 0x20004, after: 0x20018 }]],
    ]);
  });

  test('a sensitive user becomes delegable, its other flags kept', () => {
    expect(planScenario('sensitive-user-other-flags').objects[0]).toMatchObject({
      kind: 'user',
      changes: [{ attribute: 'userAccountControl', before: 0x200 | 0x10000 | UAC.NOT_DELEGATED, after: 0x200 | 0x10000 }],
    });
  });

  test("resource-based: the host's descriptor anew, principals by SID, dangling SIDs dropped, the basis is the ACEs now", () => {
    const plan = planScenario('resource-based-deleted-source');
    const dst = plan.objects.find((o) => o.name === 'DST$')!;
    expect(dst).toEqual({
      dn: DST_DN,
      name: 'DST$',
      kind: 'computer',
      basis: {
        allowedToDelegateTo: [`${MIGRATION}/SRC`, `${MIGRATION}/src.lab.test`, 'cifs/SRC', 'cifs/src.lab.test'],
        userAccountControl: PT,
        supportedEncryptionTypes: null,
        resourceBasedAces: [{ sid: 'S-1-5-21-1-2-3-99999', type: 'allow', mask: 0xf01ff }],
      },
      changes: [
        {
          attribute: 'msDS-AllowedToActOnBehalfOfOtherIdentity',
          before: [{ sid: 'S-1-5-21-1-2-3-99999', type: 'allow', mask: 0xf01ff }],
          after: [{ sid: 'S-1-5-21-1-2-3-1100', type: 'allow', mask: 0xf01ff, principal: 'SRC$' }],
        },
      ],
      rules: ['KCD025'],
    });
    // Objects whose descriptor is not touched carry no descriptor in their basis.
    for (const o of plan.objects.filter((x) => x.name !== 'DST$')) expect(o.basis).not.toHaveProperty('resourceBasedAces');
  });

  test('resource-based without a descriptor now: before and basis null', () => {
    const plan = planScenario('managed-domain-resource-based');
    expect(plan.objects).toEqual([
      expect.objectContaining({
        name: 'SRC$',
        changes: [{ attribute: 'msDS-AllowedToActOnBehalfOfOtherIdentity', before: null, after: [{ sid: 'S-1-5-21-1-2-3-1101', type: 'allow', mask: 0xf01ff, principal: 'DST$' }] }],
      }),
    ]);
    expect(plan.objects[0]!.basis.resourceBasedAces).toBeNull();
    expect(plan.instructions).toEqual([purge('DST')]);
  });

  test('a principal whose SID the directory does not hold is refused, not guessed', () => {
    const snapshot = scenarioSnapshot('managed-domain-resource-based', (d) => delete d.computers[1]!.sid);
    const s = loadScenario('managed-domain-resource-based');
    const plan = planFix(snapshot, askScenario(s, snapshot).findings, pairQuestion(s), OPTIONS);
    expect(plan.objects).toEqual([]);
    expect(plan.refused).toEqual([{ subject: 'DST', rule: 'KCD016', reason: 'not-in-directory', detail: "DST$ (for SRC's descriptor) has no SID in the directory that was read." }]);
    expect(plan.instructions).toHaveLength(1);
    expect(plan.instructions[0]).toMatch(/\nSet-ADComputer -Identity SRC -PrincipalsAllowedToDelegateToAccount @\('DST\$'\)$/);
  });

  test('SPNs, group membership, moves and dNSHostName stay instructions (refused: host-side)', () => {
    const dup = planScenario('duplicate-spn');
    expect(dup.objects).toEqual([]);
    expect(dup.refused).toEqual([{ subject: 'DST', rule: 'KCD008', reason: 'host-side', detail: `SPNs are removed with setspn: ${MIGRATION}/DST from svc-vmm.` }]);
    expect(dup.instructions).toEqual([`setspn -D '${MIGRATION}/DST' svc-vmm`]);
    expect(planScenario('dest-migration-spn-fqdn-only').instructions).toEqual([`setspn -S '${MIGRATION}/DST' DST   # or restart vmms on DST`]);
    expect(planScenario('protected-users-nested').refused.map((r) => [r.rule, r.reason])).toEqual([['KCD011', 'host-side']]);
    expect(planScenario('cross-domain').refused.map((r) => [r.rule, r.reason])).toEqual([['KCD013', 'host-side']]);
    const snapshot = scenarioSnapshot('no-dns-host-name');
    const plan = planFix(snapshot, [finding('KCD017', 'SRC', { kind: 'computer', host: 'SRC', dnsHostName: 'src.lab.test' })], HOST_QUESTION, OPTIONS);
    expect(plan).toMatchObject({ objects: [], refused: [{ rule: 'KCD017', reason: 'host-side' }], instructions: ["Set-ADComputer -Identity SRC -DNSHostName 'src.lab.test'"] });
  });

  test('nothing to fix: an empty plan', () => {
    expect(planScenario('healthy-pair')).toMatchObject({ objects: [], refused: [], instructions: [] });
  });

  test('the same findings give the same plan (deterministic)', () => {
    expect(planScenario('resource-based-deny-only')).toEqual(planScenario('resource-based-deny-only'));
  });
});

describe('planFix: guards', () => {
  test('a delegation value a DC answers to is removed, never added; the rest of the fix is kept', () => {
    const removed = planScenario('delegation-to-dc');
    expect(removed.objects).toEqual([expect.objectContaining({ name: 'SRC$', rules: ['KCD015'], changes: [{ attribute: 'msDS-AllowedToDelegateTo', add: [], remove: ['ldap/dc1.lab.test'] }] })]);
    const snapshot = scenarioSnapshot('missing-cifs');
    const plan = planFix(snapshot, [finding('KCD002', 'SRC', { kind: 'computer', host: 'SRC', addDelegation: ['cifs/DC1', 'cifs/DST'] })], HOST_QUESTION, OPTIONS);
    expect(plan.objects.map((o) => o.changes)).toEqual([[{ attribute: 'msDS-AllowedToDelegateTo', add: ['cifs/DST'], remove: [] }]]);
    // cifs/DC1 is served by HOST/DC1 (the alias): refused as a DC service.
    expect(plan.refused).toEqual([{ subject: 'SRC', rule: 'KCD002', reason: 'delegation-to-dc', detail: '"cifs/DC1" is a service of domain controller DC1; kcd never adds delegation to a DC.' }]);
  });

  test('a domain controller (writable or read-only) is never changed', () => {
    const snapshot = scenarioSnapshot('kerberos-only', (d) => {
      d.computers.push({ ...d.computers[0]!, name: 'RODC1', samAccountName: 'RODC1$', dnsHostName: 'rodc1.lab.test', distinguishedName: 'CN=RODC1,OU=Domain Controllers,DC=lab,DC=test', servicePrincipalNames: [], userAccountControl: UAC.WORKSTATION_TRUST_ACCOUNT | UAC.PARTIAL_SECRETS_ACCOUNT });
    });
    const ac = (host: string) => finding('KCD004', host, { kind: 'account-control', host, trustedForDelegation: false, trustedToAuthForDelegation: true });
    const plan = planFix(snapshot, [ac('DC1'), ac('RODC1'), finding('KCD015', 'DC1', { kind: 'computer', host: 'DC1', removeDelegation: ['x/y'] })], HOST_QUESTION, OPTIONS);
    expect(plan.objects).toEqual([]);
    expect(plan.refused.map((r) => [r.subject, r.reason])).toEqual([
      ['DC1', 'domain-controller'],
      ['RODC1', 'domain-controller'],
      ['DC1', 'domain-controller'],
    ]);
  });

  test('krbtgt is never changed (KCD020 stays an instruction)', () => {
    const plan = planScenario('krbtgt-sensitive');
    expect(plan.objects).toEqual([]);
    expect(plan.refused).toEqual([{ subject: 'krbtgt', rule: 'KCD020', reason: 'krbtgt', detail: "krbtgt is the KDC's own account; kcd never changes it." }]);
    expect(plan.instructions).toEqual(['Set-ADAccountControl -Identity krbtgt -AccountNotDelegated $false']);
  });

  test(`at most ${MAX_PLAN_OBJECTS} objects: the first by name are planned, the rest refused with their PowerShell`, () => {
    const snapshot = scenarioSnapshot('kerberos-only', (d) => {
      const template = d.computers[0]!;
      for (let i = 1; i <= 51; i++) {
        const name = `HV${String(i).padStart(2, '0')}`;
        d.computers.push({ ...template, name, samAccountName: `${name}$`, distinguishedName: `CN=${name},CN=Computers,DC=lab,DC=test`, servicePrincipalNames: [], sid: `S-1-5-21-9-${i}` });
      }
    });
    const findings = Array.from({ length: 51 }, (_, i) => {
      const host = `HV${String(51 - i).padStart(2, '0')}`; // reverse order: the plan sorts by name
      return finding('KCD004', host, { kind: 'account-control', host, trustedForDelegation: false, trustedToAuthForDelegation: true });
    });
    const plan = planFix(snapshot, findings, HOST_QUESTION, OPTIONS);
    expect(plan.objects).toHaveLength(MAX_PLAN_OBJECTS);
    expect(plan.objects[0]!.name).toBe('HV01$');
    expect(plan.objects[49]!.name).toBe('HV50$');
    expect(plan.refused).toEqual([{ subject: 'HV51', rule: 'KCD004', reason: 'too-many-objects', detail: 'The plan would change more than 50 objects; HV51$ is left to the PowerShell.' }]);
    expect(plan.instructions[0]).toBe('Get-ADComputer -Identity HV51 | Set-ADAccountControl -TrustedForDelegation $false -TrustedToAuthForDelegation $true');
    // The purge is for the hosts the plan changes, not for HV51.
    expect(plan.instructions[1]).not.toContain('HV51');
    expect(plan.instructions[1]).toContain('Invoke-Command -ComputerName HV50 { klist -li 0x3e7 purge }');
  });

  test('an account the directory does not hold is refused', () => {
    const plan = planFix(scenarioSnapshot('missing-cifs'), [finding('KCD002', 'NOPE', { kind: 'computer', host: 'NOPE', addDelegation: ['cifs/DST'] })], HOST_QUESTION, OPTIONS);
    expect(plan).toMatchObject({ objects: [], refused: [{ subject: 'NOPE', reason: 'not-in-directory' }] });
  });
});

describe('delegate-to-peers (a fleet fix) as literal entries', () => {
  test('every peer the query selects, both name forms, only what is missing', () => {
    const snapshot = createSnapshot(demoData(new Date('2026-12-07T05:00:00.000Z')));
    const host = resolveHost(snapshot, 'GOGO-2');
    const fix: Fix = { kind: 'delegate-to-peers', host: 'GOGO-2', services: ['cifs'], peers: peerQuery(snapshot, host, { kind: 'parent-ou' }), missing: 0, peerCount: 0 };
    const plan = planFix(snapshot, [finding('KCD002', 'GOGO-2', fix)], HOST_QUESTION, OPTIONS);
    const peers = snapshot.hyperVHosts.filter((h) => h !== host && h.distinguishedName.endsWith(',OU=Hyper-V Hosts,DC=contoso,DC=com'));
    const have = new Set(host.allowedToDelegateTo.map((v) => v.toLowerCase()));
    const expected = peers.flatMap((p: Computer) => [p.name, p.dnsHostName].filter((f) => f !== undefined).map((f) => `cifs/${f}`)).filter((v) => !have.has(v.toLowerCase()));
    expect(expected.length).toBeGreaterThan(0);
    expect(plan.objects).toEqual([expect.objectContaining({ name: 'GOGO-2$', changes: [{ attribute: 'msDS-AllowedToDelegateTo', add: expected, remove: [] }] })]);
  });

  test('more entries than AD keeps on one object: refused, the loop stays an instruction', () => {
    const snapshot = scenarioSnapshot('missing-cifs', (d) => {
      const template = d.computers[1]!;
      for (let i = 0; i < 700; i++) d.computers.push({ ...template, name: `P${i}`, samAccountName: `P${i}$`, dnsHostName: `p${i}.lab.test`, distinguishedName: `CN=P${i},CN=Computers,DC=lab,DC=test`, servicePrincipalNames: [`${MIGRATION}/P${i}`] });
    });
    const host = resolveHost(snapshot, 'SRC');
    const fix: Fix = { kind: 'delegate-to-peers', host: 'SRC', services: ['cifs'], peers: peerQuery(snapshot, host, { kind: 'domain' }), missing: 1400, peerCount: 701 };
    const plan = planFix(snapshot, [finding('KCD002', 'SRC', fix)], HOST_QUESTION, OPTIONS);
    expect(plan.objects).toEqual([]);
    expect(plan.refused).toEqual([expect.objectContaining({ subject: 'SRC', reason: 'too-many-objects' })]);
    expect(plan.instructions[0]).toContain("$services = @('cifs')");
  });
});

describe('planForPair / planForHost', () => {
  test('the demo pair GOGO-3 → GOGO-4 with storage and FHOST1: one object, the checker report beside it', () => {
    const snapshot = createSnapshot(demoData(new Date('2026-12-07T05:00:00.000Z')));
    const [src, dst, fs] = ['GOGO-3', 'GOGO-4', 'FHOST1'].map((n) => resolveHost(snapshot, n)) as [Computer, Computer, Computer];
    const { report, plan } = planForPair(snapshot, src, dst, { storage: true, fileServers: [fs] }, OPTIONS);
    expect(report.ready).toBe(false);
    expect(plan.question).toEqual({ kind: 'pair', source: 'GOGO-3', destination: 'GOGO-4', storage: true, fileServers: ['FHOST1'] });
    expect(plan.objects).toEqual([
      {
        dn: 'CN=GOGO-3,OU=Hyper-V Hosts,DC=contoso,DC=com',
        name: 'GOGO-3$',
        kind: 'computer',
        basis: { allowedToDelegateTo: [`${MIGRATION}/GOGO-4`, `${MIGRATION}/GOGO-3`, `${MIGRATION}/GOGO-2`], userAccountControl: UAC.WORKSTATION_TRUST_ACCOUNT, supportedEncryptionTypes: null },
        changes: [
          { attribute: 'msDS-AllowedToDelegateTo', add: [`${MIGRATION}/gogo-4.contoso.com`, 'cifs/GOGO-4', 'cifs/gogo-4.contoso.com', 'cifs/FHOST1', 'cifs/fhost1.contoso.com'], remove: [] },
          { attribute: 'userAccountControl', before: UAC.WORKSTATION_TRUST_ACCOUNT, after: PT },
        ],
        rules: ['KCD001', 'KCD002', 'KCD003', 'KCD004'],
      },
    ]);
    expect(plan.instructions).toEqual([purge('GOGO-3')]);
  });

  test("the demo's managed domain: AZ-HV1 and its peers get their descriptors, by SID", () => {
    const snapshot = createSnapshot(demoData(new Date('2026-12-07T05:00:00.000Z')));
    const { plan } = planForHost(snapshot, resolveHost(snapshot, 'AZ-HV1'), { storage: true }, OPTIONS);
    const sid = (rid: number) => `S-1-5-21-3623811015-3361044348-30300820-${rid}`;
    expect(plan.objects.map((o) => [o.name, o.rules, o.changes])).toEqual([
      ['AZ-HV1$', ['KCD001', 'KCD002'], [{ attribute: 'msDS-AllowedToActOnBehalfOfOtherIdentity', before: null, after: [{ sid: sid(1602), type: 'allow', mask: 0xf01ff, principal: 'AZ-HV2$' }, { sid: sid(1603), type: 'allow', mask: 0xf01ff, principal: 'AZ-HV3$' }] }]],
      ['AZ-HV2$', ['KCD025'], [{ attribute: 'msDS-AllowedToActOnBehalfOfOtherIdentity', before: [{ sid: sid(1601), type: 'allow', mask: 0xf01ff, principal: 'AZ-HV1$' }, { sid: sid(1599), type: 'allow', mask: 0xf01ff }], after: [{ sid: sid(1601), type: 'allow', mask: 0xf01ff, principal: 'AZ-HV1$' }] }]],
      [
        'AZ-HV3$',
        ['KCD001', 'KCD002', 'KCD024'],
        [
          {
            attribute: 'msDS-AllowedToActOnBehalfOfOtherIdentity',
            before: [
              { sid: sid(1601), type: 'allow', mask: 0x10000000, principal: 'AZ-HV1$' },
              { sid: sid(1602), type: 'deny', mask: 0xf01ff, principal: 'AZ-HV2$' },
              { sid: sid(1602), type: 'allow', mask: 0xf01ff, principal: 'AZ-HV2$' },
            ],
            after: [{ sid: sid(1601), type: 'allow', mask: 0xf01ff, principal: 'AZ-HV1$' }, { sid: sid(1602), type: 'allow', mask: 0xf01ff, principal: 'AZ-HV2$' }],
          },
        ],
      ],
    ]);
    expect(plan.question).toEqual({ kind: 'host', host: 'AZ-HV1', storage: true });
  });

  test('planForQuestion: the names as a card states them; the same plan as planForPair and planForHost', () => {
    const snapshot = createSnapshot(demoData(new Date('2026-12-07T05:00:00.000Z')));
    const pair: PlanQuestion = { kind: 'pair', source: 'gogo-3.contoso.com', destination: 'GOGO-4$', storage: true, fileServers: ['fhost1'] };
    const [src, dst, fs] = ['GOGO-3', 'GOGO-4', 'FHOST1'].map((n) => resolveHost(snapshot, n)) as [Computer, Computer, Computer];
    const byPair = planForPair(snapshot, src, dst, { storage: true, fileServers: [fs] }, OPTIONS).plan;
    expect(planForQuestion(snapshot, pair, OPTIONS)).toEqual(byPair);
    const make: PlanMaker = planMaker({ kind: 'domain' });
    expect(make(snapshot, { kind: 'host', host: 'az-hv1', storage: true }, OPTIONS)).toEqual(planForHost(snapshot, resolveHost(snapshot, 'AZ-HV1'), { storage: true, group: { kind: 'domain' } }, OPTIONS).plan);
    expect(() => planForQuestion(snapshot, { ...pair, source: 'NO-SUCH-HOST' }, OPTIONS)).toThrow(UnknownHostError);
  });
});
