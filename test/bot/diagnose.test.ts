/** A pasted failure in chat, over HTTP through restify and the Bot Framework adapter: a diagnosis card, never "I can't find VM01". */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readConfig } from '../../src/config';
import { DemoDirectory } from '../../src/directory/demo-directory';
import { startServer, type RunningServer } from '../../src/server';
import { LocalConnector, teamsMessage } from '../support/connector';
import { expectValidCard } from '../support/validate-card';

const paste = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', 'pastes', name), 'utf8');
const quiet = { info: () => undefined, error: () => undefined };

describe('pasted failures and typing, over HTTP', () => {
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

  async function ask(text: string, conversationId: string): Promise<string> {
    const res = await fetch(`${running.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(teamsMessage(connector, text, { conversationId })) });
    expect(res.status).toBeLessThan(300);
    const [reply] = await connector.waitForMessages(1, conversationId);
    const card = reply!.activity.attachments![0]!.content;
    expectValidCard(card);
    return JSON.stringify(card);
  }

  test('an Event Viewer paste of 14050 gets the diagnosis and the host check of the host that logged it', async () => {
    const card = await ask(paste('event-14050-gogo5.txt'), 'paste-14050');
    expect(card).toContain('What the failure says');
    expect(card).toContain('names one host: **GOGO-5**');
    expect(card).toContain('AD explains it: KCD007');
    expect(card).toContain('setspn -S');
  });

  test('a multi-line Move-VM paste gets the diagnosis and the pair\'s fixes', async () => {
    const card = await ask(paste('move-vm-no-credentials-gogo3-gogo4-storage.txt'), 'paste-1');
    expect(card).toContain('What the failure says');
    expect(card).toContain('AD explains it: KCD001, KCD002, KCD004');
    expect(card).toContain('Set-ADComputer');
    expect(card).not.toContain('VM01**');
  });

  test('/kcd diagnose with an event copied from Event Viewer, and a code in a sentence', async () => {
    expect(await ask(`/kcd diagnose ${paste('event-20306-on-gogo2-with-gogo5.txt')}`, 'paste-2')).toContain('AD explains it: KCD001, KCD007');
    const sentence = await ask('moving SQL01 off gogo-4 fails with 0x8007274D, any idea?', 'paste-3');
    expect(sentence).toContain('0x8007274D');
    expect(sentence).toContain('TCP 6600');
  });

  test('a question is still a question', async () => {
    const card = await ask('can gogo-3 migrate to gogo-4?', 'question');
    expect(card).not.toContain('What the failure says');
    expect(card).toContain('KCD001');
  });

  describe('typing indicators', () => {
    test.each([
      ['a channel thread', '19:ops@thread.tacv2;messageid=1772400000000', 'channel', false],
      ['a channel', '19:ops@thread.tacv2', 'channel', false],
      ['a personal chat', 'a:personal-typing', 'personal', true],
      ['a group chat', '19:group@thread.v2', 'groupChat', true],
    ])('%s: a slow answer (/kcd scan) arrives; typing only outside channels', async (_name, conversationId, conversationType, typing) => {
      const before = connector.received.length;
      await fetch(`${running.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(teamsMessage(connector, '/kcd scan', { conversationId, conversationType })),
      });
      const [reply] = await connector.waitForMessages(1, conversationId);
      expect(JSON.stringify(reply!.activity.attachments![0]!.content)).toContain('VMHOST2');
      const sent = connector.received.slice(before).filter((r) => r.conversationId === conversationId);
      expect(sent.some((r) => r.activity.type === 'typing')).toBe(typing);
    });
  });
});
