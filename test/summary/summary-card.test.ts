/** The summary card (validated with the adaptivecards library), its size on 5,000 hosts, and the same content as text. */
import { checkFleet } from '../../src/checker';
import { createSnapshot } from '../../src/domain/snapshot';
import { cardSize, MAX_CARD_BYTES, CARD_BUDGET_BYTES } from '../../src/render/cards';
import { subscribedCard, subscriptionsCard, summaryCard, unsubscribedCard } from '../../src/render/cards/summary';
import { compactScan } from '../../src/summary/compact';
import { buildSummary } from '../../src/summary/model';
import { summaryText } from '../../src/summary/text';
import { actions, DEMO_DIRECTIONS_READY, DEMO_HOSTS_WITH_ERRORS, demoCtx, demoSize, demoSnapshot, largeDirectory, largeFleet, visibleText } from '../render/cards/support';
import { expectValidCard } from '../support/validate-card';
import { names, scanOf } from './fleet';

const ctx = { directoryLabel: 'test fleet', takenAt: '2026-03-02T06:00:00Z' };

function demoSummary() {
  const snapshot = demoSnapshot();
  const report = checkFleet(snapshot);
  return buildSummary({ report, snapshot, directory: demoCtx.directoryLabel, takenAt: demoCtx.takenAt });
}

