import { renderFixScript } from '../../../src/fixes/powershell';
import { MAX_CARD_BYTES, cardSize, pairCard } from '../../../src/render/cards';
import { expectValidCard } from '../../support/validate-card';
import { actions, codeText, demoCtx, demoPair, loadScenarios, scenarioPair, visibleText } from './support';

describe('pair card', () => {
  const report = demoPair('GOGO-3', 'GOGO-4');
  const card = pairCard(report, demoCtx);

  test('GOGO-3 → GOGO-4 (the article): valid, NOT READY, KCD001 and KCD004 with the Set-ADComputer fix', () => {
    expectValidCard(card);
    expect(card.version).toBe('1.5');
    const visible = visibleText(card);
    expect(visible).toContain('NOT READY');
    expect(visible).toMatch(/Can GOGO-3 live-migrate to GOGO-4\?/);
    expect(visible).toContain('KCD001');
    expect(visible).toContain('KCD004');
    const code = codeText(card);
    expect(code).toContain('Set-ADComputer -Identity GOGO-3');
    expect(code).toContain("'Microsoft Virtual System Migration Service/gogo-4.contoso.com'");
    expect(code).toContain('Get-ADComputer -Identity GOGO-3 | Set-ADAccountControl -TrustedForDelegation $false -TrustedToAuthForDelegation $true');
    expect(code).toContain('Invoke-Command -ComputerName GOGO-3 { klist -li 0x3e7 purge }');
  });

  test('the headline is coloured: attention when not ready, good when ready', () => {
    const headline = card.body[0] as unknown as { style: string; items: Array<{ text: string; color: string }> };
    expect(headline.style).toBe('attention');
    expect(headline.items[0]!.color).toBe('Attention');
    const ready = pairCard(demoPair('GOGO-2', 'GOGO-4'), demoCtx);
    expectValidCard(ready);
    const readyHeadline = ready.body[0] as unknown as { style: string; items: Array<{ text: string; color: string }> };
    expect(readyHeadline.style).toBe('good');
    expect(readyHeadline.items[0]!.text).toContain('READY');
    expect(readyHeadline.items[0]!.color).toBe('Good');
  });

  test('the "All fixes" block is exactly renderFixScript with the purge on the source, line by line', () => {
    const script = renderFixScript(report.findings, { purgeOn: ['GOGO-3'] });
    expect(visibleText(card)).toContain('All fixes');
    // Every line of the script appears, in order, as one monospace line (indentation kept).
    const code = codeText(card);
    expect(code).toContain(script);
  });

  test('each finding shows severity, rule id, message and why, and code lines are monospace TextBlocks', () => {
    const visible = visibleText(card);
    for (const f of report.findings) {
      expect(visible).toContain(f.message);
      expect(visible).toContain(`Why: ${f.why}`);
    }
    expect(visible).toMatch(/KCD001 · Error · /);
  });

  test('the host-side checklist is there', () => {
    const code = codeText(card);
    expect(code).toContain('Enable-VMMigration');
    expect(code).toContain('Set-VMHost -VirtualMachineMigrationAuthenticationType Kerberos');
    expect(code).toContain('Set-VMMigrationNetwork');
    expect(code).toContain('-Port 6600');
    // Windows Server 2025's Credential Guard: the reminder says why CredSSP is not an option.
    expect(code).toContain('Kerberos, not CredSSP: Credential Guard (on by default on Windows Server 2025)');
  });

  test('footer of a fresh read: "read just now, not from the cache"; a fresh read that failed shows as stale instead', () => {
    expect(visibleText(card)).not.toContain('just now');
    const fresh = pairCard(report, { ...demoCtx, fresh: true });
    expectValidCard(fresh);
    expect(visibleText(fresh)).toContain('Data: demo directory · read just now (2026-03-02 12:03 UTC), not from the cache');
    const failed = pairCard(report, { ...demoCtx, fresh: true, stale: { ageMinutes: 12, reason: 'connect ECONNREFUSED' } });
    expectValidCard(failed);
    expect(visibleText(failed)).toContain('AD unreachable — answer from the last good read, 12 minutes old');
    expect(visibleText(failed)).toContain('Data: demo directory · read 2026-03-02 12:03 UTC');
    expect(visibleText(failed)).not.toContain('just now');
  });

  test('footer: data source and read time; whether the asker was checked', () => {
    expect(visibleText(card)).toContain('Data: demo directory · read 2026-03-02 12:03 UTC');
    expect(visibleText(card)).toContain('The account that starts the migration was not checked.');
    const checked = pairCard(demoPair('GOGO-3', 'GOGO-4', { as: 'alice' }), { ...demoCtx, asker: { checked: true, name: 'alice@contoso.com' } });
    expectValidCard(checked);
    expect(visibleText(checked)).toContain('Checked as alice@contoso.com');
    expect(visibleText(checked)).toContain('KCD010');
    const notFound = pairCard(report, { ...demoCtx, asker: { checked: false } });
    expectValidCard(notFound);
    expect(visibleText(notFound)).toContain('Your account was not found in AD: not checked');
  });

  test('Re-check is Action.Execute (verb recheck) with an equivalent Action.Submit fallback', () => {
    const recheck = card.actions!.find((a) => a.type === 'Action.Execute')!;
    const data = { kcd: 'check', source: 'GOGO-3', destination: 'GOGO-4', storage: false, fileServers: [] };
    expect(recheck).toMatchObject({ title: 'Re-check', verb: 'recheck', data });
    expect(recheck.fallback).toEqual({ type: 'Action.Submit', title: 'Re-check', data });
    expect(card).not.toHaveProperty('refresh');
    const back = card.actions!.find((a) => a.title === 'Check GOGO-4 → GOGO-3')!;
    expect(back).toMatchObject({ type: 'Action.Submit', data: { ...data, source: 'GOGO-4', destination: 'GOGO-3' } });
  });

  test('storage and file servers are part of the question and of the Re-check data', () => {
    const withStorage = pairCard(demoPair('GOGO-3', 'GOGO-4', { storage: true, fileServers: ['FHOST1'] }), demoCtx);
    expectValidCard(withStorage);
    expect(visibleText(withStorage)).toContain('with storage (cifs) · VM files on FHOST1');
    expect(visibleText(withStorage)).toContain('KCD002');
    expect(visibleText(withStorage)).toContain('KCD003');
    expect(actions(withStorage).find((a) => a.type === 'Action.Execute')!.data).toEqual({
      kcd: 'check',
      source: 'GOGO-3',
      destination: 'GOGO-4',
      storage: true,
      fileServers: ['FHOST1'],
    });
  });

  test('explain buttons for the topics behind the errors', () => {
    const explain = card.actions!.filter((a) => (a.data as { kcd?: string } | undefined)?.kcd === 'explain').map((a) => (a.data as { topic: string }).topic);
    expect(explain).toEqual(['constrained-delegation', 'protocol-transition']);
  });

  test('every demo pair (both ways, with and without storage) gives a valid card under the size limit', () => {
    const hosts = ['GOGO-2', 'GOGO-3', 'GOGO-4', 'GOGO-5', 'VMHOST1', 'VMHOST2', 'HV-OLD', 'EU-HV1'];
    let n = 0;
    for (const a of hosts) {
      for (const b of hosts) {
        if (a === b) continue;
        for (const storage of [false, true]) {
          const r = demoPair(a, b, { storage, fileServers: storage ? ['FHOST1'] : [] });
          const c = pairCard(r, demoCtx);
          expectValidCard(c);
          expect(cardSize(c)).toBeLessThan(MAX_CARD_BYTES);
          for (const f of r.findings) expect(visibleText(c)).toContain(f.rule);
          n++;
        }
      }
    }
    expect(n).toBe(112);
  });

  test('a managed domain: the resource-based fix with its reason on the card, no account-based fix', () => {
    const s = loadScenarios().find((x) => x.id === 'managed-domain-no-delegation')!;
    const c = pairCard(scenarioPair(s), { directoryLabel: `scenario ${s.id}`, takenAt: '2026-01-01T00:00:00.000Z' });
    expectValidCard(c);
    const code = codeText(c);
    expect(code).toContain("Set-ADComputer -Identity DST -PrincipalsAllowedToDelegateToAccount @('SRC$')");
    expect(code).toContain('account-based constrained delegation cannot be configured in a managed domain');
    expect(code).not.toMatch(/msDS-AllowedToDelegateTo'=|Set-ADAccountControl/);
  });

  test('descriptor findings on the card: GENERIC_ALL (KCD024) and a dangling entry (KCD025) with the rewritten descriptor', () => {
    for (const [id, rule] of [['resource-based-generic-all', 'KCD024'], ['resource-based-deleted-source', 'KCD025']] as const) {
      const s = loadScenarios().find((x) => x.id === id)!;
      const c = pairCard(scenarioPair(s), { directoryLabel: `scenario ${s.id}`, takenAt: '2026-01-01T00:00:00.000Z' });
      expectValidCard(c);
      expect(visibleText(c)).toContain(rule);
      expect(codeText(c)).toContain("Set-ADComputer -Identity DST -PrincipalsAllowedToDelegateToAccount @('SRC$')");
    }
  });

  test.each(loadScenarios().map((s) => [s.id, s] as const))('scenario %s: valid card naming the expected rules', (_id, s) => {
    const r = scenarioPair(s);
    const c = pairCard(r, { directoryLabel: `scenario ${s.id}`, takenAt: '2026-01-01T00:00:00.000Z' });
    expectValidCard(c);
    const visible = visibleText(c);
    for (const rule of s.expect) expect(visible).toContain(rule);
    expect(visible).toContain(s.ready ? '✅ READY' : '❌ NOT READY');
  });
});
