/**
 * Logs without secrets, tenant and user allow-lists, the rate limit, bounded card payloads, and answers from
 * the last good snapshot when AD cannot be read.
 */
import { TestAdapter } from 'botbuilder';
import { callerOf, decideAccess, needsUpn } from '../../src/bot/authorization';
import { MAX_PAYLOAD_BYTES, parseCardPayload } from '../../src/bot/card-payload';
import { slowDownText } from '../../src/bot/kcd-bot';
import { RateLimiter } from '../../src/bot/rate-limit';
import { readConfig } from '../../src/config';
import { CachedDirectory } from '../../src/directory/cached-directory';
import { DemoDirectory } from '../../src/directory/demo-directory';
import { openDirectory } from '../../src/directory/open-directory';
import type { Directory } from '../../src/directory/port';
import { Semaphore } from '../../src/directory/ldap/semaphore';
import { DirectoryUnavailableError } from '../../src/domain/errors';
import { configSecrets, createLogger, scrubLine } from '../../src/log';
import { createBot, startServer } from '../../src/server';
import { LocalConnector, teamsMessage } from '../support/connector';
import { expectValidCard } from '../support/validate-card';
import { BOT, cards, cardText, conversation, messages } from './conversation';

const LDAP_SECRET = 'Ldap-S3cret!"quoted\\pw';
const APP_SECRET = 'App-Secret~value.42';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJrY2QifQ.c2lnbmF0dXJl';
const APP_ID = '11111111-2222-3333-4444-555555555555';
const TENANT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const OTHER_TENANT = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

