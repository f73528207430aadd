/**
 * The Teams handler: thin on purpose (the Bot Framework SDK is archived). It strips mentions, validates
 * card payloads, runs the dialogs for incomplete questions, and sends what the Answerer returns.
 * Every message gets exactly one answer; failures become an error card.
 */
import {
  ActivityTypes,
  BotState,
  CardFactory,
  MessageFactory,
  TeamsActivityHandler,
  TeamsInfo,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type StatePropertyAccessor,
} from 'botbuilder';
import { DialogSet, DialogTurnStatus, type DialogState } from 'botbuilder-dialogs';
import { randomUUID } from 'node:crypto';
import { CHECK_DIALOG, CheckDialog, type CheckDialogOptions } from '../../dialogs/check-dialog';
import type { ParsedCommand } from '../commands/types';
import { InputError, UnknownHostError } from '../domain/errors';
import { hostNameProblem, notAHostName } from '../domain/names';
import type { AdaptiveCard } from '../render/cards';
import { channelOf, type ConversationTarget } from '../summary/service';
import { Answerer, type AnswerOptions, type Asker, type Request } from './answerer';
import { parseCardPayload } from './card-payload';
import { textWithoutBotMentions } from './mentions';
import { looksLikePaste } from '../diagnose/extract';
import { AccessCheck } from './access';
import { callerOf, OPEN_POLICY, type AccessPolicy, type Caller } from './authorization';
import type { GroupMembership } from './group-membership';
import { RateLimiter } from './rate-limit';
import { refusalCard } from './refusal';
import { createLogger } from '../log';
import { NO_METRICS, type MetricsSink, type TurnOutcome } from '../watch/port';
import type { ApprovalService, MembershipCheck } from '../apply/approvals';
import type { AuditRecord, PlanQuestion } from '../apply/types';
import type { PlanPerson } from '../store/state';
import { ApplyFlow } from './apply-flow';
import type { ApplyPayload } from './card-payload';
import type { CardChannel } from './card-channel';

/** Longer messages are refused before parsing (Teams itself caps messages at about 28 KB of text). */
export const MAX_MESSAGE_CHARS = 4000;
/** A pasted failure (event text, Move-VM output with its position lines) may be longer. */
export const MAX_PASTE_CHARS = 20_000;
// An activity's type is a plain string: compared with these, not with the enum members themselves.
const MESSAGE: string = ActivityTypes.Message;
const INVOKE: string = ActivityTypes.Invoke;

