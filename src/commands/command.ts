/**
 * What a command is: one entry (src/commands/entries/<id>.ts) that declares its words, arguments and
 * examples (help, the manifest's commandLists and the parser's grammar come from them), the intents it
 * answers, the request a parsed message makes, and the handler that answers it. Adding a command is one
 * entry in the registry plus its tests (hubot's command bus is the model).
 *
 * Handlers see a CommandContext, not the Bot Framework SDK: the answerer (src/bot/answerer.ts) builds it.
 */
import type { AuditRecord, PlanQuestion } from '../apply/types';
import type { MigrationGroup } from '../domain/migration-group';
import type { User } from '../domain/model';
import type { DirectorySnapshot } from '../domain/snapshot';
import type { AdaptiveCard, CardContext } from '../render/cards/types';
import type { ConversationTarget, SummaryService } from '../summary/service';
import type { ParsedFields } from './parsed-fields';

/**
 * What an argument is, which tells the parser how to read it:
 * - `host`: a computer name (positional);
 * - `flag`: one of `words` (e.g. `storage`, `--storage`), which sets the boolean `field` of the parsed command;
 * - `keyword-host`: `keyword` followed by a computer name, repeatable (`via fhost1`);
 * - `topic`: the rest of the text, mapped to an explain topic;
 * - `time`: a time of day (`7`, `07:30`, `7pm`);
 * - `time-zone`: an IANA zone (`Europe/Berlin`);
 * - `text`: the rest of the message, as written (a pasted error);
 * - `count`: a number (`/kcd audit 20`), kept as typed so the handler can refuse what is not one.
 */
export type ArgumentKind = 'host' | 'flag' | 'keyword-host' | 'topic' | 'time' | 'time-zone' | 'text' | 'count';

/** The booleans of a parsed command a flag argument can set. */
export type FlagField = 'storage' | 'fresh';

export interface CommandArgument {
  name: string;
  required: boolean;
  description: string;
  kind: ArgumentKind;
  /** For `keyword-host`: the word that introduces the value. */
  keyword?: string;
  /** For `flag`: the parsed command's boolean it sets, and the words (lower case, dashes dropped) that set it. */
  field?: FlagField;
  words?: readonly string[];
  /** Shown in the single-host usage line too (it applies to every form of the command). */
  everyForm?: boolean;
  repeatable?: boolean;
}

export interface CommandOption {
  /** As typed, e.g. "as me". */
  name: string;
  description: string;
}

/** Who is asking, as Teams tells it: used when a question is about "me". */
export interface Asker {
  /** The sender's UPN from Teams, if it could be looked up. */
  upn?: string;
  /** Why it could not be looked up. */
  problem?: string;
}

export interface AnswerOptions {
  /**
   * Read the directory now rather than answer from the cache: the cards' Re-check and Scan again buttons,
   * and a typed `fresh` ("/kcd check gogo-3 fresh", "scan --fresh", "re-read AD"). The card says so.
   */
  fresh?: boolean;
  /** Say on a not-ready card that a fix was requested from it (and offer no second request). */
  fixNote?: string;
}

export interface Answer {
  card: AdaptiveCard;
  /** One line for logs and notifications. */
  summary: string;
  /** A check's verdict (check answers only): the approval card repeats it after a fix is written. */
  ready?: boolean;
}

/** What a handler may use; the answerer provides it for one request. */
export interface CommandContext {
  options: AnswerOptions;
  migrationGroup: MigrationGroup;
  /** The directory snapshot (read now when options.fresh). */
  snapshot(): Promise<DirectorySnapshot>;
  directoryLabel(): string;
  /** The footer facts of a card: source, age, freshness or staleness. */
  cardContext(snapshot?: DirectorySnapshot, extra?: Partial<CardContext>): CardContext;
  /** Structured help for the help and welcome cards. */
  helpCard(): AdaptiveCard;
  /** The sender's own AD account, for "can I migrate…"; the card says why when it was not checked. */
  askerAccount(): Promise<{ user?: User; asker: NonNullable<CardContext['asker']> }>;
  /** Subscriptions and diffed summaries (absent when the bot runs without its state store). */
  summaries?: SummaryService;
  /** The conversation the request came from (absent for card actions that update in place). */
  conversation?: ConversationTarget;
  /** The signed token of a "Request fix" button for a not-ready answer; undefined when applying is off or the asker may not request. */
  fixRequest?: (question: PlanQuestion) => Promise<string | undefined>;
  /** A line about a fix requested from this card (the card then offers no second request). */
  fixNote?: string;
  /** The audit log of applied fixes, for those allowed to read it (absent: applying is off). */
  audit?: { mayRead(): Promise<boolean>; last(n: number): Promise<AuditRecord[]> };
}

export interface CommandDefinition<R extends { kcd: string } = { kcd: string }, I extends string = string> {
  id: R['kcd'];
  /** Other first words that select this command (case-insensitive). */
  aliases: readonly string[];
  arguments: readonly CommandArgument[];
  options?: readonly CommandOption[];
  /** One line; also the manifest description (Teams: at most 128 characters). */
  description: string;
  examples: readonly string[];
  /** The intents the command answers; the first is what its slash form produces. */
  intents: readonly I[];
  /** When only the first (host) argument is given, this intent instead (check <host> → check_host). */
  singleHostIntent?: I;
  /** Words that may appear among the arguments without meaning anything ("check gogo-3 to gogo-4 please"). */
  fillers?: readonly string[];
  /** Answering takes a moment (a fleet or a directory read): the chat shows "typing" first. */
  slow?: boolean;
  /**
   * False when the intent classifier does not learn this command from the corpus: it is reached by its slash
   * form or by a rule (a pasted error is recognised by its codes and wording).
   */
  classified?: boolean;
  /** The request a parsed message makes, or undefined when a name is missing (a dialog asks for it). */
  request(parsed: ParsedFields): R | undefined;
  /** Answers the request; failures are thrown as typed errors and become error cards. */
  handle(request: R, ctx: CommandContext): Promise<Answer>;
}

/** Declares a command, keeping its request type and intent names for the registry's derived types. */
export function defineCommand<R extends { kcd: string }, const I extends string>(definition: CommandDefinition<R, I>): CommandDefinition<R, I> {
  return definition;
}

/** Words any command tolerates between its arguments. */
export const COMMON_FILLERS: readonly string[] = ['please', 'pls', 'plz', 'thanks', 'thx', 'now', 'kcd', 'bot'];

/** Words the subscription commands tolerate ("send me the daily report here"). */
export const SUBSCRIPTION_FILLERS: readonly string[] = [
  'me', 'us', 'my', 'our', 'this', 'the', 'channel', 'chat', 'team', 'daily', 'report', 'reports', 'summary', 'digest', 'to', 'from', 'for', 'of', 'all',
];

/**
 * `fresh`: read AD now instead of answering from the cache (after a fix, or a host just joined). "now" is
 * deliberately not one of its words: it is common filler ("check gogo-3 now please"); longer phrasings
 * ("re-read AD", "bypass the cache") are recognised by the parser (FRESH_PHRASE).
 */
export const FRESH_FLAG: CommandArgument = {
  name: 'fresh',
  required: false,
  kind: 'flag',
  field: 'fresh',
  everyForm: true,
  words: ['fresh', 'afresh', 'uncached', 'no-cache', 'nocache'],
  description: 'read AD now instead of answering from the cache (e.g. right after a fix; also --fresh, "bypass the cache")',
};