describe('the summary card', () => {
  test('demo directory: totals, misconfigured hosts with top rules and a button each, a readiness matrix, a footer', () => {
    const { summary } = demoSummary();
    const card = summaryCard(summary, demoCtx, { title: 'Daily summary', note: 'Posted daily at 08:00 (UTC)' });
    expectValidCard(card);
    const visible = visibleText(card);
    const size = demoSize();
    expect(visible).toContain(`${DEMO_HOSTS_WITH_ERRORS} of ${size.hyperVHosts} Hyper-V hosts not ready`);
    expect(visible).toContain(`Hyper-V hosts: ${size.hyperVHosts}`);
    expect(visible).toContain(`Hosts with errors: ${DEMO_HOSTS_WITH_ERRORS}`);
    expect(visible).toContain(`Migration directions ready: ${DEMO_DIRECTIONS_READY} of ${size.directions}`);
    expect(visible).toMatch(/HV-OLD · 25 errors/);
    expect(visible).toContain('KCD004');
    expect(visible).toContain('Readiness matrix · contoso.com');
    expect(visible).toContain('Data: demo directory');
    expect(visible).toContain('Posted daily at 08:00 (UTC)');
    expect(visible).not.toContain('What changed'); // a first summary
    const hostButtons = actions(card).filter((a) => (a.data as { kcd?: string; host?: string })?.host);
    expect(hostButtons.map((a) => a.data)).toContainEqual({ kcd: 'check', host: 'VMHOST2' });
    expect(hostButtons).toHaveLength(DEMO_HOSTS_WITH_ERRORS);
    expect(hostButtons.every((a) => a.type === 'Action.Submit')).toBe(true);
  });

  test('the readiness matrix is a 1.5 Table: source rows × destination columns, ✅/❌, — on the diagonal', () => {
    const { summary } = demoSummary();
    const m = summary.matrices.find((x) => x.label === 'contoso.com')!;
    expect(m.hosts).toEqual(['GOGO-2', 'GOGO-3', 'GOGO-4', 'GOGO-5', 'HV-OLD', 'VMHOST1', 'VMHOST2']);
    expect(m.ready[0]![2]).toBe(true); // GOGO-2 → GOGO-4
    expect(m.ready[2]![0]).toBe(true); // GOGO-4 → GOGO-2
    expect(m.ready[1]![2]).toBe(false); // GOGO-3 → GOGO-4 (KCD001)
    expect(m.ready[3]![3]).toBeNull();
    const card = summaryCard(summary, demoCtx);
    const table = JSON.stringify(card.body.find((e) => e.type === 'Table'));
    expect((table.match(/✅/g) ?? []).length).toBe(summary.matrices[0]!.ready.flat().filter((r) => r === true).length);
    expect(table).toContain('—');
    // Agrees with the fleet report: the ✅ in a row are the host's ready peers.
    for (const h of summary.hosts) {
      const i = m.hosts.indexOf(h.host);
      if (i >= 0) expect(m.ready[i]!.filter((r) => r === true)).toHaveLength(h.peersReady);
    }
  });

  test('what changed: new problems with rule and message, fixes, hosts added and gone', () => {
    const previous = compactScan(scanOf(names('HV', 4).map((name) => ({ name }))).report, { directory: 'test fleet', takenAt: '2026-03-01T06:00:00Z' });
    const { report, snapshot } = scanOf([{ name: 'HV1', missingTo: ['HV2'] }, { name: 'HV2' }, { name: 'HV3', kerberosOnly: true }, { name: 'HV5' }]);
    const { summary } = buildSummary({ report, snapshot, directory: 'test fleet', takenAt: ctx.takenAt, previous });
    const card = summaryCard(summary, ctx);
    expectValidCard(card);
    const visible = visibleText(card);
    expect(visible).toContain('What changed since the previous summary (data read 2026-03-01 06:00 UTC)');
    expect(visible).toContain('🆕 New problems (3)');
    expect(visible).toMatch(/HV1 · KCD001 ×2 · HV1 is not trusted to delegate to .*HV2/);
    expect(visible).toContain('HV3 · KCD004');
    expect(visible).toContain('🔴 No longer ready (2)');
    expect(visible).toContain('➕ Hosts added (1)');
    expect(visible).toContain('HV5 · ready');
    expect(visible).toContain('➖ Hosts gone (1)');
    expect(visible).toContain('HV4');

    const fixed = buildSummary({ report: scanOf(names('HV', 3).map((name) => ({ name }))).report, directory: 'test fleet', previous: compactScan(report, { directory: 'test fleet' }) }).summary;
    const fixedCard = summaryCard(fixed, ctx);
    expectValidCard(fixedCard);
    const fixedText = visibleText(fixedCard);
    expect(fixedText).toContain('✅ All 3 Hyper-V hosts ready');
    expect(fixedText).toContain('✔️ Fixed (3)');
    expect(fixedText).toContain('🟢 Now ready (2)');
    expect(fixedText).toContain('Hosts gone (1)');
  });

  test('a healthy fleet gets a short "all N hosts ready" card, not silence', () => {
    const { report, snapshot } = scanOf(names('HV', 6).map((name) => ({ name })));
    const { summary } = buildSummary({ report, snapshot, directory: 'test fleet', takenAt: ctx.takenAt });
    const card = summaryCard(summary, ctx, { title: 'Daily summary' });
    expectValidCard(card);
    expect(visibleText(card)).toContain('✅ All 6 Hyper-V hosts ready');
    expect(visibleText(card)).toContain('Migration directions ready: 30 of 30');
    expect(card.body.some((e) => e.type === 'Table')).toBe(false);
    expect(cardSize(card)).toBeLessThan(3000);
  });

  test('5,000 hosts in groups of 16: summarised well under 80 KB; only the one small group (the last 8 hosts) gets a matrix', () => {
    const { report, snapshot } = largeFleet();
    const { summary } = buildSummary({ report, snapshot, directory: 'synthetic 5,000-host domain', takenAt: ctx.takenAt });
    expect(summary.matrixGroups).toBe(1);
    expect(summary.matrices.map((m) => m.hosts.length)).toEqual([8]);
    const card = summaryCard(summary, { directoryLabel: 'synthetic 5,000-host domain' });
    expectValidCard(card);
    expect(cardSize(card)).toBeLessThanOrEqual(CARD_BUDGET_BYTES);
    expect(cardSize(card)).toBeLessThan(MAX_CARD_BYTES / 2);
    const visible = visibleText(card);
    expect(visible).toContain(`${report.totals.hostsWithErrors.toLocaleString('en-US')} of 5,000 Hyper-V hosts not ready`);
    expect(visible).toMatch(/… and [\d,]+ more misconfigured hosts\./);
  });

  test('5,000 hosts in groups of 8, everything changed since yesterday: matrices and change lists cut down, still under budget', () => {
    const snapshot = createSnapshot(largeDirectory(5000, 8));
    const report = checkFleet(snapshot, { group: { kind: 'parent-ou' } });
    const healthyBefore = compactScan(scanOf(names('HV', 3).map((name) => ({ name }))).report, { directory: 'x' });
    // Yesterday: the same host names, none with a problem.
    healthyBefore.hosts = Object.fromEntries(report.hosts.map((h, i) => [i % 10 === 0 ? `OLD${i}` : h.host.name, []]));
    healthyBefore.notReady = [];
    const started = Date.now();
    const { summary } = buildSummary({ report, snapshot, directory: 'synthetic', previous: healthyBefore });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(summary.matrixGroups).toBe(625);
    expect(summary.matrices.length).toBe(4);
    expect(summary.changes!.newProblems.length).toBeGreaterThan(1000);
    expect(summary.changes!.hostsAdded.length).toBe(500);
    const card = summaryCard(summary, { directoryLabel: 'synthetic' });
    expectValidCard(card);
    expect(cardSize(card)).toBeLessThanOrEqual(CARD_BUDGET_BYTES);
    const visible = visibleText(card);
    expect(visible).toContain('Readiness matrix');
    expect(visible).toMatch(/… and [\d,]+ more new problems\./);
    expect(visible).toMatch(/… and [\d,]+ more small groups\./);
  });
});

