/**
 * GET /metrics over real HTTP, after real turns through /api/messages, a real (demo) directory read under
 * the cache, real refusals and real daily posts to a local connector: each counter moves by exactly what
 * happened. The bot is wired as main.ts wires it (CachedDirectory over MeasuredDirectory, PrometheusMetrics).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkFleet } from '../../src/checker';
import { readConfig } from '../../src/config';
import { CachedDirectory } from '../../src/directory/cached-directory';
import { DemoDirectory } from '../../src/directory/demo-directory';
import { MeasuredDirectory } from '../../src/watch/measured-directory';
import { PrometheusMetrics } from '../../src/watch/prometheus';
import { startServer, type RunningServer } from '../../src/server';
import { FileStateStore } from '../../src/store/file-store';
import { LocalConnector, teamsMessage } from '../support/connector';
import { scrape, valueOf } from '../support/prometheus';
import { FakeClock } from '../time/fake-clock';

jest.setTimeout(60_000);

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const quiet = { info: () => undefined, error: () => undefined, warn: () => undefined };

describe('GET /metrics after real turns', () => {
  let connector: LocalConnector;
  let running: RunningServer;
  let directory: CachedDirectory;
  let dir: string;
  const clock = new FakeClock('2026-03-02T07:00:00Z');
  let metricsUrl: string;

  const post = (body: unknown) =>
    fetch(`${running.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const say = async (text: string, conversationId: string, tenant = TENANT) => {
    const before = connector.messages(conversationId).length;
    expect((await post(teamsMessage(connector, text, { conversationId, tenant }))).status).toBeLessThan(300);
    await connector.waitForMessages(before + 1, conversationId);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kcd-metrics-'));
    connector = await new LocalConnector().start();
    const prometheus = new PrometheusMetrics();
    directory = new CachedDirectory(new MeasuredDirectory(new DemoDirectory(), prometheus), { ttlMs: 300_000 });
    running = await startServer(
      {
        config: readConfig({ KCD_ALLOWED_TENANTS: TENANT, KCD_RATE_LIMIT: '3/3600' }),
        directory,
        logger: quiet,
        lookupMember: () => Promise.resolve({ upn: 'alice@contoso.com' }),
        summary: { store: new FileStateStore(dir), defaults: { time: '08:00', timeZone: 'UTC' }, schedulerEnabled: true, clock },
        metrics: { prometheus, port: 0, host: '127.0.0.1' },
      },
      0,
      '127.0.0.1',
    );
    metricsUrl = running.metrics!.url;
  });
  afterAll(async () => {
    await running.close();
    await connector.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('turns by intent and outcome, reply latency, one directory read, the held snapshot', async () => {
    const before = await scrape(metricsUrl);
    expect(valueOf(before, 'kcd_directory_snapshot_held')).toBe(0);
    expect(valueOf(before, 'kcd_turns_total', { intent: 'check_pair', outcome: 'answered' })).toBe(0);

    await say('can gogo-3 migrate to gogo-4?', 'conv-m1');
    await say('/kcd check gogo-4 gogo-3', 'conv-m2');
    await say('/kcd help', 'conv-m3');
    await say('x'.repeat(5000), 'conv-m4'); // too long: an error card

    const after = await scrape(metricsUrl);
    expect(valueOf(after, 'kcd_turns_total', { intent: 'check_pair', outcome: 'answered' })).toBe(2);
    expect(valueOf(after, 'kcd_turns_total', { intent: 'help', outcome: 'answered' })).toBe(1);
    expect(valueOf(after, 'kcd_turns_total', { intent: 'none', outcome: 'error' })).toBe(1);
    expect(valueOf(after, 'kcd_reply_seconds_count', { intent: 'check_pair' })).toBe(2);
    expect(valueOf(after, 'kcd_reply_seconds_sum', { intent: 'check_pair' })).toBeGreaterThan(0);
    expect(valueOf(after, 'kcd_reply_seconds_bucket', { intent: 'check_pair', le: '+Inf' })).toBe(2);
    // The cache shares one read among all four turns.
    expect(valueOf(after, 'kcd_directory_read_seconds_count', { result: 'ok' })).toBe(1);
    expect(valueOf(after, 'kcd_directory_read_seconds_count', { result: 'failed' })).toBe(0);

    const snapshot = directory.held!;
    expect(valueOf(after, 'kcd_directory_snapshot_held')).toBe(1);
    expect(valueOf(after, 'kcd_hyperv_hosts')).toBe(snapshot.hyperVHosts.length);
    const withErrors = checkFleet(snapshot, { group: { kind: 'auto' } }).totals.hostsWithErrors;
    expect(withErrors).toBeGreaterThan(0);
    expect(valueOf(after, 'kcd_hyperv_hosts_with_errors')).toBe(withErrors);
    const age = valueOf(after, 'kcd_directory_snapshot_age_seconds');
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(300);
    // Node's process metrics come along.
    expect(valueOf(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  test('refusals: the allow-list, the rate limit and a screened-out request, each counted once', async () => {
    const before = await scrape(metricsUrl);
    await say('/kcd help', 'conv-other-tenant', '0b0b0b0b-0000-4000-8000-000000000000');
    for (let i = 0; i < 4; i++) await say('/kcd help', 'conv-busy');
    expect((await post({})).status).toBe(400);

    const after = await scrape(metricsUrl);
    const delta = (labels: Record<string, string>) => valueOf(after, 'kcd_refusals_total', labels) - valueOf(before, 'kcd_refusals_total', labels);
    expect(delta({ reason: 'allow_list', detail: 'tenant' })).toBe(1);
    expect(delta({ reason: 'rate_limit', detail: '' })).toBe(1);
    expect(delta({ reason: 'request', detail: '400' })).toBe(1);
    expect(delta({ reason: 'auth', detail: '' })).toBe(0);
    const refusedTurns = valueOf(after, 'kcd_turns_total', { intent: 'none', outcome: 'refused' }) - valueOf(before, 'kcd_turns_total', { intent: 'none', outcome: 'refused' });
    expect(refusedTurns).toBe(2);
  });

  test('daily summary posts: posted, failed and removed, by outcome', async () => {
    await clock.advanceTo('2026-03-02T07:00:00Z', () => running.scheduler!.idle());
    for (const id of ['a:daily-ok', '19:daily-500@thread.v2', '19:daily-403@thread.v2']) await say('/kcd subscribe 08:00 UTC', id);
    connector.refuse.set('19:daily-500@thread.v2', 500);
    connector.refuse.set('19:daily-403@thread.v2', 403);
    const before = await scrape(metricsUrl);
    await clock.advanceTo('2026-03-02T08:00:30Z', () => running.scheduler!.idle());
    const after = await scrape(metricsUrl);
    const delta = (outcome: string) => valueOf(after, 'kcd_summary_posts_total', { outcome }) - valueOf(before, 'kcd_summary_posts_total', { outcome });
    expect(delta('posted')).toBe(1);
    expect(delta('failed')).toBe(1); // its retry comes minutes later
    expect(delta('removed')).toBe(1);
    expect(delta('refused')).toBe(0);
  });

  test('GET /metrics only: another path is 404, another method 405', async () => {
    const base = metricsUrl.replace(/\/metrics$/, '');
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(metricsUrl, { method: 'POST', body: 'x' })).status).toBe(405);
  });
});

describe('an invalid Bot Framework token', () => {
  test('is counted as an auth refusal', async () => {
    const connector = await new LocalConnector().start();
    const prometheus = new PrometheusMetrics({ processMetrics: false });
    const running = await startServer(
      {
        config: readConfig({ MicrosoftAppId: '11111111-2222-3333-4444-555555555555', MicrosoftAppPassword: 'not-used-here', MicrosoftAppTenantId: TENANT }),
        directory: new DemoDirectory(),
        logger: quiet,
        metrics: { prometheus, port: 0, host: '127.0.0.1' },
      },
      0,
      '127.0.0.1',
    );
    try {
      const res = await fetch(`${running.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer not-a-token' },
        body: JSON.stringify(teamsMessage(connector, 'help', { serviceUrl: 'https://smba.trafficmanager.net/amer/' })),
      });
      expect(res.status).toBe(401);
      const text = await scrape(running.metrics!.url);
      expect(valueOf(text, 'kcd_refusals_total', { reason: 'auth', detail: '' })).toBe(1);
      expect(valueOf(text, 'kcd_turns_total', { intent: 'none', outcome: 'refused' })).toBe(0); // no turn ran
    } finally {
      await running.close();
      await connector.stop();
    }
  });
});
