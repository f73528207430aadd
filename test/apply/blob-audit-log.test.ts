/**
 * The replicas' audit log against Azurite (started and stopped here): two replicas appending at once, one
 * reading what the other wrote, a month roll-over, a damaged line, and the storage going away.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { AuditLogError, BlobAuditLog } from '../../src/apply/blob-audit-log';
import type { AuditRecord } from '../../src/apply/types';
import { Azurite } from '../support/azurite';

jest.setTimeout(120_000);

let azurite: Azurite;
let containers = 0;
/** A fresh container per test: logs do not see each other's records. */
const freshContainer = () => `kcd-audit-${process.pid}-${++containers}`;

beforeAll(async () => {
  azurite = await Azurite.start();
});
afterAll(async () => {
  await azurite?.dispose();
});

const record = (planId: string, at = '2026-12-07T06:00:00.000Z', detail?: string): AuditRecord => ({
  at,
  event: 'requested',
  planId,
  actor: { via: 'teams', upn: 'alice@contoso.com' },
  ...(detail ? { detail } : {}),
});

async function blobText(container: string, name: string): Promise<string> {
  const client = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(container);
  return (await client.getBlobClient(name).downloadToBuffer()).toString('utf8');
}

async function blobNames(container: string): Promise<string[]> {
  const client = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(container);
  const names: string[] = [];
  for await (const blob of client.listBlobsFlat()) names.push(blob.name);
  return names.sort();
}

const fixedClock = (iso: string) => () => new Date(iso);

