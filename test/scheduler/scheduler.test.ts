/**
 * The scheduler driven by a fake clock: due times across zones and DST, one scan for many
 * subscriptions, restarts around a due time, missed days, failures (403/404 prune, retries).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryUnavailableError } from '../../src/domain/errors';
import type { AdaptiveCard } from '../../src/render/cards';
import { Scheduler, type Poster } from '../../src/scheduler/scheduler';
import { localDate } from '../../src/time/daily-schedule';
import { FileStateStore } from '../../src/store/file-store';
import { MemoryStateStore } from '../../src/store/memory-store';
import type { StateStore, StoredReference } from '../../src/store/state';
import { SummaryService, type ConversationTarget } from '../../src/summary/service';
import { expectValidCard } from '../support/validate-card';
import { MutableDirectory, names, type HostSpec } from '../summary/fleet';
import { FakeClock } from '../time/fake-clock';

interface Post {
  conversation: string;
  at: string;
  card: AdaptiveCard;
}

function target(id: string, by = 'Alice'): ConversationTarget {
  return {
    reference: {
      channelId: 'msteams',
      serviceUrl: 'https://smba.example.invalid/teams/',
      conversation: { id, conversationType: 'channel', tenantId: 'tenant-1' },
      bot: { id: '28:kcd-bot', name: 'kcd' },
      user: { id: '29:alice', name: by },
      activityId: 'should-not-be-stored',
    } as ConversationTarget['reference'],
    by,
  };
}

interface Harness {
  clock: FakeClock;
  store: StateStore;
  directory: MutableDirectory;
  service: SummaryService;
  posts: Post[];
  logs: Array<{ level: string; message: string; fields: Record<string, unknown> }>;
  /** Conversation id → status to fail with (or an Error to throw). */
  failures: Map<string, number | Error | 'hang'>;
  scheduler(options?: { pollMs?: number; retryMs?: number }): Scheduler;
  advance(to: string, scheduler: Scheduler): Promise<void>;
  posted(conversation?: string): Post[];
}

function harness(start: string, options: { store?: StateStore; specs?: HostSpec[] } = {}): Harness {
  const clock = new FakeClock(start);
  const store = options.store ?? new MemoryStateStore();
  const directory = new MutableDirectory(options.specs ?? names('HV', 4).map((name) => ({ name })), () => clock.now());
  const service = new SummaryService({ store, directory, migrationGroup: { kind: 'domain' }, defaults: { time: '08:00', timeZone: 'UTC' }, clock });
  const posts: Post[] = [];
  const logs: Harness['logs'] = [];
  const failures = new Map<string, number | Error | 'hang'>();
  const post: Poster = async (reference: StoredReference, card) => {
    const failure = failures.get(reference.conversation.id);
    if (failure === 'hang') return new Promise<void>(() => undefined);
    if (failure instanceof Error) throw failure;
    if (failure !== undefined) throw Object.assign(new Error(`refused with ${failure}`), { statusCode: failure });
    posts.push({ conversation: reference.conversation.id, at: new Date(clock.now()).toISOString(), card });
  };
  const logger = {
    info: (fields: Record<string, unknown>, message: string) => logs.push({ level: 'info', message, fields }),
    error: (fields: Record<string, unknown>, message: string) => logs.push({ level: 'error', message, fields }),
  };
  return {
    clock,
    store,
    directory,
    service,
    posts,
    logs,
    failures,
    scheduler: (o = {}) => new Scheduler({ service, post, logger, clock, pollMs: o.pollMs ?? 15 * 60_000, retryMs: o.retryMs ?? 5 * 60_000 }),
    advance: (to, scheduler) => clock.advanceTo(to, () => scheduler.idle()),
    posted: (conversation) => posts.filter((p) => conversation === undefined || p.conversation === conversation),
  };
}

