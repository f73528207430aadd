/**
 * The Teams side of applying a fix (issue 21): a "Request fix", "Approve and apply" or "Reject" press in, the
 * cards out. The rules live in ApprovalService (src/apply/approvals.ts); this turns its results into cards:
 * the card pressed is answered in place (the invoke response), the plan's other cards are updated through the
 * CardChannel, and the approval card is posted to the chat that asked and to KCD_APPROVAL_CONVERSATION.
 */
import { TurnContext } from 'botbuilder';
import type { ApprovalService, DecisionResult, Refusal } from '../apply/approvals';
import type { PlanQuestion } from '../apply/types';
import { nothingToApplyCard, planCard, type AdaptiveCard } from '../render/cards';
import { adaptiveCard, plain, text } from '../render/cards/common';
import type { PlanPerson, PlanRecord, StoredReference } from '../store/state';
import type { Answerer } from './answerer';
import type { ApplyPayload } from './card-payload';
import type { CardChannel } from './card-channel';

export interface ApplyFlowLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn?(fields: Record<string, unknown>, message: string): void;
}

export interface ApplyFlowDeps {
  approvals: ApprovalService;
  cards?: CardChannel;
  approvalConversation?: string;
  logger: ApplyFlowLogger;
  refused?: (refusal: Refusal) => void;
}

/** What each refusal tells the person who pressed. */
const REFUSAL_TEXT: Record<Refusal, string> = {
  malformed: 'That button is not a valid fix button. Nothing was changed.',
  signature: 'That button was not made by this bot (or was altered). Nothing was changed; the attempt is in the audit log.',
  expired: 'This plan expired before it was approved. Nothing was changed; ask for a new one with Request fix on a fresh check.',
  replay: 'That Request fix button was already used. Check again for a new one.',
  'unknown-plan': 'This plan is no longer known to the bot. Nothing was changed.',
  tampered: 'This plan differs from the one the button was made for. Nothing was changed; the attempt is in the audit log.',
  'not-pending': 'This plan was already decided. Nothing more was changed.',
  'own-plan': 'You asked for this plan, so you cannot approve it: another member of the approver groups must. (You may reject it.)',
  'not-approver': 'Only members of the approver groups (KCD_APPROVER_GROUPS) may approve or reject this plan. Nothing was changed.',
  'not-operator': 'Only members of the operator groups (KCD_OPERATOR_GROUPS) may request fixes. Nothing was requested.',
  'membership-unknown': 'Your group membership could not be checked (AD could not be read), so nothing was done. Try again in a minute.',
  'rate-limited': 'Too many fixes were written in the last hour.',
};

function noticeCard(message: string): AdaptiveCard {
  return adaptiveCard([text('Fix not applied', { weight: 'Bolder', size: 'Medium', color: 'Warning' }), plain(message, { spacing: 'Small' })], {
    fallbackText: message,
  });
}

/** The stored form of the activity's conversation reference (no activity id: posts start new messages). */
export function storedReference(activity: TurnContext['activity'], conversationId?: string): StoredReference {
  const ref = TurnContext.getConversationReference(activity);
  const conversation = conversationId
    ? { id: conversationId, isGroup: true, conversationType: 'channel', ...(ref.conversation?.tenantId ? { tenantId: ref.conversation.tenantId } : {}) }
    : { id: ref.conversation!.id, ...(ref.conversation?.conversationType ? { conversationType: ref.conversation.conversationType } : {}), ...(ref.conversation?.tenantId ? { tenantId: ref.conversation.tenantId } : {}), ...(ref.conversation?.isGroup !== undefined ? { isGroup: ref.conversation.isGroup } : {}) };
  return {
    channelId: ref.channelId ?? activity.channelId,
    serviceUrl: ref.serviceUrl ?? activity.serviceUrl,
    conversation,
    ...(ref.bot ? { bot: { id: ref.bot.id, ...(ref.bot.name ? { name: ref.bot.name } : {}) } } : {}),
  };
}

/** The check question of a plan, as the answerer takes it. */
function checkRequest(question: PlanQuestion) {
  return question.kind === 'host'
    ? ({ kcd: 'check', host: question.host } as const)
    : ({ kcd: 'check', source: question.source, destination: question.destination, storage: question.storage, fileServers: question.fileServers } as const);
}

export class ApplyFlow {
  constructor(private readonly deps: ApplyFlowDeps) {}

  /** Handles one press; the card that replaces the pressed one (invoke) or answers it (submit). */
  async handle(context: TurnContext, payload: ApplyPayload, person: PlanPerson, answerer: Answerer, correlationId: string): Promise<AdaptiveCard> {
    if (payload.step === 'request') return this.request(context, payload.token, person, answerer, correlationId);
    return this.decide(context, payload.token, person, answerer, correlationId);
  }

  private refusedNote(refusal: Refusal, detail: string, person: PlanPerson, planId?: string): string {
    (this.deps.logger.warn ?? this.deps.logger.info).call(this.deps.logger, { refusal, detail, planId, user: person.aadObjectId ?? person.upn }, 'apply: refused');
    this.deps.refused?.(refusal);
    return refusal === 'rate-limited' ? `${REFUSAL_TEXT[refusal]} ${detail}.` : REFUSAL_TEXT[refusal];
  }