describe('BlobAuditLog with two replicas (Azurite)', () => {
  test('2 × 50 records appended at once: either replica reads all 100, every line whole', async () => {
    const container = freshContainer();
    const clock = fixedClock('2026-12-07T06:00:00Z');
    const [a, b] = [new BlobAuditLog(azurite.connectionString, container, { now: clock }), new BlobAuditLog(azurite.connectionString, container, { now: clock })];
    // Long lines (several KB each), so a non-atomic append would show up as interleaved text.
    const filler = (replica: string, i: number) => `${replica}${i}:`.padEnd(3_000 + i * 7, replica);
    await Promise.all([
      ...Array.from({ length: 50 }, (_, i) => a.append(record(`a-${i}`, undefined, filler('a', i)))),
      ...Array.from({ length: 50 }, (_, i) => b.append(record(`b-${i}`, undefined, filler('b', i)))),
    ]);
    const expected = [...Array.from({ length: 50 }, (_, i) => `a-${i}`), ...Array.from({ length: 50 }, (_, i) => `b-${i}`)].sort();
    for (const log of [a, b]) {
      const records = await log.last(100);
      expect(records.map((r) => r.planId).sort()).toEqual(expected);
      for (const r of records) expect(r.detail).toBe(filler(r.planId![0]!, Number(r.planId!.slice(2))));
    }
    const lines = (await blobText(container, 'audit/2026-12.jsonl')).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(100);
    expect(lines.map((line) => (JSON.parse(line) as AuditRecord).planId).sort()).toEqual(expected);
  });

  test("a record one replica appends is the other's last(1), oldest first for more", async () => {
    const container = freshContainer();
    const [a, b] = [new BlobAuditLog(azurite.connectionString, container), new BlobAuditLog(azurite.connectionString, container)];
    expect(await b.last(5)).toEqual([]);
    await a.append(record('first'));
    expect(await b.last(1)).toEqual([record('first')]);
    await b.append(record('second'));
    expect(await a.last(1)).toEqual([record('second')]);
    expect((await a.last(5)).map((r) => r.planId)).toEqual(['first', 'second']);
  });

  test('each record also goes to the log', async () => {
    const logged: { fields: Record<string, unknown>; message: string }[] = [];
    const log = new BlobAuditLog(azurite.connectionString, freshContainer(), { logger: { info: (fields, message) => logged.push({ fields, message }) } });
    await log.append(record('p1'));
    expect(logged).toEqual([{ fields: { audit: record('p1') }, message: 'audit: requested plan p1' }]);
  });

  test('the month rolls over (UTC): a blob per month, last(n) spans both in order', async () => {
    const container = freshContainer();
    let now = new Date('2026-12-31T23:59:58Z');
    const log = new BlobAuditLog(azurite.connectionString, container, { now: () => now });
    for (const id of ['dec-1', 'dec-2', 'dec-3']) await log.append(record(id));
    // Past midnight UTC on New Year's Eve (still the 31st in Seattle): the next month's blob.
    now = new Date('2027-01-01T00:00:01Z');
    for (const id of ['jan-1', 'jan-2']) await log.append(record(id));
    expect(await blobNames(container)).toEqual(['audit/2026-12.jsonl', 'audit/2027-01.jsonl']);
    const reader = new BlobAuditLog(azurite.connectionString, container);
    expect((await reader.last(4)).map((r) => r.planId)).toEqual(['dec-2', 'dec-3', 'jan-1', 'jan-2']);
    expect((await reader.last(2)).map((r) => r.planId)).toEqual(['jan-1', 'jan-2']);
    expect((await reader.last(50)).map((r) => r.planId)).toEqual(['dec-1', 'dec-2', 'dec-3', 'jan-1', 'jan-2']);
  });

  test('a month larger than the window read back (1 MiB from its end): the newest records, whole', async () => {
    const container = freshContainer();
    const log = new BlobAuditLog(azurite.connectionString, container, { now: fixedClock('2026-12-07T06:00:00Z') });
    // 130 records of ~10 KB: more than the 1 MiB read back from the end of a month.
    for (let i = 0; i < 130; i++) await log.append(record(`big-${i}`, undefined, 'x'.repeat(10_000)));
    expect((await log.last(3)).map((r) => r.planId)).toEqual(['big-127', 'big-128', 'big-129']);
    const fifty = await log.last(50);
    expect(fifty.map((r) => r.planId)).toEqual(Array.from({ length: 50 }, (_, i) => `big-${80 + i}`));
    expect(fifty.every((r) => r.detail === 'x'.repeat(10_000))).toBe(true);
  });

  test('a damaged line is skipped, the records around it are read', async () => {
    const container = freshContainer();
    const log = new BlobAuditLog(azurite.connectionString, container, { now: fixedClock('2026-12-07T06:00:00Z') });
    await log.append(record('before'));
    const blob = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(container).getAppendBlobClient('audit/2026-12.jsonl');
    const damage = '{"at":"2026-12-07T06:00:00.000Z","event":"writ\n';
    await blob.appendBlock(damage, Buffer.byteLength(damage));
    await log.append(record('after'));
    expect((await log.last(10)).map((r) => r.planId)).toEqual(['before', 'after']);
  });

  test('storage gone: a typed error naming the container, never the connection string; back again: appends resume', async () => {
    const container = freshContainer();
    const logged: string[] = [];
    const log = new BlobAuditLog(azurite.connectionString, container, { maxTries: 1, tryTimeoutMs: 2_000, logger: { info: (_fields, message) => logged.push(message) } });
    await log.append(record('while-up'));
    await azurite.stop();
    try {
      for (const attempt of [log.append(record('while-down')), log.last(5)]) {
        const error = (await attempt.then(
          () => undefined,
          (e: unknown) => e,
        )) as AuditLogError;
        expect(error).toBeInstanceOf(AuditLogError);
        expect(error.message).toContain(`devstoreaccount1/${container}/audit/`);
        expect(error.message).toMatch(/unreachable/);
        expect(error.remediation).toContain('AZURE_STORAGE_CONNECTION_STRING');
        for (const text of [error.message, error.remediation]) {
          expect(text).not.toContain('AccountKey');
          expect(text).not.toContain(azurite.connectionString.match(/AccountKey=([^;]+)/)![1]!);
        }
      }
      // The record the storage could not take is still in the bot's log.
      expect(logged).toEqual(['audit: requested plan while-up', 'audit: requested plan while-down']);
    } finally {
      await azurite.restart();
    }
    await log.append(record('back'));
    expect((await log.last(5)).map((r) => r.planId)).toEqual(['while-up', 'back']);
  });

  test('a connection string that is not one: the typed error, without the string', () => {
    const bad = 'AccountName=kcd;AccountKey=c2VjcmV0LWtleQ==;Nonsense';
    const error = (() => {
      try {
        new BlobAuditLog(bad, 'kcd-bot');
        return undefined;
      } catch (e) {
        return e as AuditLogError;
      }
    })();
    expect(error).toBeInstanceOf(AuditLogError);
    expect(error!.message).toContain('kcd-bot');
    expect(error!.message).not.toContain('c2VjcmV0LWtleQ==');
  });
});