/** What the bot needs of a logger; a pino Logger (src/log.ts) is one. */
export interface BotLogger {
  info(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
  warn?(fields: Record<string, unknown>, message: string): void;
  debug?(fields: Record<string, unknown>, message: string): void;
  /** A logger whose lines carry `bindings` (the turn's correlation id). */
  child?(bindings: Record<string, unknown>): BotLogger;
}

/** The default: the redacting pino logger on stdout. */
export const consoleLogger: BotLogger = createLogger();

/** The turn state key of the turn's correlation id (the adapter's onTurnError logs it too). */
export const CORRELATION_KEY = 'kcd.correlationId';
/** The turn state key of the admitted caller (tenant, object id, UPN when looked up): subscriptions keep it. */
const CALLER_KEY = 'kcd.caller';
/** The turn state key of what the turn was about and how it ended, for the metrics. */
const TURN_KEY = 'kcd.turn';
/** The turn state key of the sender as a plan knows people (with the UPN, looked up once per turn). */
const PERSON_KEY = 'kcd.person';

interface TurnRecord {
  /** The command asked for (check, scan, help…); 'none' until it is known (a refused turn is never parsed). */
  intent: string;
  outcome: TurnOutcome;
}

/** "Slow down" reply to a conversation over its rate limit. */
export function slowDownText(retryAfterMs: number): string {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return `You're asking faster than I can answer well. Please wait ${seconds} second${seconds === 1 ? '' : 's'} and ask again.`;
}

/** What a turn's answerer gets besides the asker lookup (applying fixes, when it is on). */
export interface AnswererExtras {
  fixRequest?: (question: PlanQuestion) => Promise<string | undefined>;
  audit?: { mayRead(): Promise<boolean>; last(n: number): Promise<AuditRecord[]> };
}

export interface KcdBotDeps {
  answerer: (lookupAsker: () => Promise<Asker>, extras?: AnswererExtras) => Answerer;
  /** Dialog state (per conversation and user: a PrivateConversationState). */
  dialogState: BotState;
  logger?: BotLogger;
  /** How the sender's UPN is found; default TeamsInfo.getMember. */
  lookupMember?: (context: TurnContext) => Promise<Asker>;
  /** Who may use the bot (default: everyone). */
  access?: AccessPolicy;
  /** The group allow-list (KCD_ALLOWED_GROUPS), resolved through the directory; absent or empty: no groups. */
  groupMembership?: GroupMembership;
  /** Rate limit per user and channel (default 8 messages per 10 s); false: none (tests). */
  rateLimit?: RateLimiter | false;
  /** Where turns and refusals are reported (default: nowhere). */
  metrics?: MetricsSink;
  /** Applying fixes after a second admin approves (issue 21); absent: no "Request fix". */
  apply?: { approvals: ApprovalService; cards?: CardChannel; approvalConversation?: string; approvers: MembershipCheck };
}

/**
 * The rate limit's key: the sender within the channel. A Teams channel's threads
 * ("19:…@thread.tacv2;messageid=123") share their channel's bucket, so a new thread is not a new allowance.
 */
export function rateKey(activity: Partial<Pick<TurnContext['activity'], 'conversation' | 'from' | 'channelId'>>): string {
  const conversation = channelOf(activity.conversation?.id ?? '(none)');
  const sender = activity.from?.aadObjectId || activity.from?.id || '(unknown)';
  return `${activity.channelId ?? ''}|${conversation}|${sender}`;
}

async function teamsMember(context: TurnContext): Promise<Asker> {
  try {
    const member = await TeamsInfo.getMember(context, context.activity.from.id);
    // Never the e-mail address: it need not be the UPN, and the allow-lists and AD lookups match UPNs.
    const upn = member.userPrincipalName;
    return upn ? { upn } : { problem: 'Teams did not return your user principal name' };
  } catch (error) {
    return { problem: `Teams could not tell me who you are (${error instanceof Error ? error.message : 'unknown error'})` };
  }
}

/** Where a message came from and who sent it, for subscriptions and per-conversation summaries. */
function conversationOf(context: TurnContext): ConversationTarget {
  const by = context.activity.from?.name;
  const caller = ((context.turnState as Map<unknown, unknown>).get(CALLER_KEY) as Caller | undefined) ?? callerOf(context.activity);
  return { reference: TurnContext.getConversationReference(context.activity), ...(by ? { by } : {}), subscriber: { ...caller } };
}

/**
 * "Typing…" before a slow answer helps in a personal or group chat. In a channel it shows nowhere useful, and the
 * Agents Playground drops the typing activity of a channel thread ("Invalid conversation id …;messageid=…")
 * and with it, at times, the answer that follows: a channel gets the answer alone.
 */
export function typingHelps(activity: Pick<TurnContext['activity'], 'conversation'>): boolean {
  return activity.conversation?.conversationType !== 'channel' && !/;messageid=/i.test(activity.conversation?.id ?? '');
}

function cardActivity(card: AdaptiveCard) {
  const activity = MessageFactory.attachment(CardFactory.adaptiveCard(card));
  if (card.fallbackText) activity.summary = card.fallbackText.slice(0, 200);
  return activity;
}

export class KcdBot extends TeamsActivityHandler {
  private readonly dialogs: DialogSet;
  private readonly dialogAccessor: StatePropertyAccessor<DialogState>;
  private readonly logger: BotLogger;
  private readonly rateLimiter?: RateLimiter;
  private readonly access: AccessCheck;
  private readonly metrics: MetricsSink;
  private readonly applyFlow?: ApplyFlow;

