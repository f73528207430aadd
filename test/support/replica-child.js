/**
 * One replica's scheduler, as the bot runs it with KCD_STATE_STORE=azure-blob (state store, leader lease,
 * Scheduler, the demo directory), in its own process so a test can SIGKILL it. Plain JavaScript on dist/
 * (npm test builds it first): a child process cannot load the TypeScript sources.
 *
 *   node replica-child.js <connection string> <container> <replica name> <posts file> <lease seconds>
 *
 * Time is the parent's: it sends {now}, the replica fires every timer due by then in order (each scheduler
 * wake-up runs to its end), then answers {idle, holds}. A post is one line appended to the posts file (with
 * appendFileSync, so a post is on disk before the scheduler records it as posted).
 */
const { appendFileSync } = require('node:fs');
const dist = require('node:path').join(__dirname, '..', '..', 'dist', 'src');
const { AzureBlobStateStore } = require(`${dist}/store/azure-blob-store`);
const { BlobLeaderLease } = require(`${dist}/scheduler/leader-lease`);
const { Scheduler } = require(`${dist}/scheduler/scheduler`);
const { SummaryService } = require(`${dist}/summary/service`);
const { DemoDirectory } = require(`${dist}/directory/demo-directory`);

const [connectionString, container, replica, postsFile, leaseSeconds] = process.argv.slice(2);

let now = 0;
let seq = 0;
const timers = new Map();
const clock = {
  now: () => now,
  setTimer: (fn, ms) => {
    timers.set(++seq, { at: now + Math.max(0, ms), fn });
    return seq;
  },
  clearTimer: (id) => timers.delete(id),
};

const store = new AzureBlobStateStore(connectionString, container, { maxTries: 2, tryTimeoutMs: 5000 });
const leader = new BlobLeaderLease(connectionString, container, { leaseSeconds: Number(leaseSeconds), replica });
const service = new SummaryService({
  store,
  directory: new DemoDirectory(),
  migrationGroup: { kind: 'auto' },
  defaults: { time: '08:00', timeZone: 'UTC' },
  clock,
});
const scheduler = new Scheduler({
  service,
  leader,
  clock,
  pollMs: 60 * 60_000,
  retryMs: 10 * 60_000,
  post: (reference, card) => {
    appendFileSync(postsFile, `${JSON.stringify({ replica, key: `${reference.channelId}:${reference.conversation.id}`, at: now, title: card.body?.[0]?.text })}\n`);
    return Promise.resolve();
  },
});

async function advance(to) {
  for (;;) {
    let next;
    for (const entry of timers) if (!next || entry[1].at < next[1].at) next = entry;
    if (!next || next[1].at > to) break;
    timers.delete(next[0]);
    now = Math.max(now, next[1].at);
    next[1].fn();
    await scheduler.idle();
  }
  now = Math.max(now, to);
}

let queue = Promise.resolve();
process.on('message', (message) => {
  queue = queue.then(async () => {
    if (message.start !== undefined) {
      now = message.start;
      leader.start();
      await leader.tryNow();
      scheduler.start();
    }
    if (message.tryLease) await leader.tryNow();
    if (message.now !== undefined) await advance(message.now);
    process.send({ id: message.id, holds: leader.holds() });
  });
});
process.send({ ready: true });
