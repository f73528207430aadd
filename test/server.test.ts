/** A real HTTP round trip: an activity POSTed to /api/messages, the reply card arriving at a local connector. */
import { readConfig } from '../src/config';
import { DemoDirectory } from '../src/directory/demo-directory';
import { listenProblem } from '../src/main';
import { startServer, type RunningServer } from '../src/server';
import { LocalConnector, teamsMessage } from './support/connector';
import { expectValidCard } from './support/validate-card';

const quiet = { info: () => undefined, error: () => undefined };

describe('the bot over HTTP', () => {
  let connector: LocalConnector;
  let running: RunningServer;

  beforeAll(async () => {
    connector = await new LocalConnector().start();
    running = await startServer(
      { config: readConfig({}), directory: new DemoDirectory(), logger: quiet, lookupMember: () => Promise.resolve({ upn: 'alice@contoso.com' }) },
      0,
      '127.0.0.1',
    );
  });
  afterAll(async () => {
    await running.close();
    await connector.stop();
  });

  test('GET /healthz says only that the process lives (no directory, no URL)', async () => {
    const res = await fetch(`${running.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  test('"can gogo-3 migrate to gogo-4?" gets a pair card at the connector', async () => {
    const res = await fetch(`${running.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(teamsMessage(connector, 'can gogo-3 migrate to gogo-4?')),
    });
    expect(res.status).toBeLessThan(300);
    const [reply] = await connector.waitForMessages(1, 'conv-1');
    const attachment = reply!.activity.attachments![0]!;
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expectValidCard(attachment.content);
    const json = JSON.stringify(attachment.content);
    expect(json).toContain('KCD001');
    expect(json).toContain('KCD004');
    expect(json).toContain('Set-ADComputer');
    // A typing indicator went out before the answer.
    expect(connector.received.some((r) => r.activity.type === 'typing')).toBe(true);
  });

  test.each([
    ['an empty object', {}, 'type'],
    ['a type that is not a string', { type: 42 }, 'type'],
    ['a message without a conversation', { type: 'message', text: 'hi', channelId: 'msteams', serviceUrl: 'http://127.0.0.1:9/' }, 'conversation'],
    ['a message without a serviceUrl', { type: 'message', text: 'hi', channelId: 'msteams', conversation: { id: 'c1' } }, 'serviceUrl'],
    ['a serviceUrl that is not http(s)', { type: 'message', text: 'hi', channelId: 'msteams', conversation: { id: 'c1' }, serviceUrl: 'file:///etc/passwd' }, 'serviceUrl'],
  ])('%s gets 400 saying what is wrong, and no turn runs', async (_name, body, field) => {
    const before = connector.received.length;
    const res = await fetch(`${running.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { code: string; message: string };
    expect(answer.code).toBe('BadRequest');
    expect(answer.message).toContain(field);
    expect(connector.received.length).toBe(before);
  });

  test('a port already in use is a clear start-up problem, not a crash', async () => {
    const port = Number(new URL(running.url).port);
    const error = await startServer({ config: readConfig({}), directory: new DemoDirectory(), logger: quiet }, port, '127.0.0.1').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as { code?: string }).code).toBe('EADDRINUSE');
    expect(listenProblem(error, port)).toMatch(new RegExp(`^Port ${port} is already in use[\\s\\S]*set PORT`));
    // The running bot is unaffected.
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
  });

  test('with an app id set, a request without a token gets 401', async () => {
    const secured = await startServer(
      {
        config: readConfig({ MicrosoftAppId: '11111111-2222-3333-4444-555555555555', MicrosoftAppPassword: 'not-used-here', MicrosoftAppType: 'MultiTenant' }),
        directory: new DemoDirectory(),
        logger: quiet,
      },
      0,
      '127.0.0.1',
    );
    try {
      const res = await fetch(`${secured.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(teamsMessage(connector, 'help', { conversationId: 'conv-401', serviceUrl: 'https://smba.trafficmanager.net/amer/' })),
      });
      expect(res.status).toBe(401);
      expect(connector.messages('conv-401')).toHaveLength(0);
    } finally {
      await secured.close();
    }
  });
});
