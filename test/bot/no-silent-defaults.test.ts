/** A value the user gave is never replaced by a default without a word (issue 19), over HTTP with a real state store. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../src/config';
import { DemoDirectory } from '../../src/directory/demo-directory';
import { startServer, type RunningServer } from '../../src/server';
import { FileStateStore } from '../../src/store/file-store';
import { LocalConnector, teamsMessage } from '../support/connector';

const quiet = { info: () => undefined, error: () => undefined };

describe('bad input gets a clear answer, never a silent default or a scan (over HTTP, with a real state store)', () => {
  let connector: LocalConnector;
  let running: RunningServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kcd-defaults-'));
    connector = await new LocalConnector().start();
    running = await startServer(
      { config: readConfig({}), directory: new DemoDirectory(), logger: quiet, summary: { store: new FileStateStore(dir), defaults: { time: '08:00', timeZone: 'UTC' }, schedulerEnabled: false } },
      0,
      '127.0.0.1',
    );
  });
  afterAll(async () => {
    await running.close();
    await connector.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Sends `text` in a conversation of its own and returns the reply's text and card JSON. */
  async function say(text: string, conversationId: string): Promise<{ text: string; card: string }> {
    await fetch(`${running.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(teamsMessage(connector, text, { conversationId })) });
    const [reply] = await connector.waitForMessages(1, conversationId);
    return { text: reply!.activity.text ?? '', card: JSON.stringify(reply!.activity.attachments![0]!.content) };
  }

  test.each([
    ['/kcd subscribe 25:00', '"25:00" is not a time of day'],
    ['/kcd subscribe 99:99 Mars/Olympus', '"99:99" is not a time of day'],
    ['/kcd subscribe 07:30 Mars/Olympus', '"Mars/Olympus" is not a time zone I know'],
  ])('a bad time or zone is named and changes nothing: %s → %s', async (text, said) => {
    const { card } = await say(text, `c-${text.length}-${said.length}`);
    expect(card).toContain(said.replace(/"/g, '\\"'));
    expect(card).not.toContain('will get the daily summary');
    expect((await new FileStateStore(dir).read()).subscriptions).toEqual([]);
  });

  test.each(['delete all the hosts', 'drop table hosts; select * from hosts', 'run rm -rf / on all hosts', 'reboot every host please', 'shut down all hyper-v hosts'])(
    'a request for something kcd does not do gets "I can\'t do that", never a scan: %s',
    async (text) => {
      const reply = await say(text, `refuse-${text.length}`);
      expect(reply.text).toContain("I can't do that");
      expect(reply.card).toContain('/kcd check');
      expect(reply.card).not.toContain('VMHOST2');
    },
  );

  test.each([
    ['a 300-character name', `/kcd check ${'a'.repeat(300)}`],
    ['a label of 64 characters in a pair', `/kcd check gogo-3 ${'b'.repeat(64)}.contoso.com`],
  ])('a name that cannot be a host name is refused as such: %s', async (_name, text) => {
    const { card } = await say(text, `long-${text.length}`);
    expect(card).toContain('cannot be a host name');
    expect(card).not.toContain('VMHOST2');
  });
});
