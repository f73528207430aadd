/**
 * Issue 17's remaining rules, from the scenario fixtures: resource-based descriptors read ACE by ACE (KCD024-KCD026),
 * DES-only hosts (KCD023), and Entra Domain Services managed domains, whose fixes are resource-based.
 */
import { checkFleet } from '../../src/checker';
import { CHECKS } from '../../src/checks';
import { allowsOnlyDes, dependsOnRc4 } from '../../src/domain/encryption-types';
import { renderFixScript } from '../../src/fixes/powershell';
import type { Computer } from '../../src/domain/model';
import { correctedPrincipals, descriptorVerdict, resourceBasedAllows } from '../../src/domain/resource-based';
import { createSnapshot } from '../../src/domain/snapshot';
import { askScenario, ruleIds } from '../support/run-scenario';
import { loadScenario, scenarioData } from '../support/scenario';

const findingsOf = (id: string, rule: string) => askScenario(loadScenario(id)).findings.filter((f) => f.rule === rule);
const SET_DESCRIPTOR = /^Set-ADComputer -Identity DST -PrincipalsAllowedToDelegateToAccount @\((.*)\)$/m;

describe('KCD024: a descriptor that grants GENERIC_ALL instead of 0xF01FF', () => {
  test('names the mask, counts as no delegation (KCD001/KCD002), and rewrites the descriptor with the source', () => {
    const [finding] = findingsOf('resource-based-generic-all', 'KCD024');
    expect(finding).toMatchObject({ severity: 'error', subject: 'DST', data: { target: 'DST', principal: 'SRC$', mask: '0x10000000' } });
    expect(finding!.message).toContain('generic rights only (access mask 0x10000000), not the full-control mask 0xF01FF');
    // Worded by what is known: reported, not proven here.
    expect(finding!.why).toMatch(/reported refused by Windows domain controllers \(KDC_ERR_BADOPTION\)/);
    expect(renderFixScript([finding!]).match(SET_DESCRIPTOR)?.[1]).toBe("'SRC$'");
  });

  test('generic bits beside object rights still grant; generic ones alone do not', () => {
    const dest = (mask: number): Computer => ({
      ...scenarioData(loadScenario('resource-based-generic-all')).computers[1]!,
      resourceBasedAces: [{ sid: 'S-1-5-21-1-2-3-1100', principal: 'SRC$', type: 'allow', mask }],
    });
    const source = scenarioData(loadScenario('resource-based-generic-all')).computers[0]!;
    expect([0x10000000, 0xf0000000, 0x10000100, 0xf01ff, 0x100].map((m) => descriptorVerdict(dest(m).resourceBasedAces!, source).kind)).toEqual([
      'generic-only', 'generic-only', 'allowed', 'allowed', 'allowed',
    ]);
  });
});

describe('KCD025: descriptor entries no account holds', () => {
  test('the source not allowed: says the entry is dangling, and the fix lists the source (not the dead SID)', () => {
    const report = askScenario(loadScenario('resource-based-deleted-source'));
    const [finding] = report.findings.filter((f) => f.rule === 'KCD025');
    expect(report.ready).toBe(false);
    expect(finding!.message).toBe(
      "DST's msDS-AllowedToActOnBehalfOfOtherIdentity does not allow SRC; its dangling entry S-1-5-21-1-2-3-99999 belongs to no account and allows nobody.",
    );
    expect(finding!.why).toContain("If it was SRC's old account");
    expect(finding!.data).toEqual({ target: 'DST', dangling: ['S-1-5-21-1-2-3-99999'], sourceAllowed: false });
    expect(renderFixScript([finding!]).match(SET_DESCRIPTOR)?.[1]).toBe("'SRC$'");
  });

  test('beside an entry that allows the source: a warning on a ready pair, the fix keeps the source', () => {
    const report = askScenario(loadScenario('resource-based-deleted-beside-source'));
    expect(report.ready).toBe(true);
    const [finding] = report.findings.filter((f) => f.rule === 'KCD025');
    expect(finding!.message).toContain('holds the dangling entry S-1-5-21-1-2-3-99999: no account has that SID, so it allows nobody.');
    expect(finding!.fix).toEqual({ kind: 'resource-based', host: 'DST', principals: ['SRC$'] });
  });

  test('well-known SIDs (Everyone) and named accounts are not dangling; the corrected list keeps them', () => {
    const dest = {
      ...scenarioData(loadScenario('resource-based-deleted-source')).computers[1]!,
      resourceBasedAces: [
        { sid: 'S-1-1-0', type: 'allow' as const, mask: 0xf01ff },
        { sid: 'S-1-5-21-1-2-3-1200', principal: 'LAB\\OTHER$', type: 'allow' as const, mask: 0xf01ff },
        { sid: 'S-1-5-21-1-2-3-99999', type: 'allow' as const, mask: 0xf01ff },
        { sid: 'S-1-5-21-1-2-3-1201', principal: 'BLOCKED$', type: 'deny' as const, mask: 0xf01ff },
      ],
    };
    expect(correctedPrincipals(dest)).toEqual(['S-1-1-0', 'OTHER$']);
  });
});