describe('due times', () => {
  test('subscriptions in several zones each post once a day, at 08:00 local', async () => {
    const h = harness('2026-03-02T00:00:00Z');
    const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Pacific/Auckland'];
    for (const zone of zones) await h.service.subscribe(target(`conv-${zone}`), { timeZone: zone });
    const s = h.scheduler();
    s.start();
    await h.advance('2026-03-04T00:00:00Z', s);
    await s.stop();
    const expected: Record<string, string[]> = {
      UTC: ['2026-03-02T08:00:00.000Z', '2026-03-03T08:00:00.000Z'],
      'Europe/Berlin': ['2026-03-02T07:00:00.000Z', '2026-03-03T07:00:00.000Z'],
      'America/New_York': ['2026-03-02T13:00:00.000Z', '2026-03-03T13:00:00.000Z'],
      'Asia/Kolkata': ['2026-03-02T02:30:00.000Z', '2026-03-03T02:30:00.000Z'],
      // Subscribed at 13:00 local on the 2nd: its first post is the 3rd's 08:00 (19:00Z on the 2nd).
      'Pacific/Auckland': ['2026-03-02T19:00:00.000Z', '2026-03-03T19:00:00.000Z'],
    };
    for (const zone of zones) expect(h.posted(`conv-${zone}`).map((p) => p.at)).toEqual(expected[zone]);
  });

  test('DST: a 02:30 Europe/Berlin subscription posts once on the spring-forward day (03:30 CEST) and once on the fall-back day', async () => {
    for (const [start, end, day] of [
      ['2026-03-27T12:00:00Z', '2026-03-31T00:00:00Z', '2026-03-29'],
      ['2026-10-23T12:00:00Z', '2026-10-27T00:00:00Z', '2026-10-25'],
    ] as const) {
      const h = harness(start);
      await h.service.subscribe(target('conv-berlin'), { time: '02:30', timeZone: 'Europe/Berlin' });
      const s = h.scheduler();
      s.start();
      await h.advance(end, s);
      await s.stop();
      const days = h.posted().map((p) => localDate(Date.parse(p.at), 'Europe/Berlin'));
      expect(new Set(days).size).toBe(days.length);
      expect(days.filter((d) => d === day)).toHaveLength(1);
      expect(days).toHaveLength(3);
    }
  });

  test('DST: 01:30 America/New_York on the fall-back day (01:30 happens twice) posts once', async () => {
    const h = harness('2026-10-31T12:00:00Z');
    await h.service.subscribe(target('conv-ny'), { time: '01:30', timeZone: 'America/New_York' });
    const s = h.scheduler({ pollMs: 60_000 });
    s.start();
    await h.advance('2026-11-02T12:00:00Z', s);
    await s.stop();
    expect(h.posted().map((p) => p.at)).toEqual(['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
  });

  test('a subscription made after today\'s time starts tomorrow; changing the time after today\'s post waits for tomorrow', async () => {
    const h = harness('2026-03-02T09:00:00Z');
    await h.service.subscribe(target('conv-late'), { time: '08:00' });
    const s = h.scheduler();
    s.start();
    await h.advance('2026-03-03T08:00:00Z', s);
    expect(h.posted().map((p) => p.at)).toEqual(['2026-03-03T08:00:00.000Z']);
    await h.service.subscribe(target('conv-late'), { time: '10:00' });
    await h.advance('2026-03-04T09:00:00Z', s);
    await s.stop();
    expect(h.posted().map((p) => p.at)).toEqual(['2026-03-03T08:00:00.000Z']);
  });
});

describe('one scan per due time', () => {
  test('twelve subscriptions due at the same minute share one snapshot and one check', async () => {
    const h = harness('2026-06-01T07:59:00Z');
    for (let i = 0; i < 10; i++) await h.service.subscribe(target(`conv-${i}`), { time: '08:00', timeZone: 'UTC' });
    // 09:00 in London (BST) and 10:00 in Berlin (CEST) are the same instant as 08:00 UTC in June.
    await h.service.subscribe(target('conv-london'), { time: '09:00', timeZone: 'Europe/London' });
    await h.service.subscribe(target('conv-berlin'), { time: '10:00', timeZone: 'Europe/Berlin' });
    await h.service.subscribe(target('conv-other'), { time: '08:30', timeZone: 'UTC' });
    const s = h.scheduler();
    s.start();
    await h.advance('2026-06-01T08:00:00Z', s);
    expect(h.directory.snapshots).toBe(1);
    expect(h.posted()).toHaveLength(12);
    for (const p of h.posted()) expectValidCard(p.card);
    await h.advance('2026-06-01T08:30:00Z', s);
    await s.stop();
    expect(h.directory.snapshots).toBe(2);
    expect(h.posted()).toHaveLength(13);
    const state = await h.store.read();
    // One compact scan shared by the twelve baselines of 08:00; the 08:30 one has its own.
    const at8 = Object.entries(state.baselines).filter(([key]) => key !== 'msteams:conv-other');
    expect(at8).toHaveLength(12);
    expect(new Set(at8.map(([, b]) => b.scanId)).size).toBe(1);
    expect(state.baselines['msteams:conv-other']!.scanId).not.toBe(at8[0]![1].scanId);
  });
});

describe('restarts (state in files)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kcd-sched-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a restart just before the due time: exactly one post', async () => {
    const h = harness('2026-03-02T07:59:50Z', { store: new FileStateStore(dir) });
    await h.service.subscribe(target('conv-a'));
    const first = h.scheduler();
    first.start();
    await h.advance('2026-03-02T07:59:55Z', first);
    await first.stop(); // the process goes away
    const again = harness('2026-03-02T07:59:58Z', { store: new FileStateStore(dir) });
    const second = again.scheduler();
    second.start();
    await again.advance('2026-03-02T09:00:00Z', second);
    await second.stop();
    expect(h.posted()).toHaveLength(0);
    expect(again.posted().map((p) => p.at)).toEqual(['2026-03-02T08:00:00.000Z']);
  });

  test('a restart just after the due time: the post is not repeated, and the next day posts again', async () => {
    const h = harness('2026-03-02T07:00:00Z', { store: new FileStateStore(dir) });
    await h.service.subscribe(target('conv-a'));
    const first = h.scheduler();
    first.start();
    await h.advance('2026-03-02T08:00:01Z', first);
    await first.stop();
    expect(h.posted().map((p) => p.at)).toEqual(['2026-03-02T08:00:00.000Z']);
    const again = harness('2026-03-02T08:00:05Z', { store: new FileStateStore(dir) });
    const second = again.scheduler();
    second.start();
    await again.advance('2026-03-02T23:00:00Z', second);
    expect(again.posted()).toHaveLength(0);
    await again.advance('2026-03-03T08:00:00Z', second);
    await second.stop();
    expect(again.posted().map((p) => p.at)).toEqual(['2026-03-03T08:00:00.000Z']);
  });

  test('a crash between claiming and posting loses that post rather than repeating it (at most once a day)', async () => {
    const h = harness('2026-03-02T07:59:00Z', { store: new FileStateStore(dir) });
    await h.service.subscribe(target('conv-a'));
    h.failures.set('conv-a', 'hang'); // the process dies while the post is in flight
    const first = h.scheduler();
    void first.runDue();
    h.clock.set('2026-03-02T08:00:00Z');
    void first.runDue();
    // Wait until the claim is on disk (the post itself never completes).
    while (!(await h.store.read()).posts.some((p) => p.status === 'claimed')) await new Promise((r) => setImmediate(r));
    const again = harness('2026-03-02T08:01:00Z', { store: new FileStateStore(dir) });
    const second = again.scheduler();
    second.start();
    await again.advance('2026-03-02T12:00:00Z', second);
    await second.stop();
    expect(again.posted()).toHaveLength(0);
    const state = await again.store.read();
    expect(state.posts.filter((p) => p.status === 'claimed')).toHaveLength(1);
  });

  test('two schedulers on the same state (misconfigured deployment) still post once', async () => {
    const a = harness('2026-03-02T07:59:00Z', { store: new FileStateStore(dir) });
    await a.service.subscribe(target('conv-a'));
    const b = harness('2026-03-02T07:59:00Z', { store: new FileStateStore(dir) });
    const sa = a.scheduler();
    const sb = b.scheduler();
    a.clock.set('2026-03-02T08:00:00Z');
    b.clock.set('2026-03-02T08:00:00Z');
    await Promise.all([sa.runDue(), sb.runDue()]);
    expect(a.posted().length + b.posted().length).toBe(1);
  });
});

