/**
 * The Azure Blob state store against Azurite (started and stopped here): the store contract, replicas racing
 * on one container, a storage outage, damage and bad configuration.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { AzureBlobStateStore } from '../../src/store/azure-blob-store';
import { StateStoreError } from '../../src/store/state';
import { scanId } from '../../src/summary/compact';
import { Azurite } from '../support/azurite';
import { scan, storeContract, subscription } from './contract';

jest.setTimeout(120_000);

let azurite: Azurite;
let containers = 0;
/** A fresh container per store: tests do not see each other's state. */
const freshContainer = () => `kcd-test-${process.pid}-${++containers}`;

beforeAll(async () => {
  azurite = await Azurite.start();
});
afterAll(async () => {
  await azurite?.dispose();
});

describe('AzureBlobStateStore (Azurite)', () => {
  storeContract(() => new AzureBlobStateStore(azurite.connectionString, freshContainer()));
});

describe('AzureBlobStateStore with replicas', () => {
  test('three replicas updating one container at once lose nothing (compare-and-swap on the state blob)', async () => {
    const container = freshContainer();
    const replicas = [1, 2, 3].map(() => new AzureBlobStateStore(azurite.connectionString, container));
    await Promise.all(
      replicas.flatMap((store, r) => Array.from({ length: 8 }, (_, i) => store.update((s) => void s.subscriptions.push(subscription(`msteams:r${r}-${i}`))))),
    );
    const keys = (await replicas[0]!.read()).subscriptions.map((s) => s.key).sort();
    expect(keys).toHaveLength(24);
    expect(new Set(keys).size).toBe(24);
    // They did race: at least one write was refused for a stale ETag and redone.
    expect(replicas.reduce((n, s) => n + s.conflicts, 0)).toBeGreaterThan(0);
  });

  test('a claim is made once: two replicas claiming the same day, one wins', async () => {
    const container = freshContainer();
    const [a, b] = [new AzureBlobStateStore(azurite.connectionString, container), new AzureBlobStateStore(azurite.connectionString, container)];
    await a.update((s) => void s.subscriptions.push(subscription('msteams:team')));
    const claim = (store: AzureBlobStateStore) =>
      store.update((s) => {
        const sub = s.subscriptions[0]!;
        if (sub.lastPostedDate === '2026-03-03') return false;
        sub.lastPostedDate = '2026-03-03';
        return true;
      });
    const results = await Promise.all([claim(a), claim(b), claim(a), claim(b)]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  test('a restart (a new store on the same container) sees every subscription; scans are shared', async () => {
    const container = freshContainer();
    const first = new AzureBlobStateStore(azurite.connectionString, container);
    for (const k of ['a', 'b']) await first.update((s) => void s.subscriptions.push(subscription(`msteams:${k}`)));
    const c = scan(4);
    await first.saveScan(scanId(c), c);
    const second = new AzureBlobStateStore(azurite.connectionString, container);
    expect((await second.read()).subscriptions.map((s) => s.key)).toEqual(['msteams:a', 'msteams:b']);
    expect(await second.loadScan(scanId(c))).toEqual(c);
  });

  test('unreferenced old scans are deleted, referenced and young ones kept', async () => {
    const container = freshContainer();
    // Ages come from the blobs' Last-Modified (the storage's clock), so this waits for real.
    const store = new AzureBlobStateStore(azurite.connectionString, container, { scanGraceMs: 1_500, collectEveryMs: 0 });
    const [kept, loose, young] = [scan(2), scan(3), scan(5)];
    await store.saveScan(scanId(kept), kept);
    await store.saveScan(scanId(loose), loose);
    await new Promise((r) => setTimeout(r, 2_500));
    await store.saveScan(scanId(young), young);
    await store.update((s) => {
      s.subscriptions.push(subscription('msteams:a'));
      s.baselines['msteams:a'] = { scanId: scanId(kept), at: new Date().toISOString() };
    });
    expect(await store.loadScan(scanId(kept))).toEqual(kept);
    expect(await store.loadScan(scanId(loose))).toBeUndefined();
    expect(await store.loadScan(scanId(young))).toEqual(young);
  });
});

describe('AzureBlobStateStore when things go wrong', () => {
  test('storage down: reads and updates fail with a StateStoreError naming the cause and what to check; back up: nothing lost', async () => {
    const container = freshContainer();
    const store = new AzureBlobStateStore(azurite.connectionString, container, { maxTries: 1, tryTimeoutMs: 2_000 });
    await store.update((s) => void s.subscriptions.push(subscription('msteams:a')));
    await azurite.stop();
    try {
      const failure = await store.update((s) => void s.subscriptions.push(subscription('msteams:b'))).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(StateStoreError);
      expect((failure as StateStoreError).problem).toMatch(/unreachable \(ECONNREFUSED\)/);
      expect((failure as StateStoreError).remediation).toMatch(/AZURE_STORAGE_CONNECTION_STRING/);
      expect((failure as StateStoreError).message).not.toMatch(/AccountKey|Eby8vdM0/);
      await expect(store.read()).rejects.toBeInstanceOf(StateStoreError);
    } finally {
      await azurite.restart();
    }
    expect((await store.read()).subscriptions.map((s) => s.key)).toEqual(['msteams:a']);
    await store.update((s) => void s.subscriptions.push(subscription('msteams:b')));
    expect((await store.read()).subscriptions.map((s) => s.key)).toEqual(['msteams:a', 'msteams:b']);
  });

  test('a damaged state blob is reported and never overwritten', async () => {
    const container = freshContainer();
    const client = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(container);
    await client.createIfNotExists();
    await client.getBlockBlobClient('state.json').upload('{"format":"kcd-state"', 21);
    const store = new AzureBlobStateStore(azurite.connectionString, container);
    await expect(store.read()).rejects.toThrow(/state\.json is damaged: not valid JSON/);
    await expect(store.update((s) => void s.subscriptions.push(subscription('msteams:a')))).rejects.toBeInstanceOf(StateStoreError);
    expect((await client.getBlockBlobClient('state.json').downloadToBuffer()).toString()).toBe('{"format":"kcd-state"');
  });

  test('a connection string that is not one is refused at construction, without echoing it', () => {
    let error: unknown;
    try {
      new AzureBlobStateStore('AccountKey=c2VjcmV0;nonsense', 'kcd-bot');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateStoreError);
    expect((error as Error).message).toMatch(/connection string is not valid/);
    expect((error as Error).message).not.toMatch(/c2VjcmV0/);
  });

  test('a wrong account key: access denied, named as such', async () => {
    const wrong = azurite.connectionString.replace(/AccountKey=[^;]+/, `AccountKey=${Buffer.from('not the key').toString('base64')}`);
    const store = new AzureBlobStateStore(wrong, freshContainer(), { maxTries: 1 });
    const failure = await store.read().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StateStoreError);
    expect((failure as StateStoreError).problem).toMatch(/access denied \(403\)/);
  });
});
