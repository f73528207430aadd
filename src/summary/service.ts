/**
 * Subscriptions and summaries, independent of the Bot Framework SDK: the answerer (chat commands) and the
 * scheduler (daily posts) both go through this. It owns the rules:
 * - one subscription per conversation (a Teams channel thread counts as its channel);
 * - a new subscription gets the configured default time and zone; re-subscribing changes only what is
 *   given and keeps the rest;
 * - each summary is diffed against the last summary of the same conversation, and becomes the new one.
 */
import { randomUUID } from 'node:crypto';
import type { FleetReport } from '../checker';
import { cachedFleetReport } from '../checker/fleet-report-cache';
import type { ServiceUrlPolicy } from '../http/service-url';
import type { MigrationGroup } from '../domain/migration-group';
import type { DirectorySnapshot } from '../domain/snapshot';
import type { Directory } from '../directory/port';
import { InputError } from '../domain/errors';
import { systemClock, type Clock } from '../time/clock';
import { formatIn, formatLocal, isTimeOfDay, isTimeZone, localDate, nextOccurrence } from '../time/daily-schedule';
import type { StateStore, StoredReference, Subscriber, Subscription } from '../store/state';
import { compactScan, scanId, type CompactScan } from './compact';
import { buildSummary, type FleetSummary } from './model';

export interface SummaryDefaults {
  /** "HH:MM" */
  time: string;
  /** IANA zone */
  timeZone: string;
}

/** The conversation a command came from: its reference (TurnContext.getConversationReference) and who asked. */
export interface ConversationTarget {
  reference: {
    channelId?: string;
    serviceUrl?: string;
    conversation?: { id: string; conversationType?: string; tenantId?: string; isGroup?: boolean; name?: string };
    bot?: { id: string; name?: string };
    user?: { id: string; name?: string; aadObjectId?: string };
    locale?: string;
  };
  by?: string;
  /** Who asked, as the turn's access check knew them: a subscription keeps it to re-check before each post. */
  subscriber?: Subscriber;
}

/** One fleet scan, shared by every summary made from it. */
export interface FleetScan {
  snapshot: DirectorySnapshot;
  report: FleetReport;
  compact: CompactScan;
  id: string;
  directory: string;
  takenAt?: string;
}

export interface SubscriptionInfo {
  subscription: Subscription;
  /** The next post (ms since epoch). */
  next: number;
}

export interface SummaryServiceDeps {
  store: StateStore;
  directory: Directory;
  migrationGroup: MigrationGroup;
  defaults: SummaryDefaults;
  clock?: Clock;
  /** Where posts may go; a conversation whose service URL it refuses cannot subscribe. Absent: any (tests). */
  serviceUrls?: ServiceUrlPolicy;
  /** Subscriptions one tenant may hold (default 50). */
  maxSubscriptionsPerTenant?: number;
}

/** The tenant a subscription belongs to, for the per-tenant bound ('' when none is known: local mode). */
export function tenantOf(sub: Pick<Subscription, 'subscriber' | 'reference'>): string {
  return (sub.subscriber?.tenantId ?? sub.reference.conversation.tenantId ?? '').toLowerCase();
}

/** A Teams channel thread ("19:…@thread.tacv2;messageid=123") posts to and subscribes its channel. */
export function channelOf(conversationId: string): string {
  return conversationId.replace(/;messageid=\d+$/i, '');
}

/** The stored form of a reference: no activity id (a post starts a new message), the channel rather than the thread. */
export function storedReference(ref: ConversationTarget['reference']): StoredReference {
  if (!ref.channelId || !ref.serviceUrl || !ref.conversation?.id) {
    throw new InputError('This conversation cannot get posts from me (its address is incomplete).', 'Subscribe from a Teams channel, group chat or personal chat.');
  }
  const c = ref.conversation;
  const pick = <T extends object>(o: T | undefined, keys: Array<keyof T>) =>
    o ? (Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])) as T) : undefined;
  const out: StoredReference = {
    channelId: ref.channelId,
    serviceUrl: ref.serviceUrl,
    conversation: { ...pick(c, ['conversationType', 'tenantId', 'isGroup', 'name']), id: channelOf(c.id) },
  };
  if (ref.bot?.id) out.bot = pick(ref.bot, ['id', 'name'])!;
  if (ref.user?.id) out.user = pick(ref.user, ['id', 'name', 'aadObjectId'])!;
  if (ref.locale) out.locale = ref.locale;
  return out;
}

