/**
 * What the bot answers, independent of the Bot Framework SDK (which is archived and may be swapped for the
 * Teams/Agents SDK): a request in, an Adaptive Card out. The Teams handler only moves activities.
 */
import { checkHost, checkPair } from '../checker';
import { cachedFleetReport } from '../fleet-report-cache';
import { helpEntries } from '../commands/registry';
import { fromSnapshot } from '../commands/host-vocabulary';
import { parseCommand } from '../commands/parser';
import type { ParsedCommand } from '../commands/types';
import type { Config } from '../config';
import { DirectoryUnavailableError, InputError } from '../domain/errors';
import type { User } from '../domain/model';
import { resolveHost } from '../domain/names';
import type { DirectorySnapshot } from '../domain/snapshot';
import type { HostVocabulary } from '../commands/host-vocabulary';
import type { Directory } from '../directory/port';
import { buildSummary } from '../summary/model';
import type { ConversationTarget, SummaryService } from '../summary/service';
import {
  errorCard,
  explainCard,
  helpCard,
  hostCard,
  pairCard,
  scanCard,
  subscribedCard,
  subscriptionsCard,
  summaryCard,
  unsubscribedCard,
  welcomeCard,
  type AdaptiveCard,
  type CardContext,
  type CheckHostData,
  type CheckPairData,
} from '../render/cards';

/** Who is asking, as Teams tells it: used when a question is about "me". */
export interface Asker {
  /** The sender's UPN (or e-mail) from Teams, if it could be looked up. */
  upn?: string;
  /** Why it could not be looked up. */
  problem?: string;
}

/** A question the bot can answer directly (every name already given). */
export type Request =
  | (CheckPairData & { asker?: boolean })
  | CheckHostData
  | { kcd: 'scan' }
  | { kcd: 'explain'; topic: string }
  | { kcd: 'help' }
  | { kcd: 'summary' }
  | { kcd: 'subscribe'; time?: string; timeZone?: string }
  | { kcd: 'unsubscribe' }
  | { kcd: 'subscriptions' };

export interface AnswerOptions {
  /**
   * Read the directory now rather than answer from the cache: the cards' Re-check and Scan again buttons,
   * and a typed `fresh` ("/kcd check gogo-3 fresh", "scan --fresh", "re-read AD"). The card says so.
   */
  fresh?: boolean;
}

export interface Answer {
  card: AdaptiveCard;
  /** One line for logs and notifications. */
  summary: string;
}

export interface AnswererDeps {
  directory: Directory & { readAt?: number; staleness?: () => { ageMs: number; reason: string } | undefined };
  config: Config;
  /** Resolves the sender's own account when a question is about "me" (Teams: TeamsInfo.getMember). */
  lookupAsker?: () => Promise<Asker>;
  /** Subscriptions and diffed summaries; without it, /kcd summary has no "what changed" and subscribing is refused. */
  summaries?: SummaryService;
}

const vocabularies = new WeakMap<DirectorySnapshot, HostVocabulary>();

export class Answerer {
  constructor(private readonly deps: AnswererDeps) {}

  private context(snapshot?: DirectorySnapshot, extra: Partial<CardContext> = {}): CardContext {
    // An answer from a snapshot the directory could not refresh says so, with its age; a fresh read that
    // failed is such an answer too, so it is never labelled as read just now.
    const stale = snapshot ? this.deps.directory.staleness?.() : undefined;
    const { fresh, ...rest } = extra;
    return {
      directoryLabel: this.deps.directory.describe().label,
      takenAt: snapshot?.data.source.takenAt,
      ...(stale ? { stale: { ageMinutes: stale.ageMs / 60_000, reason: stale.reason } } : fresh ? { fresh: true } : {}),
      ...rest,
    };
  }

  async snapshot(options: AnswerOptions = {}): Promise<DirectorySnapshot> {
    return options.fresh ? this.deps.directory.snapshot({ fresh: true }) : this.deps.directory.snapshot();
  }

  /** The host names of the current directory, for the parser (built once per snapshot). */
  async vocabulary(snapshot?: DirectorySnapshot): Promise<HostVocabulary> {
    const snap = snapshot ?? (await this.snapshot());
    let vocabulary = vocabularies.get(snap);
    if (!vocabulary) vocabularies.set(snap, (vocabulary = fromSnapshot(snap)));
    return vocabulary;
  }

