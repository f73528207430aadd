/**
 * The daily summary scheduler. With file state, one loop per deployment (KCD_SCHEDULER_ENABLED turns it off
 * on extra instances); with replicas on Azure Blob Storage every replica runs it and only the holder of the
 * leader lease acts (`leader`). All time comes from an injected Clock.
 *
 * Each wake-up (`runDue`):
 * 1. reads the subscriptions and finds the due ones: today's occurrence (croner, in the subscription's
 *    zone) has passed, it is later than when the schedule was set, and nothing was posted for that
 *    local date. A missed occurrence of an earlier day is never posted (logged once as missed);
 * 2. runs ONE fleet scan for all of them (snapshot + checkFleet), however many are due;
 * 3. claims them in one atomic store update (lastPostedDate := the local date) BEFORE posting, so a
 *    restart, or a second scheduler on the same state, can never post twice for one local day. A crash
 *    between the claim and the post loses that day's post rather than duplicating it (at most once);
 * 4. checks each claimed subscription again: its service URL against the policy and its subscriber against
 *    today's access policy; a refused one is not posted (recorded as refused, logged, kept for when the
 *    policy admits it again; a membership that cannot be checked now is a failure, retried);
 * 5. posts each summary (diffed against that conversation's previous one) and records the result:
 *    posted → new baseline; 403/404 → the bot was removed: unsubscribed and logged; any other failure
 *    → the claim is released and retried after `retryMs`, at most `maxAttempts` times that day.
 * If the directory cannot be read, the scan is retried after `retryMs`; after `maxAttempts` failures
 * the due conversations get an error card instead of silence.
 *
 * Between wake-ups it sleeps until the next occurrence, at most `pollMs`, so subscriptions made through
 * another instance are picked up within a minute. Starting the loop runs it at once: a summary due while
 * the bot was down is posted when it comes back (same local day only).
 */
import { errorCard } from '../render/cards/error';
import { summaryCard } from '../render/cards/summary';
import type { AdaptiveCard } from '../render/cards/types';
import type { AccessDecision } from '../domain/access';
import type { ServiceUrlPolicy } from '../http/service-url';
import type { StoredReference, Subscription } from '../store/state';
import type { FleetScan, SummaryService } from '../summary/service';
import { nextPost } from '../summary/service';
import type { Clock } from '../time/clock';
import type { MetricsSink } from '../watch/port';
import type { Leadership } from './leader-lease';
import { lastOccurrence, localDate } from '../time/daily-schedule';

/** Sends a card to a stored conversation; rejects with an error carrying `statusCode` on HTTP failures. */
export type Poster = (reference: StoredReference, card: AdaptiveCard) => Promise<void>;

