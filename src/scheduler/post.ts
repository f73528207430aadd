/** Proactive posts through the Bot Framework adapter: the scheduler's only contact with the SDK. */
import { CardFactory, MessageFactory, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { AdaptiveCard } from '../render/cards/types';
import type { StoredReference } from '../store/state';
import type { Poster } from './scheduler';

/**
 * Posts with `continueConversationAsync(appId || '', …)` ('' and not undefined when no app id is set:
 * local use). A failed send is caught inside the turn and rethrown here, because the adapter would
 * otherwise hand it to onTurnError and the scheduler could not see a 403 (bot removed).
 */
export function adapterPoster(adapter: CloudAdapter, appId: string): Poster {
  return async (reference: StoredReference, card: AdaptiveCard) => {
    let failure: unknown;
    await adapter.continueConversationAsync(appId || '', reference as Partial<ConversationReference>, async (context) => {
      try {
        const activity = MessageFactory.attachment(CardFactory.adaptiveCard(card));
        if (card.fallbackText) activity.summary = card.fallbackText.slice(0, 200);
        await context.sendActivity(activity);
      } catch (error) {
        failure = error;
      }
    });
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the send's own error, rethrown as it came
    if (failure !== undefined) throw failure;
  };
}
