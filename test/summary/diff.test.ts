/** The diff between two summaries: problems appearing and fixed, hosts added and gone, readiness flips. */
import { compactScan, findingKey, ruleOfKey, scanId } from '../../src/summary/compact';
import { diffScans, isEmptyDiff } from '../../src/summary/diff';
import { buildSummary } from '../../src/summary/model';
import { names, scanOf, type HostSpec } from './fleet';

const compact = (specs: HostSpec[], takenAt?: string) => compactScan(scanOf(specs, takenAt).report, { directory: 'test fleet', takenAt });
const healthy = (n: number) => names('HV', n).map((name) => ({ name }));

describe('compact scans', () => {
  test('one key per problem, the rule readable in it; the same fleet gives the same content and id', () => {
    const a = compact([{ name: 'HV1', missingTo: ['HV2'] }, { name: 'HV2' }, { name: 'HV3', kerberosOnly: true }]);
    expect(a.hosts.HV1!.map(ruleOfKey)).toEqual(['KCD001', 'KCD001', 'KCD002', 'KCD002']);
    expect(a.hosts.HV2).toEqual([]);
    expect(a.notReady).toEqual(['HV1', 'HV3']);
    expect(a.hosts.HV1!.every((k) => /^KCD\d{3}:[0-9a-f]{8}$/.test(k))).toBe(true);
    const b = compact([{ name: 'HV1', missingTo: ['HV2'] }, { name: 'HV2' }, { name: 'HV3', kerberosOnly: true }]);
    expect(scanId(b)).toBe(scanId(a));
    expect(findingKey({ rule: 'KCD001', subject: 'HV1', data: { x: 1 } })).toBe(findingKey({ rule: 'KCD001', subject: 'hv1', data: { x: 1 } }));
  });

  test('a 5,000-host scan stays compact', () => {
    const specs = names('HV', 5000).map((name, i) => ({ name, ou: `C${Math.floor(i / 10)}`, kerberosOnly: i % 11 === 0, missingTo: i % 7 === 0 ? [`HV${i + 2}`] : [] }));
    const c = compact(specs);
    expect(Object.keys(c.hosts)).toHaveLength(5000);
    expect(Buffer.byteLength(JSON.stringify(c))).toBeLessThan(400 * 1024);
  });
});

describe('diffScans', () => {
  test('nothing changed', () => {
    const d = diffScans(compact(healthy(3)), compact(healthy(3)));
    expect(isEmptyDiff(d)).toBe(true);
  });

  test('problems appear: new problems by host and rule, the host no longer ready', () => {
    const before = compact(healthy(3), '2026-03-01T06:00:00Z');
    const after = compact([{ name: 'HV1', missingTo: ['HV2'] }, { name: 'HV2' }, { name: 'HV3', kerberosOnly: true }]);
    const d = diffScans(before, after);
    expect(d.since).toBe('2026-03-01T06:00:00Z');
    expect(d.newProblems).toEqual([
      { host: 'HV1', rule: 'KCD001', count: 2 },
      { host: 'HV1', rule: 'KCD002', count: 2 },
      { host: 'HV3', rule: 'KCD004', count: 1 },
    ]);
    expect(d.fixed).toEqual([]);
    expect(d.nowNotReady).toEqual(['HV1', 'HV3']);
    expect(d.nowReady).toEqual([]);
  });

  test('problems get fixed: fixed by host and rule, the host ready again', () => {
    const before = compact([{ name: 'HV1', missingTo: ['HV2', 'HV3'] }, { name: 'HV2' }, { name: 'HV3' }]);
    const after = compact([{ name: 'HV1', missingTo: ['HV3'] }, { name: 'HV2' }, { name: 'HV3' }]);
    const d = diffScans(before, after);
    expect(d.fixed).toEqual([
      { host: 'HV1', rule: 'KCD001', count: 2 },
      { host: 'HV1', rule: 'KCD002', count: 2 },
    ]);
    expect(d.newProblems).toEqual([]);
    expect(d.nowReady).toEqual([]); // still missing HV3
    const all = diffScans(after, compact(healthy(3)));
    expect(all.nowReady).toEqual(['HV1']);
  });

  test('hosts added and gone (names compare case-insensitively); an added host brings no "new problem" lines', () => {
    const before = compact(healthy(3));
    const after = compact([{ name: 'hv1' }, { name: 'HV2' }, { name: 'HV9', kerberosOnly: true }]);
    const d = diffScans(before, after);
    expect(d.hostsAdded).toEqual([{ host: 'HV9', ready: false, problems: 1 }]);
    expect(d.hostsGone).toEqual(['HV3']);
    expect(d.newProblems).toEqual([]);
  });

  test('a problem replaced by another of the same rule on the same host is one new and one fixed', () => {
    const before = compact([{ name: 'HV1', missingTo: ['HV2'] }, { name: 'HV2' }, { name: 'HV3' }]);
    const after = compact([{ name: 'HV1', missingTo: ['HV3'] }, { name: 'HV2' }, { name: 'HV3' }]);
    const d = diffScans(before, after);
    expect(d.newProblems.map((c) => `${c.host} ${c.rule} ${c.count}`)).toEqual(['HV1 KCD001 2', 'HV1 KCD002 2']);
    expect(d.fixed.map((c) => `${c.host} ${c.rule} ${c.count}`)).toEqual(['HV1 KCD001 2', 'HV1 KCD002 2']);
  });

  test('the summary model carries an example message for each new problem', () => {
    const previous = compact(healthy(3));
    const { report } = scanOf([{ name: 'HV1', missingTo: ['HV2'] }, { name: 'HV2' }, { name: 'HV3' }]);
    const { summary } = buildSummary({ report, directory: 'test fleet', previous });
    expect(summary.changes!.newProblems[0]).toEqual(expect.objectContaining({ host: 'HV1', rule: 'KCD001', example: expect.stringContaining('HV2') as unknown }));
  });
});
