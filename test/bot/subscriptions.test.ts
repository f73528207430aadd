/** subscribe / unsubscribe / subscriptions / summary through the TestAdapter harness (channel msteams). */
import { MemoryStateStore } from '../../src/store/memory-store';
import { FakeClock } from '../time/fake-clock';
import { MutableDirectory, names } from '../summary/fleet';
import { DEMO_HOSTS_WITH_ERRORS, demoSize, visibleText } from '../render/cards/support';
import { expectValidCard } from '../support/validate-card';
import { cards, conversation, messages } from './conversation';

jest.setTimeout(30_000);

/** The one card answered, validated, as visible text. */
function answer(replies: Awaited<ReturnType<ReturnType<typeof conversation>['say']>>): string {
  const sent = messages(replies);
  expect(sent).toHaveLength(1);
  const [card] = cards(sent);
  expectValidCard(card);
  return visibleText(card);
}

describe('subscriptions in a personal chat', () => {
  test('subscribe with the defaults, move it, re-subscribe unchanged, list, unsubscribe', async () => {
    const store = new MemoryStateStore();
    const clock = new FakeClock('2026-03-02T05:10:00Z');
    const c = conversation({ store, clock, defaults: { time: '08:00', timeZone: 'UTC' } });

    let text = answer(await c.say('/kcd subscribe'));
    expect(text).toContain('This chat will get the daily summary');
    expect(text).toContain('Every day at: 08:00 (UTC)');
    expect(text).toContain('Next: Mon 2 Mar 2026, 08:00 UTC, in 2 h 50 min');
    let state = await store.read();
    expect(state.subscriptions).toHaveLength(1);
    const sub = state.subscriptions[0]!;
    expect(sub).toMatchObject({ key: 'msteams:conv-1', time: '08:00', timeZone: 'UTC', by: 'Alice', conversationType: 'personal' });
    expect(sub.reference).toMatchObject({ channelId: 'msteams', conversation: { id: 'conv-1' }, bot: { id: '28:kcd-bot' } });
    expect(sub.reference.serviceUrl).toBeTruthy();
    expect(sub.reference).not.toHaveProperty('activityId');

    text = answer(await c.say('/kcd subscribe 07:30 Europe/Berlin'));
    expect(text).toContain('Daily summary moved');
    expect(text).toContain('Next: Mon 2 Mar 2026, 07:30 CET, in 1 h 20 min');

    // Natural language; the zone given before is kept when only a time is given.
    text = answer(await c.say('send me the daily report at 7'));
    expect(text).toContain('Every day at: 07:00 (Europe/Berlin)');

    text = answer(await c.say('/kcd subscribe'));
    expect(text).toContain('already gets the daily summary');
    expect((await store.read()).subscriptions).toHaveLength(1);

    for (const ask of ['/kcd subscriptions', 'what am I subscribed to']) {
      text = answer(await c.say(ask));
      expect(text).toContain('This chat gets the daily summary');
      expect(text).toContain('Every day at: 07:00 (Europe/Berlin)');
      expect(text).toContain('Last posted: not yet');
    }

    text = answer(await c.say('stop the daily report'));
    expect(text).toContain('Daily summary stopped');
    expect(text).toContain('07:00 (Europe/Berlin)');
    state = await store.read();
    expect(state.subscriptions).toEqual([]);
    expect(state.posts).toContainEqual(expect.objectContaining({ key: 'msteams:conv-1', status: 'removed', detail: 'unsubscribed by Alice' }));

    expect(answer(await c.say('/kcd unsubscribe'))).toContain('This chat has no daily summary');
    expect(answer(await c.say('/kcd subscriptions'))).toContain('This chat has no daily summary');
  });

  test('the buttons of the confirmation card work (Action.Submit imBack payloads)', async () => {
    const store = new MemoryStateStore();
    const c = conversation({ store, clock: new FakeClock('2026-03-02T05:10:00Z') });
    const replies = await c.say('/kcd subscribe 06:00 UTC');
    const card = cards(replies)[0]! as { actions: Array<{ title: string; data: unknown }> };
    const unsubscribe = card.actions.find((a) => a.title === '/kcd unsubscribe')!;
    expect(answer(await c.say({ value: unsubscribe.data }))).toContain('Daily summary stopped');
  });
});

