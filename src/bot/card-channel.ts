/**
 * Cards outside the current turn's reply: an approval card posted to KCD_APPROVAL_CONVERSATION, and the earlier
 * cards of a plan (the request, the approval copies) updated in place when it is approved, rejected or expires.
 * Through the adapter's continueConversationAsync, as the scheduler posts (src/scheduler/post.ts).
 */
import { CardFactory, MessageFactory, type CloudAdapter, type ConversationReference, type TurnContext } from 'botbuilder';
import type { AdaptiveCard } from '../render/cards/types';
import type { StoredReference } from '../store/state';

export interface CardChannel {
  /** Posts `card` as a new message; its activity id (to update it later). */
  post(reference: StoredReference, card: AdaptiveCard): Promise<string | undefined>;
  /** Replaces the message `activityId` with `card`. */
  update(reference: StoredReference, activityId: string, card: AdaptiveCard): Promise<void>;
}

function cardMessage(card: AdaptiveCard) {
  const activity = MessageFactory.attachment(CardFactory.adaptiveCard(card));
  if (card.fallbackText) activity.summary = card.fallbackText.slice(0, 200);
  return activity;
}

/** `appId` '' in local mode (no authentication), as the scheduler's poster. */
export function adapterCardChannel(adapter: CloudAdapter, appId: string): CardChannel {
  const within = async <T>(reference: StoredReference, work: (context: TurnContext) => Promise<T>): Promise<T> => {
    let result: { value: T } | { error: unknown } | undefined;
    await adapter.continueConversationAsync(appId || '', reference as Partial<ConversationReference>, async (context) => {
      try {
        result = { value: await work(context) };
      } catch (error) {
        result = { error };
      }
    });
    if (!result) throw new Error('the conversation could not be continued');
    if ('error' in result) throw result.error;
    return result.value;
  };
  return {
    post: (reference, card) => within(reference, async (context) => (await context.sendActivity(cardMessage(card)))?.id),
    update: (reference, activityId, card) =>
      within(reference, async (context) => {
        await context.updateActivity({ ...cardMessage(card), id: activityId, conversation: context.activity.conversation });
      }),
  };
}
