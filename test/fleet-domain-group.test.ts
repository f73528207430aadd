/**
 * A fleet scan of 2,000 Hyper-V hosts checked as ONE domain group, although they are ~100 separate clusters
 * (the synthetic benchmark fleet): the pre-bounded code produced ~4 GB of JSON here and `kcd scan --json`
 * crashed. Asserted: every output (JSON, text, scan card, daily summary) stringifies and stays within a bound
 * per host; finding counts are bounded per host and rule; the counted-not-built findings agree with the rules.
 * Sizes and counts only, never time.
 */
import { checkFleet, checkHost, FLEET_FINDINGS_PER_RULE, FLEET_MAX_LISTED, type FleetReport } from '../src/checker';
import type { Finding } from '../src/domain/finding';
import { createSnapshot, type DirectorySnapshot } from '../src/domain/snapshot';
import { renderFixScript } from '../src/fixes/powershell';
import { MAX_CARD_BYTES, cardSize } from '../src/render/cards/common';
import { scanCard, summaryCard } from '../src/render/cards';
import { fleetJson } from '../src/render/json';
import { fleetText } from '../src/render/text';
import { compactScan } from '../src/summary/compact';
import { buildSummary } from '../src/summary/model';
import { summaryText } from '../src/summary/text';
import { syntheticDirectory } from '../bench/synthetic';
import { expectValidCard } from './support/validate-card';

const HOSTS = 2000;
const ctx = { directoryLabel: 'synthetic' };

describe(`${HOSTS} hosts of separate clusters checked as one domain group`, () => {
  let snapshot: DirectorySnapshot;
  let report: FleetReport;
  beforeAll(() => {
    snapshot = createSnapshot(syntheticDirectory(HOSTS));
    report = checkFleet(snapshot, { group: { kind: 'domain' }, storage: true });
  });

  test('totals count every pair; findings stay bounded per host and rule', () => {
    expect(report.totals.hosts).toBe(HOSTS);
    expect(report.totals.pairsExpected).toBe(HOSTS * (HOSTS - 1));
    let findings = 0;
    for (const h of report.hosts) {
      findings += h.findings.length;
      for (const rule of ['KCD001', 'KCD002']) {
        const own = h.findings.filter((f) => f.rule === rule && f.subject === h.host.name);
        expect(own.length).toBeLessThanOrEqual(FLEET_FINDINGS_PER_RULE + 1);
      }
    }
    // Measured about 51 per host; without summaries it would be about 8,000.
    expect(findings).toBeLessThan(HOSTS * 80);
    expect(report.advice?.[0]).toMatchObject({ kind: 'separate-clusters', hosts: HOSTS });
  });

  test('summary findings: bounded data, and a loop fix once the missing entries are too many to list', () => {
    let loops = 0;
    for (const h of report.hosts) {
      for (const f of h.findings.filter((x) => typeof x.data.more === 'number')) {
        const peers = f.data.peers as string[];
        expect(peers.length).toBeLessThanOrEqual(FLEET_MAX_LISTED);
        const counted = peers.length + ((f.data.peersOmitted as number | undefined) ?? 0);
        expect(f.message).toContain(`(${counted} more peer`);
        if (f.fix?.kind === 'delegate-to-peers') {
          loops++;
          expect(f.fix.peers).toEqual({ domain: 'lab.test', scope: 'subtree', label: 'all Hyper-V hosts of lab.test' });
          expect(f.fix.missing).toBe(f.data.more);
          expect(f.fix.peerCount).toBe(HOSTS - 1);
        } else if (f.fix?.kind === 'computer') {
          expect(f.fix.addDelegation!.length).toBeLessThanOrEqual(FLEET_MAX_LISTED);
        }
      }
      // The host's whole fix script: literal entries are at most FLEET_FINDINGS_PER_RULE per rule.
      expect(renderFixScript(h.findings).length).toBeLessThan(16_000);
    }
    expect(loops).toBeGreaterThan(HOSTS); // KCD001 and KCD002 on nearly every host
  });

  test('the JSON report stringifies (also indented, as kcd scan --json prints it) within a per-host bound', () => {
    const json = fleetJson(report, 'synthetic');
    const compact = JSON.stringify(json);
    expect(compact.length).toBeLessThan(HOSTS * 48_000);
    for (const h of json.hosts) expect(JSON.stringify(h).length).toBeLessThan(64_000);
    expect(JSON.stringify(json, null, 2).length).toBeLessThan(HOSTS * 80_000);
  });

  test('text, scan card and daily summary stay bounded', () => {
    expect(fleetText(report, 'synthetic').length).toBeLessThan(HOSTS * 200);
    const card = scanCard(report, ctx);
    expectValidCard(card);
    expect(cardSize(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    const { summary, compact } = buildSummary({ report, snapshot, directory: 'synthetic' });
    expect(summary.advice).toHaveLength(1);
    expect(JSON.stringify(summary).length).toBeLessThan(HOSTS * 2_000);
    expect(summaryText(summary).length).toBeLessThan(HOSTS * 400);
    const daily = summaryCard(summary, ctx);
    expectValidCard(daily);
    expect(cardSize(daily)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(JSON.stringify(compact).length).toBeLessThan(HOSTS * 1_000);
    expect(compactScan(report, { directory: 'synthetic' }).hosts[report.hosts[0]!.host.name]!.length).toBeLessThanOrEqual(4 * (FLEET_FINDINGS_PER_RULE + 1));
  });

  test('findings counted without being built agree with the rules (checkHost runs them on every pair)', () => {
    // A healthy host, and hosts whose own delegation lists have defects (fewer missing, other rules).
    const sample = [report.hosts[0]!, ...report.hosts.filter((h) => h.findings.some((f) => f.rule !== 'KCD001' && f.rule !== 'KCD002')).slice(0, 2)];
    for (const fleetHost of sample) {
      const full = checkHost(snapshot, fleetHost.host, { group: { kind: 'domain' }, storage: true });
      expect(fleetHost.peersTotal).toBe(full.peers.length);
      expect(fleetHost.peersReady).toBe(full.peers.filter((p) => p.outbound.ready).length);
      for (const rule of ['KCD001', 'KCD002']) {
        const all = full.findings.filter((f: Finding) => f.rule === rule && f.subject === fleetHost.host.name);
        const kept = fleetHost.findings.filter((f) => f.rule === rule && f.subject === fleetHost.host.name && f.data.more === undefined);
        const summary = fleetHost.findings.find((f) => f.rule === rule && f.subject === fleetHost.host.name && f.data.more !== undefined);
        expect(kept.length + ((summary?.data.more as number | undefined) ?? 0)).toBe(all.length);
        const peers = new Set(all.map((f) => f.data.target as string));
        for (const k of kept) peers.delete(k.data.target as string);
        const counted = summary ? (summary.data.peers as string[]).length + ((summary.data.peersOmitted as number | undefined) ?? 0) : 0;
        expect(counted).toBeGreaterThanOrEqual(peers.size); // a peer split between kept and summarised counts in both
        expect(counted).toBeLessThanOrEqual(peers.size + 1);
      }
    }
  });
});