function collector() {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

describe('logs never carry a secret', () => {
  let connector: LocalConnector;
  beforeAll(async () => {
    connector = await new LocalConnector().start();
  });
  afterAll(async () => connector.stop());

  test('a session (HTTP round trips, an unreachable DC, a refused token) logs no known secret', async () => {
    const { lines, destination } = collector();
    const env = {
      KCD_LDAP_URL: 'ldaps://127.0.0.1:1',
      KCD_LDAP_BIND_DN: 'CN=svc-kcd,DC=lab,DC=test',
      KCD_LDAP_BIND_PASSWORD: LDAP_SECRET,
      KCD_LDAP_TIMEOUT_MS: '2000',
      KCD_LOCAL_MODE: 'true',
      KCD_LOG_LEVEL: 'debug',
    };
    const config = readConfig(env, undefined, { purpose: 'bot' });
    const logger = createLogger({ level: config.logLevel, destination, secrets: configSecrets(config) });
    const directory = new CachedDirectory(openDirectory([], config, (m) => logger.warn({}, m)), { ttlMs: 60_000 });
    const running = await startServer({ config, directory, logger, lookupMember: () => Promise.resolve({ upn: 'alice@contoso.com' }) }, 0, '127.0.0.1');
    try {
      const res = await fetch(`${running.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify(teamsMessage(connector, 'can gogo-3 migrate to gogo-4?', { conversationId: 'conv-secret', tenant: TENANT })),
      });
      expect(res.status).toBeLessThan(300);
      const [reply] = await connector.waitForMessages(1, 'conv-secret');
      const card = reply!.activity.attachments![0]!.content;
      expectValidCard(card);
      expect(JSON.stringify(card)).toContain("I can't read Active Directory right now");
      expect(JSON.stringify(card)).not.toContain(LDAP_SECRET);
    } finally {
      await running.close();
      await directory.close();
    }

    // The authenticated front end: the app password is configured, a forged bearer token is refused.
    const securedConfig = readConfig({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: APP_SECRET, MicrosoftAppTenantId: 'contoso.onmicrosoft.com', KCD_LOG_LEVEL: 'debug' }, undefined, { purpose: 'bot' });
    const securedLogger = createLogger({ level: 'debug', destination, secrets: configSecrets(securedConfig) });
    const secured = await startServer({ config: securedConfig, directory: new DemoDirectory(), logger: securedLogger }, 0, '127.0.0.1');
    try {
      const res = await fetch(`${secured.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify(teamsMessage(connector, 'help', { conversationId: 'conv-secret-401', tenant: TENANT, serviceUrl: 'https://smba.trafficmanager.net/emea/' })),
      });
      expect(res.status).toBe(401);
    } finally {
      await secured.close();
    }

    // Direct attempts to log secrets, by key and by value.
    securedLogger.info({ password: APP_SECRET, headers: { authorization: `Bearer ${TOKEN}` }, MicrosoftAppPassword: APP_SECRET }, 'keys');
    securedLogger.error({ err: new Error(`bind failed with ${APP_SECRET}`), KCD_LDAP_BIND_PASSWORD: LDAP_SECRET }, `value ${APP_SECRET}`);
    logger.info({ nested: { deeper: { password: 'x-y-z-w' } }, note: `pw is ${LDAP_SECRET}` }, 'values');

    const all = lines.join('');
    expect(lines.length).toBeGreaterThan(5);
    // What was logged: the configuration, the requests, the failed read, the answer with its correlation id.
    expect(all).toContain('"msg":"configuration"');
    expect(all).toContain('"msg":"request"');
    expect(all).toMatch(/"correlationId":"[0-9a-f-]{36}"/);
    expect(all).toContain('127.0.0.1:1');
    for (const secret of [LDAP_SECRET, JSON.stringify(LDAP_SECRET).slice(1, -1), APP_SECRET, TOKEN, 'x-y-z-w']) {
      expect(all).not.toContain(secret);
    }
    expect(all).toContain('[redacted]');
  });

  test('KCD_LOG_LEVEL is honoured', () => {
    const { lines, destination } = collector();
    const logger = createLogger({ level: readConfig({ KCD_LOG_LEVEL: 'warn' }).logLevel, destination });
    logger.info({}, 'not shown');
    logger.warn({}, 'shown');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('shown');
  });

  test('scrubLine removes bearer tokens, URL credentials and password pairs', () => {
    expect(scrubLine(`Authorization: Bearer ${TOKEN}`)).not.toContain(TOKEN);
    expect(scrubLine('ldaps://svc:pw12345@dc1')).not.toContain('pw12345');
    expect(scrubLine('password=hunter22 ok')).not.toContain('hunter22');
  });
});

describe('authorisation', () => {
  const policy = { tenants: [TENANT], users: [] as string[] };

  test('the pure decision', () => {
    expect(decideAccess({ tenants: [], users: [] }, {})).toEqual({ allowed: true });
    expect(decideAccess(policy, { tenantId: TENANT.toUpperCase() }).allowed).toBe(true);
    expect(decideAccess(policy, { tenantId: OTHER_TENANT })).toMatchObject({ allowed: false, reason: 'tenant' });
    expect(decideAccess(policy, {})).toMatchObject({ allowed: false, reason: 'tenant' });
    const users = { tenants: [], users: ['Alice@Contoso.com', '00000000-0000-0000-0000-0000000000b2'] };
    expect(decideAccess(users, { upn: 'alice@contoso.com' }).allowed).toBe(true);
    expect(decideAccess(users, { aadObjectId: '00000000-0000-0000-0000-0000000000B2' }).allowed).toBe(true);
    expect(decideAccess(users, { aadObjectId: 'x', upn: 'bob@contoso.com' })).toMatchObject({ allowed: false, reason: 'user' });
    expect(needsUpn(users, { aadObjectId: 'x' })).toBe(true);
    expect(needsUpn(users, { aadObjectId: '00000000-0000-0000-0000-0000000000b2' })).toBe(false);
    expect(callerOf({ conversation: { tenantId: TENANT } as never, from: { id: '1', name: 'a', aadObjectId: 'o' } })).toEqual({ tenantId: TENANT, aadObjectId: 'o' });
  });

  test('over HTTP: another tenant gets the refusal card (message and card action) and is logged; the allowed tenant is answered', async () => {
    const connector = await new LocalConnector().start();
    const { lines, destination } = collector();
    const running = await startServer(
      { config: readConfig({ KCD_ALLOWED_TENANTS: TENANT }), directory: new DemoDirectory(), logger: createLogger({ destination }) },
      0,
      '127.0.0.1',
    );
    try {
      const post = (body: unknown) =>
        fetch(`${running.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      await post(teamsMessage(connector, 'scan', { conversationId: 'conv-other', tenant: OTHER_TENANT }));
      const [refused] = await connector.waitForMessages(1, 'conv-other');
      const refusal = JSON.stringify(refused!.activity.attachments![0]!.content);
      expectValidCard(refused!.activity.attachments![0]!.content);
      expect(refusal).toContain("Sorry, I can't help you here");
      expect(refusal).not.toContain('KCD0');
      // An Action.Execute from another tenant: the refusal card is the invoke response.
      const invoke = await post({
        ...teamsMessage(connector, '', { conversationId: 'conv-other-invoke', tenant: OTHER_TENANT }),
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb: 'recheck', data: { kcd: 'scan' } } },
      });
      expect(invoke.status).toBe(200);
      expect(JSON.stringify(await invoke.json())).toContain("Sorry, I can't help you here");
      expect(connector.messages('conv-other-invoke')).toHaveLength(0);
      // The allowed tenant.
      await post(teamsMessage(connector, 'help', { conversationId: 'conv-mine', tenant: TENANT }));
      const [answered] = await connector.waitForMessages(1, 'conv-mine');
      expect(JSON.stringify(answered!.activity.attachments![0]!.content)).not.toContain("Sorry, I can't help you here");
      const refusedLines = lines.filter((l) => l.includes('refused'));
      expect(refusedLines).toHaveLength(2);
      expect(refusedLines[0]).toContain(OTHER_TENANT);
    } finally {
      await running.close();
      await connector.stop();
    }
  });

  test('user allow-list: by AAD object id, by UPN (looked up), everyone else refused', async () => {
    const access = { tenants: [], users: ['00000000-0000-0000-0000-0000000000a1', 'carol@contoso.com'] };
    const byId = conversation({ access, from: { id: '29:a', name: 'A', aadObjectId: '00000000-0000-0000-0000-0000000000a1' } });
    expect(cardText(await byId.say('help'))).not.toContain("can't help you here");
    const byUpn = conversation({ access, asker: { upn: 'Carol@contoso.com' }, from: { id: '29:c', name: 'C', aadObjectId: 'c' } });
    expect(cardText(await byUpn.say('help'))).not.toContain("can't help you here");
    const other = conversation({ access, asker: { upn: 'mallory@contoso.com' }, from: { id: '29:m', name: 'M', aadObjectId: 'm' } });
    const replies = messages(await other.say('can gogo-3 migrate to gogo-4?'));
    expect(replies).toHaveLength(1);
    expect(cardText(replies)).toContain("can't help you here");
    expect(cardText(replies)).not.toContain('KCD0');
  });
});

describe('bounded everything', () => {
  test('the token bucket: 8 per 10 s per conversation, refilled over time', () => {
    let now = 0;
    const limiter = new RateLimiter({ capacity: 8, windowMs: 10_000, now: () => now });
    for (let i = 0; i < 8; i++) expect(limiter.take('a').allowed).toBe(true);
    const refused = limiter.take('a');
    expect(refused).toMatchObject({ allowed: false, firstRefusal: true });
    expect(limiter.take('a')).toMatchObject({ allowed: false, firstRefusal: false });
    expect(limiter.take('b').allowed).toBe(true);
    now += 1250;
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    const small = new RateLimiter({ maxKeys: 3, now: () => now });
    for (const k of ['1', '2', '3', '4', '5']) small.take(k);
    expect(small.size).toBe(3);
    expect(slowDownText(1200)).toContain('2 seconds');
  });

  test('over the limit the bot says "slow down", once per message, and answers again later', async () => {
    let now = 0;
    const c = conversation({ rateLimit: new RateLimiter({ capacity: 2, windowMs: 10_000, now: () => now }) });
    expect(cards(await c.say('help'))).toHaveLength(1);
    expect(cards(await c.say('help'))).toHaveLength(1);
    const slow = messages(await c.say('help'));
    expect(slow).toHaveLength(1);
    expect(slow[0]!.text).toMatch(/asking faster than I can answer/);
    now += 10_000;
    expect(cards(await c.say('help'))).toHaveLength(1);
  });

  test('KCD_RATE_LIMIT: the server\'s bot uses the configured limit; junk is refused at start', async () => {
    const config = readConfig({ KCD_RATE_LIMIT: '3/60' });
    expect(config.bot.rateLimit).toEqual({ capacity: 3, windowMs: 60_000 });
    expect(readConfig({}).bot.rateLimit).toEqual({ capacity: 8, windowMs: 10_000 });
    expect(readConfig({ KCD_RATE_LIMIT: '20/5s' }).bot.rateLimit).toEqual({ capacity: 20, windowMs: 5_000 });
    for (const bad of ['0/10', '8/0', '5000/10', 'ten per second', '8', '-1/10']) {
      expect(() => readConfig({ KCD_RATE_LIMIT: bad })).toThrow(/KCD_RATE_LIMIT/);
    }
    const bot = createBot({ config, directory: new DemoDirectory(), logger: createLogger({ destination: collector().destination }) });
    const adapter = new TestAdapter(async (context) => bot.run(context), {
      channelId: 'msteams',
      recipient: BOT,
      from: { id: '29:rate', name: 'Rate' },
      conversation: { id: 'conv-rate', conversationType: 'personal', isGroup: false, name: '' },
    });
    const texts: string[] = [];
    for (let i = 0; i < 4; i++) {
      const before = adapter.activeQueue.length;
      await adapter.processActivity({ type: 'message', text: 'help' });
      texts.push(JSON.stringify(adapter.activeQueue.splice(before)));
    }
    expect(texts.slice(0, 3).every((t) => t.includes('AdaptiveCard'))).toBe(true);
    expect(texts[3]).toMatch(/asking faster than I can answer/);
  });

  test('card payloads: size and shape', () => {
    expect(parseCardPayload({ kcd: 'scan' }).ok).toBe(true);
    const big = parseCardPayload({ kcd: 'scan', padding: 'x'.repeat(MAX_PAYLOAD_BYTES) });
    expect(big).toMatchObject({ ok: false });
    expect((big as { problem: string }).problem).toMatch(/bytes/);
    const cyclic: Record<string, unknown> = { kcd: 'scan' };
    cyclic.self = cyclic;
    expect(parseCardPayload(cyclic)).toEqual({ ok: false, problem: 'value: not JSON data' });
    expect(parseCardPayload({ kcd: 'check', host: 42 }).ok).toBe(false);
    expect(parseCardPayload(10n).ok).toBe(false);
  });

  test('the semaphore bounds concurrent operations', async () => {
    const sem = new Semaphore(3);
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        sem.run(async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 2));
          active--;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(sem.peak).toBe(3);
    expect(sem.queued).toBe(0);
  });
});

describe('when AD cannot be read', () => {
  test('the answer comes from the last good snapshot, marked with its age; it recovers when AD is back', async () => {
    const demo = new DemoDirectory();
    let down = false;
    let now = 0;
    const inner: Directory = {
      describe: () => ({ kind: 'ldap', label: 'ldaps://dc1.lab.test' }),
      snapshot: async () => {
        if (down) throw new DirectoryUnavailableError('ldaps://dc1.lab.test', 'connection refused (ECONNREFUSED)', 'Check the DC.');
        return demo.snapshot();
      },
      findUser: async (n) => {
        if (down) throw new DirectoryUnavailableError('ldaps://dc1.lab.test', 'connection refused (ECONNREFUSED)', 'Check the DC.');
        return demo.findUser(n);
      },
      close: () => Promise.resolve(),
    };
    const directory = new CachedDirectory(inner, { ttlMs: 1000, now: () => now });
    const c = conversation({ directory });
    expect(cardText(await c.say('scan'))).not.toContain('AD unreachable');
    down = true;
    now = 5 * 60_000;
    await c.say('can gogo-3 migrate to gogo-4?'); // starts the background refresh, which fails
    await directory.refresh().catch(() => undefined);
    now = 7 * 60_000;
    for (const q of ['can I migrate gogo-3 to gogo-4?', 'check gogo-3', 'scan']) {
      const replies = messages(await c.say(q));
      expect(replies).toHaveLength(1);
      const text = cardText(replies);
      expect(text).toContain('AD unreachable — answer from the last good read, 7 minutes old');
      expect(text).toContain('ECONNREFUSED');
      expectValidCard(cards(replies)[0]);
    }
    down = false;
    now = 10 * 60_000;
    await directory.refresh();
    expect(cardText(await c.say('scan'))).not.toContain('AD unreachable');
  });
});