describe('KCD026: a deny ACE for the source', () => {
  test.each([
    ['resource-based-deny-before-allow', true, ' before the ACE that allows it.'],
    ['resource-based-deny-only', false, ').'],
  ])('%s: an error, the pair is not delegated, the fix allows the source', (id, alsoAllowed, ending) => {
    const [finding] = findingsOf(id, 'KCD026');
    expect(finding).toMatchObject({ severity: 'error', subject: 'DST', data: { principal: 'SRC$', alsoAllowed } });
    expect(finding!.message.endsWith(ending)).toBe(true);
    const principals = renderFixScript([finding!]).match(SET_DESCRIPTOR)?.[1];
    expect(principals).toBe(alsoAllowed ? "'SRC$'" : "'OTHER$','SRC$'");
  });

  test('an allow before the deny grants (ACEs are read in order)', () => {
    const data = scenarioData(loadScenario('resource-based-deny-before-allow'));
    const [source, dest] = data.computers;
    const reversed = { ...dest!, resourceBasedAces: [...dest!.resourceBasedAces!].reverse() };
    expect(resourceBasedAllows(source!, dest!)).toBe(false);
    expect(resourceBasedAllows(source!, reversed)).toBe(true);
  });

  test('snapshot files without ACEs are judged by the names, as before', () => {
    const data = scenarioData(loadScenario('resource-based-deny-only'));
    const [source, , dest] = data.computers;
    const { resourceBasedAces: _dropped, ...old } = dest!;
    expect(resourceBasedAllows(source!, { ...old, allowedToActOnBehalfOf: ['LAB\\SRC$'] })).toBe(true);
    expect(resourceBasedAllows(source!, { ...old, allowedToActOnBehalfOf: ['OTHER$'] })).toBe(false);
    // And the descriptor rules have nothing to say about them.
    const snapshot = createSnapshot({ ...data, computers: data.computers.map((c) => (c === dest ? { ...old } : c)) });
    for (const check of CHECKS.filter((c) => ['KCD024', 'KCD025', 'KCD026'].includes(c.id))) {
      if (check.scope !== 'pair') throw new Error(check.id);
      expect(check.needs(snapshot, snapshot.data.computers[2]!, true)).toEqual({ kind: 'findings', findings: [] });
    }
  });
});

describe('KCD023: DES only', () => {
  test.each([
    [0x1, true], [0x2, true], [0x3, true], [0x7, false], [0x4, false], [0x18, false], [0x1b, false], [0, false], [undefined, false],
  ])('msDS-SupportedEncryptionTypes %s: DES only %s (and never both DES only and RC4 only)', (types, des) => {
    expect(allowsOnlyDes(types)).toBe(des);
    if (des) expect(dependsOnRc4(types)).toBe(false);
  });

  test.each(['des-only-destination', 'des-only-source'])('%s: an error naming DES, fixed with AES', (id) => {
    const report = askScenario(loadScenario(id));
    expect(report.ready).toBe(false);
    const [finding] = report.findings.filter((f) => f.rule === 'KCD023');
    expect(finding!.message).toMatch(/allows only DES for Kerberos \(msDS-SupportedEncryptionTypes 0x[13] \(DES-CBC-CRC[^)]*\)\), neither AES nor RC4\./);
    expect(finding!.why).toContain('KDC_ERR_ETYPE_NOSUPP');
    expect(renderFixScript([finding!])).toContain(`Set-ADComputer -Identity ${finding!.subject} -KerberosEncryptionType AES128,AES256`);
  });
});