describe('the same content as text and JSON (kcd scan --summary)', () => {
  test('text: totals, misconfigured hosts with top rule ids, matrix, changes', () => {
    const { summary } = demoSummary();
    const text = summaryText(summary);
    const size = demoSize();
    expect(text).toContain(`${DEMO_HOSTS_WITH_ERRORS} of ${size.hyperVHosts} Hyper-V hosts not ready.`);
    expect(text).toContain(`migration directions ready: ${DEMO_DIRECTIONS_READY} of ${size.directions}`);
    expect(text).toMatch(/VMHOST2\s+22 errors\s+can migrate to 0 of 6\s+KCD001, KCD002, KCD006, KCD007, KCD008/);
    expect(text).toContain('Readiness matrix, contoso.com');
    expect(text).toContain('First summary');
  });

  test('the card and the text tell the same story', () => {
    const previous = compactScan(scanOf(names('HV', 4).map((name) => ({ name }))).report, { directory: 'test fleet' });
    const { report, snapshot } = scanOf([{ name: 'HV1', missingTo: ['HV2'] }, { name: 'HV2' }, { name: 'HV3' }, { name: 'HV4' }]);
    const { summary } = buildSummary({ report, snapshot, directory: 'test fleet', previous });
    const text = summaryText(summary);
    const card = visibleText(summaryCard(summary, ctx));
    for (const fact of ['HV1', 'KCD001', 'KCD002', '1 of 4 Hyper-V hosts not ready', 'New problems']) {
      expect(text).toContain(fact);
      expect(card).toContain(fact);
    }
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
  });
});

describe('subscription cards', () => {
  const view = { time: '07:30', timeZone: 'Europe/Berlin', next: 'Tue 3 Mar 2026, 07:30 CET', nextIn: 'in 5 h 20 min', lastPosted: 'Mon 2 Mar 2026, 07:30 CET' };
  test.each([
    ['subscribed (created)', subscribedCard(view, ctx, 'created'), 'This chat will get the daily summary'],
    ['subscribed (updated)', subscribedCard(view, ctx, 'updated'), 'Daily summary moved'],
    ['subscribed (unchanged)', subscribedCard(view, ctx, 'unchanged'), 'already gets'],
    ['unsubscribed', unsubscribedCard({ time: '07:30', timeZone: 'Europe/Berlin' }, ctx), 'Daily summary stopped'],
    ['unsubscribed (none)', unsubscribedCard(undefined, ctx), 'no daily summary'],
    ['subscriptions', subscriptionsCard(view, ctx), 'Last posted: Mon 2 Mar 2026, 07:30 CET'],
    ['subscriptions (none)', subscriptionsCard(undefined, ctx), 'no daily summary'],
  ])('%s: small, valid, with a footer', (_name, card, phrase) => {
    expectValidCard(card);
    expect(visibleText(card)).toContain(phrase);
    expect(visibleText(card)).toContain('Data: test fleet');
    expect(cardSize(card)).toBeLessThan(4000);
  });
});
