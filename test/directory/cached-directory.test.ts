import { CachedDirectory } from '../../src/directory/cached-directory';
import { DemoDirectory } from '../../src/directory/demo-directory';
import type { Directory } from '../../src/directory/port';

function counting(inner: Directory) {
  let reads = 0;
  let fail = false;
  const dir: Directory = {
    describe: () => inner.describe(),
    snapshot: async () => {
      reads++;
      await new Promise((r) => setTimeout(r, 5));
      if (fail) throw new Error('DC down');
      return inner.snapshot();
    },
    findUser: (n) => inner.findUser(n),
    close: () => inner.close(),
  };
  return { dir, reads: () => reads, setFail: (f: boolean) => (fail = f) };
}

describe('CachedDirectory', () => {
  test('concurrent callers share one read; within the TTL nothing is read again', async () => {
    let now = 1000;
    const c = counting(new DemoDirectory());
    const cached = new CachedDirectory(c.dir, { ttlMs: 60_000, now: () => now });
    const [a, b] = await Promise.all([cached.snapshot(), cached.snapshot()]);
    expect(a).toBe(b);
    expect(c.reads()).toBe(1);
    now += 30_000;
    await cached.snapshot();
    expect(c.reads()).toBe(1);
  });

  test('after the TTL the old snapshot is served while a refresh runs in the background', async () => {
    let now = 0;
    const c = counting(new DemoDirectory());
    const cached = new CachedDirectory(c.dir, { ttlMs: 1000, now: () => now });
    const first = await cached.snapshot();
    now = 5000;
    expect(await cached.snapshot()).toBe(first);
    await cached.refresh();
    expect(c.reads()).toBeGreaterThanOrEqual(2);
    expect(cached.readAt).toBe(5000);
  });

  test('fresh reads the directory again once the cached copy is older than freshEnoughMs', async () => {
    let now = 0;
    const c = counting(new DemoDirectory());
    const cached = new CachedDirectory(c.dir, { ttlMs: 300_000, freshEnoughMs: 5_000, now: () => now });
    const first = await cached.snapshot();
    now = 1_000;
    // A burst of Re-checks right after a read costs nothing more.
    expect(await cached.snapshot({ fresh: true })).toBe(first);
    expect(c.reads()).toBe(1);
    now = 10_000;
    const second = await cached.snapshot({ fresh: true });
    expect(c.reads()).toBe(2);
    expect(cached.readAt).toBe(10_000);
    // Within the TTL a plain read is served from the fresh copy.
    expect(await cached.snapshot()).toBe(second);
    expect(c.reads()).toBe(2);
  });

  test('a fresh read that fails answers the last good snapshot, marked stale with the reason', async () => {
    let now = 0;
    const c = counting(new DemoDirectory());
    const cached = new CachedDirectory(c.dir, { ttlMs: 300_000, now: () => now });
    const good = await cached.snapshot();
    expect(cached.staleness()).toBeUndefined();
    c.setFail(true);
    now = 60_000;
    expect(await cached.snapshot({ fresh: true })).toBe(good);
    expect(c.reads()).toBe(2);
    expect(cached.staleness()).toEqual({ ageMs: 60_000, reason: 'DC down' });
    expect(await cached.snapshot()).toBe(good);
  });

  test('a fresh read with nothing cached yet reports the failure', async () => {
    const c = counting(new DemoDirectory());
    c.setFail(true);
    const cached = new CachedDirectory(c.dir, { ttlMs: 1000, now: () => 0 });
    await expect(cached.snapshot({ fresh: true })).rejects.toThrow('DC down');
  });
});
