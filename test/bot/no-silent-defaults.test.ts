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

describe('requests for things kcd does not do get "I can\'t do that", never a scan', () => {
  let connector: LocalConnector;
  let running: RunningServer;
  beforeAll(async () => {
    connector = await new LocalConnector().start();
    running = await startServer({ config: readConfig({}), directory: new DemoDirectory(), logger: quiet }, 0, '127.0.0.1');
  });
  afterAll(async () => {
    await running.close();
    await connector.stop();
  });

  test.each(['delete all the hosts', 'drop table hosts; select * from hosts', 'run rm -rf / on all hosts', 'reboot every host please', 'shut down all hyper-v hosts'])('%s', async (text) => {
    const conversationId = `refuse-${text.length}`;
    await fetch(`${running.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(teamsMessage(connector, text, { conversationId })) });
    const [reply] = await connector.waitForMessages(1, conversationId);
    expect(reply!.activity.text).toContain("I can't do that");
    const card = JSON.stringify(reply!.activity.attachments![0]!.content);
    expect(card).toContain('/kcd check');
    expect(card).not.toContain('VMHOST2');
  });
});

describe('a name that cannot be a host name is refused as such', () => {
  let connector: LocalConnector;
  let running: RunningServer;
  beforeAll(async () => {
    connector = await new LocalConnector().start();
    running = await startServer({ config: readConfig({}), directory: new DemoDirectory(), logger: quiet }, 0, '127.0.0.1');
  });
  afterAll(async () => {
    await running.close();
    await connector.stop();
  });

  test.each([
    ['a 300-character name', `/kcd check ${'a'.repeat(300)}`],
    ['a label of 64 characters in a pair', `/kcd check gogo-3 ${'b'.repeat(64)}.contoso.com`],
  ])('%s', async (_name, text) => {
    const conversationId = `long-${text.length}`;
    await fetch(`${running.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(teamsMessage(connector, text, { conversationId })) });
    const [reply] = await connector.waitForMessages(1, conversationId);
    const card = JSON.stringify(reply!.activity.attachments![0]!.content);
    expect(card).toContain('cannot be a host name');
    expect(card).not.toContain('VMHOST2');
  });
});
