/**
 * What the bot reports about itself, as a port: the places that know (the Teams handler, the HTTP edge, the
 * directory, the scheduler) call these methods; src/watch/prometheus.ts is the one adapter that turns
 * them into Prometheus series. Nothing else imports prom-client, and tests can pass their own recorder.
 */
import type { FailureCause } from '../directory/failure-cause';

/** How a message or card action ended. */
export type TurnOutcome =
  /** A card with the answer (a check, a scan, help, a subscription…). */
  | 'answered'
  /** An error card: unknown host, AD unreachable, bad input. */
  | 'error'
  /** A question back (which host? did you mean?). */
  | 'asked'
  /** Not answered: over the rate limit or not on an allow-list. */
  | 'refused'
  /** The turn threw; the adapter's last-resort error card went out. */
  | 'failed';

/** Why a request or a turn was refused. */
export type RefusalReason =
  /** The Bot Framework token was missing or wrong (401). */
  | 'auth'
  /** Not on the tenant, user or group allow-list. */
  | 'allow_list'
  | 'rate_limit'
  /** Screened out before the token check (encoding, type, size, shape, serviceUrl: a 4xx). */
  | 'request'
  /** A fix button refused (detail: own-plan, not-approver, signature, replay…). */
  | 'apply';

/** What became of one due daily summary. */
export type SummaryPostOutcome = 'posted' | 'failed' | 'removed' | 'refused' | 'missed';

export interface MetricsSink {
  /** One message or card action, from arrival to its reply. `intent`: the command (check, scan, help…). */
  turn(intent: string, outcome: TurnOutcome, seconds: number): void;
  /** `detail`: which list (tenant, user, membership) or which status for a screened request. */
  refusal(reason: RefusalReason, detail?: string): void;
  /** One read of the whole directory; `failure` when it failed, and why. */
  directoryRead(seconds: number, failure?: FailureCause): void;
  summaryPost(outcome: SummaryPostOutcome): void;
}

/** What the gauges show at scrape time about the snapshot the bot holds (never read for the scrape). */
export interface HeldSnapshotFacts {
  ageSeconds: number;
  hyperVHosts: number;
  /** Undefined while it cannot be told (the fleet report failed). */
  hostsWithErrors?: number;
}

/** Reports nothing: the default wherever no sink is given. */
export const NO_METRICS: MetricsSink = {
  turn: () => undefined,
  refusal: () => undefined,
  directoryRead: () => undefined,
  summaryPost: () => undefined,
};
