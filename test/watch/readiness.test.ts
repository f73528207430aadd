/**
 * GET /readyz over real HTTP: ready while a snapshot is held or the directory can be read; 503 with the cause
 * (one word, no DC name, no bind account) when AD cannot be reached (here: LDAPS to a closed port); /healthz
 * stays 200 throughout. Readiness flips with the directory, and a held snapshot keeps the bot ready.
 */
import { readConfig } from '../../src/config';
import { CachedDirectory } from '../../src/directory/cached-directory';
import { DemoDirectory } from '../../src/directory/demo-directory';
import { MeasuredDirectory } from '../../src/watch/measured-directory';
import { openDirectory } from '../../src/directory/open-directory';
import type { Directory } from '../../src/directory/port';
import { DirectoryUnavailableError } from '../../src/domain/errors';
import { readiness } from '../../src/watch/readiness';
import { PrometheusMetrics } from '../../src/watch/prometheus';
import { startServer, type RunningServer } from '../../src/server';
import { freePort } from '../support/ports';
import { scrape, valueOf } from '../support/prometheus';

const quiet = { info: () => undefined, error: () => undefined, warn: () => undefined };
const BIND_DN = 'CN=svc-kcd,OU=Service Accounts,DC=contoso,DC=com';

async function probe(running: RunningServer) {
  const res = await fetch(`${running.url}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('GET /readyz', () => {
  test('AD on a closed port: 503 with the cause, nothing about the DC; /healthz stays 200; the failed read is counted', async () => {
    const port = await freePort();
    const config = readConfig({ KCD_LDAP_URL: `ldaps://127.0.0.1:${port}`, KCD_LDAP_BIND_DN: BIND_DN, KCD_LDAP_BIND_PASSWORD: 'not-a-secret', KCD_LDAP_TIMEOUT_MS: '3000' });
    const prometheus = new PrometheusMetrics({ processMetrics: false });
    const directory = new CachedDirectory(new MeasuredDirectory(openDirectory([], config, () => undefined), prometheus), { ttlMs: 300_000 });
    const running = await startServer({ config, directory, logger: quiet, metrics: { prometheus, port: 0, host: '127.0.0.1' } }, 0, '127.0.0.1');
    try {
      const { status, body } = await probe(running);
      expect(status).toBe(503);
      expect(body).toEqual({ status: 'unavailable', cause: 'refused', reason: 'no directory snapshot is held and the directory cannot be read (refused)' });
      const text = JSON.stringify(body);
      for (const secret of [String(port), '127.0.0.1', BIND_DN, 'svc-kcd']) expect(text).not.toContain(secret);
      expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
      const metrics = await scrape(running.metrics!.url);
      expect(valueOf(metrics, 'kcd_directory_read_failures_total', { cause: 'refused' })).toBe(1);
      expect(valueOf(metrics, 'kcd_directory_read_seconds_count', { result: 'failed' })).toBe(1);
      expect(valueOf(metrics, 'kcd_directory_snapshot_held')).toBe(0);
    } finally {
      await running.close();
      await directory.close();
    }
  });

  test('flips to 200 when the directory answers, and stays ready on the held snapshot when AD goes away again', async () => {
    const demo = new DemoDirectory();
    let reachable = false;
    const flaky: Directory = {
      describe: () => demo.describe(),
      snapshot: () => (reachable ? demo.snapshot() : Promise.reject(new DirectoryUnavailableError('ldaps://dc1.contoso.com', 'timed out after 3000 ms (connect)', 'Check the network.'))),
      findUser: (name) => demo.findUser(name),
      close: () => Promise.resolve(),
    };
    // TTL 0: every question reads again, so a held snapshot is all that keeps it ready.
    const directory = new CachedDirectory(flaky, { ttlMs: 0, freshEnoughMs: 0 });
    const running = await startServer({ config: readConfig({}), directory, logger: quiet }, 0, '127.0.0.1');
    try {
      expect(await probe(running)).toEqual({ status: 503, body: expect.objectContaining({ cause: 'timeout' }) as unknown });
      reachable = true;
      expect(await probe(running)).toEqual({ status: 200, body: { status: 'ready' } });
      reachable = false;
      await expect(directory.refresh()).rejects.toThrow(/timed out/);
      expect(directory.staleness()).toBeDefined();
      expect(await probe(running)).toEqual({ status: 200, body: { status: 'ready' } });
    } finally {
      await running.close();
    }
  });

  test('a first read still running: not ready yet, and the probe does not wait for it', async () => {
    const never: Pick<Directory, 'snapshot'> = { snapshot: () => new Promise(() => undefined) };
    expect(await readiness(never, 50)).toEqual({ ready: false, cause: 'reading', reason: 'no directory snapshot yet: the first read has not finished within 0.05 s' });
  });
});