describe('/kcd summary', () => {
  test('the first summary has no "what changed"; the next shows what changed since this chat\'s previous one', async () => {
    const clock = new FakeClock('2026-03-02T05:10:00Z');
    const directory = new MutableDirectory(names('HV', 4).map((name) => ({ name })), () => clock.now());
    const store = new MemoryStateStore();
    const c = conversation({ store, clock, directory });

    const first = await c.say('/kcd summary');
    expect(first[0]!.type).toBe('typing');
    let text = answer(first);
    expect(text).toContain('All 4 Hyper-V hosts ready');
    expect(text).not.toContain('What changed');

    clock.set('2026-03-03T05:10:00Z');
    directory.specs = [{ name: 'HV1', missingTo: ['HV2'] }, { name: 'HV2' }, { name: 'HV3' }, { name: 'HV4' }];
    text = answer(await c.say('give me the daily report now'));
    expect(text).toContain('1 of 4 Hyper-V hosts not ready');
    expect(text).toContain('What changed since the previous summary');
    expect(text).toContain('🆕 New problems (2)');
    expect(text).toContain('HV1 · KCD001 ×2');

    text = answer(await c.say('/kcd summary'));
    expect(text).toContain('Nothing: same hosts, same problems.');

    // Another conversation has its own baseline.
    const other = conversation({ summaries: c.summaries, conversationId: 'conv-2', directory });
    expect(answer(await other.say('/kcd summary'))).not.toContain('What changed');
  });

  test('without a state store, /kcd summary still answers (no "what changed") and subscribing explains why it cannot', async () => {
    const c = conversation();
    const text = answer(await c.say('/kcd summary'));
    expect(text).toContain(`${DEMO_HOSTS_WITH_ERRORS} of ${demoSize().hyperVHosts} Hyper-V hosts not ready`);
    expect(text).toContain('VMHOST2');
    const refused = answer(await c.say('/kcd subscribe 07:00'));
    expect(refused).toContain('Daily summaries are not available here');
    expect(refused).toContain('KCD_STATE_DIR');
  });
});

describe('channels and group chats', () => {
  test('a channel subscription made in one thread is the channel\'s: listed and stopped from another thread', async () => {
    const store = new MemoryStateStore();
    const clock = new FakeClock('2026-03-02T05:10:00Z');
    const thread1 = conversation({ store, clock, conversationType: 'channel', conversationId: '19:ops@thread.tacv2;messageid=1772400000001' });
    expect(answer(await thread1.say({ text: '<at>kcd</at> subscribe 09:15 America/New_York', entities: [{ type: 'mention', text: '<at>kcd</at>', mentioned: { id: '28:kcd-bot', name: 'kcd' } }] }))).toContain(
      '09:15 (America/New_York)',
    );
    const sub = (await store.read()).subscriptions[0]!;
    expect(sub.key).toBe('msteams:19:ops@thread.tacv2');
    expect(sub.reference.conversation.id).toBe('19:ops@thread.tacv2');
    const thread2 = conversation({ summaries: thread1.summaries, conversationType: 'channel', conversationId: '19:ops@thread.tacv2;messageid=1772400000999' });
    expect(answer(await thread2.say('/kcd subscriptions'))).toContain('09:15 (America/New_York)');
    expect(answer(await thread2.say('/kcd unsubscribe'))).toContain('Daily summary stopped');
    expect((await store.read()).subscriptions).toEqual([]);
  });

  test('a group chat and a personal chat of the same user are separate subscriptions', async () => {
    const store = new MemoryStateStore();
    const clock = new FakeClock('2026-03-02T05:10:00Z');
    const group = conversation({ store, clock, conversationType: 'groupChat', conversationId: '19:group@thread.v2' });
    const personal = conversation({ summaries: group.summaries, conversationId: 'a:personal' });
    answer(await group.say('/kcd subscribe 07:00 UTC'));
    answer(await personal.say('/kcd subscribe 18:00 Asia/Tokyo'));
    const subs = (await store.read()).subscriptions.map((s) => `${s.key} ${s.time} ${s.timeZone} ${s.conversationType}`);
    expect(subs).toEqual(['msteams:19:group@thread.v2 07:00 UTC groupChat', 'msteams:a:personal 18:00 Asia/Tokyo personal']);
  });
});
