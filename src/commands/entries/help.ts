/** `/kcd help`: what the bot can do, from the registry itself. */
import { defineCommand } from '../command';

export const help = defineCommand<{ kcd: 'help' }, 'help'>({
  id: 'help',
  aliases: ['?', 'commands', 'usage', 'menu'],
  arguments: [],
  description: 'What this bot can do, with examples.',
  examples: ['/kcd help'],
  intents: ['help'],
  fillers: ['me', 'with', 'on', 'for', 'about'],
  request: () => ({ kcd: 'help' }),
  handle: (_request, ctx) => Promise.resolve({ card: ctx.helpCard(), summary: 'help' }),
});