  /**
   * Parses against the cached directory's host names. A fresh question naming a host the cache does not
   * know (it may have joined since) is parsed again against AD as it is now.
   */
  async parse(text: string): Promise<ParsedCommand> {
    const parsed = parseCommand(text, await this.vocabulary());
    if (!parsed.fresh || parsed.unresolved.length === 0) return parsed;
    return parseCommand(text, await this.vocabulary(await this.snapshot({ fresh: true })));
  }

  /** The request a parsed command asks for, when nothing is missing; undefined when a dialog must ask. */
  static requestOf(parsed: ParsedCommand): Request | undefined {
    switch (parsed.intent) {
      case 'check_pair':
        if (!parsed.source || !parsed.destination || parsed.unresolved.length > 0) return undefined;
        return {
          kcd: 'check',
          source: parsed.source,
          destination: parsed.destination,
          storage: parsed.storage,
          fileServers: parsed.fileServers,
          asker: parsed.asker,
        };
      case 'check_host':
        if (!parsed.host || parsed.unresolved.length > 0) return undefined;
        return { kcd: 'check', host: parsed.host };
      case 'scan':
        return { kcd: 'scan' };
      case 'summary':
        return { kcd: 'summary' };
      case 'subscribe':
        return { kcd: 'subscribe', ...(parsed.time ? { time: parsed.time } : {}), ...(parsed.timeZone ? { timeZone: parsed.timeZone } : {}) };
      case 'unsubscribe':
        return { kcd: 'unsubscribe' };
      case 'subscriptions':
        return { kcd: 'subscriptions' };
      case 'explain':
        return { kcd: 'explain', topic: parsed.topic ?? '' };
      default:
        return { kcd: 'help' };
    }
  }

  welcome(): AdaptiveCard {
    return welcomeCard(helpEntries(), this.context());
  }

  help(): AdaptiveCard {
    return helpCard(helpEntries(), this.context());
  }

  error(error: unknown, correlationId?: string, question?: CheckPairData | CheckHostData): AdaptiveCard {
    return errorCard(error, this.context(undefined, { correlationId }), question);
  }

  /**
   * Answers a complete request. Never throws: failures become error cards. `conversation` is where the
   * request came from (subscriptions and summaries belong to a conversation).
   */
  async answer(request: Request, correlationId?: string, conversation?: ConversationTarget, options: AnswerOptions = {}): Promise<Answer> {
    try {
      return await this.answerOrThrow(request, conversation, options);
    } catch (error) {
      const question = request.kcd === 'check' ? stripAsker(request) : undefined;
      return { card: this.error(error, correlationId, question), summary: `error: ${error instanceof Error ? error.name : 'unknown'}` };
    }
  }

  private async answerOrThrow(request: Request, conversation: ConversationTarget | undefined, options: AnswerOptions): Promise<Answer> {
    switch (request.kcd) {
      case 'summary':
      case 'subscribe':
      case 'unsubscribe':
      case 'subscriptions':
        return this.subscriptionAnswer(request, conversation);
      case 'help':
        return { card: this.help(), summary: 'help' };
      case 'explain':
        return { card: explainCard(request.topic, this.context()), summary: `explain ${request.topic}` };
      case 'scan': {
        const snapshot = await this.snapshot(options);
        const report = cachedFleetReport(snapshot, this.deps.config.migrationGroup);
        return { card: scanCard(report, this.context(snapshot, { fresh: options.fresh })), summary: `scan: ${report.totals.hostsWithErrors}/${report.totals.hosts} hosts with errors` };
      }
      case 'check': {
        const snapshot = await this.snapshot(options);
        if ('host' in request) {
          const report = checkHost(snapshot, resolveHost(snapshot, request.host), { group: this.deps.config.migrationGroup });
          return { card: hostCard(report, this.context(snapshot, { fresh: options.fresh })), summary: `host ${report.host.name}: ${report.ready ? 'ready' : 'not ready'}` };
        }
        const source = resolveHost(snapshot, request.source);
        const dest = resolveHost(snapshot, request.destination);
        const fileServers = request.fileServers.map((f) => resolveHost(snapshot, f));
        const { user, asker } = request.asker ? await this.askerAccount() : { user: undefined, asker: undefined };
        const report = checkPair(snapshot, source, dest, { storage: request.storage, fileServers, user });
        return {
          card: pairCard(report, this.context(snapshot, { asker, fresh: options.fresh })),
          summary: `check ${source.name} → ${dest.name}: ${report.ready ? 'ready' : 'not ready'}`,
        };
      }
    }
  }

