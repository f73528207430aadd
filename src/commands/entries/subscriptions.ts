/** `/kcd subscriptions`: this conversation's daily summary and when it is posted next. */
import { subscriptionsCard } from '../../render/cards';
import { defineCommand, SUBSCRIPTION_FILLERS } from '../command';
import { dailySummaries } from './daily-summary';

export const subscriptions = defineCommand<{ kcd: 'subscriptions' }, 'subscriptions'>({
  id: 'subscriptions',
  aliases: ['subs', 'subscription'],
  arguments: [],
  description: 'List the daily summaries of this chat and when they are posted.',
  examples: ['/kcd subscriptions'],
  intents: ['subscriptions'],
  fillers: [...SUBSCRIPTION_FILLERS, 'list', 'show'],
  request: () => ({ kcd: 'subscriptions' }),
  async handle(_request, ctx) {
    const { summaries, conversation } = dailySummaries(ctx);
    const info = await summaries.subscription(conversation);
    return { card: subscriptionsCard(info ? summaries.view(info) : undefined, ctx.cardContext()), summary: `subscriptions: ${info ? 1 : 0}` };
  },
});
