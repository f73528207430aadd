/**
 * Issue 14, one regression test per item found, each over real HTTP through restify and the Bot Framework
 * adapter (the connector is a local HTTP server; Teams' member lookup goes to it too):
 * 1. bodies are screened before any parser: no decompression, no multipart temp files, the bytes read capped;
 * 2. local mode listens on loopback only and talks to loopback service URLs only;
 * 3. stored service URLs are checked again when state is loaded and before every post;
 * 4. the UPN never falls back to the e-mail address (tenant rules: test/config.test.ts);
 * 5. subscriptions are re-authorized before each post and bounded per tenant; rate limits per user and
 *    channel, before the access check; the fleet report is computed once per snapshot; /healthz says little.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as checker from '../../src/checker';
import { readConfig } from '../../src/config';
import { DemoDirectory } from '../../src/directory/demo-directory';
import { startServer, type RunningServer, type ServerDeps } from '../../src/server';
import { FileStateStore } from '../../src/store/file-store';
import { emptyState, STATE_FORMAT, type State } from '../../src/store/state';
import { FakeClock } from '../time/fake-clock';
import { LocalConnector, teamsMessage } from '../support/connector';

jest.setTimeout(60_000);

type Log = { level: string; message: string; fields: Record<string, unknown> };
function collectingLogger(logs: Log[]) {
  return {
    info: (fields: Record<string, unknown>, message: string) => logs.push({ level: 'info', message, fields }),
    warn: (fields: Record<string, unknown>, message: string) => logs.push({ level: 'warn', message, fields }),
    error: (fields: Record<string, unknown>, message: string) => logs.push({ level: 'error', message, fields }),
  };
}

function post(url: string, body: Buffer | string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/api/messages`, { method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const say = (url: string, activity: object) => post(url, JSON.stringify(activity), { 'content-type': 'application/json' });
const cardText = (r: { activity: { attachments?: Array<{ content: unknown }> } }) => JSON.stringify(r.activity.attachments?.[0]?.content ?? {});

describe('1. the body is screened before anything parses it', () => {
  let running: RunningServer;
  let connector: LocalConnector;
  beforeAll(async () => {
    connector = await new LocalConnector().start();
    running = await startServer({ config: readConfig({}, undefined, { purpose: 'bot' }), directory: new DemoDirectory(), logger: collectingLogger([]) });
  });
  afterAll(async () => {
    await running.close();
    await connector.stop();
  });

  test('gzip that is not gzip, and a gzip bomb, get 415 (nothing is inflated); the bot keeps answering', async () => {
    const bogus = await post(running.url, Buffer.from('this is not gzip at all'), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(bogus.status).toBe(415);
    const bomb = gzipSync(Buffer.from(`{"type":"message","text":"${'a'.repeat(20 * 1024 * 1024)}"}`));
    expect(bomb.length).toBeLessThan(256 * 1024);
    const refused = await post(running.url, bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(refused.status).toBe(415);
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'UnsupportedMediaType', message: expect.stringContaining('uncompressed') as unknown });
    const res = await say(running.url, teamsMessage(connector, 'help', { conversationId: 'still-alive' }));
    expect(res.status).toBeLessThan(300);
    await connector.waitForMessages(1, 'still-alive');
  });

  test('a 5 MB multipart body gets 415 and leaves no upload file in the temp folder', async () => {
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('upload_'));
    const body = Buffer.concat([Buffer.from('--b\r\nContent-Disposition: form-data; name="f"; filename="x.bin"\r\n\r\n'), Buffer.alloc(5 * 1024 * 1024, 1), Buffer.from('\r\n--b--\r\n')]);
    const res = await post(running.url, body, { 'content-type': 'multipart/form-data; boundary=b' });
    expect(res.status).toBe(415);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('upload_'))).toEqual(before);
  });

  test('the cap counts the bytes read: a chunked body over 256 KB gets 413, JSON in another charset 415, bad JSON 400', async () => {
    const big = `{"type":"message","text":"${'x'.repeat(300 * 1024)}"}`;
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${running.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < big.length; i += 10_000) req.write(big.slice(i, i + 10_000));
      req.end();
    });
    expect(chunked).toBe(413);
    expect((await post(running.url, '{}', { 'content-type': 'application/json; charset=iso-8859-1' })).status).toBe(415);
    expect((await post(running.url, '{"type":', { 'content-type': 'application/json' })).status).toBe(400);
    expect((await post(running.url, '{}', {})).status).toBe(415);
  });
});

describe('2. local mode is loopback only', () => {
  test('without MicrosoftAppId the bot binds 127.0.0.1 and says so; other interfaces cannot reach it', async () => {
    const config = readConfig({}, undefined, { purpose: 'bot' });
    const running = await startServer({ config, directory: new DemoDirectory(), logger: collectingLogger([]) }, 0);
    try {
      expect(running.address).toMatch(/^127\.0\.0\.1:\d+$/);
      const port = Number(running.address.split(':')[1]);
      const external = Object.values(networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal);
      if (external) {
        const reached = await new Promise<boolean>((resolve) => {
          const socket = connect(port, external.address);
          socket.on('connect', () => (socket.destroy(), resolve(true)));
          socket.on('error', () => resolve(false));
        });
        expect(reached).toBe(false);
      }
    } finally {
      await running.close();
    }
  });

  test('a serviceUrl that is not loopback is refused (no request relay), and nothing is posted or stored', async () => {
    const logs: Log[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'kcd-relay-'));
    const connector = await new LocalConnector().start();
    const running = await startServer({
      config: readConfig({}, undefined, { purpose: 'bot' }),
      directory: new DemoDirectory(),
      logger: collectingLogger(logs),
      summary: { store: new FileStateStore(dir), defaults: { time: '08:00', timeZone: 'UTC' }, schedulerEnabled: false },
    });
    try {
      for (const serviceUrl of ['http://169.254.169.254/latest/', 'https://smba.trafficmanager.net/amer/', 'http://10.1.2.3:8080/']) {
        const res = await say(running.url, teamsMessage(connector, '/kcd subscribe', { conversationId: 'relay', serviceUrl }));
        expect(res.status).toBe(400);
        expect((JSON.parse(res.body) as { message: string }).message).toContain('serviceUrl is not allowed');
      }
      expect(connector.received).toHaveLength(0);
      expect((await new FileStateStore(dir).read()).subscriptions).toEqual([]);
      expect(logs.filter((l) => l.message === 'request refused: serviceUrl not allowed')).toHaveLength(3);
    } finally {
      await running.close();
      await connector.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A state file holding one subscription to `serviceUrl`, as a hand edit or another mode would leave it. */