describe('Entra Domain Services managed domains (OU=AADDC Computers)', () => {
  test('missing delegation is fixed on the destination with -PrincipalsAllowedToDelegateToAccount, and says why', () => {
    const report = askScenario(loadScenario('managed-domain-no-delegation'));
    expect(ruleIds(report)).toEqual(['KCD001', 'KCD002', 'KCD016', 'KCD022']);
    const script = renderFixScript(report.findings.filter((f) => f.rule === 'KCD001' || f.rule === 'KCD002'), { purgeOn: ['SRC'] });
    expect(script).not.toMatch(/msDS-AllowedToDelegateTo|Set-ADAccountControl/);
    // Four findings, one descriptor write.
    expect(script.match(/-PrincipalsAllowedToDelegateToAccount/g)).toHaveLength(1);
    expect(script).toMatch(SET_DESCRIPTOR);
    expect(script.match(SET_DESCRIPTOR)?.[1]).toBe("'SRC$'");
    expect(script).toContain('# Microsoft Entra Domain Services (AADDC Computers): account-based constrained delegation cannot be configured');
    // "Kerberos only" is no finding there: the flag cannot be set, and resource-based delegation does not need it.
    expect(report.findings.some((f) => f.rule === 'KCD004')).toBe(false);
  });

  test('resource-based delegation there is the supported way: ready, no KCD014', () => {
    const report = askScenario(loadScenario('managed-domain-resource-based'));
    expect(report.ready).toBe(true);
    expect(ruleIds(report)).toEqual(['KCD016']);
    expect(renderFixScript(report.findings)).toContain('Set-ADComputer -Identity SRC -PrincipalsAllowedToDelegateToAccount @(\'DST$\')');
  });

  test('the same hosts outside AADDC Computers get the account-based fixes', () => {
    const scenario = loadScenario('managed-domain-no-delegation');
    const plain = { ...scenario, hosts: scenario.hosts.map(({ container: _c, ...h }) => h) };
    const report = askScenario(plain);
    expect(ruleIds(report)).toEqual(['KCD001', 'KCD002', 'KCD004', 'KCD016', 'KCD022']);
    expect(renderFixScript(report.findings)).toMatch(/-Add @\{'msDS-AllowedToDelegateTo'/);
  });

  test('a fleet scan of a managed domain gives the same resource-based fixes as the pair check', () => {
    const snapshot = createSnapshot(scenarioData(loadScenario('managed-domain-no-delegation')));
    const fleet = checkFleet(snapshot);
    const fixes = fleet.hosts.flatMap((h) => h.findings).filter((f) => f.rule === 'KCD001').map((f) => f.fix);
    expect(fixes.length).toBeGreaterThan(0);
    for (const fix of fixes) expect(fix).toMatchObject({ kind: 'resource-based' });
  });
});

describe('descriptor rules: several dangling entries, and file servers', () => {
  const DEAD = ['S-1-5-21-1-2-3-99999', 'S-1-5-21-1-2-3-88888'];
  /** The scenario with DST's descriptor replaced by `aces`, and every other computer passed through `others`. */
  const withAces = (id: string, aces: Computer['resourceBasedAces'], others: (c: Computer) => Computer = (c) => c) => {
    const data = scenarioData(loadScenario(id));
    // allowedToActOnBehalfOf as the adapters derive it: the allow ACEs' accounts.
    const allowed = [...new Set((aces ?? []).filter((a) => a.type === 'allow').map((a) => a.principal ?? a.sid))];
    const replaced = (c: Computer) => ({ ...c, resourceBasedAces: aces, allowedToActOnBehalfOf: allowed });
    return createSnapshot({ ...data, computers: data.computers.map((c) => (c.name === 'DST' ? replaced(c) : others(c))) });
  };

  test('two dead SIDs, one of them written twice: each named once, in order, and worded as several', () => {
    const dead = [DEAD[0]!, DEAD[1]!, DEAD[0]!].map((sid) => ({ sid, type: 'allow' as const, mask: 0xf01ff }));
    const scenario = loadScenario('resource-based-deleted-source');
    const [finding] = askScenario(scenario, withAces(scenario.id, dead)).findings.filter((f) => f.rule === 'KCD025');
    expect(finding!.message).toBe(
      `DST's msDS-AllowedToActOnBehalfOfOtherIdentity does not allow SRC; its 2 dangling entries ${DEAD.join(', ')} belong to no account and allow nobody.`,
    );
    expect(finding!.data).toEqual({ target: 'DST', dangling: DEAD, sourceAllowed: false });
  });

  test('beside an allow of the source, several dead SIDs: the ready wording, and the fix keeps the source', () => {
    const scenario = loadScenario('resource-based-deleted-beside-source');
    const source = scenarioData(scenario).computers.find((c) => c.name === 'SRC')!;
    const aces = [
      { sid: DEAD[1]!, type: 'allow' as const, mask: 0xf01ff },
      { sid: source.sid!, principal: 'SRC$', type: 'allow' as const, mask: 0xf01ff },
      { sid: DEAD[0]!, type: 'allow' as const, mask: 0xf01ff },
    ];
    const [finding] = askScenario(scenario, withAces(scenario.id, aces)).findings.filter((f) => f.rule === 'KCD025');
    expect(finding!.message).toBe(
      `DST's msDS-AllowedToActOnBehalfOfOtherIdentity holds the 2 dangling entries ${DEAD[1]}, ${DEAD[0]}: no account has those SIDs, so they allow nobody.`,
    );
    expect(finding!.fix).toEqual({ kind: 'resource-based', host: 'DST', principals: ['SRC$'] });
  });

  test('a file server whose descriptor denies the source: KCD026 on the file server, after the destination', () => {
    const scenario = {
      id: 'inline-file-server-deny',
      description: 'DST and the file server FS both deny SRC in their descriptors; FS has no other ACE.',
      hosts: [
        { name: 'SRC', hyperV: true },
        { name: 'DST', hyperV: true, rbcd: [{ from: 'SRC', type: 'deny' as const }] },
        { name: 'FS', rbcd: [{ from: 'SRC', type: 'deny' as const }] },
        { name: 'PLAIN' },
      ],
      question: { source: 'SRC', destination: 'DST', storage: true, fileServers: ['PLAIN', 'FS'] },
      expect: [],
      ready: false,
    };
    const denials = askScenario(scenario).findings.filter((f) => f.rule === 'KCD026');
    expect(denials.map((f) => f.subject)).toEqual(['DST', 'FS']);
    expect(denials[1]!.fix).toEqual({ kind: 'resource-based', host: 'FS', principals: ['SRC$'] });
  });

  test('a fleet scan finds a descriptor that holds nothing but a deny of the source, on a pair it would screen clean', () => {
    // SRC lists every entry DST needs: without the deny the pair is ready, so only KCD026's own screen sends it to the rules.
    const scenario = loadScenario('resource-based-deny-only');
    const data = scenarioData(scenario);
    const source = data.computers.find((c) => c.name === 'SRC')!;
    const dest = data.computers.find((c) => c.name === 'DST')!;
    const entries = [dest.name, dest.dnsHostName!].flatMap((form) => [`Microsoft Virtual System Migration Service/${form}`, `cifs/${form}`]);
    const deny = [{ sid: source.sid!, principal: 'SRC$', type: 'deny' as const, mask: 0xf01ff }];
    const snapshot = withAces(scenario.id, deny, (c) => (c.name === 'SRC' ? { ...c, allowedToDelegateTo: entries } : c));
    const denials = (findings: { rule: string; subject: string }[]) => findings.filter((f) => f.rule === 'KCD026').map((f) => f.subject);
    const fromSource = checkFleet(snapshot).hosts.find((h) => h.host.name === 'SRC')!;
    expect(denials(fromSource.findings)).toEqual(['DST']);
    const pair = askScenario(scenario, snapshot);
    expect(denials(pair.findings)).toEqual(['DST']);
    expect(pair.findings.filter((f) => f.severity === 'error').map((f) => f.rule)).toEqual(['KCD026']);
  });

  test('an empty descriptor (no ACE) is no target: the descriptor rules have nothing to say', () => {
    const scenario = loadScenario('resource-based-deny-only');
    const report = askScenario(scenario, withAces(scenario.id, []));
    expect(ruleIds(report).filter((id) => ['KCD024', 'KCD025', 'KCD026'].includes(id))).toEqual([]);
  });
});