describe('missed days', () => {
  test('down at the due time, back the same day: posted once on return, not again', async () => {
    const h = harness('2026-03-02T06:00:00Z');
    await h.service.subscribe(target('conv-a'));
    h.clock.set('2026-03-02T10:17:00Z'); // the bot was down from 06:00 to 10:17
    const s = h.scheduler();
    s.start();
    await h.advance('2026-03-02T20:00:00Z', s);
    await s.stop();
    expect(h.posted().map((p) => p.at)).toEqual(['2026-03-02T10:17:00.000Z']);
  });

  test('down over the due time until the next day: the missed summary is not posted late, the next one is', async () => {
    const h = harness('2026-03-02T06:00:00Z');
    await h.service.subscribe(target('conv-a'), { time: '08:00', timeZone: 'Europe/Berlin' });
    h.clock.set('2026-03-03T05:00:00Z'); // back at 06:00 Berlin on the 3rd: the 2nd was missed
    const s = h.scheduler();
    s.start();
    await h.advance('2026-03-03T06:59:00Z', s);
    expect(h.posted()).toHaveLength(0);
    await h.advance('2026-03-03T12:00:00Z', s);
    await s.stop();
    expect(h.posted().map((p) => p.at)).toEqual(['2026-03-03T07:00:00.000Z']);
    const state = await h.store.read();
    expect(state.posts.filter((p) => p.status === 'missed').map((p) => p.date)).toEqual(['2026-03-02']);
    expect(h.logs.filter((l) => l.message.includes('missed'))).toHaveLength(1);
  });

  test('back after local midnight: the previous day stays missed even if the UTC date is the same', async () => {
    const h = harness('2026-03-02T06:00:00Z');
    await h.service.subscribe(target('conv-a'), { time: '23:30', timeZone: 'Asia/Tokyo' }); // 14:30Z
    h.clock.set('2026-03-02T15:10:00Z'); // 00:10 on the 3rd in Tokyo
    const s = h.scheduler();
    await s.runDue();
    expect(h.posted()).toHaveLength(0);
  });
});

