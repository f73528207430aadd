/** What every StateStore must do (file, memory, Azure Blob): the same tests run against each. */
import { MAX_BASELINES, MAX_POST_LOG, type StateStore, type Subscription } from '../../src/store/state';
import { compactScan, scanId } from '../../src/summary/compact';
import { names, scanOf } from '../summary/fleet';

export function subscription(key: string): Subscription {
  return {
    id: `id-${key}`,
    key,
    reference: { channelId: 'msteams', serviceUrl: 'https://smba.example.invalid/', conversation: { id: key.split(':').slice(1).join(':') } },
    time: '08:00',
    timeZone: 'UTC',
    createdAt: '2026-03-02T07:00:00.000Z',
    since: '2026-03-02T07:00:00.000Z',
  };
}

export const scan = (n = 3) => compactScan(scanOf(names('HV', n).map((name) => ({ name }))).report, { directory: 'test fleet', takenAt: '2026-03-02T06:00:00Z' });

/** Registers the contract's tests; `make` gives a fresh, empty store per test. */
export function storeContract(make: () => StateStore): void {
  test('starts empty; updates return their result and are read back; reads are copies', async () => {
    const store = make();
    expect((await store.read()).subscriptions).toEqual([]);
    const result = await store.update((s) => {
      s.subscriptions.push(subscription('msteams:a'));
      return 'done';
    });
    expect(result).toBe('done');
    const read = await store.read();
    expect(read.subscriptions.map((s) => s.key)).toEqual(['msteams:a']);
    read.subscriptions.pop();
    expect((await store.read()).subscriptions).toHaveLength(1);
  });

  test('a change that throws changes nothing', async () => {
    const store = make();
    await store.update((s) => void s.subscriptions.push(subscription('msteams:a')));
    await expect(
      store.update((s) => {
        s.subscriptions.length = 0;
        throw new Error('nope');
      }),
    ).rejects.toThrow('nope');
    expect((await store.read()).subscriptions).toHaveLength(1);
  });

  test('concurrent updates are serialised: none is lost', async () => {
    const store = make();
    await Promise.all(Array.from({ length: 40 }, (_, i) => store.update((s) => void s.subscriptions.push(subscription(`msteams:c${i}`)))));
    expect((await store.read()).subscriptions).toHaveLength(40);
  });

  test('the post log and loose baselines stay bounded', async () => {
    const store = make();
    await store.update((s) => {
      for (let i = 0; i < MAX_POST_LOG + 50; i++) s.posts.push({ at: new Date(i * 1000).toISOString(), key: 'msteams:a', trigger: 'schedule', status: 'posted' });
      s.subscriptions.push(subscription('msteams:kept'));
      s.baselines['msteams:kept'] = { scanId: 'aaaaaaaa', at: '2000-01-01T00:00:00Z' };
      for (let i = 0; i < MAX_BASELINES + 10; i++) s.baselines[`msteams:b${i}`] = { scanId: 'bbbbbbbb', at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString() };
    });
    const s = await store.read();
    expect(s.posts).toHaveLength(MAX_POST_LOG);
    expect(s.posts[0]!.at).toBe(new Date(50_000).toISOString());
    expect(Object.keys(s.baselines)).toHaveLength(MAX_BASELINES + 1);
    expect(s.baselines['msteams:kept']).toBeDefined(); // a subscribed conversation's baseline is never dropped
    expect(s.baselines['msteams:b0']).toBeUndefined(); // the oldest loose ones are
  });

  test('scans: saved once per content, loaded back; unknown ids give undefined', async () => {
    const store = make();
    const c = scan();
    await store.saveScan(scanId(c), c);
    await store.saveScan(scanId(c), c);
    expect(await store.loadScan(scanId(c))).toEqual(c);
    expect(await store.loadScan('0123456789abcdef0123')).toBeUndefined();
  });
}
