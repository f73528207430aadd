/**
 * Memory that follows active conversations, not every conversation ever seen: the bounded dialog-state
 * storage (LRU cap, idle expiry, MemoryStorage's eTag semantics) and the rate limiter's idle buckets; then
 * the bot itself through 300 distinct conversations with caps of 50.
 */
import { PrivateConversationState, TestAdapter } from 'botbuilder';
import { Answerer } from '../../src/bot/answerer';
import { BoundedMemoryStorage } from '../../src/bot/bounded-storage';
import { KcdBot } from '../../src/bot/kcd-bot';
import { RateLimiter } from '../../src/bot/rate-limit';
import { readConfig } from '../../src/config';
import { DemoDirectory } from '../../src/directory/demo-directory';
import { BOT, quiet } from './conversation';

describe('BoundedMemoryStorage', () => {
  test('reads back copies with eTags; a stale eTag is refused, "*" and none overwrite; delete removes the key', async () => {
    const s = new BoundedMemoryStorage();
    await s.write({ a: { n: 1 } });
    type Item = { n: number; eTag: string };
    const first = (await s.read(['a', 'missing'])) as { a: Item };
    expect(first).toEqual({ a: { n: 1, eTag: expect.any(String) as unknown } });
    first.a.n = 99; // a copy: the stored value is unchanged
    expect(((await s.read(['a'])) as { a: Item }).a.n).toBe(1);
    await s.write({ a: { n: 2, eTag: first.a.eTag } });
    await expect(s.write({ a: { n: 3, eTag: first.a.eTag } })).rejects.toThrow(/eTag conflict/);
    await s.write({ a: { n: 4, eTag: '*' } });
    await s.write({ a: { n: 5 } });
    expect(((await s.read(['a'])) as { a: Item }).a.n).toBe(5);
    await s.delete(['a']);
    expect(s.size).toBe(0);
    expect(await s.read(['a'])).toEqual({});
  });

  test('at most maxKeys entries, least recently used out (a read counts as a use)', async () => {
    const s = new BoundedMemoryStorage({ maxKeys: 3 });
    for (const k of ['a', 'b', 'c']) await s.write({ [k]: { k } });
    await s.read(['a']); // a is now the most recent
    await s.write({ d: { k: 'd' } });
    expect(s.size).toBe(3);
    expect(Object.keys(await s.read(['a', 'b', 'c', 'd'])).sort()).toEqual(['a', 'c', 'd']);
  });

  test('entries idle longer than idleMs are dropped', async () => {
    let now = 0;
    const s = new BoundedMemoryStorage({ idleMs: 1000, now: () => now });
    await s.write({ old: { v: 1 } });
    now = 600;
    await s.write({ recent: { v: 2 } });
    now = 1200;
    expect(Object.keys(await s.read(['old', 'recent']))).toEqual(['recent']);
    expect(s.size).toBe(1);
  });
});

describe('RateLimiter memory', () => {
  test('a bucket idle for a whole window (full again) is dropped; limits are unchanged', () => {
    let now = 0;
    const r = new RateLimiter({ capacity: 2, windowMs: 1000, now: () => now });
    for (let i = 0; i < 100; i++) r.take(`c${i}`);
    expect(r.size).toBe(100);
    now = 1500;
    r.take('x');
    expect(r.size).toBe(1);
    // A busy conversation keeps its bucket and its limit.
    expect(r.take('x').allowed).toBe(true);
    expect(r.take('x').allowed).toBe(false);
  });
});

describe('the bot through many conversations', () => {
  test('300 distinct conversations: dialog state and buckets stay within their caps of 50; the bot still answers', async () => {
    const directory = new DemoDirectory();
    const config = readConfig({});
    const storage = new BoundedMemoryStorage({ maxKeys: 50 });
    const rateLimit = new RateLimiter({ maxKeys: 50 });
    const bot = new KcdBot({
      answerer: (lookupAsker) => new Answerer({ directory, config, lookupAsker }),
      dialogState: new PrivateConversationState(storage),
      logger: quiet,
      lookupMember: () => Promise.resolve({ upn: 'labadmin@contoso.com' }),
      rateLimit,
    });
    const adapterFor = (id: string) =>
      new TestAdapter(async (context) => bot.run(context), {
        channelId: 'msteams',
        recipient: BOT,
        from: { id: `29:${id}`, name: id },
        conversation: { id, conversationType: 'personal', isGroup: false, name: '' },
      });
    for (let i = 0; i < 300; i++) await adapterFor(`conv-${i}`).send('is gogo-4 ready?');
    expect(storage.size).toBeLessThanOrEqual(50);
    expect(rateLimit.size).toBeLessThanOrEqual(50);
    expect(storage.size).toBeGreaterThan(0);
    const last = adapterFor('conv-299');
    const replies: string[] = [];
    await last.send('help').then(() => undefined);
    for (const a of last.activeQueue) replies.push(JSON.stringify(a));
    expect(replies.join('')).toContain('AdaptiveCard');
  });
});