  constructor(private readonly deps: KcdBotDeps) {
    super();
    this.logger = deps.logger ?? consoleLogger;
    this.metrics = deps.metrics ?? NO_METRICS;
    if (deps.apply) {
      this.applyFlow = new ApplyFlow({
        approvals: deps.apply.approvals,
        ...(deps.apply.cards ? { cards: deps.apply.cards } : {}),
        ...(deps.apply.approvalConversation ? { approvalConversation: deps.apply.approvalConversation } : {}),
        logger: this.logger,
        refused: (refusal) => this.metrics.refusal('apply', refusal),
      });
    }
    this.access = new AccessCheck(deps.access ?? OPEN_POLICY, deps.groupMembership);
    if (deps.rateLimit !== false) this.rateLimiter = deps.rateLimit ?? new RateLimiter();
    this.dialogAccessor = deps.dialogState.createProperty<DialogState>('dialogState');
    this.dialogs = new DialogSet(this.dialogAccessor);
    this.dialogs.add(
      new CheckDialog({
        answer: async (step, request, options) => {
          await this.sendAnswer(step.context, request, { fresh: options.fresh === true });
        },
        unknown: async (step, name) => {
          const answerer = this.answererFor(step.context);
          const problem = hostNameProblem(name);
          const error = problem ? notAHostName(name, problem) : new UnknownHostError(name, (await answerer.vocabulary(await answerer.snapshot())).suggest(name));
          this.note(step.context, { outcome: 'error' });
          await step.context.sendActivity(cardActivity(answerer.error(error, this.correlation(step.context))));
        },
      }),
    );

    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });

    this.onInstallationUpdateAdd(async (context, next) => {
      await context.sendActivity(cardActivity(this.answererFor(context).welcome()));
      await next();
    });