/** The subscriber's identity as stored: only what the access check can use again. */
function subscriberOf(target: ConversationTarget): Subscriber | undefined {
  const s = target.subscriber;
  if (!s) return undefined;
  const out: Subscriber = {};
  if (s.tenantId) out.tenantId = s.tenantId;
  if (s.aadObjectId) out.aadObjectId = s.aadObjectId;
  if (s.upn) out.upn = s.upn;
  return Object.keys(out).length > 0 ? out : undefined;
}

export function conversationKey(ref: ConversationTarget['reference']): string {
  return `${ref.channelId ?? 'unknown'}:${channelOf(ref.conversation?.id ?? '')}`;
}

/** The next post of a subscription: the first occurrence after now (and after it was set) on a day not yet posted. */
export function nextPost(sub: Pick<Subscription, 'time' | 'timeZone' | 'since' | 'lastPostedDate'>, now: number): number {
  let next = nextOccurrence(sub, Math.max(now, Date.parse(sub.since)));
  if (localDate(next, sub.timeZone) === sub.lastPostedDate) next = nextOccurrence(sub, next);
  return next;
}

export class SummaryService {
  readonly clock: Clock;
  constructor(private readonly deps: SummaryServiceDeps) {
    this.clock = deps.clock ?? systemClock;
  }

  get store(): StateStore {
    return this.deps.store;
  }

  get defaults(): SummaryDefaults {
    return this.deps.defaults;
  }

  describeDirectory(): string {
    return this.deps.directory.describe().label;
  }

  /**
   * One snapshot and one fleet check. `fresh` (scheduled posts) bypasses the directory cache when it can;
   * on-demand summaries use the cached snapshot, like every other chat answer.
   */
  async scan(options: { fresh?: boolean } = { fresh: true }): Promise<FleetScan> {
    const directory = this.deps.directory as Directory & { refresh?: () => Promise<DirectorySnapshot> };
    const snapshot = options.fresh && typeof directory.refresh === 'function' ? await directory.refresh() : await directory.snapshot();
    const report = cachedFleetReport(snapshot, this.deps.migrationGroup);
    const label = this.describeDirectory();
    const takenAt = snapshot.data.source.takenAt;
    const compact = compactScan(report, { directory: label, takenAt });
    return { snapshot, report, compact, id: scanId(compact), directory: label, takenAt };
  }

  /** The summary of `scan` for one conversation: diffed against its last summary (none: no "what changed"). */
  async summarize(scan: FleetScan, key?: string): Promise<FleetSummary> {
    const baseline = key ? (await this.deps.store.read()).baselines[key] : undefined;
    const previous = baseline ? await this.deps.store.loadScan(baseline.scanId) : undefined;
    return buildSummary({ report: scan.report, snapshot: scan.snapshot, directory: scan.directory, takenAt: scan.takenAt, previous, current: scan.compact }).summary;
  }

  /** Makes `scan` the conversation's last summary (what the next one is compared with). */
  async recordBaseline(key: string, scan: FleetScan): Promise<void> {
    await this.deps.store.saveScan(scan.id, scan.compact);
    const at = new Date(this.clock.now()).toISOString();
    await this.deps.store.update((s) => {
      s.baselines[key] = { scanId: scan.id, at };
    });
  }

  /** `/kcd summary`: a fresh scan, diffed against this conversation's last summary, which it then replaces. */
  async summaryNow(target?: ConversationTarget): Promise<{ summary: FleetSummary; scan: FleetScan; subscription?: Subscription }> {
    const scan = await this.scan({ fresh: false });
    const key = target ? conversationKey(target.reference) : undefined;
    const summary = await this.summarize(scan, key);
    let subscription: Subscription | undefined;
    if (key) {
      await this.recordBaseline(key, scan);
      const at = new Date(this.clock.now()).toISOString();
      subscription = await this.deps.store.update((s) => {
        const sub = s.subscriptions.find((x) => x.key === key);
        s.posts.push({ at, key, ...(sub ? { subscriptionId: sub.id } : {}), trigger: 'on-demand', status: 'posted' });
        return sub;
      });
    }
    return { summary, scan, subscription };
  }

  async subscription(target: ConversationTarget): Promise<SubscriptionInfo | undefined> {
    const key = conversationKey(target.reference);
    const sub = (await this.deps.store.read()).subscriptions.find((s) => s.key === key);
    return sub ? { subscription: sub, next: nextPost(sub, this.clock.now()) } : undefined;
  }