export interface SchedulerLogger {
  info(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
  warn?(fields: Record<string, unknown>, message: string): void;
}

export interface SchedulerOptions {
  service: SummaryService;
  post: Poster;
  /** Where posts may go (checked before every post); absent: anywhere (tests of the schedule alone). */
  serviceUrls?: ServiceUrlPolicy;
  /** Whether the subscriber may still get the summary (the bot's access policy); absent: everyone. */
  authorize?: (sub: Subscription) => Promise<AccessDecision>;
  /** With replicas: only the holder posts (leader-lease.ts); absent: this scheduler always acts. */
  leader?: Leadership;
  /** Default: the service's clock. */
  clock?: Clock;
  logger?: SchedulerLogger;
  /** Longest sleep between two looks at the subscriptions. */
  pollMs?: number;
  /** Wait before retrying a failed post or scan. */
  retryMs?: number;
  /** Attempts per local day (posts) or per due time (scans). */
  maxAttempts?: number;
  /** Where each run's outcomes are counted (posted, failed, removed, refused, missed). */
  metrics?: MetricsSink;
}

export interface RunResult {
  /** The instant the run looked at. */
  at: number;
  /** Fleet scans run (0 or 1). */
  scans: number;
  posted: string[];
  removed: string[];
  failed: string[];
  missed: string[];
  /** Not posted: the service URL or the subscriber is not allowed (any more). */
  refused: string[];
}

/** The HTTP status of a failed post (botbuilder's RestError has `statusCode`). */
export function statusOf(error: unknown): number | undefined {
  const e = error as { statusCode?: unknown; status?: unknown; response?: { status?: unknown } } | undefined;
  const status = e?.statusCode ?? e?.status ?? e?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

/** The bot was removed from the conversation (or it was deleted): posting there will never work again. */
export function isGone(status: number | undefined): boolean {
  return status === 403 || status === 404;
}

export interface DueOccurrence {
  /** The occurrence (ms since epoch). */
  at: number;
  /** Its local date in the subscription's zone. */
  date: string;
}

/** The occurrence `sub` must be posted for at `now`, if any. */
export function dueOccurrence(sub: Subscription, now: number, maxAttempts = 3): DueOccurrence | undefined {
  const at = lastOccurrence(sub, now);
  if (at === undefined || at <= Date.parse(sub.since)) return undefined;
  const date = localDate(at, sub.timeZone);
  if (date !== localDate(now, sub.timeZone)) return undefined; // an earlier day: missed, never posted late
  if (sub.lastPostedDate !== undefined && sub.lastPostedDate >= date) return undefined;
  const f = sub.failures;
  if (f && f.date === date && (f.count >= maxAttempts || Date.parse(f.retryAt) > now)) return undefined;
  return { at, date };
}

/** An earlier day's occurrence that was never posted (the bot was down), if any. */
function missedOccurrence(sub: Subscription, now: number): DueOccurrence | undefined {
  const at = lastOccurrence(sub, now);
  if (at === undefined || at <= Date.parse(sub.since)) return undefined;
  const date = localDate(at, sub.timeZone);
  if (date === localDate(now, sub.timeZone) || (sub.lastPostedDate !== undefined && sub.lastPostedDate >= date)) return undefined;
  return { at, date };
}

const quiet: SchedulerLogger = { info: () => undefined, error: () => undefined };

interface Claim {
  sub: Subscription;
  date: string;
  before: Pick<Subscription, 'lastPostedDate' | 'lastPostedAt' | 'failures'>;
}

export class Scheduler {
  private readonly clock: Clock;
  private readonly logger: SchedulerLogger;
  private readonly pollMs: number;
  private readonly retryMs: number;
  private readonly maxAttempts: number;
  private started = false;
  private timer: unknown;
  private queue: Promise<unknown> = Promise.resolve();
  private ticking?: Promise<void>;
  private scanFailures = 0;
  private scanRetryAt = 0;
  /** When the loop will look next (ms since epoch), for tests and /healthz-like diagnostics. */
  wakeAt?: number;

  constructor(private readonly options: SchedulerOptions) {
    this.clock = options.clock ?? options.service.clock;
    this.logger = options.logger ?? quiet;
    this.pollMs = options.pollMs ?? 60_000;
    this.retryMs = options.retryMs ?? 5 * 60_000;
    this.maxAttempts = options.maxAttempts ?? 3;
  }

  get running(): boolean {
    return this.started;
  }

  /** Starts the loop with an immediate run (catch-up after a restart). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.arm(0);
  }

  /** Stops the loop and waits for a run in progress. */
  async stop(): Promise<void> {
    this.started = false;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.wakeAt = undefined;
    await this.idle();
  }

  /** Resolves when no wake-up is in progress (the next timer is then armed). */
  async idle(): Promise<void> {
    while (this.ticking) await this.ticking;
  }

  private arm(delay: number): void {
    if (!this.started) return;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.wakeAt = this.clock.now() + delay;
    this.timer = this.clock.setTimer(() => {
      this.timer = undefined;
      this.ticking = this.tick().finally(() => {
        this.ticking = undefined;
      });
    }, delay);
  }

  private async tick(): Promise<void> {
    let wake: number;
    try {
      await this.runDue();
      wake = await this.nextWake();
    } catch (error) {
      this.logger.error({ error: error instanceof Error ? error.message : String(error) }, 'daily summary run failed');
      wake = this.clock.now() + Math.min(this.pollMs, this.retryMs);
    }
    this.arm(Math.max(0, wake - this.clock.now()));
  }

  /** When the loop should look next: the earliest next post or retry, at most pollMs away. */
  async nextWake(): Promise<number> {
    const now = this.clock.now();
    let wake = now + this.pollMs;
    for (const sub of (await this.options.service.store.read()).subscriptions) {
      wake = Math.min(wake, nextPost(sub, now));
      const f = sub.failures;
      if (f && f.count < this.maxAttempts && f.date === localDate(now, sub.timeZone)) wake = Math.min(wake, Math.max(now, Date.parse(f.retryAt)));
    }
    if (this.scanRetryAt > now) wake = Math.min(wake, this.scanRetryAt);
    return wake;
  }

  /** Posts every due summary now (runs are serialised). */
  runDue(): Promise<RunResult> {
    const run = this.queue.then(() => this.runOnce()).then((result) => this.counted(result));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private counted(result: RunResult): RunResult {
    const metrics = this.options.metrics;
    if (metrics) {
      for (const outcome of ['posted', 'failed', 'removed', 'refused', 'missed'] as const) for (const _ of result[outcome]) metrics.summaryPost(outcome);
    }
    return result;
  }

  private async runOnce(): Promise<RunResult> {
    const { service } = this.options;
    const store = service.store;
    const now = this.clock.now();
    const result: RunResult = { at: now, scans: 0, posted: [], removed: [], failed: [], missed: [], refused: [] };
    // Another replica holds the lease: it posts (and records missed days); this one only keeps its loop alive.
    if (this.options.leader && !this.options.leader.holds()) return result;
    const state = await store.read();
    const due = state.subscriptions.filter((s) => dueOccurrence(s, now, this.maxAttempts));
    const missed = state.subscriptions
      .map((s) => ({ s, m: missedOccurrence(s, now) }))
      .filter(({ s, m }) => m && !state.posts.some((p) => p.subscriptionId === s.id && p.date === m.date));
    if (missed.length > 0) {
      const at = new Date(now).toISOString();
      await store.update((st) => {
        for (const { s, m } of missed) st.posts.push({ at, key: s.key, subscriptionId: s.id, date: m!.date, trigger: 'schedule', status: 'missed', detail: 'the scheduler was not running' });
      });
      for (const { s, m } of missed) {
        result.missed.push(s.key);
        this.logger.info({ conversation: s.key, date: m!.date }, 'daily summary missed (not posted late)');
      }
    }
    if (due.length === 0 || now < this.scanRetryAt) return result;

    let scan: FleetScan | undefined;
    let scanError: unknown;
    try {
      scan = await service.scan();
      result.scans = 1;
      this.scanFailures = 0;
      this.scanRetryAt = 0;
    } catch (error) {
      this.scanFailures++;
      this.logger.error({ attempt: this.scanFailures, error: error instanceof Error ? error.message : String(error) }, 'daily summary scan failed');
      if (this.scanFailures < this.maxAttempts) {
        this.scanRetryAt = now + this.retryMs;
        return result;
      }
      // Out of attempts: the due conversations hear about the failure instead of getting silence.
      scanError = error;
      this.scanFailures = 0;
      this.scanRetryAt = 0;
    }

    const at = new Date(now).toISOString();
    const claims = await store.update((st) => {
      const out: Claim[] = [];
      for (const sub of st.subscriptions) {
        // Checked again under the store's lock: another instance may have claimed it meanwhile.
        const d = dueOccurrence(sub, now, this.maxAttempts);
        if (!d) continue;
        const before = { lastPostedDate: sub.lastPostedDate, lastPostedAt: sub.lastPostedAt, failures: sub.failures };
        sub.lastPostedDate = d.date;
        sub.lastPostedAt = at;
        st.posts.push({ at, key: sub.key, subscriptionId: sub.id, date: d.date, trigger: 'schedule', status: 'claimed' });
        out.push({ sub: JSON.parse(JSON.stringify(sub)) as Subscription, date: d.date, before });
      }
      return out;
    });
    if (scan && claims.length > 0) await store.saveScan(scan.id, scan.compact);

    for (const claim of claims) {
      const { sub } = claim;
      let card: AdaptiveCard;
      try {
        const refusal = await this.refusal(sub);
        if (refusal) {
          await this.refused(claim, refusal, result);
          continue;
        }
        card = scan
          ? summaryCard(
              await service.summarize(scan, sub.key),
              { directoryLabel: scan.directory, takenAt: scan.takenAt },
              { title: 'Daily summary', note: `Posted daily at ${sub.time} (${sub.timeZone}) · "/kcd unsubscribe" stops it` },
            )
          : errorCard(scanError, { directoryLabel: service.describeDirectory() });
        await this.options.post(sub.reference, card);
      } catch (error) {
        await this.failed(claim, error, result);
        continue;
      }
      const postedAt = new Date(this.clock.now()).toISOString();
      await store.update((st) => {
        const current = st.subscriptions.find((s) => s.id === sub.id);
        if (current) delete current.failures;
        if (scan) st.baselines[sub.key] = { scanId: scan.id, at: postedAt };
        st.posts.push({ at: postedAt, key: sub.key, subscriptionId: sub.id, date: claim.date, trigger: 'schedule', status: 'posted', ...(scan ? {} : { detail: 'error card: the directory could not be read' }) });
      });
      result.posted.push(sub.key);
      this.logger.info({ conversation: sub.key, date: claim.date, scan: scan?.id }, 'daily summary posted');
    }
    return result;
  }

  /** Why `sub` may not be posted to now, if it may not; throws when that cannot be decided now. */
  private async refusal(sub: Subscription): Promise<string | undefined> {
    const urlProblem = this.options.serviceUrls?.problem(sub.reference.serviceUrl);
    if (urlProblem) return `service URL not allowed: ${urlProblem}`;
    const decision = this.options.authorize ? await this.options.authorize(sub) : { allowed: true as const };
    if (decision.allowed) return undefined;
    if (decision.reason === 'membership') throw new Error(`the subscriber's access could not be checked: ${decision.detail}`);
    return `subscriber not allowed: ${decision.detail}`;
  }

  /** Not posted, on purpose: recorded and logged; the claim stays (no retry today), the subscription stays. */
  private async refused(claim: Claim, detail: string, result: RunResult): Promise<void> {
    const { sub, date } = claim;
    const at = new Date(this.clock.now()).toISOString();
    await this.options.service.store.update((st) => {
      st.posts.push({ at, key: sub.key, subscriptionId: sub.id, date, trigger: 'schedule', status: 'refused', detail: detail.slice(0, 300) });
    });
    result.refused.push(sub.key);
    (this.logger.warn ?? this.logger.error).call(this.logger, { conversation: sub.key, date, subscribedBy: sub.by, detail }, 'daily summary refused');
  }

  private async failed(claim: Claim, error: unknown, result: RunResult): Promise<void> {
    const { sub, date } = claim;
    const status = statusOf(error);
    const message = error instanceof Error ? error.message : String(error);
    if (isGone(status)) {
      await this.options.service.unsubscribe({ key: sub.key }, { trigger: 'schedule', detail: `the conversation answered ${status}: the bot was removed` });
      result.removed.push(sub.key);
      this.logger.info({ conversation: sub.key, status, subscribedBy: sub.by }, 'unsubscribed: the bot is no longer in this conversation');
      return;
    }
    const now = this.clock.now();
    const count = (claim.before.failures?.date === date ? claim.before.failures.count : 0) + 1;
    await this.options.service.store.update((st) => {
      const current = st.subscriptions.find((s) => s.id === sub.id);
      if (current) {
        // Release the claim: nothing was delivered, so the day may still get its post.
        if (current.lastPostedDate === date) {
          current.lastPostedDate = claim.before.lastPostedDate;
          current.lastPostedAt = claim.before.lastPostedAt;
          if (current.lastPostedDate === undefined) delete current.lastPostedDate;
          if (current.lastPostedAt === undefined) delete current.lastPostedAt;
        }
        current.failures = { date, count, retryAt: new Date(now + this.retryMs).toISOString() };
      }
      st.posts.push({ at: new Date(now).toISOString(), key: sub.key, subscriptionId: sub.id, date, trigger: 'schedule', status: 'failed', detail: `${status ?? ''} ${message}`.trim().slice(0, 300) });
    });
    result.failed.push(sub.key);
    this.logger.error({ conversation: sub.key, status, attempt: count, error: message }, 'daily summary post failed');
  }
}
