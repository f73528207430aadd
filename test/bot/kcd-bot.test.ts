/** Conversations with the bot through TestAdapter on channel msteams: commands, questions, dialogs, bad input. */
import { DemoDirectory } from '../../src/directory/demo-directory';
import { CachedDirectory } from '../../src/directory/cached-directory';
import { demoData } from '../../src/directory/demo-directory';
import type { Directory } from '../../src/directory/port';
import { createSnapshot } from '../../src/domain/snapshot';
import { expectValidCard } from '../support/validate-card';
import { BOT, cardText, cards, conversation, messages } from './conversation';

function expectOneValidAnswer(replies: Awaited<ReturnType<ReturnType<typeof conversation>['say']>>) {
  const sent = messages(replies);
  expect(sent.length).toBeGreaterThanOrEqual(1);
  for (const card of cards(replies)) expectValidCard(card);
  return sent;
}

describe('commands and questions', () => {
  test.each([
    ['/kcd check gogo-3 gogo-4', ['KCD001', 'KCD004']],
    ['kcd check GOGO-3 GOGO-4 storage', ['KCD002']],
    ['check gogo-3 gogo-4 storage via fhost1', ['KCD003']],
    ['can gogo-3 migrate to gogo-4?', ['KCD001', 'KCD004']],
    ['is gogo-3 ready to live migrate to gogo-4 with storage', ['KCD002']],
    ["why can't I move VMs from gogo3 to gogo4", ['KCD001']],
  ])('%s → a pair card with %j', async (text, rules) => {
    const c = conversation();
    const replies = await c.say(text);
    expectOneValidAnswer(replies);
    const json = cardText(replies);
    for (const rule of rules) expect(json).toContain(rule);
    expect(json).toContain('Set-ADComputer');
  });

  test.each([
    ['/kcd check gogo-2', 'GOGO-2'],
    ["what's wrong with gogo-2", 'GOGO-2'],
    ['check vmhost1', 'VMHOST1'],
  ])('%s → a host card for %s', async (text, host) => {
    const replies = await conversation().say(text);
    expectOneValidAnswer(replies);
    expect(cardText(replies)).toContain(host);
  });

  test.each(['/kcd scan', 'which hosts are misconfigured?', '/kcd summary'])('%s → the scan card', async (text) => {
    const replies = await conversation().say(text);
    expectOneValidAnswer(replies);
    expect(cardText(replies)).toContain('VMHOST2');
  });

  test.each([
    ['what is protocol transition?', 'rotocol transition'],
    ['explain SPN', 'SPN'],
    ['/kcd explain protected users', 'Protected Users'],
  ])('%s → an explain card', async (text, phrase) => {
    const replies = await conversation().say(text);
    expectOneValidAnswer(replies);
    expect(cardText(replies)).toContain(phrase);
  });

  test.each(['/kcd help', 'help', '/kcd', 'what can you do?', 'tell me a joke about penguins'])('%s → help', async (text) => {
    const replies = await conversation().say(text);
    const [card] = cards(expectOneValidAnswer(replies));
    expect(JSON.stringify(card)).toContain('/kcd check');
  });

  test('"can I migrate gogo-4 to gogo-2?" checks the asker\'s own account', async () => {
    const ok = await conversation({ asker: { upn: 'labadmin@contoso.com' } }).say('can I migrate gogo-4 to gogo-2?');
    expect(cardText(ok)).toContain('labadmin@contoso.com');
    const sensitive = await conversation({ asker: { upn: 'alice@contoso.com' } }).say('can I migrate gogo-4 to gogo-2?');
    expect(cardText(sensitive)).toContain('KCD010');
    const unknown = await conversation({ asker: { upn: 'nobody@contoso.com' } }).say('can I migrate gogo-4 to gogo-2?');
    expect(cardText(unknown)).toContain('not found');
  });
});

