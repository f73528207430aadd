/**
 * What the bot answers, independent of the Bot Framework SDK (which is archived and may be swapped for the
 * Teams/Agents SDK): a request in, an Adaptive Card out. The Teams handler only moves activities.
 */
import { checkFleet, checkHost, checkPair } from '../checker';
import { helpEntries } from '../commands/registry';
import { fromSnapshot } from '../commands/host-vocabulary';
import { parseCommand } from '../commands/parser';
import type { ParsedCommand } from '../commands/types';
import type { Config } from '../config';
import { InputError } from '../domain/errors';
import type { User } from '../domain/model';
import { resolveHost } from '../domain/names';
import type { DirectorySnapshot } from '../domain/snapshot';
import type { HostVocabulary } from '../commands/host-vocabulary';
import type { Directory } from '../directory/port';
import {
  errorCard,
  explainCard,
  helpCard,
  hostCard,
  pairCard,
  scanCard,
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
  | { kcd: 'help' };

export interface Answer {
  card: AdaptiveCard;
  /** One line for logs and notifications. */
  summary: string;
}

export interface AnswererDeps {
  directory: Directory & { readAt?: number };
  config: Config;
  /** Resolves the sender's own account when a question is about "me" (Teams: TeamsInfo.getMember). */
  lookupAsker?: () => Promise<Asker>;
}

const vocabularies = new WeakMap<DirectorySnapshot, HostVocabulary>();

export class Answerer {
  constructor(private readonly deps: AnswererDeps) {}

  private context(snapshot?: DirectorySnapshot, extra: Partial<CardContext> = {}): CardContext {
    return {
      directoryLabel: this.deps.directory.describe().label,
      takenAt: snapshot?.data.source.takenAt,
      ...extra,
    };
  }

  async snapshot(): Promise<DirectorySnapshot> {
    return this.deps.directory.snapshot();
  }

  /** The host names of the current directory, for the parser (built once per snapshot). */
  async vocabulary(snapshot?: DirectorySnapshot): Promise<HostVocabulary> {
    const snap = snapshot ?? (await this.snapshot());
    let vocabulary = vocabularies.get(snap);
    if (!vocabulary) vocabularies.set(snap, (vocabulary = fromSnapshot(snap)));
    return vocabulary;
  }

  async parse(text: string): Promise<ParsedCommand> {
    return parseCommand(text, await this.vocabulary());
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
      case 'summary':
        return { kcd: 'scan' };
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

  /** Answers a complete request. Never throws: failures become error cards. */
  async answer(request: Request, correlationId?: string): Promise<Answer> {
    try {
      return await this.answerOrThrow(request);
    } catch (error) {
      const question = request.kcd === 'check' ? stripAsker(request) : undefined;
      return { card: this.error(error, correlationId, question), summary: `error: ${error instanceof Error ? error.name : 'unknown'}` };
    }
  }

  private async answerOrThrow(request: Request): Promise<Answer> {
    switch (request.kcd) {
      case 'help':
        return { card: this.help(), summary: 'help' };
      case 'explain':
        return { card: explainCard(request.topic, this.context()), summary: `explain ${request.topic}` };
      case 'scan': {
        const snapshot = await this.snapshot();
        const report = checkFleet(snapshot, { group: this.deps.config.migrationGroup });
        return { card: scanCard(report, this.context(snapshot)), summary: `scan: ${report.totals.hostsWithErrors}/${report.totals.hosts} hosts with errors` };
      }
      case 'check': {
        const snapshot = await this.snapshot();
        if ('host' in request) {
          const report = checkHost(snapshot, resolveHost(snapshot, request.host), { group: this.deps.config.migrationGroup });
          return { card: hostCard(report, this.context(snapshot)), summary: `host ${report.host.name}: ${report.ready ? 'ready' : 'not ready'}` };
        }
        const source = resolveHost(snapshot, request.source);
        const dest = resolveHost(snapshot, request.destination);
        const fileServers = request.fileServers.map((f) => resolveHost(snapshot, f));
        const { user, asker } = request.asker ? await this.askerAccount() : { user: undefined, asker: undefined };
        const report = checkPair(snapshot, source, dest, { storage: request.storage, fileServers, user });
        return {
          card: pairCard(report, this.context(snapshot, { asker })),
          summary: `check ${source.name} → ${dest.name}: ${report.ready ? 'ready' : 'not ready'}`,
        };
      }
    }
  }

  /** The sender's own AD account, checked like `--as`; when it cannot be found the card says so. */
  private async askerAccount(): Promise<{ user?: User; asker: NonNullable<CardContext['asker']> }> {
    const who = this.deps.lookupAsker ? await this.deps.lookupAsker().catch((e: unknown) => ({ problem: String(e) }) as Asker) : { problem: 'not in Teams' };
    if (!who.upn) return { asker: { checked: false, note: `Your account was not checked: ${who.problem ?? 'Teams did not tell me who you are'}.` } };
    const user = await this.deps.directory.findUser(who.upn);
    if (!user) return { asker: { checked: false, name: who.upn, note: `Your account ${who.upn} was not found in AD, so it was not checked.` } };
    return { user, asker: { checked: true, name: who.upn } };
  }
}

function stripAsker(request: Request & { kcd: 'check' }): CheckPairData | CheckHostData {
  if ('host' in request) return { kcd: 'check', host: request.host };
  const { asker: _asker, ...rest } = request as CheckPairData & { asker?: boolean };
  return rest;
}

/** Raised for input the bot refuses before parsing (too long, not text). */
export class MessageRejected extends InputError {}