  private async request(context: TurnContext, token: string, person: PlanPerson, answerer: Answerer, correlationId: string): Promise<AdaptiveCard> {
    const result = await this.deps.approvals.request(token, person, correlationId);
    if (result.kind === 'refused') return noticeCard(this.refusedNote(result.refusal, result.detail, person));
    const ctx = { directoryLabel: result.kind === 'nothing-to-apply' ? result.plan.directory : result.record.plan.directory };
    if (result.kind === 'nothing-to-apply') {
      await context.sendActivity({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: nothingToApplyCard(result.plan, ctx) }] });
      const again = await answerer.answer(checkRequest(result.plan.question), correlationId, undefined, { fixNote: 'Nothing for the bot to write: what is left is below, for a person.' });
      return again.card;
    }
    const { record } = result;
    const approval = planCard(record, { approveToken: result.approveToken, rejectToken: result.rejectToken }, ctx);
    const here = storedReference(context.activity);
    const sent = await context.sendActivity({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: approval }], summary: approval.fallbackText?.slice(0, 200) });
    if (sent?.id) await this.deps.approvals.attachCard(record.plan.id, { reference: here, activityId: sent.id, role: 'approval' });
    if (context.activity.replyToId) await this.deps.approvals.attachCard(record.plan.id, { reference: here, activityId: context.activity.replyToId, role: 'request' });
    const elsewhere = this.deps.approvalConversation;
    if (elsewhere && this.deps.cards && elsewhere !== here.conversation.id) {
      const reference = storedReference(context.activity, elsewhere);
      try {
        const id = await this.deps.cards.post(reference, approval);
        if (id) await this.deps.approvals.attachCard(record.plan.id, { reference, activityId: id, role: 'approval' });
      } catch (error) {
        this.deps.logger.info({ planId: record.plan.id, error: error instanceof Error ? error.message : String(error) }, 'apply: the approval card could not be posted to KCD_APPROVAL_CONVERSATION');
      }
    }
    this.deps.logger.info({ planId: record.plan.id, objects: record.plan.objects.length }, 'apply: plan requested');
    const by = person.name ?? person.upn ?? 'you';
    const again = await answerer.answer(checkRequest(record.plan.question), correlationId, undefined, {
      fixNote: `🕒 Fix requested by ${by}: plan ${record.plan.id} waits for a second admin's approval (until ${record.expiresAt.slice(11, 16)} UTC). The plan card follows.`,
    });
    return again.card;
  }

  private async decide(context: TurnContext, token: string, person: PlanPerson, answerer: Answerer, correlationId: string): Promise<AdaptiveCard> {
    const result: DecisionResult = await this.deps.approvals.decide(token, person, correlationId);
    if (result.kind === 'refused') {
      const note = this.refusedNote(result.refusal, result.detail, person, result.record?.plan.id);
      if (!result.record) return noticeCard(note);
      const record = (await this.deps.approvals.record(result.record.plan.id)) ?? result.record;
      // Keep the buttons for those who may still press them (a refusal is about this person, not the plan).
      const tokens = record.status === 'pending' ? await this.deps.approvals.tokensFor(record) : {};
      return planCard(record, { ...tokens, notice: { text: note, color: 'Attention' } }, { directoryLabel: record.plan.directory });
    }
    const { record } = result;
    const ctx = { directoryLabel: record.plan.directory };
    if (result.kind === 'rejected') {
      const card = planCard(record, {}, ctx);
      await this.refresh(record, card, context, answerer, correlationId, `🚫 Fix plan ${record.plan.id} was ${record.outcome ?? 'rejected'}${record.decidedBy?.name ? ` (${record.decidedBy.name})` : ''}. Nothing was written.`);
      return card;
    }
    // Written (or not, with the reason): read AD afresh and check again; the request card shows that answer.
    const fresh = await answerer.answer(checkRequest(record.plan.question), correlationId, undefined, { fresh: true });
    const card = planCard(record, { recheck: { ready: fresh.ready === true, summary: fresh.summary } }, ctx);
    await this.refresh(record, card, context, answerer, correlationId, undefined, fresh.card);
    this.deps.logger.info({ planId: record.plan.id, status: record.status, outcome: record.outcome, ready: fresh.ready }, 'apply: plan decided');
    return card;
  }

  /** Updates the plan's other cards: approval copies get `approval`; request cards get `requestCard` or the check with `note`. */
  private async refresh(record: PlanRecord, approval: AdaptiveCard, context: TurnContext, answerer: Answerer, correlationId: string, note?: string, requestCard?: AdaptiveCard): Promise<void> {
    const cards = this.deps.cards;
    if (!cards) return;
    const pressed = context.activity.replyToId;
    let request = requestCard;
    for (const card of record.cards) {
      if (card.activityId === pressed && card.reference.conversation.id === context.activity.conversation?.id) continue;
      try {
        if (card.role === 'approval') await cards.update(card.reference, card.activityId, approval);
        else {
          request ??= (await answerer.answer(checkRequest(record.plan.question), correlationId, undefined, note ? { fixNote: note } : {})).card;
          await cards.update(card.reference, card.activityId, request);
        }
      } catch (error) {
        this.deps.logger.info({ planId: record.plan.id, activityId: card.activityId, error: error instanceof Error ? error.message : String(error) }, 'apply: a card could not be updated');
      }
    }
  }

  /** Plans that expired (or were left half-way by a stopped process): their cards show it. */
  async sweep(): Promise<number> {
    const changed = await this.deps.approvals.expireDue();
    for (const record of changed) {
      const card = planCard(record, {}, { directoryLabel: record.plan.directory });
      for (const c of record.cards) {
        if (c.role !== 'approval' || !this.deps.cards) continue;
        await this.deps.cards.update(c.reference, c.activityId, card).catch(() => undefined);
      }
    }
    return changed.length;
  }
}
