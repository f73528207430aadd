/** `/kcd unsubscribe`: no more daily summaries in this conversation. */
import { unsubscribedCard } from '../../render/cards';
import { defineCommand, SUBSCRIPTION_FILLERS } from '../command';
import { dailySummaries } from './daily-summary';

export const unsubscribe = defineCommand<{ kcd: 'unsubscribe' }, 'unsubscribe'>({
  id: 'unsubscribe',
  aliases: ['unsub'],
  arguments: [],
  description: 'Stop the daily summary in this chat.',
  examples: ['/kcd unsubscribe'],
  intents: ['unsubscribe'],
  fillers: SUBSCRIPTION_FILLERS,
  request: () => ({ kcd: 'unsubscribe' }),
  async handle(_request, ctx) {
    const { summaries, conversation } = dailySummaries(ctx);
    const removed = await summaries.unsubscribe(conversation, { trigger: 'on-demand', detail: `unsubscribed${conversation.by ? ` by ${conversation.by}` : ''}` });
    return { card: unsubscribedCard(removed, ctx.cardContext()), summary: removed ? 'unsubscribed' : 'unsubscribe: none' };
  },
});
