/** The JSON file store: atomic writes, survival across restarts, the cross-instance lock, damage handling, scan files. */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStateStore } from '../../src/store/file-store';
import { MemoryStateStore } from '../../src/store/memory-store';
import { StateStoreError, type StateStore } from '../../src/store/state';
import { scanId } from '../../src/summary/compact';
import { scan, storeContract, subscription } from './contract';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kcd-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe.each([
  ['FileStateStore', () => new FileStateStore(join(dir, 'state'))],
  ['MemoryStateStore', () => new MemoryStateStore()],
])('%s', (_name, make: () => StateStore) => storeContract(make));

describe('FileStateStore on disk', () => {
  test('reading never creates files; the first update creates the directory and state.json (mode 600), and no temp file is left', async () => {
    const stateDir = join(dir, 'nested', 'state');
    const store = new FileStateStore(stateDir);
    await store.read();
    expect(existsSync(stateDir)).toBe(false);
    await store.update((s) => void s.subscriptions.push(subscription('msteams:a')));
    expect(readdirSync(stateDir).sort()).toEqual(['state.json']);
    expect(statSync(join(stateDir, 'state.json')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8'))).toMatchObject({ format: 'kcd-state', version: 2, plans: [] });
  });

  test('a version 1 state (before plans) is read as version 2 with none, and the next write keeps everything', async () => {
    const v1 = { format: 'kcd-state', version: 1, subscriptions: [subscription('msteams:old')], baselines: { 'msteams:old': { scanId: 'abcdef0123', at: '2026-11-01T08:00:00.000Z' } }, posts: [] };
    writeFileSync(join(dir, 'state.json'), JSON.stringify(v1));
    const store = new FileStateStore(dir);
    const read = await store.read();
    expect(read).toMatchObject({ version: 2, plans: [], consumedTokens: {}, baselines: v1.baselines });
    expect(read.subscriptions.map((s) => s.key)).toEqual(['msteams:old']);
    await store.update((s) => void s.subscriptions.push(subscription('msteams:new')));
    const written = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { subscriptions: Array<{ key: string }> };
    expect(written).toMatchObject({ version: 2, plans: [], baselines: v1.baselines });
    expect(written.subscriptions.map((s) => s.key)).toEqual(['msteams:old', 'msteams:new']);
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
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ format: 'kcd-state', version: 3 }));
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
