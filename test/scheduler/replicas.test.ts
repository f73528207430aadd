/**
 * Three scheduler replicas on one Azurite container over 100 simulated days, the lease holder SIGKILLed at
 * random moments (some of them while it posts) and replaced by a fresh process: every conversation gets
 * exactly one daily summary per local day, except in the documented crash window (the holder died after
 * claiming a day and before posting it: that day is lost, never posted twice). The figures are printed.
 *
 * Simulated time is the test's (test/support/replica-child.js); the lease is Azure's, in real time, so after
 * a kill the test waits (real seconds) until another replica holds it before moving time on, as a real
 * deployment loses those seconds, not a day.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AzureBlobStateStore } from '../../src/store/azure-blob-store';
import type { Subscription } from '../../src/store/state';
import { localDate } from '../../src/time/daily-schedule';
import { Azurite } from '../support/azurite';

jest.setTimeout(900_000);

const CHILD = join(__dirname, '..', 'support', 'replica-child.js');
const LEASE_SECONDS = 15;
const DAYS = 100;
const STEP_MS = 60 * 60_000;
const START = Date.parse('2026-03-01T00:00:00Z');
const KILLS = 6;

/** A deterministic PRNG (mulberry32): the same kill moments on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CONVERSATIONS: Array<Pick<Subscription, 'time' | 'timeZone'> & { id: string }> = [
  { id: '19:ops@thread.tacv2', time: '08:00', timeZone: 'UTC' },
  { id: '19:berlin@thread.tacv2', time: '07:30', timeZone: 'Europe/Berlin' },
  { id: '19:newyork@thread.tacv2', time: '23:45', timeZone: 'America/New_York' },
  { id: '19:tokyo@thread.tacv2', time: '00:05', timeZone: 'Asia/Tokyo' },
];

class Replica {
  readonly child: ChildProcess;
  private pending = new Map<number, (reply: { holds: boolean }) => void>();
  private seq = 0;
  private readyPromise: Promise<void>;
  dead = false;
  holds = false;

  constructor(
    readonly name: string,
    args: string[],
  ) {
    this.child = fork(CHILD, [...args.slice(0, 2), name, ...args.slice(2)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.readyPromise = new Promise((resolve) => this.child.once('message', () => resolve()));
    this.child.on('message', (m: { id?: number; holds: boolean }) => {
      if (m.id === undefined) return;
      this.holds = m.holds;
      this.pending.get(m.id)?.(m);
      this.pending.delete(m.id);
    });
    this.child.on('exit', () => {
      this.dead = true;
      for (const resolve of this.pending.values()) resolve({ holds: false });
      this.pending.clear();
    });
  }

  async send(message: Record<string, unknown>): Promise<{ holds: boolean }> {
    await this.readyPromise;
    if (this.dead) return { holds: false };
    const id = ++this.seq;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.send({ ...message, id });
    });
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

let azurite: Azurite;
let temp: string;
beforeAll(async () => {
  azurite = await Azurite.start();
  temp = mkdtempSync(join(tmpdir(), 'kcd-replicas-'));
});
afterAll(async () => {
  await azurite?.dispose();
  rmSync(temp, { recursive: true, force: true });
});

test(`three replicas, ${DAYS} days, the leader killed ${KILLS} times: one post per conversation and day, except the crash window`, async () => {
  const container = 'kcd-replicas';
  const postsFile = join(temp, 'posts.jsonl');
  writeFileSync(postsFile, '');
  const store = new AzureBlobStateStore(azurite.connectionString, container);
  await store.update((s) => {
    for (const c of CONVERSATIONS) {
      s.subscriptions.push({
        id: `sub-${c.id}`,
        key: `msteams:${c.id}`,
        reference: { channelId: 'msteams', serviceUrl: 'https://smba.trafficmanager.net/emea/', conversation: { id: c.id } },
        time: c.time,
        timeZone: c.timeZone,
        createdAt: new Date(START - 86_400_000).toISOString(),
        since: new Date(START - 86_400_000).toISOString(),
      });
    }
  });

  let made = 0;
  const spawn = async (now: number) => {
    const r = new Replica(`r${++made}`, [azurite.connectionString, container, postsFile, String(LEASE_SECONDS)]);
    await r.send({ start: now });
    return r;
  };
  let replicas: Replica[] = await Promise.all([spawn(START), spawn(START), spawn(START)]);

  const random = prng(20261207);
  const steps = (DAYS * 86_400_000) / STEP_MS;
  // Kill moments: half of them in a step where a summary is due (the holder is then posting).
  const killSteps = new Set<number>();
  while (killSteps.size < KILLS) killSteps.add(1 + Math.floor(random() * (steps - 2)));
  const kills: Array<{ at: number; midStep: boolean; victim: string; takeoverMs: number }> = [];

  const holderCount = () => replicas.filter((r) => !r.dead && r.holds).length;
  const waitForHolder = async (now: number) => {
    const from = Date.now();
    while (holderCount() === 0) {
      if (Date.now() - from > (LEASE_SECONDS * 4 * 1000) / 3 + 30_000) throw new Error('no replica took the lease');
      await new Promise((r) => setTimeout(r, 500));
      await Promise.all(replicas.map((r) => r.send({ tryLease: true, now })));
    }
    return Date.now() - from;
  };

  let maxHolders = 0;
  for (let step = 1; step <= steps; step++) {
    const now = START + step * STEP_MS;
    if (killSteps.has(step)) {
      const victim = replicas.find((r) => r.holds) ?? replicas[0]!;
      const midStep = kills.length % 2 === 0;
      if (midStep) {
        // Time moves; the holder is killed while it works on it (a few ms of real time in).
        const answers = replicas.map((r) => r.send({ now }));
        await new Promise((r) => setTimeout(r, 5 + Math.floor(random() * 40)));
        victim.kill();
        await Promise.all(answers);
      } else victim.kill();
      if (!victim.dead) await new Promise((r) => victim.child.once('exit', r));
      replicas = [...replicas.filter((r) => r !== victim), await spawn(now)];
      const takeoverMs = await waitForHolder(now);
      kills.push({ at: now, midStep, victim: victim.name, takeoverMs });
    }
    await Promise.all(replicas.map((r) => r.send({ now })));
    maxHolders = Math.max(maxHolders, holderCount());
    if (holderCount() === 0) await waitForHolder(now);
  }
  await Promise.all(replicas.map((r) => r.send({ now: START + steps * STEP_MS })));
  for (const r of replicas) r.kill();

  const end = START + steps * STEP_MS;
  const posts = readFileSync(postsFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { replica: string; key: string; at: number });
  const state = await store.read();
  const zoneOf = new Map(CONVERSATIONS.map((c) => [`msteams:${c.id}`, c.timeZone]));
  const perDay = new Map<string, number>();
  for (const p of posts) {
    const k = `${p.key} ${localDate(p.at, zoneOf.get(p.key)!)}`;
    perDay.set(k, (perDay.get(k) ?? 0) + 1);
  }
  // Every local day of the run with its occurrence (every subscription time is a multiple of 5 minutes). A day
  // already running at the start counts when its occurrence was earlier that day: it is posted at the start.
  const expected: string[] = [];
  for (const c of CONVERSATIONS) {
    const seen = new Set<string>();
    const firstDay = localDate(START, c.timeZone);
    for (let t = START - 86_400_000; t < end; t += 5 * 60_000) {
      const date = localDate(t, c.timeZone);
      if (date < firstDay) continue;
      const [h, m] = c.time.split(':').map(Number);
      const local = new Intl.DateTimeFormat('en-GB', { timeZone: c.timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(t);
      if (local === `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}` && !seen.has(date)) {
        seen.add(date);
        expected.push(`msteams:${c.id} ${date}`);
      }
    }
  }
  const twice = [...perDay].filter(([, n]) => n > 1);
  const lost = expected.filter((k) => !perDay.has(k));
  // A lost day must be the crash window: claimed in the state, never recorded as posted, and a kill in that step.
  const claimedOnly = (k: string) => {
    const [key, date] = k.split(' ');
    const records = state.posts.filter((p) => p.key === key && p.date === date);
    const claimed = records.find((p) => p.status === 'claimed');
    // The claim is stamped with the replica's time when its timer fired: within the step the holder died in.
    const at = claimed ? Date.parse(claimed.at) : NaN;
    return claimed !== undefined && !records.some((p) => p.status === 'posted') && kills.some((kill) => kill.midStep && at > kill.at - STEP_MS && at <= kill.at);
  };
  const unexplained = lost.filter((k) => !claimedOnly(k));
  const byReplica = posts.reduce<Record<string, number>>((acc, p) => ({ ...acc, [p.replica]: (acc[p.replica] ?? 0) + 1 }), {});

  console.log(
    [
      `replicas: 3 at a time, ${made} processes over the run; ${DAYS} simulated days in ${steps} steps of 1 h; lease ${LEASE_SECONDS} s`,
      `conversations: ${CONVERSATIONS.length}; due posts: ${expected.length}; posted: ${posts.length}; posted twice: ${twice.length}`,
      `lost in the crash window (claimed, then the holder died before posting): ${lost.length - unexplained.length}; lost otherwise: ${unexplained.length}`,
      `kills: ${kills.map((k) => `${new Date(k.at).toISOString().slice(0, 13)}h ${k.victim}${k.midStep ? ' (mid-step)' : ''}, takeover ${(k.takeoverMs / 1000).toFixed(1)} s`).join('; ')}`,
      `posts by replica: ${JSON.stringify(byReplica)}; most replicas holding the lease at once: ${maxHolders}`,
    ].join('\n'),
  );
  expect(expected.length).toBeGreaterThanOrEqual(CONVERSATIONS.length * (DAYS - 1));
  expect(twice).toEqual([]);
  expect(unexplained).toEqual([]);
  expect(posts.every((p) => expected.includes(`${p.key} ${localDate(p.at, zoneOf.get(p.key)!)}`))).toBe(true);
  expect(maxHolders).toBe(1);
  expect(Object.keys(byReplica).length).toBeGreaterThan(1); // the posting moved to other replicas
});
