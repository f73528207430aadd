import type { Finding } from '../../src/domain/finding';
import { psName, psQuote, renderFix, renderFixScript } from '../../src/fixes/powershell';
import { createSnapshot } from '../../src/domain/snapshot';
import { resolveUserIn } from '../../src/domain/names';
import { loadScenario, scenarioData } from '../support/scenario';
import { askScenario } from '../support/run-scenario';

const M = 'Microsoft Virtual System Migration Service';

function finding(fix: Finding['fix'], rule = 'KCD001'): Finding {
  return { rule, severity: 'error', subject: 'X', message: '', why: '', data: {}, fix };
}

describe('PowerShell fixes', () => {
  test('quotes values so nothing from AD can run', () => {
    expect(psQuote("it's")).toBe("'it''s'");
    expect(psQuote('$(Remove-Item C:\\ -Recurse)')).toBe("'$(Remove-Item C:\\ -Recurse)'");
    expect(psName('GOGO-3')).toBe('GOGO-3');
    expect(psName('x; Remove-Item')).toBe("'x; Remove-Item'");
  });

  test('merges every delegation change of one host into one Set-ADComputer call, adding only what is missing', () => {
    const report = askScenario(loadScenario('missing-fqdn-form'));
    const script = renderFixScript(report.findings, { purgeOn: ['SRC'] });
    expect(script.match(/Set-ADComputer -Identity SRC/g)).toHaveLength(1);
    expect(script).toContain(`'${M}/src.lab.test'`.replace('src', 'dst'));
    expect(script).toContain("'cifs/dst.lab.test'");
    // Already present: must not be added again (-Add fails on a present value).
    expect(script).not.toContain(`'${M}/DST'`);
    expect(script).not.toContain("'cifs/DST'");
  });

  test('every fix list ends with the ticket purge on the source', () => {
    const report = askScenario(loadScenario('kerberos-only'));
    const lines = renderFixScript(report.findings, { purgeOn: ['SRC'] }).split('\n');
    expect(lines[lines.length - 1]).toBe('Invoke-Command -ComputerName SRC { klist -li 0x3e7 purge }');
    expect(lines.join('\n')).toContain(
      'Get-ADComputer -Identity SRC | Set-ADAccountControl -TrustedForDelegation $false -TrustedToAuthForDelegation $true',
    );
  });

  test('nothing to fix gives an empty script', () => {
    expect(renderFixScript([])).toBe('');
    expect(renderFixScript([finding(undefined, 'KCD016')])).toBe('');
    expect(renderFixScript(askScenario(loadScenario('healthy-pair')).findings)).toBe('');
  });

  test('adds and removes on one host share one call; user and SPN fixes render as documented', () => {
    const script = renderFixScript([
      finding({ kind: 'computer', host: 'H1', addDelegation: [`${M}/H2`] }),
      finding({ kind: 'computer', host: 'H1', removeDelegation: [`${M}/GONE`] }, 'KCD012'),
      finding({ kind: 'computer', host: 'h1', addDelegation: [`${M}/h2`] }),
      finding({ kind: 'register-spn', host: 'H2', spns: [`${M}/h2.lab.test`] }, 'KCD007'),
    ]);
    expect(script.match(/Set-ADComputer/g)).toHaveLength(1);
    expect(script).toContain("-Add @{'msDS-AllowedToDelegateTo'=@(\n  'Microsoft Virtual System Migration Service/H2')}");
    expect(script).toContain("-Remove @{'msDS-AllowedToDelegateTo'=@(\n  'Microsoft Virtual System Migration Service/GONE')}");
    expect(script).toContain(`setspn -S '${M}/h2.lab.test' H2`);
  });

  test('the sensitive-user fix names the account as Set-ADAccountControl -Identity accepts it (sAMAccountName, not UPN)', () => {
    for (const id of ['sensitive-user', 'sensitive-user-other-flags']) {
      const scenario = loadScenario(id);
      const snapshot = createSnapshot(scenarioData(scenario));
      const user = resolveUserIn(snapshot, scenario.question.as!);
      const kcd010 = askScenario(scenario, snapshot).findings.filter((f) => f.rule === 'KCD010');
      expect(kcd010).toHaveLength(1);
      expect(user.userPrincipalName).toContain('@');
      const lines = renderFixScript(kcd010).split('\n');
      expect(lines).toContain(`Set-ADAccountControl -Identity ${user.samAccountName} -AccountNotDelegated $false`);
    }
  });

  test('the RC4 fixes, taken from the findings, allow AES on the computer or the user; a computer\'s tickets are purged', () => {
    const host = askScenario(loadScenario('rc4-only-destination')).findings.filter((f) => f.rule === 'KCD018');
    expect(host).toHaveLength(1);
    const hostScript = renderFixScript(host).split('\n');
    expect(hostScript).toContain('Set-ADComputer -Identity DST -KerberosEncryptionType AES128,AES256');
    expect(hostScript).toContain('Invoke-Command -ComputerName DST { klist -li 0x3e7 purge }');
    const user = askScenario(loadScenario('rc4-only-user')).findings.filter((f) => f.rule === 'KCD019');
    expect(user).toHaveLength(1);
    expect(renderFix(user[0]!.fix!)).toBe('Set-ADUser -Identity alice -KerberosEncryptionType AES128,AES256');
    expect(renderFixScript(user)).toContain('klist purge   # on the machine you start the migration from');
  });

  test('a single finding renders on its own', () => {
    expect(renderFix({ kind: 'remove-spn', account: 'svc-vmm', spn: `${M}/DST` })).toBe(`setspn -D '${M}/DST' svc-vmm`);
    // An SPN from AD is data, never code, when the admin pastes the fix.
    expect(renderFix({ kind: 'remove-spn', account: 'svc', spn: "x/$(Remove-Item C:\\ -Recurse)'" })).toBe(
      "setspn -D 'x/$(Remove-Item C:\\ -Recurse)''' svc",
    );
    expect(renderFix({ kind: 'manual', text: 'two\nlines' })).toBe('# two\n# lines');
  });

  test('SPN registrations: one setspn line per SPN; a line break in the note cannot end the comment', () => {
    expect(renderFix({ kind: 'register-spn', host: 'H2', spns: [`${M}/H2`, `${M}/h2.lab.test`], note: 'or restart vmms\non H2' })).toBe(
      [`setspn -S '${M}/H2' H2   # or restart vmms on H2`, `setspn -S '${M}/h2.lab.test' H2   # or restart vmms on H2`].join('\n'),
    );
  });

  test('one host may add a value and remove the same value; values that differ beyond case stay apart', () => {
    const script = renderFixScript([
      finding({ kind: 'computer', host: 'H1', addDelegation: ['cifs/H2', 'cifs/straße'] }),
      finding({ kind: 'computer', host: 'H1', removeDelegation: ['cifs/H2'], addDelegation: ['cifs/STRASSE'] }, 'KCD012'),
    ]);
    expect(script).toContain("-Add @{'msDS-AllowedToDelegateTo'=@(\n  'cifs/H2',\n  'cifs/straße',\n  'cifs/STRASSE')}");
    expect(script).toContain("-Remove @{'msDS-AllowedToDelegateTo'=@(\n  'cifs/H2')}");
  });

  test('an add and a removal never mask each other, whatever characters the values start with', () => {
    // Junk entries (what KCD012 removes) may start with anything, + and - included.
    const script = renderFixScript([
      finding({ kind: 'computer', host: 'H1', addDelegation: ['cifs/H2', '-cifs/H3'] }),
      finding({ kind: 'computer', host: 'H1', removeDelegation: ['+cifs/H2', 'cifs/H3'] }, 'KCD012'),
    ]);
    expect(script).toContain("-Add @{'msDS-AllowedToDelegateTo'=@(\n  'cifs/H2',\n  '-cifs/H3')}");
    expect(script).toContain("-Remove @{'msDS-AllowedToDelegateTo'=@(\n  '+cifs/H2',\n  'cifs/H3')}");
  });

  test('resource-based fixes: one descriptor write per host with every principal once, notes as comments, values quoted', () => {
    const script = renderFixScript([
      finding({ kind: 'resource-based', host: 'DST', principals: ['SRC$'], note: 'first reason' }),
      finding({ kind: 'resource-based', host: 'dst', principals: ['src$', "O'NE$"] }, 'KCD025'),
      finding({ kind: 'resource-based', host: 'DST', principals: ['S-1-1-0'], note: 'first reason\nsecond line' }, 'KCD024'),
    ]);
    const lines = script.split('\n');
    expect(lines.filter((l) => l.includes('-PrincipalsAllowedToDelegateToAccount'))).toEqual([
      "Set-ADComputer -Identity DST -PrincipalsAllowedToDelegateToAccount @('SRC$','O''NE$','S-1-1-0')",
    ]);
    expect(lines.slice(0, 3)).toEqual(['# first reason', '# second line', expect.stringMatching(/^Set-ADComputer/)]);
    // The accounts that delegate drop their cached tickets; a SID names no host to purge.
    expect(lines.filter((l) => l.startsWith('Invoke-Command'))).toEqual([
      'Invoke-Command -ComputerName SRC { klist -li 0x3e7 purge }',
      "Invoke-Command -ComputerName 'O''NE' { klist -li 0x3e7 purge }",
    ]);
    const twoNotes = renderFixScript([
      finding({ kind: 'resource-based', host: 'DST', principals: ['A$'], note: 'why A' }),
      finding({ kind: 'resource-based', host: 'DST', principals: ['B$'], note: 'why B' }, 'KCD024'),
    ]);
    expect(twoNotes.split('\n').slice(0, 3)).toEqual(['# why A', '# why B', "Set-ADComputer -Identity DST -PrincipalsAllowedToDelegateToAccount @('A$','B$')"]);
    expect(renderFix({ kind: 'resource-based', host: 'DST', principals: ['A$'], note: 'one\n \t \ntwo\n' })).toBe(
      "# one\n# two\nSet-ADComputer -Identity DST -PrincipalsAllowedToDelegateToAccount @('A$')",
    );
    expect(renderFix({ kind: 'resource-based', host: 'x; y', principals: ['A$'] })).toBe("Set-ADComputer -Identity 'x; y' -PrincipalsAllowedToDelegateToAccount @('A$')");
  });
});