    this.onMembersAdded(async (context, next) => {
      const botAdded = (context.activity.membersAdded ?? []).some((m) => m.id === context.activity.recipient.id);
      // In Teams the installation update already welcomed; other channels only send conversationUpdate.
      if (botAdded && context.activity.channelId !== 'msteams') {
        await context.sendActivity(cardActivity(this.answererFor(context).welcome()));
      }
      await next();
    });
  }

  /**
   * Every turn: a correlation id, then the rate limit (before anything that costs a lookup), then who may
   * ask (tenant, user and group allow-lists), then the handlers; dialog state is saved after the turn (the
   * handler's run is wrapped by the adapter).
   */
  override async run(context: TurnContext): Promise<void> {
    const log = this.log(context);
    const activity = context.activity;
    log.debug?.({ type: activity.type, name: activity.name, conversation: activity.conversation?.id }, 'turn');
    const measured = activity.type === MESSAGE || activity.type === INVOKE;
    const started = performance.now();
    const record: TurnRecord = { intent: 'none', outcome: 'answered' };
    (context.turnState as Map<unknown, unknown>).set(TURN_KEY, record);
    try {
      if (!(await this.withinRate(context, log)) || !(await this.admitted(context, log))) {
        record.outcome = 'refused';
        return;
      }
      await super.run(context);
      await this.deps.dialogState.saveChanges(context, false);
    } catch (error) {
      record.outcome = 'failed';
      throw error;
    } finally {
      if (measured) this.metrics.turn(record.intent, record.outcome, (performance.now() - started) / 1000);
    }
  }

  private turnRecord(context: TurnContext): TurnRecord | undefined {
    return (context.turnState as Map<unknown, unknown>).get(TURN_KEY) as TurnRecord | undefined;
  }

  /** What the turn turned out to be about, or how it ended (the last word counts). */
  private note(context: TurnContext, fields: Partial<TurnRecord>): void {
    const record = this.turnRecord(context);
    if (record) Object.assign(record, fields);
  }

  /** The request's kind, unless the parser already named the intent more finely (check_pair, check_host). */
  private noteIntent(context: TurnContext, intent: string): void {
    const record = this.turnRecord(context);
    if (record?.intent === 'none') record.intent = intent;
  }

  /** Sizes of what the bot keeps per conversation or user (bounded; reported by the load test). */
  retainedSizes(): { rateLimitBuckets: number; groupMemberships: number } {
    return { rateLimitBuckets: this.rateLimiter?.size ?? 0, groupMemberships: this.deps.groupMembership?.size ?? 0 };
  }

  private log(context: TurnContext): BotLogger {
    return this.logger.child?.({ correlationId: this.correlation(context) }) ?? this.logger;
  }

  /**
   * Applies the access policy; a refused message or card action gets the refusal card. Allowed: an allowed
   * tenant, and (when lists are set) a listed user OR a member of an allowed group. The UPN is looked up
   * (TeamsInfo.getMember) only when the object id did not already settle it.
   */
  private async admitted(context: TurnContext, log: BotLogger): Promise<boolean> {
    const activity = context.activity;
    const state = context.turnState as Map<unknown, unknown>;
    if (this.access.open) {
      state.set(CALLER_KEY, callerOf(activity));
      return true;
    }
    const lookupUpn = async () => (await (this.deps.lookupMember ?? teamsMember)(context)).upn;
    const { decision, caller, via } = await this.access.decide(callerOf(activity), lookupUpn);
    state.set(CALLER_KEY, caller);
    if (decision.allowed) {
      if (via) log.debug?.({ group: via }, 'allowed by group membership');
      return true;
    }
    (log.warn ?? log.info).call(
      log,
      { reason: decision.reason, detail: decision.detail, tenant: caller.tenantId, user: caller.aadObjectId, type: activity.type, conversation: activity.conversation?.id },
      decision.reason === 'membership' ? 'refused: group membership could not be checked' : 'refused: not on the allow-list',
    );
    this.metrics.refusal('allow_list', decision.reason);
    const card = refusalCard(decision.reason, this.correlation(context));
    if (activity.type === MESSAGE) await context.sendActivity(cardActivity(card));
    else if (activity.type === INVOKE) await this.sendInvokeCard(context, card);
    return false;
  }

  /** Rate limit per user and channel: over it, a "slow down" reply instead of an answer. */
  private async withinRate(context: TurnContext, log: BotLogger): Promise<boolean> {
    const activity = context.activity;
    if (!this.rateLimiter || (activity.type !== MESSAGE && activity.type !== INVOKE)) return true;
    const decision = this.rateLimiter.take(rateKey(activity));
    if (decision.allowed) return true;
    if (decision.firstRefusal) log.info({ conversation: activity.conversation?.id, retryAfterMs: decision.retryAfterMs }, 'rate limited');
    this.metrics.refusal('rate_limit');
    const words = slowDownText(decision.retryAfterMs);
    if (activity.type === MESSAGE) await context.sendActivity(MessageFactory.text(words));
    else await this.sendInvokeCard(context, { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: words, wrap: true }] } as unknown as AdaptiveCard);
    return false;
  }

  private async sendInvokeCard(context: TurnContext, card: AdaptiveCard): Promise<void> {
    const body: AdaptiveCardInvokeResponse = { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card as unknown as Record<string, unknown> };
    await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body } });
  }

  private correlation(context: TurnContext): string {
    const state = context.turnState as Map<unknown, unknown>;
    let id = state.get(CORRELATION_KEY) as string | undefined;
    if (!id) state.set(CORRELATION_KEY, (id = randomUUID()));
    return id;
  }

  private answererFor(context: TurnContext): Answerer {
    const lookup = this.deps.lookupMember ?? teamsMember;
    const apply = this.deps.apply;
    if (!apply) return this.deps.answerer(() => lookup(context));
    return this.deps.answerer(() => lookup(context), {
      fixRequest: async (question) => ((await apply.approvals.mayRequest(await this.person(context))) ? apply.approvals.requestToken(question) : undefined),
      audit: {
        // Approvers and those who may request fixes read the audit log.
        mayRead: async () => {
          const person = await this.person(context);
          return (await apply.approvers(person.upn)).member === true || (await apply.approvals.mayRequest(person));
        },
        last: (n) => apply.approvals.audit(n),
      },
    });
  }

  /** The sender as plans know people: name, Entra object id, and the UPN (looked up once per turn). */
  private async person(context: TurnContext): Promise<PlanPerson> {
    const state = context.turnState as Map<unknown, unknown>;
    const known = state.get(PERSON_KEY) as PlanPerson | undefined;
    if (known) return known;
    const caller = (state.get(CALLER_KEY) as Caller | undefined) ?? callerOf(context.activity);
    const upn = caller.upn ?? (await (this.deps.lookupMember ?? teamsMember)(context).catch(() => ({ upn: undefined }))).upn;
    const from = context.activity.from;
    const person: PlanPerson = {
      ...(from?.name ? { name: from.name } : {}),
      ...(upn ? { upn } : {}),
      ...(caller.aadObjectId ?? from?.aadObjectId ? { aadObjectId: caller.aadObjectId ?? from?.aadObjectId } : {}),
    };
    state.set(PERSON_KEY, person);
    return person;
  }

  /** A fix button: the apply flow's card, or a clear answer when applying is off. */
  private async applyCard(context: TurnContext, payload: ApplyPayload): Promise<AdaptiveCard> {
    this.noteIntent(context, `apply_${payload.step}`);
    const answerer = this.answererFor(context);
    if (!this.applyFlow) {
      this.note(context, { outcome: 'error' });
      return answerer.error(new InputError('Applying fixes is not turned on for this bot.', 'An admin turns it on with KCD_WRITE_BIND_DN, KCD_WRITE_BIND_PASSWORD_FILE and KCD_APPROVER_GROUPS (docs/apply.md); until then, run the PowerShell on the card.'), this.correlation(context));
    }
    return this.applyFlow.handle(context, payload, await this.person(context), answerer, this.correlation(context));
  }

  /** Expires overdue plans and updates their cards (the server calls it every minute). */
  async sweepPlans(): Promise<number> {
    return this.applyFlow ? this.applyFlow.sweep() : 0;
  }

  private async sendAnswer(context: TurnContext, request: Request, options: AnswerOptions = {}): Promise<void> {
    if (Answerer.isSlow(request) && typingHelps(context.activity)) await context.sendActivity({ type: ActivityTypes.Typing });
    this.noteIntent(context, request.kcd);
    const answer = await this.answererFor(context).answer(request, this.correlation(context), conversationOf(context), options);
    this.note(context, { outcome: answer.summary.startsWith('error:') ? 'error' : 'answered' });
    this.log(context).info({ conversation: context.activity.conversation?.id, kind: request.kcd, answer: answer.summary }, 'answered');
    await context.sendActivity(cardActivity(answer.card));
  }

  private async sendError(context: TurnContext, error: unknown): Promise<void> {
    this.note(context, { outcome: 'error' });
    this.log(context).info({ conversation: context.activity.conversation?.id, error: error instanceof Error ? error.name : 'unknown' }, 'answered with an error card');
    await context.sendActivity(cardActivity(this.answererFor(context).error(error, this.correlation(context))));
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const activity = context.activity;
    // Action.Submit: `value` and no text.
    if (activity.value !== undefined && activity.value !== null && !(typeof activity.text === 'string' && activity.text.trim())) {
      const result = parseCardPayload(activity.value);
      if (!result.ok) {
        await this.sendError(context, new InputError(`That button's data was not understood (${result.problem}).`, 'Ask again in words, e.g. "can gogo-3 migrate to gogo-4?", or type /kcd help.'));
        return;
      }
      if (result.payload.kcd === 'ask') {
        // "As if typed": an open prompt (did you mean …, which host?) reads the activity's text.
        activity.text = result.payload.text;
        return this.handleText(context, result.payload.text);
      }
      if (result.payload.kcd === 'apply') {
        await context.sendActivity(cardActivity(await this.applyCard(context, result.payload)));
        return;
      }
      return this.sendAnswer(context, result.payload);
    }
    return this.handleText(context, textWithoutBotMentions(activity));
  }

  private async handleText(context: TurnContext, text: string): Promise<void> {
    const limit = text.length > MAX_MESSAGE_CHARS && looksLikePaste(text.slice(0, MAX_MESSAGE_CHARS)) ? MAX_PASTE_CHARS : MAX_MESSAGE_CHARS;
    if (text.length > limit) {
      await this.sendError(
        context,
        new InputError(`That message is ${text.length} characters long; I read questions of up to ${MAX_MESSAGE_CHARS}, pasted errors of up to ${MAX_PASTE_CHARS}.`, 'Ask one short question, e.g. "can gogo-3 migrate to gogo-4?", or paste only the failed event or Move-VM error.'),
      );
      return;
    }
    if (!text) {
      this.note(context, { intent: 'help' });
      await context.sendActivity(cardActivity(this.answererFor(context).help()));
      return;
    }
    const answerer = this.answererFor(context);
    let parsed: ParsedCommand;
    try {
      parsed = await answerer.parse(text);
    } catch (error) {
      // The directory could not be read to learn host names: say so, with the card for that.
      await this.sendError(context, error);
      return;
    }
    this.note(context, { intent: parsed.intent });
    const dc = await this.dialogs.createContext(context);
    if (dc.activeDialog) {
      // A host name, a choice number or "cancel" answers the open prompt; a new command starts over.
      const answersPrompt =
        /^(cancel|never ?mind|no|stop)$/i.test(text) || /^\d{1,2}$/.test(text) || (await answerer.vocabulary()).exact(text) !== undefined;
      const startsOver = !answersPrompt && (parsed.via === 'slash' || (parsed.intent !== 'check_host' && parsed.intent !== 'unknown'));
      if (!startsOver) {
        // A re-asked question stays 'asked'; an answer found says so itself (sendAnswer).
        this.note(context, { outcome: 'asked' });
        const result = await dc.continueDialog();
        if (result.status !== DialogTurnStatus.empty) return;
      }
      await dc.cancelAllDialogs();
    }
    if ((parsed.intent === 'check_pair' && !parsed.source && !parsed.destination) || (parsed.intent === 'check_host' && !parsed.host)) {
      // One reply: the question and the help card in one message.
      const reply = cardActivity(answerer.help());
      reply.text = 'Which hosts? For example: "can gogo-3 migrate to gogo-4?" or /kcd check gogo-3 gogo-4.';
      this.note(context, { outcome: 'asked' });
      await context.sendActivity(reply);
      return;
    }
    if (parsed.intent === 'unknown' && parsed.refused) {
      // A request to change or run something: say so, then what the bot can do (never a scan instead).
      const reply = cardActivity(answerer.help());
      reply.text = `I can't do that ("${parsed.refused.slice(0, 40)}"): I only read Active Directory and check Kerberos delegation for live migration; I never change or run anything. Here is what I can do:`;
      await context.sendActivity(reply);
      return;
    }
    const request = Answerer.requestOf(parsed);
    // A typed "fresh" ("/kcd check gogo-3 fresh", "re-read AD") reads AD now, like the Re-check button.
    if (request) return this.sendAnswer(context, request, { fresh: parsed.fresh });
    const snapshot = await answerer.snapshot();
    const options: CheckDialogOptions = {
      intent: parsed.intent === 'check_host' ? 'check_host' : 'check_pair',
      source: parsed.source,
      destination: parsed.destination,
      host: parsed.host,
      storage: parsed.storage,
      fileServers: parsed.fileServers,
      asker: parsed.asker,
      fresh: parsed.fresh,
      unresolved: parsed.unresolved,
      candidates: snapshot.hyperVHosts.map((h) => h.name),
    };
    this.note(context, { outcome: 'asked' });
    await dc.beginDialog(CHECK_DIALOG, options);
  }

  /**
   * Action.Execute (the card's Re-check button): the updated card replaces the old one in place. It reads
   * AD afresh: the admin presses it right after running the fix, and an answer from the cache would still
   * show the problem for up to KCD_CACHE_TTL_SECONDS.
   */
  protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const answerer = this.answererFor(context);
    const result = parseCardPayload(invokeValue?.action?.data);
    if (result.ok && result.payload.kcd === 'apply') {
      const card = await this.applyCard(context, result.payload);
      return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card as unknown as Record<string, unknown> };
    }
    if (result.ok) this.noteIntent(context, result.payload.kcd);
    else this.note(context, { outcome: 'error' });
    const answer =
      result.ok && result.payload.kcd !== 'ask' && result.payload.kcd !== 'apply' ? await answerer.answer(result.payload, this.correlation(context), undefined, { fresh: true }) : undefined;
    if (answer?.summary.startsWith('error:')) this.note(context, { outcome: 'error' });
    const card = result.ok
      ? (answer?.card ?? answerer.help())
      : answerer.error(new InputError(`That button's data was not understood (${result.problem}).`, 'Ask the question again.'), this.correlation(context));
    return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card as unknown as Record<string, unknown> };
  }
}
