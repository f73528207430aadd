/**
 * The benchmark's results rendering (bench/run.ts): results.json files written before the one-domain-group run
 * still render, and the domain-group row shows its figures. Built from hand-made results, never from a run.
 */
import type { DcResult } from '../../bench/dc';
import type { DomainEvalRow, EvalRow } from '../../bench/eval';
import { parseArgs, renderMarkdown, renderTable, type Results } from '../../bench/run';

const machine = { cores: 2, cpu: 'test cpu', memoryGb: 8, node: 'v20.0.0', loadBefore: [1, 1, 1], loadAfter: [2, 2, 2] };
const record = <T>(result: T) => ({ at: '2026-11-27T00:00:00.000Z', quick: true, machine, result });

function evalRow(hosts: number, totalMs: number): EvalRow {
  return {
    hosts,
    runs: 1,
    samples: [],
    snapshotMs: totalMs / 2,
    fleetMs: totalMs / 2,
    totalMs,
    cpuMs: totalMs,
    gcMs: 1,
    peakRssMb: 60,
    dataRssMb: 50,
    usPerHost: (totalMs * 1000) / hosts,
    cpuUsPerHost: (totalMs * 1000) / hosts,
    pairs: hosts * 20,
    delegationEntries: hosts * 85,
    hostsWithErrors: Math.round(hosts * 0.13),
  };
}

function domainRow(advice: number): DomainEvalRow {
  return {
    hosts: 3000,
    runs: 1,
    samples: [],
    fleetMs: 2500,
    fleetCpuMs: 2400,
    fleetGcMs: 300,
    snapshotMs: 150,
    jsonMs: 1700,
    peakRssMb: 250,
    peakRssWithJsonMb: 420,
    dataRssMb: 90,
    fleetUsPerHost: 833,
    fleetCpuUsPerHost: 800,
    pairs: 3000 * 2999,
    hostsWithErrors: 2990,
    findings: 135_000,
    maxHostFindings: 51,
    loopFixes: 5999,
    advice,
    ...(advice > 0 ? { adviceOus: 140, adviceEntriesPerHost: 11_996 } : {}),
    jsonChars: 117_000_000,
    jsonBytes: 117_000_000,
  };
}

// Two eval sizes: the growth row needs more than one.
const older: Results = { eval: record([evalRow(1000, 80), evalRow(10_000, 500)]) };

describe('bench results rendering', () => {
  test('a results.json from before the domain-group run renders, without that row', () => {
    const md = renderMarkdown(older);
    const table = renderTable(older);
    expect(table.split('\n')).toHaveLength(2 + 2 + 1); // header, separator, two sizes, one growth row
    expect(table).toContain('10,000 hosts (200,000 pairs)');
    expect(md).not.toContain('one domain group');
    expect(md).toContain('- eval: 2026-11-27T00:00:00.000Z (--quick)');
  });

  test('the domain-group row: pairs, time, JSON size, findings per host, advice; no target', () => {
    const results: Results = { ...older, evalDomain: record(domainRow(1)) };
    const lines = renderTable(results).split('\n');
    expect(lines).toHaveLength(2 + 2 + 1 + 1);
    const row = lines.find((l) => l.includes('one domain group'))!;
    const cells = row.split(' | ');
    expect(cells[1]).toBe('3,000 hosts as one group (8,997,000 pairs)');
    expect(cells[3]).toBe('2.50 s checkFleet (CPU 2.40 s, GC 300 ms); JSON 112 MB written in 1.70 s');
    expect(cells[5]).toBe('250 MB (420 MB with the JSON; data 90 MB)');
    expect(cells[7]).toMatch(/^— /);
    expect(cells[8]).toContain('135,000 findings (45.0 per host, at most 51)');
    expect(cells[8]).toContain('5,999 loop fixes');
    expect(cells[8]).toContain('advice given (140 OUs, use parent-ou)');
    // After the eval rows, before anything else.
    expect(lines.indexOf(row)).toBe(lines.length - 1);
    const md = renderMarkdown(results);
    expect(md).toContain('- eval, one domain group: 2026-11-27T00:00:00.000Z (--quick)');
    expect(md).toContain('- One domain group: the same synthetic fleet of 3,000 hosts');
    expect(md).toContain('2,990 of 3,000 hosts have error findings');
  });

  test('no advice is said so; the row renders without the eval sizes too', () => {
    const table = renderTable({ evalDomain: record(domainRow(0)) });
    expect(table).toContain('no advice');
    expect(table).not.toContain('advice given');
    expect(table.split('\n')).toHaveLength(3);
  });

  test("the end-to-end notes say when kcd ran without the machine's NODE_EXTRA_CA_CERTS, and what it costs", () => {
    const dc = (environment?: DcResult['environment']): DcResult => ({
      hosts: 5000,
      rows: [
        { tool: 'ldapsearch (the floor)', runs: 3, medianMs: 2000, samplesMs: [2000], ratio: 1 },
        { tool: 'kcd scan --json --directory ldap', runs: 3, medianMs: 2500, samplesMs: [2500], ratio: 1.25 },
      ],
      breakdown: { nodeStartMs: 200, readDataMs: 1900, snapshotMs: 60, fleetMs: 100, renderMs: 90, computers: 5001 },
      ...(environment ? { environment } : {}),
      equivalence: 'identical',
      cache: { built: false, key: 'k' },
      samba: '4.17',
    });
    const withVariable = renderMarkdown({ dc: record(dc({ extraCaCerts: '/etc/ssl/certs/ca-certificates.crt', nodeStartMs: 90, nodeStartWithExtraCaCertsMs: 160 })) });
    expect(withVariable).toContain('except NODE_EXTRA_CA_CERTS');
    expect(withVariable).toContain('/etc/ssl/certs/ca-certificates.crt');
    expect(withVariable).toMatch(/160 ms with it, 90 ms without/);
    // Not set on the machine, or a results.json from before: nothing to say.
    expect(renderMarkdown({ dc: record(dc({ nodeStartMs: 90 })) })).not.toContain('NODE_EXTRA_CA_CERTS');
    expect(renderMarkdown({ dc: record(dc()) })).not.toContain('NODE_EXTRA_CA_CERTS');
  });

  test('--domain-hosts: 5,000 by default, 0 skips, anything else is refused', () => {
    expect(parseArgs([]).domainHosts).toBe(5000);
    expect(parseArgs(['--domain-hosts', '0']).domainHosts).toBe(0);
    expect(parseArgs(['--domain-hosts=2000']).domainHosts).toBe(2000);
    expect(() => parseArgs(['--domain-hosts', '-1'])).toThrow(/--domain-hosts/);
    expect(() => parseArgs(['--domain-hosts', 'many'])).toThrow(/--domain-hosts/);
  });
});
