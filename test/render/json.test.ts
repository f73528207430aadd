/** fleetJsonChunks: `kcd scan --json` written host by host must be the very text of one JSON.stringify. */
import { checkFleet } from '../../src/checker';
import { demoData } from '../../src/directory/demo-directory';
import type { DirectoryData } from '../../src/domain/model';
import { createSnapshot } from '../../src/domain/snapshot';
import { fleetJson, fleetJsonChunks } from '../../src/render/json';
import { fleetData, names } from '../summary/fleet';

function same(data: DirectoryData, options: Parameters<typeof checkFleet>[1], chunkChars?: number): number {
  const report = checkFleet(createSnapshot(data), options);
  const chunks = [...fleetJsonChunks(report, 'test', chunkChars)];
  expect(chunks.join('')).toBe(JSON.stringify(fleetJson(report, 'test'), null, 2));
  return chunks.length;
}

describe('fleetJsonChunks', () => {
  test('the same text as JSON.stringify(fleetJson(…), null, 2): demo, both groups, storage on and off', () => {
    const demo = demoData(new Date('2026-01-01T00:00:00Z'));
    for (const storage of [true, false]) {
      same(demo, { group: { kind: 'domain' }, storage });
      same(demo, { group: { kind: 'parent-ou' }, storage });
    }
  });

  test('also in many small chunks, with advice, and with no host at all', () => {
    const clustered = fleetData(names('HV', 100).map((name, i) => ({ name, ou: `Cluster ${i % 5}`, missingTo: i % 7 === 0 ? ['HV2'] : [] })));
    expect(same(clustered, { group: { kind: 'domain' } }, 4096)).toBeGreaterThan(10);
    expect(checkFleet(createSnapshot(clustered), { group: { kind: 'domain' } }).advice).toBeDefined();
    expect(same({ ...clustered, computers: [] }, {})).toBe(1);
  });

  test('hosts without findings (written from a template) with names JSON must escape', () => {
    const odd = fleetData(['HV"1', 'HV\\2', 'HV-ä3', 'HV\u2028x'].map((name) => ({ name })));
    same(odd, { group: { kind: 'domain' } });
    expect(checkFleet(createSnapshot(odd), { group: { kind: 'domain' } }).hosts.every((h) => h.findings.length === 0)).toBe(true);
  });
});