  /** Creates or changes this conversation's subscription. Unspecified parts: the current ones, else the defaults. */
  async subscribe(
    target: ConversationTarget,
    wanted: { time?: string; timeZone?: string } = {},
  ): Promise<SubscriptionInfo & { change: 'created' | 'updated' | 'unchanged' }> {
    if (wanted.time !== undefined && !isTimeOfDay(wanted.time)) {
      throw new InputError(`"${wanted.time}" is not a time of day.`, 'Give the time as HH:MM on a 24-hour clock, e.g. /kcd subscribe 07:30 Europe/Berlin.');
    }
    if (wanted.timeZone !== undefined && !isTimeZone(wanted.timeZone)) {
      throw new InputError(`"${wanted.timeZone}" is not a time zone I know.`, 'Give an IANA time zone such as Europe/Berlin, America/New_York or UTC.');
    }
    const reference = storedReference(target.reference);
    const refused = this.deps.serviceUrls?.problem(reference.serviceUrl);
    if (refused) {
      throw new InputError(
        `I cannot post to this conversation: its service URL is not allowed (${refused}).`,
        'Subscribe from Microsoft Teams; in local mode, from the Agents Playground or the Emulator on this machine.',
      );
    }
    const key = conversationKey(target.reference);
    const subscriber = subscriberOf(target);
    const limit = this.deps.maxSubscriptionsPerTenant ?? 50;
    const now = new Date(this.clock.now()).toISOString();
    const result = await this.deps.store.update((s) => {
      const existing = s.subscriptions.find((x) => x.key === key);
      if (!existing) {
        const tenant = tenantOf({ subscriber, reference });
        const held = s.subscriptions.filter((x) => tenantOf(x) === tenant).length;
        if (held >= limit) {
          throw new InputError(
            `Your organisation already has ${held} daily summary subscriptions, the most this bot takes (KCD_MAX_SUBSCRIPTIONS_PER_TENANT=${limit}).`,
            'Unsubscribe a conversation that no longer needs it ("/kcd unsubscribe" there), or ask the bot\'s administrator to raise the limit. "/kcd summary" works meanwhile.',
          );
        }
      }
      if (existing) {
        if (subscriber) existing.subscriber = subscriber;
        const time = wanted.time ?? existing.time;
        const timeZone = wanted.timeZone ?? existing.timeZone;
        existing.reference = reference;
        if (time === existing.time && timeZone === existing.timeZone) return { subscription: existing, change: 'unchanged' as const };
        Object.assign(existing, { time, timeZone, since: now });
        delete existing.failures;
        return { subscription: existing, change: 'updated' as const };
      }
      const subscription: Subscription = {
        id: randomUUID(),
        key,
        reference,
        ...(reference.conversation.conversationType ? { conversationType: reference.conversation.conversationType } : {}),
        time: wanted.time ?? this.deps.defaults.time,
        timeZone: wanted.timeZone ?? this.deps.defaults.timeZone,
        createdAt: now,
        since: now,
        ...(target.by ? { by: target.by } : {}),
        ...(subscriber ? { subscriber } : {}),
      };
      s.subscriptions.push(subscription);
      return { subscription, change: 'created' as const };
    });
    return { ...result, next: nextPost(result.subscription, this.clock.now()) };
  }

  /** Removes this conversation's subscription (and its baseline); undefined when there was none. */
  async unsubscribe(
    target: ConversationTarget | { key: string },
    why: { trigger: 'schedule' | 'on-demand'; detail: string } = { trigger: 'on-demand', detail: 'unsubscribed' },
  ): Promise<Subscription | undefined> {
    const key = 'key' in target ? target.key : conversationKey(target.reference);
    const at = new Date(this.clock.now()).toISOString();
    return this.deps.store.update((s) => {
      const index = s.subscriptions.findIndex((x) => x.key === key);
      if (index === -1) return undefined;
      const [sub] = s.subscriptions.splice(index, 1);
      delete s.baselines[key];
      s.posts.push({ at, key, subscriptionId: sub!.id, trigger: why.trigger, status: 'removed', detail: why.detail });
      return sub;
    });
  }

  /** The subscription as a card shows it, in its own zone. */
  view(info: SubscriptionInfo): { time: string; timeZone: string; next: string; nextIn: string; lastPosted?: string } {
    const s = info.subscription;
    return {
      time: s.time,
      timeZone: s.timeZone,
      next: formatLocal(info.next, s.timeZone),
      nextIn: formatIn(info.next - this.clock.now()),
      ...(s.lastPostedAt ? { lastPosted: formatLocal(Date.parse(s.lastPostedAt), s.timeZone) } : {}),
    };
  }
}