describe('dialogs', () => {
  test('a missing destination is asked for with host choices, then answered', async () => {
    const c = conversation();
    const ask = await c.say('can I move VMs from gogo-3?');
    const prompt = JSON.stringify(ask);
    expect(prompt).toContain('to which host');
    expect(prompt).toContain('GOGO-4');
    const answer = await c.say('GOGO-4');
    expectOneValidAnswer(answer);
    expect(cardText(answer)).toContain('KCD001');
  });

  test('a missing source is asked for too', async () => {
    const c = conversation();
    expect(JSON.stringify(await c.say('can we migrate to gogo-4'))).toContain('from which host');
    expect(cardText(await c.say('gogo-3'))).toContain('KCD004');
  });

  test('a misspelt host gets "did you mean" choices', async () => {
    const c = conversation();
    const ask = await c.say('/kcd check gogo-33 gogo-4');
    expect(JSON.stringify(ask)).toContain('Did you mean');
    expect(JSON.stringify(ask)).toContain('GOGO-3');
    const answer = await c.say('GOGO-3');
    expect(cardText(answer)).toContain('KCD004');
  });

  test('the choices are Adaptive Card buttons (no hero-card imBack), and pressing one answers the prompt', async () => {
    const c = conversation();
    const ask = await c.say('/kcd check gogo-33 gogo-4');
    const json = JSON.stringify(ask);
    expect(json).toContain('application/vnd.microsoft.card.adaptive');
    expect(json).not.toContain('application/vnd.microsoft.card.hero');
    expect(json).toContain('"kcd":"ask","text":"GOGO-3"');
    // The Agents Playground sends the button's data without text (Action.Submit).
    const answer = await c.say({ text: '', value: { kcd: 'ask', text: 'GOGO-3', msteams: { type: 'imBack', value: 'GOGO-3' } } });
    expect(cardText(answer)).toContain('KCD004');
  });

  test('Cancel leaves the question; a new command starts over', async () => {
    const c = conversation();
    await c.say('can I move VMs from gogo-3?');
    expect(JSON.stringify(await c.say('Cancel'))).toContain('left it there');
    await c.say('can I move VMs from gogo-3?');
    const fresh = await c.say('/kcd scan');
    expect(cardText(fresh)).toContain('VMHOST2');
  });

  test('an unknown host with nothing close gets the unknown-host card', async () => {
    const replies = await conversation().say('/kcd check zzqx-99 gogo-4');
    expect(JSON.stringify(replies)).toMatch(/zzqx-99/i);
  });
});

describe('Teams specifics', () => {
  test('every @mention of the bot is removed before parsing (channel message)', async () => {
    const c = conversation({ conversationType: 'channel' });
    const replies = await c.say({
      text: '<at>kcd</at> can gogo-3 migrate to <at>kcd</at> gogo-4?',
      entities: [
        { type: 'mention', mentioned: BOT, text: '<at>kcd</at>' },
        { type: 'mention', mentioned: BOT, text: '<at>kcd</at>' },
      ],
    });
    expect(cardText(replies)).toContain('KCD001');
  });

  test('Action.Submit without text runs the button\'s command', async () => {
    const replies = await conversation().say({ text: undefined, value: { kcd: 'check', source: 'GOGO-3', destination: 'GOGO-4', storage: true, fileServers: [] } });
    expect(cardText(replies)).toContain('KCD002');
  });

  test('install welcomes with a help card', async () => {
    const c = conversation();
    const before = c.adapter.activeQueue.length;
    await c.adapter.processActivity({ type: 'installationUpdate', action: 'add' });
    const replies = c.adapter.activeQueue.splice(before);
    const [card] = cards(replies);
    expect(card).toBeDefined();
    expectValidCard(card);
  });

  test('Action.Execute re-check returns the updated card in the invoke response', async () => {
    const c = conversation();
    const before = c.adapter.activeQueue.length;
    await c.adapter.processActivity({
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: 'recheck', data: { kcd: 'check', source: 'GOGO-3', destination: 'GOGO-4', storage: false, fileServers: [] } } },
    });
    const replies = c.adapter.activeQueue.splice(before);
    const invokeResponse = replies.find((r) => r.type === 'invokeResponse');
    const body = (invokeResponse?.value as { body?: { value?: unknown; statusCode?: number } }).body;
    expect(body?.statusCode).toBe(200);
    expectValidCard(body?.value);
    expect(JSON.stringify(body?.value)).toContain('KCD001');
  });
});

describe('the time a card shows is the time of the read that answered', () => {
  test('a Re-check three minutes after the question says "read just now" with the new read\'s time', async () => {
    let now = new Date('2026-12-06T20:00:00Z');
    const c = conversation({ directory: new DemoDirectory(() => now) });
    expect(cardText(await c.say('/kcd check gogo-3 gogo-4'))).toContain('20:00');
    now = new Date('2026-12-06T20:03:00Z');
    const replies = await c.say({
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: 'recheck', data: { kcd: 'check', source: 'GOGO-3', destination: 'GOGO-4', storage: false, fileServers: [] } } },
    });
    const card = JSON.stringify(replies.find((r) => r.type === 'invokeResponse')?.value);
    expect(card).toContain('read just now');
    expect(card).toContain('20:03');
    expect(card).not.toContain('20:00');
  });
});

