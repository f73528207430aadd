/**
 * The Prometheus adapter of the metrics port: the only module that imports prom-client. One registry per
 * bot (not prom-client's global one), so two bots in one process (tests) keep their own counts.
 *
 * Series (all prefixed kcd_; labels are bounded: intents, outcomes, causes and reasons are fixed words):
 * turns by intent and outcome, the reply latency histogram by intent, directory reads (duration by result,
 * failures by cause), the held snapshot (whether, its age, its Hyper-V hosts and hosts with errors),
 * daily summary posts by outcome, refusals by reason; plus Node's process metrics (CPU, memory, event loop).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { FAILURE_CAUSES, type FailureCause } from '../directory/failure-cause';
import type { HeldSnapshotFacts, MetricsSink, RefusalReason, SummaryPostOutcome, TurnOutcome } from './port';

const REPLY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const READ_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const POST_OUTCOMES: readonly SummaryPostOutcome[] = ['posted', 'failed', 'removed', 'refused', 'missed'];
const REFUSALS: readonly RefusalReason[] = ['auth', 'allow_list', 'rate_limit', 'request', 'apply'];

export class PrometheusMetrics implements MetricsSink {
  readonly registry = new Registry();
  private heldSnapshot: () => HeldSnapshotFacts | undefined = () => undefined;
  private readonly turns: Counter<'intent' | 'outcome'>;
  private readonly replySeconds: Histogram<'intent'>;
  private readonly readSeconds: Histogram<'result'>;
  private readonly readFailures: Counter<'cause'>;
  private readonly posts: Counter<'outcome'>;
  private readonly refusals: Counter<'reason' | 'detail'>;

  constructor(options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.turns = new Counter({ name: 'kcd_turns_total', help: 'Messages and card actions handled, by intent and outcome.', labelNames: ['intent', 'outcome'], registers });
    this.replySeconds = new Histogram({
      name: 'kcd_reply_seconds',
      help: 'Time from a message or card action arriving to its reply being sent, by intent.',
      labelNames: ['intent'],
      buckets: REPLY_BUCKETS,
      registers,
    });
    this.readSeconds = new Histogram({
      name: 'kcd_directory_read_seconds',
      help: 'Duration of whole-directory reads (AD, a snapshot file or the demo), by result (ok, failed).',
      labelNames: ['result'],
      buckets: READ_BUCKETS,
      registers,
    });
    this.readFailures = new Counter({ name: 'kcd_directory_read_failures_total', help: 'Failed directory reads, by cause.', labelNames: ['cause'], registers });
    this.posts = new Counter({ name: 'kcd_summary_posts_total', help: 'Due daily summaries, by outcome (posted, failed, removed, refused, missed).', labelNames: ['outcome'], registers });
    this.refusals = new Counter({
      name: 'kcd_refusals_total',
      help: 'Requests and turns refused, by reason (auth: bad or missing token; allow_list; rate_limit; request: screened out) and detail.',
      labelNames: ['reason', 'detail'],
      registers,
    });
    // Every cause and outcome is present from the start (0), so rate() and alerts see the series before the first event.
    for (const cause of FAILURE_CAUSES) this.readFailures.inc({ cause }, 0);
    for (const outcome of POST_OUTCOMES) this.posts.inc({ outcome }, 0);
    for (const reason of REFUSALS) this.refusals.inc({ reason, detail: '' }, 0);
    const held = () => this.heldSnapshot();
    new Gauge({
      name: 'kcd_directory_snapshot_held',
      help: '1 while the bot holds a directory snapshot to answer from, else 0.',
      registers,
      collect() {
        this.set(held() ? 1 : 0);
      },
    });
    new Gauge({
      name: 'kcd_directory_snapshot_age_seconds',
      help: 'Age of the held directory snapshot (0 while none is held: see kcd_directory_snapshot_held).',
      registers,
      collect() {
        this.set(held()?.ageSeconds ?? 0);
      },
    });
    new Gauge({
      name: 'kcd_hyperv_hosts',
      help: 'Hyper-V hosts in the held directory snapshot.',
      registers,
      collect() {
        this.set(held()?.hyperVHosts ?? 0);
      },
    });
    new Gauge({
      name: 'kcd_hyperv_hosts_with_errors',
      help: 'Hyper-V hosts of the held snapshot with at least one error finding (the fleet check of /kcd scan).',
      registers,
      collect() {
        this.set(held()?.hostsWithErrors ?? 0);
      },
    });
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Where the gauges read the held snapshot from at scrape time. */
  watchSnapshot(source: () => HeldSnapshotFacts | undefined): void {
    this.heldSnapshot = source;
  }

  turn(intent: string, outcome: TurnOutcome, seconds: number): void {
    this.turns.inc({ intent, outcome });
    this.replySeconds.observe({ intent }, seconds);
  }

  refusal(reason: RefusalReason, detail = ''): void {
    this.refusals.inc({ reason, detail });
  }

  directoryRead(seconds: number, failure?: FailureCause): void {
    this.readSeconds.observe({ result: failure ? 'failed' : 'ok' }, seconds);
    if (failure) this.readFailures.inc({ cause: failure });
  }

  summaryPost(outcome: SummaryPostOutcome): void {
    this.posts.inc({ outcome });
  }

  /** The exposition: its text and the content type to send it with. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
