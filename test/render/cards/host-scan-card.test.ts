import { checkFleet, checkHost } from '../../../src/checker';
import { resolveHost } from '../../../src/domain/names';
import { CARD_BUDGET_BYTES, MAX_CARD_BYTES, cardSize, hostCard, scanCard } from '../../../src/render/cards';
import { expectValidCard } from '../../support/validate-card';
import { actions, codeText, demoCtx, demoHost, demoSnapshot, largeFleet, objects, visibleText } from './support';

const DEMO_HYPERV = ['EU-HV1', 'GOGO-2', 'GOGO-3', 'GOGO-4', 'GOGO-5', 'HV-OLD', 'VMHOST1', 'VMHOST2'];

describe('host card', () => {
  test('GOGO-3: a readiness table with both directions, findings by rule and the fix script', () => {
    const report = demoHost('GOGO-3');
    const card = hostCard(report, demoCtx);
    expectValidCard(card);
    const [table] = objects(card).filter((o) => o.type === 'Table') as Array<{ rows: unknown[]; columns: unknown[] }>;
    expect(table!.columns).toHaveLength(3);
    expect(table!.rows).toHaveLength(1 + report.peers.length);
    const visible = visibleText(card);
    expect(visible).toContain('GOGO-3 → peer');
    expect(visible).toContain('peer → GOGO-3');
    // GOGO-3 → GOGO-4 blocked by KCD001 and KCD004; GOGO-4 → GOGO-3 ready (checker test fixes these facts).
    const row = table!.rows.find((r) => visibleText(r).startsWith('GOGO-4'))!;
    expect(visibleText(row)).toMatch(/GOGO-4\n❌ .*KCD001.*\n✅ ready/);
    expect(visibleText(row)).toContain('KCD004');
    expect(codeText(card)).toContain('Set-ADComputer -Identity GOGO-3');
    expect(visible).toContain('All fixes');
  });

  test('each fix is shown once: one PowerShell block (the merged script), no block per finding', () => {
    const card = hostCard(demoHost('GOGO-3'), demoCtx);
    const blocks = objects(card).filter((o) => o.type === 'Container' && o.style === 'emphasis' && visibleText(o).includes('Set-ADComputer'));
    expect(blocks).toHaveLength(1);
  });

  test('Re-check is Action.Execute with {kcd: check, host} and a Submit fallback', () => {
    const card = hostCard(demoHost('GOGO-3'), demoCtx);
    const recheck = card.actions!.find((a) => a.type === 'Action.Execute')!;
    expect(recheck).toMatchObject({ verb: 'recheck', data: { kcd: 'check', host: 'GOGO-3' } });
    expect(recheck.fallback).toEqual({ type: 'Action.Submit', title: 'Re-check', data: { kcd: 'check', host: 'GOGO-3' } });
  });

  test.each(DEMO_HYPERV)('demo host %s: valid card with a footer, and no command-line hint (it means nothing in Teams)', (name) => {
    const card = hostCard(demoHost(name), demoCtx);
    expectValidCard(card);
    expect(visibleText(card)).toContain('Data: demo directory · read 2026-03-02 12:03 UTC');
    expect(visibleText(card)).not.toContain('--json');
  });

  test('a host without peers says so and has no table', () => {
    const card = hostCard(demoHost('EU-HV1'), demoCtx);
    expectValidCard(card);
    expect(visibleText(card)).toContain('No other Hyper-V host is in its migration group.');
    expect(objects(card).some((o) => o.type === 'Table')).toBe(false);
  });

  test('a host in a 5,000-host domain group: not-ready peers first, the rest counted, under the budget', () => {
    const { snapshot } = largeFleet();
    const report = checkHost(snapshot, resolveHost(snapshot, 'HV00007'), { group: { kind: 'domain' } });
    expect(report.peers.length).toBe(4999);
    const card = hostCard(report, demoCtx);
    expectValidCard(card);
    expect(cardSize(card)).toBeLessThan(CARD_BUDGET_BYTES);
    const visible = visibleText(card);
    expect(visible).toMatch(/… and [\d,]+ more peers: \d+ ready both ways, \d+ not\./);
    expect(visible).toMatch(/… and [\d,]+ more KCD001 findings/);
    // The fix script shown is complete for what it covers, and says what it leaves out.
    expect(codeText(card)).toMatch(/# Too long for a card: this covers \d+ of [\d,]+ fixes\. The full script: kcd host HV00007/);
  });
});

describe('scan card', () => {
  test('rule ids and counts sit in fixed-width columns, so they never wrap mid-word at a narrow card width', () => {
    const card = scanCard(checkFleet(demoSnapshot(), {}), demoCtx);
    const tables = objects(card).filter((o) => o.type === 'Table') as Array<{ columns: Array<{ width: unknown }> }>;
    expect(tables.map((t) => t.columns.map((c) => c.width))).toEqual([
      ['76px', 1, '84px', '64px'],
      [3, '64px', 2, 3],
    ]);
  });

  test('demo directory: totals, most common problems, worst hosts first', () => {
    const report = checkFleet(demoSnapshot());
    const card = scanCard(report, demoCtx);
    expectValidCard(card);
    const visible = visibleText(card);
    expect(visible).toContain(`${report.totals.hostsWithErrors} of ${report.totals.hosts} Hyper-V hosts not ready`);
    expect(visible).toContain(`${report.totals.pairsReady} of ${report.totals.pairsExpected}`);
    expect(visible).toContain('Most common problems');
    const tables = objects(card).filter((o) => o.type === 'Table') as Array<{ rows: unknown[] }>;
    const hostRows = tables[1]!.rows.slice(1).map((r) => visibleText(r).split('\n'));
    const errors = hostRows.map((cells) => Number(cells[1]));
    expect(errors).toEqual([...errors].sort((a, b) => b - a));
    // "Check <host>" buttons for the worst three, and "Scan again" as Action.Execute.
    const checks = actions(card).filter((a) => a.type === 'Action.Submit' && (a.data as { host?: string }).host);
    expect(checks.slice(0, 3).map((a) => (a.data as { host: string }).host)).toEqual(hostRows.slice(0, 3).map((c) => c[0]));
    expect(card.actions![0]).toMatchObject({ type: 'Action.Execute', verb: 'recheck', data: { kcd: 'scan' } });
  });

  test('5,000 hosts in parent-ou groups of 16: summarised well under 80 KB', () => {
    const { report } = largeFleet();
    expect(report.totals.hosts).toBe(5000);
    expect(report.totals.pairsExpected).toBe(312 * 16 * 15 + 8 * 7);
    const card = scanCard(report, { directoryLabel: 'synthetic 5,000-host domain', takenAt: '2026-03-02T12:03:41Z' });
    expectValidCard(card);
    const size = cardSize(card);
    expect(size).toBeLessThan(CARD_BUDGET_BYTES);
    expect(size).toBeLessThan(MAX_CARD_BYTES);
    const visible = visibleText(card);
    expect(visible).toContain(`${report.totals.hostsWithErrors.toLocaleString('en-US')} of 5,000 Hyper-V hosts not ready`);
    expect(visible).toMatch(/… and [\d,]+ more hosts with errors\./);
    expect(visible).toContain('Hyper-V hosts in the same OU');
  });

  test('an all-ready fleet gets a green headline and no worst-host table', () => {
    const snapshot = demoSnapshot();
    const report = checkFleet(snapshot, { group: { kind: 'ou', dn: 'OU=Nowhere,DC=contoso,DC=com' }, storage: false });
    const ready = { ...report, hosts: report.hosts.map((h) => ({ ...h, ready: true, findings: [] })), totals: { ...report.totals, hostsWithErrors: 0, errors: 0, warnings: 0, infos: 0, byRule: {} } };
    const card = scanCard(ready, demoCtx);
    expectValidCard(card);
    expect(visibleText(card)).toContain(`✅ All ${report.totals.hosts} Hyper-V hosts ready`);
    expect(objects(card).some((o) => o.type === 'Table')).toBe(false);
  });
});
