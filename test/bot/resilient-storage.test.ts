/** ResilientStorage: an unreachable storage is absorbed (and the inner storage made afresh); its own answers are not. */
import { MemoryStorage, type Storage, type StoreItems } from 'botbuilder';
import { isUnreachable, ResilientStorage } from '../../src/bot/resilient-storage';

class FlakyStorage implements Storage {
  failWith: Error | undefined;
  constructor(private readonly inner = new MemoryStorage()) {}
  read(keys: string[]): Promise<StoreItems> {
    return this.failWith ? Promise.reject(this.failWith) : this.inner.read(keys);
  }
  write(changes: StoreItems): Promise<void> {
    return this.failWith ? Promise.reject(this.failWith) : this.inner.write(changes);
  }
  delete(keys: string[]): Promise<void> {
    return this.failWith ? Promise.reject(this.failWith) : this.inner.delete(keys);
  }
}

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:10000'), { code: 'ECONNREFUSED' });

test('unreachable: reads find nothing, writes and deletes are dropped, logged once per outage; back: a fresh inner storage', async () => {
  const shared = new MemoryStorage();
  const made: FlakyStorage[] = [];
  const logs: string[] = [];
  const storage = new ResilientStorage(
    () => {
      const s = new FlakyStorage(shared);
      made.push(s);
      return s;
    },
    { info: (_f, m) => logs.push(m), warn: (_f, m) => logs.push(`warn ${m}`) },
  );
  await storage.write({ k: { v: 1 } });
  made.at(-1)!.failWith = refused;
  expect(await storage.read(['k'])).toEqual({});
  // The failed inner storage was replaced; make the replacement fail too (still down).
  made.at(-1)!.failWith = refused;
  await expect(storage.write({ k: { v: 2, eTag: '*' } })).resolves.toBeUndefined();
  made.at(-1)!.failWith = refused;
  await expect(storage.delete(['k'])).resolves.toBeUndefined();
  expect(logs).toEqual(['warn dialog state storage unreachable: open questions are forgotten until it is back']);
  expect(made.length).toBe(4);
  // Back: the latest inner storage works; nothing written during the outage arrived.
  expect(await storage.read(['k'])).toMatchObject({ k: { v: 1 } });
  expect(logs.at(-1)).toBe('dialog state storage reachable again');
});

test("the storage's own answers still fail the turn (a stale eTag, access denied)", async () => {
  const inner = new FlakyStorage();
  const storage = new ResilientStorage(() => inner);
  for (const statusCode of [412, 409, 403, 404]) {
    inner.failWith = Object.assign(new Error(`status ${statusCode}`), { statusCode });
    await expect(storage.read(['k'])).rejects.toThrow(`status ${statusCode}`);
    await expect(storage.write({ k: {} })).rejects.toThrow(`status ${statusCode}`);
  }
  expect([503, 500, 408, undefined].map((statusCode) => isUnreachable({ statusCode }))).toEqual([true, true, true, true]);
  expect(isUnreachable({ statusCode: 412 })).toBe(false);
});
