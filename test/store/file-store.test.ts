/** The JSON file store: atomic writes, survival across restarts, the cross-instance lock, damage handling, scan files. */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStateStore } from '../../src/store/file-store';
import { MemoryStateStore } from '../../src/store/memory-store';
import { MAX_BASELINES, MAX_POST_LOG, StateStoreError, type StateStore, type Subscription } from '../../src/store/state';
import { compactScan, scanId } from '../../src/summary/compact';
import { names, scanOf } from '../summary/fleet';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kcd-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function subscription(key: string): Subscription {
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

const scan = (n = 3) => compactScan(scanOf(names('HV', n).map((name) => ({ name }))).report, { directory: 'test fleet', takenAt: '2026-03-02T06:00:00Z' });

describe.each([
  ['FileStateStore', () => new FileStateStore(join(dir, 'state'))],
  ['MemoryStateStore', () => new MemoryStateStore()],
])('%s', (_name, make: () => StateStore) => {
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
});

describe('FileStateStore on disk', () => {
  test('reading never creates files; the first update creates the directory and state.json (mode 600), and no temp file is left', async () => {
    const stateDir = join(dir, 'nested', 'state');
    const store = new FileStateStore(stateDir);
    await store.read();
    expect(existsSync(stateDir)).toBe(false);
    await store.update((s) => void s.subscriptions.push(subscription('msteams:a')));
    expect(readdirSync(stateDir).sort()).toEqual(['state.json']);
    expect(statSync(join(stateDir, 'state.json')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8'))).toMatchObject({ format: 'kcd-state', version: 1 });
  });

  test('an update that changes nothing does not write', async () => {
    const store = new FileStateStore(dir);
    await store.update((s) => void s.subscriptions.push(subscription('msteams:a')));
    const before = statSync(join(dir, 'state.json')).mtimeMs;
    utimesSync(join(dir, 'state.json'), new Date(0), new Date(0));
    await store.update(() => undefined);
    expect(statSync(join(dir, 'state.json')).mtimeMs).toBe(0);
    expect(before).toBeGreaterThan(0);
  });

  test('a restart (a new store on the same directory) sees every subscription', async () => {
    const first = new FileStateStore(dir);
    for (const k of ['a', 'b', 'c']) await first.update((s) => void s.subscriptions.push(subscription(`msteams:${k}`)));
    const second = new FileStateStore(dir);
    expect((await second.read()).subscriptions.map((s) => s.key)).toEqual(['msteams:a', 'msteams:b', 'msteams:c']);
  });

  test('two instances on one directory (two bot processes) never lose each other\'s updates (lock file)', async () => {
    const a = new FileStateStore(dir);
    const b = new FileStateStore(dir);
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).update((s) => void s.subscriptions.push(subscription(`msteams:p${i}`)))),
    );
    expect((await new FileStateStore(dir).read()).subscriptions).toHaveLength(30);
    expect(existsSync(join(dir, 'state.lock'))).toBe(false);
  });

  test('a lock left by a dead process is broken; a live one makes the update wait, then fail with a clear error', async () => {
    writeFileSync(join(dir, 'state.lock'), '99999 2026-01-01T00:00:00Z\n');
    utimesSync(join(dir, 'state.lock'), new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
    await new FileStateStore(dir).update((s) => void s.subscriptions.push(subscription('msteams:a')));
    writeFileSync(join(dir, 'state.lock'), `${process.pid}\n`);
    const store = new FileStateStore(dir, { lockTimeoutMs: 200 });
    await expect(store.update(() => undefined)).rejects.toThrow(/another process holds the lock/);
    await expect(store.update(() => undefined)).rejects.toBeInstanceOf(StateStoreError);
  });

  test('a damaged state.json is reported and never overwritten; a torn temp file from a crash is ignored', async () => {
    const store = new FileStateStore(dir);
    await store.update((s) => void s.subscriptions.push(subscription('msteams:a')));
    writeFileSync(join(dir, '.state.json.4242.deadbeef.tmp'), '{"format":"kcd-st');
    expect((await store.read()).subscriptions).toHaveLength(1);
    writeFileSync(join(dir, 'state.json'), '{"format":"kcd-state","version":1,"subscriptions":[');
    await expect(store.read()).rejects.toThrow(/not valid JSON/);
    await expect(store.update((s) => void (s.subscriptions = []))).rejects.toBeInstanceOf(StateStoreError);
    expect(readFileSync(join(dir, 'state.json'), 'utf8')).toBe('{"format":"kcd-state","version":1,"subscriptions":[');
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ format: 'kcd-state', version: 2 }));
    await expect(store.read()).rejects.toThrow(/unexpected content at version/);
  });

  test('scan files: named by content, unreadable ones give undefined, unreferenced old ones are deleted', async () => {
    const store = new FileStateStore(dir, { scanGraceMs: 60_000 });
    const kept = scan(3);
    const dropped = scan(4);
    await store.saveScan(scanId(kept), kept);
    await store.saveScan(scanId(dropped), dropped);
    await expect(store.saveScan('../../etc/passwd', kept)).rejects.toBeInstanceOf(StateStoreError);
    const old = new Date(Date.now() - 3_600_000);
    for (const f of readdirSync(join(dir, 'scans'))) utimesSync(join(dir, 'scans', f), old, old);
    await store.update((s) => void (s.baselines['msteams:a'] = { scanId: scanId(kept), at: '2026-03-02T08:00:00Z' }));
    expect(readdirSync(join(dir, 'scans'))).toEqual([`${scanId(kept)}.json`]);
    writeFileSync(join(dir, 'scans', `${scanId(kept)}.json`), 'garbage');
    expect(await store.loadScan(scanId(kept))).toBeUndefined();
    mkdirSync(join(dir, 'scans', 'sub'), { recursive: true });
    expect(await store.loadScan('sub')).toBeUndefined();
  });
});