  private async subscriptionAnswer(request: Extract<Request, { kcd: 'summary' | 'subscribe' | 'unsubscribe' | 'subscriptions' }>, conversation?: ConversationTarget): Promise<Answer> {
    const summaries = this.deps.summaries;
    if (request.kcd === 'summary') {
      if (!summaries) {
        const snapshot = await this.snapshot();
        const report = cachedFleetReport(snapshot, this.deps.config.migrationGroup);
        const { summary } = buildSummary({ report, snapshot, directory: this.deps.directory.describe().label, takenAt: snapshot.data.source.takenAt });
        return { card: summaryCard(summary, this.context(snapshot)), summary: `summary: ${report.totals.hostsWithErrors}/${report.totals.hosts} hosts with errors` };
      }
      const { summary, scan, subscription } = await summaries.summaryNow(conversation);
      const note = subscription ? `This chat also gets it daily at ${subscription.time} (${subscription.timeZone})` : undefined;
      const card = summaryCard(summary, { directoryLabel: scan.directory, takenAt: scan.takenAt }, { ...(note ? { note } : {}) });
      return { card, summary: `summary: ${summary.totals.hostsWithErrors}/${summary.totals.hosts} hosts with errors` };
    }
    if (!summaries || !conversation) {
      throw new InputError(
        'Daily summaries are not available here: this bot runs without its state store.',
        'Ask your admin to run the bot with KCD_STATE_DIR set (see docs/daily-summary.md); "/kcd summary" works meanwhile.',
      );
    }
    const ctx = this.context();
    switch (request.kcd) {
      case 'subscribe': {
        const info = await summaries.subscribe(conversation, { time: request.time, timeZone: request.timeZone });
        const s = info.subscription;
        return { card: subscribedCard(summaries.view(info), ctx, info.change), summary: `subscribe ${s.time} ${s.timeZone}: ${info.change}` };
      }
      case 'unsubscribe': {
        const removed = await summaries.unsubscribe(conversation, { trigger: 'on-demand', detail: `unsubscribed${conversation.by ? ` by ${conversation.by}` : ''}` });
        return { card: unsubscribedCard(removed, ctx), summary: removed ? 'unsubscribed' : 'unsubscribe: none' };
      }
      case 'subscriptions': {
        const info = await summaries.subscription(conversation);
        return { card: subscriptionsCard(info ? summaries.view(info) : undefined, ctx), summary: `subscriptions: ${info ? 1 : 0}` };
      }
    }
  }

  /** The sender's own AD account, checked like `--as`; when it cannot be found the card says so. */
  private async askerAccount(): Promise<{ user?: User; asker: NonNullable<CardContext['asker']> }> {
    const who = this.deps.lookupAsker ? await this.deps.lookupAsker().catch((e: unknown) => ({ problem: String(e) }) as Asker) : { problem: 'not in Teams' };
    if (!who.upn) return { asker: { checked: false, note: `Your account was not checked: ${who.problem ?? 'Teams did not tell me who you are'}.` } };
    let user: User | undefined;
    try {
      user = await this.deps.directory.findUser(who.upn);
    } catch (error) {
      if (!(error instanceof DirectoryUnavailableError)) throw error;
      return { asker: { checked: false, name: who.upn, note: `Your account ${who.upn} was not checked: AD could not be read (${error.reason}).` } };
    }
    if (!user) return { asker: { checked: false, name: who.upn, note: `Your account ${who.upn} was not found in AD, so it was not checked.` } };
    return { user, asker: { checked: true, name: who.upn } };
  }
}

function stripAsker(request: Request & { kcd: 'check' }): CheckPairData | CheckHostData {
  if ('host' in request) return { kcd: 'check', host: request.host };
  const { asker: _asker, ...rest } = request as CheckPairData & { asker?: boolean };
  return rest;
}

