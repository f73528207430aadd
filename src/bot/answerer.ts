/**
 * What the bot answers, independent of the Bot Framework SDK (which is archived and may be swapped for the
 * Teams/Agents SDK): a request in, an Adaptive Card out. The Teams handler only moves activities.
 */
import type { Answer, AnswerOptions, Asker, CommandContext } from '../commands/command';
import { commandFor, commandForIntent, helpEntries, type Request } from '../commands/registry';
import { fromSnapshot } from '../commands/host-vocabulary';
import { parseCommand } from '../commands/parser';
import { looksLikePaste } from '../diagnose/extract';
import type { ParsedCommand } from '../commands/types';
import type { Config } from '../config';
import { DirectoryUnavailableError } from '../domain/errors';
import type { User } from '../domain/model';
import type { DirectorySnapshot } from '../domain/snapshot';
import type { HostVocabulary } from '../commands/host-vocabulary';
import type { Directory } from '../directory/port';
import type { ConversationTarget, SummaryService } from '../summary/service';
import { errorCard, helpCard, welcomeCard, type AdaptiveCard, type CardContext, type CheckHostData, type CheckPairData } from '../render/cards';

export type { Answer, AnswerOptions, Asker, Request };

export interface AnswererDeps {
  directory: Directory & { readAt?: number; staleness?: () => { ageMs: number; reason: string } | undefined };
  config: Config;
  /** Resolves the sender's own account when a question is about "me" (Teams: TeamsInfo.getMember). */
  lookupAsker?: () => Promise<Asker>;
  /** Subscriptions and diffed summaries; without it, /kcd summary has no "what changed" and subscribing is refused. */
  summaries?: SummaryService;
  /** The "Request fix" token for a question (applying fixes is on and the asker may request). */
  fixRequest?: CommandContext['fixRequest'];
  /** The audit log, for /kcd audit. */
  audit?: CommandContext['audit'];
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
    // A pasted failure keeps its lines (the parser flattens whitespace): "/kcd diagnose <paste>" or the paste alone.
    if (parsed.intent === 'diagnose') return { ...parsed, paste: text.replace(/^\s*\/?\s*(?:kcd\s+)?\S+\s*/i, '') };
    if (parsed.via === 'natural' && looksLikePaste(text)) return { ...parsed, intent: 'diagnose', paste: text };
    if (!parsed.fresh || parsed.unresolved.length === 0) return parsed;
    return parseCommand(text, await this.vocabulary(await this.snapshot({ fresh: true })));
  }

  /** The request a parsed command asks for, when nothing is missing; undefined when a dialog must ask. */
  static requestOf(parsed: ParsedCommand): Request | undefined {
    const command = commandForIntent(parsed.intent);
    return command ? (command.request(parsed) as Request | undefined) : { kcd: 'help' };
  }

  /** Whether answering `request` takes a moment (the chat shows "typing" first). */
  static isSlow(request: Request): boolean {
    return commandFor(request).slow === true;
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
    return commandFor(request).handle(request, this.commandContext(conversation, options));
  }

  private commandContext(conversation: ConversationTarget | undefined, options: AnswerOptions): CommandContext {
    return {
      options,
      migrationGroup: this.deps.config.migrationGroup,
      snapshot: () => this.snapshot(options),
      directoryLabel: () => this.deps.directory.describe().label,
      cardContext: (snapshot, extra) => this.context(snapshot, extra),
      helpCard: () => this.help(),
      askerAccount: () => this.askerAccount(),
      ...(this.deps.summaries ? { summaries: this.deps.summaries } : {}),
      ...(conversation ? { conversation } : {}),
      ...(this.deps.fixRequest ? { fixRequest: this.deps.fixRequest } : {}),
      ...(options.fixNote ? { fixNote: options.fixNote } : {}),
      ...(this.deps.audit ? { audit: this.deps.audit } : {}),
    };
  }

  /** The sender's own AD account, checked like `--as`; when it cannot be found the card says so. */
  private async askerAccount(): Promise<{ user?: User; asker: NonNullable<CardContext['asker']> }> {
    const who = this.deps.lookupAsker ? await this.deps.lookupAsker().catch((e: unknown): Asker => ({ problem: String(e) })) : { problem: 'not in Teams' };
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

