/** `/kcd subscribe [HH:MM] [zone]`: the daily summary in this conversation. */
import { subscribedCard } from '../../render/cards';
import { defineCommand, SUBSCRIPTION_FILLERS } from '../command';
import { dailySummaries } from './daily-summary';

export const subscribe = defineCommand<{ kcd: 'subscribe'; time?: string; timeZone?: string }, 'subscribe'>({
  id: 'subscribe',
  aliases: ['sub'],
  arguments: [
    { name: 'HH:MM', required: false, kind: 'time', description: 'when to post, 24-hour clock (7, 07:30, 7pm also work)' },
    { name: 'time-zone', required: false, kind: 'time-zone', description: 'an IANA time zone such as Europe/Berlin, or UTC' },
  ],
  description: 'Post a daily summary of the scan in this chat at a time of day.',
  examples: ['/kcd subscribe', '/kcd subscribe 07:30 Europe/Berlin'],
  intents: ['subscribe'],
  fillers: [...SUBSCRIPTION_FILLERS, 'at', 'every', 'day', 'each', 'morning', 'in', 'tz', 'timezone', 'zone'],
  request: (parsed) => ({ kcd: 'subscribe', ...(parsed.time ? { time: parsed.time } : {}), ...(parsed.timeZone ? { timeZone: parsed.timeZone } : {}) }),
  async handle(request, ctx) {
    const { summaries, conversation } = dailySummaries(ctx);
    const info = await summaries.subscribe(conversation, { time: request.time, timeZone: request.timeZone });
    const s = info.subscription;
    return { card: subscribedCard(summaries.view(info), ctx.cardContext(), info.change), summary: `subscribe ${s.time} ${s.timeZone}: ${info.change}` };
  },
});
