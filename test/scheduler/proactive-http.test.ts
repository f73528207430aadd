/**
 * Proactive posting over real HTTP: the real server (startServer on port 0) takes "/kcd subscribe"
 * through /api/messages, and at the due time its scheduler posts through the server's CloudAdapter
 * (continueConversationAsync) to a local Bot Framework connector. Conversations that answer 403 or 404
 * (the bot was removed) are unsubscribed and logged.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../src/config';
import { DemoDirectory } from '../../src/directory/demo-directory';
import { startServer, type RunningServer } from '../../src/server';
import { FileStateStore } from '../../src/store/file-store';
import type { State } from '../../src/store/state';
import { LocalConnector, teamsMessage } from '../support/connector';
import { expectValidCard } from '../support/validate-card';
import { FakeClock } from '../time/fake-clock';

const CHANNEL = '19:ops@thread.tacv2';

jest.setTimeout(60_000);

function cardOf(r: { activity: { attachments?: Array<{ contentType: string; content: unknown }> } }) {
  const a = r.activity.attachments?.[0];
  expect(a?.contentType).toBe('application/vnd.microsoft.card.adaptive');
  expectValidCard(a!.content);
  return JSON.stringify(a!.content);
}

describe('daily summaries posted proactively over HTTP', () => {
  let connector: LocalConnector;
  let running: RunningServer;
  let dir: string;
  const clock = new FakeClock('2026-03-02T07:00:00Z');
  const logs: Array<{ level: string; message: string; fields: Record<string, unknown> }> = [];

  const say = async (text: string, conversation: { id: string; conversationType: string }) => {
    const before = connector.messages(conversation.id).length;
    const res = await fetch(`${running.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(teamsMessage(connector, text, { conversationId: conversation.id, conversationType: conversation.conversationType })),
    });
    expect(res.status).toBeLessThan(300);
    const all = await connector.waitForMessages(before + 1, conversation.id);
    return all[all.length - 1]!;
  };
  const advance = (to: string) => clock.advanceTo(to, () => running.scheduler!.idle());

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kcd-http-'));
    connector = await new LocalConnector().start();
    running = await startServer(
      {
        config: readConfig({}),
        directory: new DemoDirectory(),
        logger: {
          info: (fields, message) => logs.push({ level: 'info', message, fields }),
          error: (fields, message) => logs.push({ level: 'error', message, fields }),
        },
        summary: { store: new FileStateStore(dir), defaults: { time: '08:00', timeZone: 'UTC' }, schedulerEnabled: true, clock },
      },
      0,
      '127.0.0.1',
    );
  });
  afterAll(async () => {
    await running.close();
    await connector.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('subscribe in a personal chat, a channel thread and two chats that later remove the bot; one post each at 08:00; 403/404 pruned', async () => {
    expect(running.scheduler?.running).toBe(true);
    await advance('2026-03-02T07:00:00Z'); // the scheduler's first look (nothing due)

    const personal = { id: 'a:personal-1', conversationType: 'personal' };
    const thread = { id: `${CHANNEL};messageid=1772400000000`, conversationType: 'channel' };
    const gone403 = { id: '19:gone-403@thread.v2', conversationType: 'groupChat' };
    const gone404 = { id: '19:gone-404@thread.v2', conversationType: 'groupChat' };

    expect(cardOf(await say('/kcd subscribe', personal))).toContain('This chat will get the daily summary');
    expect(cardOf(await say('send the daily report here at 8 UTC', thread))).toContain('08:00 (UTC)');
    for (const c of [gone403, gone404]) expect(cardOf(await say('/kcd subscribe 08:00 UTC', c))).toContain('Next');

    const listed = cardOf(await say('/kcd subscriptions', personal));
    expect(listed).toContain('08:00 (UTC)');
    expect(listed).toContain('Mon 2 Mar 2026, 08:00 UTC');

    connector.refuse.set(gone403.id, 403);
    connector.refuse.set(gone404.id, 404);
    await advance('2026-03-02T08:00:30Z');

    // The channel gets a new post in the channel (not a reply in the thread it was subscribed from).
    const posted = connector.messages(CHANNEL);
    expect(posted).toHaveLength(1);
    const channelCard = cardOf(posted[0]!);
    expect(channelCard).toContain('Daily summary');
    expect(channelCard).toContain('VMHOST2');
    expect(channelCard).toContain('Readiness matrix');
    expect(channelCard).toContain('{"kcd":"check","host":"VMHOST2"}');

    const personalPosts = connector.messages(personal.id);
    expect(cardOf(personalPosts[personalPosts.length - 1]!)).toContain('Daily summary');

    const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as State;
    expect(state.subscriptions.map((s) => s.reference.conversation.id).sort()).toEqual([CHANNEL, personal.id].sort());
    expect(state.posts.filter((p) => p.status === 'removed').map((p) => p.detail)).toEqual([
      expect.stringContaining('403'),
      expect.stringContaining('404'),
    ]);
    for (const status of [403, 404]) {
      expect(logs).toContainEqual(expect.objectContaining({ message: expect.stringContaining('unsubscribed') as unknown, fields: expect.objectContaining({ status }) as unknown }));
    }

    // Nothing more that day, one more the next day.
    await advance('2026-03-02T23:59:00Z');
    expect(connector.messages(CHANNEL)).toHaveLength(1);
    await advance('2026-03-03T08:00:00Z');
    expect(connector.messages(CHANNEL)).toHaveLength(2);
    expect(connector.messages(gone403.id).length + connector.messages(gone404.id).length).toBe(2); // only the two confirmations
  });

  test('"/kcd summary" now shows what changed since this chat\'s last daily post; "/kcd unsubscribe" stops the posts', async () => {
    const personal = { id: 'a:personal-1', conversationType: 'personal' };
    const now = cardOf(await say('/kcd summary', personal));
    expect(now).toContain('What changed');
    expect(now).toContain('Nothing: same hosts, same problems.');
    expect(now).toContain('This chat also gets it daily at 08:00 (UTC)');
    expect(cardOf(await say('stop the daily report', personal))).toContain('Daily summary stopped');
    const before = connector.messages(personal.id).length;
    await advance('2026-03-04T09:00:00Z');
    expect(connector.messages(personal.id)).toHaveLength(before);
    expect(connector.messages(CHANNEL)).toHaveLength(3);
  });
});