describe('failures', () => {
  test.each([403, 404])('a conversation answering %i is unsubscribed and logged; the others still get their post', async (status) => {
    const h = harness('2026-03-02T07:59:00Z');
    await h.service.subscribe(target('conv-gone'));
    await h.service.subscribe(target('conv-ok'));
    h.failures.set('conv-gone', status);
    const s = h.scheduler();
    s.start();
    await h.advance('2026-03-03T09:00:00Z', s);
    await s.stop();
    expect(h.posted('conv-ok')).toHaveLength(2);
    const state = await h.store.read();
    expect(state.subscriptions.map((x) => x.reference.conversation.id)).toEqual(['conv-ok']);
    expect(state.posts.filter((p) => p.status === 'removed')).toEqual([
      expect.objectContaining({ key: 'msteams:conv-gone', detail: expect.stringContaining(String(status)) as unknown }),
    ]);
    expect(h.logs).toContainEqual(expect.objectContaining({ level: 'info', message: expect.stringContaining('unsubscribed') as unknown, fields: expect.objectContaining({ status }) as unknown }));
  });

  test('a transient failure (500) is retried after the retry delay and posts once', async () => {
    const h = harness('2026-03-02T07:59:00Z');
    await h.service.subscribe(target('conv-a'));
    h.failures.set('conv-a', 500);
    const s = h.scheduler({ retryMs: 5 * 60_000 });
    s.start();
    await h.advance('2026-03-02T08:01:00Z', s);
    h.failures.delete('conv-a');
    await h.advance('2026-03-02T12:00:00Z', s);
    await s.stop();
    expect(h.posted().map((p) => p.at)).toEqual(['2026-03-02T08:05:00.000Z']);
  });

  test('a conversation that keeps failing is tried three times that day, then again the next day', async () => {
    const h = harness('2026-03-02T07:59:00Z');
    await h.service.subscribe(target('conv-a'));
    h.failures.set('conv-a', new Error('socket hang up'));
    const s = h.scheduler();
    s.start();
    await h.advance('2026-03-02T23:00:00Z', s);
    let state = await h.store.read();
    expect(state.posts.filter((p) => p.status === 'failed')).toHaveLength(3);
    expect(state.subscriptions[0]!.lastPostedDate).toBeUndefined();
    h.failures.delete('conv-a');
    await h.advance('2026-03-03T08:00:00Z', s);
    await s.stop();
    state = await h.store.read();
    expect(h.posted().map((p) => p.at)).toEqual(['2026-03-03T08:00:00.000Z']);
    expect(state.subscriptions[0]!.lastPostedDate).toBe('2026-03-03');
  });

  test('an unreadable directory is retried; after three failed scans the channel gets an error card, once', async () => {
    const h = harness('2026-03-02T07:59:00Z');
    await h.service.subscribe(target('conv-a'));
    h.directory.failWith = new DirectoryUnavailableError('ldaps://dc1.contoso.com', 'connect ECONNREFUSED 10.0.0.1:636', 'Check that the domain controller is reachable.');
    const s = h.scheduler();
    s.start();
    await h.advance('2026-03-02T12:00:00Z', s);
    await s.stop();
    expect(h.directory.snapshots).toBe(3);
    expect(h.posted()).toHaveLength(1);
    expect(h.posted()[0]!.at).toBe('2026-03-02T08:10:00.000Z');
    expectValidCard(h.posted()[0]!.card);
    expect(JSON.stringify(h.posted()[0]!.card)).toContain('ECONNREFUSED');
  });
});

describe('what changed, day to day', () => {
  test('the daily card says what changed since the previous daily card of that conversation', async () => {
    const h = harness('2026-03-02T07:00:00Z', { specs: names('HV', 4).map((name) => ({ name })) });
    await h.service.subscribe(target('conv-a'));
    const s = h.scheduler();
    s.start();
    await h.advance('2026-03-02T09:00:00Z', s);
    const day1 = JSON.stringify(h.posted()[0]!.card);
    expect(day1).toContain('All 4 Hyper-V hosts ready');
    expect(day1).not.toContain('What changed');
    h.directory.specs = [{ name: 'HV1', missingTo: ['HV2'] }, { name: 'HV2' }, { name: 'HV3' }, { name: 'HV5' }];
    await h.advance('2026-03-03T09:00:00Z', s);
    await s.stop();
    const day2 = JSON.stringify(h.posted()[1]!.card);
    expect(day2).toContain('What changed');
    expect(day2).toContain('New problems');
    expect(day2).toContain('KCD001');
    expect(day2).toContain('Hosts added');
    expect(day2).toContain('HV5');
    expect(day2).toContain('Hosts gone');
    expect(day2).toContain('HV4');
    expect(day2).toContain('{"kcd":"check","host":"HV1"}');
  });
});