describe('Re-check reads AD afresh', () => {
  /** The demo directory, then the same with the missing FQDN migration entry added to GOGO-3 (the KCD001 fix). */
  function fixableDirectory(): { directory: Directory; reads: () => number; applyFix: () => void } {
    let fixed = false;
    let reads = 0;
    const inner: Directory = {
      describe: () => ({ kind: 'demo', label: 'demo directory' }),
      snapshot: () => {
        reads++;
        const data = demoData();
        if (fixed) data.computers.find((c) => c.name === 'GOGO-3')!.allowedToDelegateTo.push('Microsoft Virtual System Migration Service/gogo-4.contoso.com');
        return Promise.resolve(createSnapshot(data));
      },
      findUser: () => Promise.resolve(undefined),
      close: () => Promise.resolve(),
    };
    let now = 0;
    const directory = new CachedDirectory(inner, { ttlMs: 300_000, now: () => (now += 10_000) });
    return { directory, reads: () => reads, applyFix: () => (fixed = true) };
  }

  const recheck = { kcd: 'check', source: 'GOGO-3', destination: 'GOGO-4', storage: false, fileServers: [] };

  test('a typed question is answered from the cache; the Re-check button after the fix shows it fixed', async () => {
    const d = fixableDirectory();
    const c = conversation({ directory: d.directory });
    expect(cardText(await c.say('/kcd check gogo-3 gogo-4'))).toContain('KCD001');
    const readsBefore = d.reads();
    d.applyFix();
    // Within the TTL a typed question still sees the cached directory (one read per TTL, as designed).
    expect(cardText(await c.say('/kcd check gogo-3 gogo-4'))).toContain('KCD001');
    expect(d.reads()).toBe(readsBefore);
    const before = c.adapter.activeQueue.length;
    await c.adapter.processActivity({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'recheck', data: recheck } } });
    const body = (c.adapter.activeQueue.splice(before).find((r) => r.type === 'invokeResponse')?.value as { body?: { value?: unknown } }).body;
    expectValidCard(body?.value);
    const json = JSON.stringify(body?.value);
    expect(d.reads()).toBe(readsBefore + 1);
    expect(json).not.toContain('KCD001');
    expect(json).toContain('KCD004');
  });

  /** The text of the answer card's footer line "Data: … · read …". */
  function dataLine(replies: Awaited<ReturnType<ReturnType<typeof conversation>['say']>>): string {
    return /Data: [^"]*/.exec(cardText(replies))?.[0] ?? '';
  }

  test.each([
    ['/kcd check gogo-3 gogo-4 fresh'],
    ['@kcd check gogo-3 gogo-4 --fresh'],
    ['check gogo-3 gogo-4 bypass the cache'],
    ['can gogo-3 migrate to gogo-4? re-read AD'],
  ])('typed "%s" after the fix reads AD now and says so', async (text) => {
    const d = fixableDirectory();
    const c = conversation({ directory: d.directory });
    const cached = await c.say('/kcd check gogo-3 gogo-4');
    expect(cardText(cached)).toContain('KCD001');
    expect(dataLine(cached)).not.toContain('just now');
    const readsBefore = d.reads();
    d.applyFix();
    const replies = await c.say(text);
    expectOneValidAnswer(replies);
    expect(d.reads()).toBe(readsBefore + 1);
    expect(cardText(replies)).not.toContain('KCD001');
    expect(cardText(replies)).toContain('KCD004');
    expect(dataLine(replies)).toMatch(/read just now \(\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\), not from the cache/);
    // The next plain question is answered from the (now refreshed) cache without another read.
    const next = await c.say('/kcd check gogo-3 gogo-4 now please');
    expect(d.reads()).toBe(readsBefore + 1);
    expect(cardText(next)).not.toContain('KCD001');
    expect(dataLine(next)).not.toContain('just now');
  });

  test('/kcd scan --fresh reads AD now; /kcd scan answers from the cache', async () => {
    const d = fixableDirectory();
    const c = conversation({ directory: d.directory });
    await c.say('/kcd scan');
    const readsBefore = d.reads();
    expect(dataLine(await c.say('/kcd scan'))).not.toContain('just now');
    expect(d.reads()).toBe(readsBefore);
    const replies = await c.say('/kcd scan --fresh');
    expectOneValidAnswer(replies);
    expect(d.reads()).toBe(readsBefore + 1);
    expect(dataLine(replies)).toContain('read just now');
  });

  test('a fresh question that needs a dialog is still answered from AD as it is now', async () => {
    const d = fixableDirectory();
    const c = conversation({ directory: d.directory });
    expect(cardText(await c.say('/kcd check gogo-3 gogo-4'))).toContain('KCD001');
    d.applyFix();
    const readsBefore = d.reads();
    expect(JSON.stringify(await c.say('/kcd check gogo-33 gogo-4 fresh'))).toContain('Did you mean');
    const replies = await c.say('GOGO-3');
    expect(d.reads()).toBeGreaterThan(readsBefore);
    expect(cardText(replies)).not.toContain('KCD001');
    expect(cardText(replies)).toContain('KCD004');
    expect(dataLine(replies)).toContain('read just now');
  });

  test('a host that joined AD after the cached read is found by a fresh question (its names are read afresh too)', async () => {
    let joined = false;
    let now = 0;
    const inner: Directory = {
      describe: () => ({ kind: 'demo', label: 'demo directory' }),
      snapshot: () => {
        const data = demoData();
        if (joined) {
          // GOGO-9: a copy of GOGO-4 under a new name.
          const gogo4 = data.computers.find((c) => c.name === 'GOGO-4')!;
          const rename = (v: string) => v.replace(/gogo-4/gi, (m) => (m === 'GOGO-4' ? 'GOGO-9' : 'gogo-9'));
          data.computers.push({
            ...gogo4,
            name: 'GOGO-9',
            samAccountName: 'GOGO-9$',
            dnsHostName: 'gogo-9.contoso.com',
            distinguishedName: rename(gogo4.distinguishedName),
            servicePrincipalNames: gogo4.servicePrincipalNames.map(rename),
          });
        }
        return Promise.resolve(createSnapshot(data));
      },
      findUser: () => Promise.resolve(undefined),
      close: () => Promise.resolve(),
    };
    const c = conversation({ directory: new CachedDirectory(inner, { ttlMs: 300_000, now: () => (now += 10_000) }) });
    await c.say('/kcd scan');
    joined = true;
    // From the cache, GOGO-9 is unknown.
    expect(JSON.stringify(await c.say('/kcd check gogo-9'))).toContain('I don\'t know a host called \\"gogo-9\\"');
    await c.say('cancel');
    const replies = await c.say('/kcd check gogo-9 fresh');
    expectOneValidAnswer(replies);
    expect(cardText(replies)).toContain('GOGO-9');
    expect(JSON.stringify(replies)).not.toContain('know a host called');
    expect(dataLine(replies)).toContain('read just now');
  });

  test('when the fresh read fails, the card shows the last good read as stale, not "just now"', async () => {
    let fail = false;
    let now = 0;
    const inner: Directory = {
      describe: () => ({ kind: 'demo', label: 'demo directory' }),
      snapshot: () => {
        if (fail) return Promise.reject(new Error('connect ECONNREFUSED 192.0.2.1:636'));
        return Promise.resolve(createSnapshot(demoData()));
      },
      findUser: () => Promise.resolve(undefined),
      close: () => Promise.resolve(),
    };
    const c = conversation({ directory: new CachedDirectory(inner, { ttlMs: 300_000, now: () => (now += 10_000) }) });
    await c.say('/kcd check gogo-3 gogo-4');
    fail = true;
    const replies = await c.say('/kcd check gogo-3 gogo-4 fresh');
    expectOneValidAnswer(replies);
    expect(cardText(replies)).toContain('AD unreachable');
    expect(dataLine(replies)).not.toContain('just now');
  });
});

describe('bad input is answered, never crashes', () => {
  test.each([
    ['empty message', { text: '' }],
    ['whitespace', { text: '   \n\t ' }],
    ['10 KB message', { text: 'gogo-3 '.repeat(1500) }],
    ['hostile LDAP string', { text: '/kcd check *)(objectClass=* gogo-4' }],
    ['hostile host question', { text: 'can gogo-3)(|(cn=* migrate to gogo-4?' }],
    ['control characters', { text: 'check \u0000\u0007gogo-3\u001b[31m' }],
    ['emoji', { text: '🚀🔥' }],
    ['malformed card payload', { value: { kcd: 'check', source: 42 } }],
    ['unknown card payload', { value: { hello: 'world' } }],
    ['payload of the wrong type', { value: 'just a string' }],
    ['huge payload', { value: { kcd: 'check', host: 'x'.repeat(100_000) } }],
  ])('%s gets one answer', async (_name, activity) => {
    const replies = await conversation().say(activity);
    expect(messages(replies).length).toBeGreaterThanOrEqual(1);
    for (const card of cards(replies)) expectValidCard(card);
  });
});