function stateWith(dir: string, serviceUrl: string, subscriber?: Record<string, string>) {
  const state = emptyState();
  state.subscriptions.push({
    id: 'sub-1',
    key: 'msteams:19:ops@thread.tacv2',
    reference: { channelId: 'msteams', serviceUrl, conversation: { id: '19:ops@thread.tacv2', conversationType: 'channel', tenantId: 'tenant-1' } },
    time: '08:00',
    timeZone: 'UTC',
    createdAt: '2026-03-01T00:00:00.000Z',
    since: '2026-03-01T00:00:00.000Z',
    ...(subscriber ? { subscriber } : {}),
  });
  expect(state.format).toBe(STATE_FORMAT);
  writeFileSync(join(dir, 'state.json'), JSON.stringify(state));
}

describe('3. stored service URLs are checked when state is loaded and before every post', () => {
  test.each([
    ['local mode, a URL edited into the state file', {}, 'https://evil.example/connector/'],
    ['production, a subscription made in local mode', { MicrosoftAppId: '3f2e1d0c-9b8a-4766-a554-433221100ffe', MicrosoftAppPassword: 'x-not-used', MicrosoftAppTenantId: 'contoso.onmicrosoft.com' }, 'CONNECTOR'],
  ])('%s: logged at start, refused at the due time, never posted', async (_name, env, url) => {
    const logs: Log[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'kcd-stored-url-'));
    const connector = await new LocalConnector().start();
    stateWith(dir, url === 'CONNECTOR' ? connector.url : url);
    const clock = new FakeClock('2026-03-02T07:59:00Z');
    const running = await startServer({
      config: readConfig(env, undefined, { purpose: 'bot' }),
      directory: new DemoDirectory(),
      logger: collectingLogger(logs),
      summary: { store: new FileStateStore(dir), defaults: { time: '08:00', timeZone: 'UTC' }, schedulerEnabled: true, clock },
    }, 0, '127.0.0.1');
    try {
      expect(logs.some((l) => l.message.startsWith('stored subscription refused') && l.level === 'warn')).toBe(true);
      await clock.advanceTo('2026-03-02T08:00:30Z', () => running.scheduler!.idle());
      const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as State;
      expect(state.posts).toContainEqual(expect.objectContaining({ status: 'refused', detail: expect.stringContaining('service URL not allowed') as unknown }));
      expect(state.posts.filter((p) => p.status === 'posted')).toEqual([]);
      expect(connector.received).toHaveLength(0);
      expect(state.subscriptions).toHaveLength(1);
    } finally {
      await running.close();
      await connector.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('4. the UPN Teams reports is the UPN, never the e-mail address', () => {
  test('a member whose e-mail matches an allowed UPN but who has no UPN is refused', async () => {
    const connector = await new LocalConnector().start();
    connector.members.set('user-1', { id: 'user-1', name: 'Alice', email: 'alice@contoso.com', aadObjectId: 'not-listed' });
    const running = await startServer({ config: readConfig({ KCD_ALLOWED_USERS: 'alice@contoso.com' }), directory: new DemoDirectory(), logger: collectingLogger([]) }, 0, '127.0.0.1');
    try {
      const message = teamsMessage(connector, 'help', { conversationId: 'upn' });
      message.from.aadObjectId = 'not-listed';
      await say(running.url, message);
      const [reply] = await connector.waitForMessages(1, 'upn');
      expect(cardText(reply!)).toContain("Sorry, I can't help you here");
      // With the UPN it is allowed.
      connector.members.set('user-1', { id: 'user-1', name: 'Alice', email: 'alice@contoso.com', userPrincipalName: 'alice@contoso.com' });
      await say(running.url, { ...message, conversation: { ...message.conversation, id: 'upn-2' } });
      const [allowed] = await connector.waitForMessages(1, 'upn-2');
      expect(cardText(allowed!)).not.toContain("Sorry, I can't help you here");
    } finally {
      await running.close();
      await connector.stop();
    }
  });
});

describe('5. subscriptions, rate limits, the fleet report, /healthz', () => {
  const ALICE = '00000000-0000-0000-0000-0000000000a1';

  test('a subscriber taken off the allow-list gets no more posts (refused, logged, kept)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kcd-reauth-'));
    const connector = await new LocalConnector().start();
    const clock = new FakeClock('2026-03-02T07:00:00Z');
    const deps = (users: string, logs: Log[]): ServerDeps => ({
      config: readConfig({ KCD_ALLOWED_USERS: users }),
      directory: new DemoDirectory(),
      logger: collectingLogger(logs),
      summary: { store: new FileStateStore(dir), defaults: { time: '08:00', timeZone: 'UTC' }, schedulerEnabled: true, clock },
    });
    let running = await startServer(deps(ALICE, []), 0, '127.0.0.1');
    try {
      await say(running.url, teamsMessage(connector, '/kcd subscribe 08:00 UTC', { conversationId: 'a:alice' }));
      expect(cardText((await connector.waitForMessages(1, 'a:alice'))[0]!)).toContain('daily summary');
      const stored = (await new FileStateStore(dir).read()).subscriptions[0]!;
      expect(stored.subscriber).toEqual({ tenantId: 'tenant-1', aadObjectId: ALICE });
      await running.close();
      // Restarted with Alice removed from the list.
      const logs: Log[] = [];
      running = await startServer(deps('bob@contoso.com', logs), 0, '127.0.0.1');
      await clock.advanceTo('2026-03-02T08:00:30Z', () => running.scheduler!.idle());
      expect(connector.messages('a:alice')).toHaveLength(1);
      const state = await new FileStateStore(dir).read();
      expect(state.posts).toContainEqual(expect.objectContaining({ status: 'refused', detail: expect.stringContaining('subscriber not allowed') as unknown }));
      expect(state.subscriptions).toHaveLength(1);
      expect(logs).toContainEqual(expect.objectContaining({ level: 'warn', message: 'daily summary refused' }));
    } finally {
      await running.close();
      await connector.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a tenant may hold at most KCD_MAX_SUBSCRIPTIONS_PER_TENANT subscriptions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kcd-bound-'));
    const connector = await new LocalConnector().start();
    const running = await startServer(
      {
        config: readConfig({}),
        directory: new DemoDirectory(),
        logger: collectingLogger([]),
        summary: { store: new FileStateStore(dir), defaults: { time: '08:00', timeZone: 'UTC' }, schedulerEnabled: false, maxSubscriptionsPerTenant: 2 },
      },
      0,
      '127.0.0.1',
    );
    try {
      for (const id of ['c1', 'c2', 'c3']) await say(running.url, teamsMessage(connector, '/kcd subscribe', { conversationId: id }));
      expect(cardText((await connector.waitForMessages(1, 'c3'))[0]!)).toContain('KCD_MAX_SUBSCRIPTIONS_PER_TENANT=2');
      // Another tenant has its own allowance; re-subscribing an existing conversation is not a new one.
      await say(running.url, teamsMessage(connector, '/kcd subscribe', { conversationId: 'c4', tenant: 'tenant-2' }));
      await say(running.url, teamsMessage(connector, '/kcd subscribe 09:00', { conversationId: 'c1' }));
      await connector.waitForMessages(1, 'c4');
      await connector.waitForMessages(2, 'c1');
      const subs = (await new FileStateStore(dir).read()).subscriptions;
      expect(subs.map((s) => s.reference.conversation.id).sort()).toEqual(['c1', 'c2', 'c4']);
    } finally {
      await running.close();
      await connector.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the rate limit is per user and channel (threads share it) and comes before the access check', async () => {
    const connector = await new LocalConnector().start();
    let lookups = 0;
    const running = await startServer(
      {
        config: readConfig({ KCD_ALLOWED_USERS: 'alice@contoso.com', KCD_RATE_LIMIT: '3/60' }),
        directory: new DemoDirectory(),
        logger: collectingLogger([]),
        lookupMember: () => {
          lookups++;
          return Promise.resolve({ upn: 'alice@contoso.com' });
        },
      },
      0,
      '127.0.0.1',
    );
    try {
      const channel = '19:ops@thread.tacv2';
      for (let i = 0; i < 6; i++) await say(running.url, teamsMessage(connector, 'help', { conversationId: `${channel};messageid=${1000 + i}`, conversationType: 'channel' }));
      await connector.waitForMessages(6);
      const texts = connector.messages().map((m) => m.activity.text ?? cardText(m));
      expect(texts.filter((t) => t.includes('asking faster than I can answer'))).toHaveLength(3);
      // Only the admitted messages cost a member lookup.
      expect(lookups).toBe(3);
      // Another user in the same channel has a bucket of their own.
      const bob = teamsMessage(connector, 'help', { conversationId: `${channel};messageid=2000`, conversationType: 'channel' });
      bob.from = { id: 'user-2', name: 'Bob', aadObjectId: '00000000-0000-0000-0000-0000000000b2' };
      await say(running.url, bob);
      const all = await connector.waitForMessages(7);
      expect(all[6]!.activity.text ?? '').not.toContain('asking faster');
    } finally {
      await running.close();
      await connector.stop();
    }
  });

  test('/kcd scan asked twice on one snapshot computes the fleet report once', async () => {
    const connector = await new LocalConnector().start();
    const spy = jest.spyOn(checker, 'checkFleet');
    const running = await startServer({ config: readConfig({}), directory: new DemoDirectory(), logger: collectingLogger([]) }, 0, '127.0.0.1');
    try {
      await say(running.url, teamsMessage(connector, '/kcd scan', { conversationId: 's1' }));
      await say(running.url, teamsMessage(connector, '/kcd scan', { conversationId: 's2' }));
      await say(running.url, teamsMessage(connector, '/kcd summary', { conversationId: 's3' }));
      await connector.waitForMessages(1, 's3');
      expect(cardText((await connector.waitForMessages(1, 's2'))[0]!)).toContain('VMHOST2');
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
      await running.close();
      await connector.stop();
    }
  });
});
