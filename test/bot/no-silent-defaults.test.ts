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

describe('bad times and zones are named, and change nothing', () => {
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

  test.each([
    ['/kcd subscribe 25:00', '"25:00" is not a time of day'],
    ['/kcd subscribe 99:99 Mars/Olympus', '"99:99" is not a time of day'],
    ['/kcd subscribe 07:30 Mars/Olympus', '"Mars/Olympus" is not a time zone I know'],
  ])('%s → %s', async (text, said) => {
    const conversationId = `c-${text.length}-${said.length}`;
    await fetch(`${running.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(teamsMessage(connector, text, { conversationId })) });
    const [reply] = await connector.waitForMessages(1, conversationId);
    const card = JSON.stringify(reply!.activity.attachments![0]!.content);
    expect(card).toContain(said.replace(/"/g, '\\"'));
    expect(card).not.toContain('will get the daily summary');
    expect((await new FileStateStore(dir).read()).subscriptions).toEqual([]);
  });
});
