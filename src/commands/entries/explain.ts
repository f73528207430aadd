/** `/kcd explain <topic>`: a Kerberos term, plainly (the topic catalogue is src/domain/topics.ts). */
import { TOPICS } from '../../domain/topics';
import { explainCard } from '../../render/cards';
import { defineCommand } from '../command';

export const explain = defineCommand<{ kcd: 'explain'; topic: string }, 'explain'>({
  id: 'explain',
  aliases: ['define', 'whatis', 'what-is'],
  arguments: [{ name: 'topic', required: false, kind: 'topic', description: `one of: ${TOPICS.map((t) => t.id).join(', ')}` }],
  description: 'Explain a Kerberos term: SPN, UPN, KDC, constrained delegation, protocol transition, Protected Users...',
  examples: ['/kcd explain protocol-transition', '/kcd explain spn'],
  intents: ['explain'],
  request: (parsed) => ({ kcd: 'explain', topic: parsed.topic ?? '' }),
  handle: (request, ctx) => Promise.resolve({ card: explainCard(request.topic, ctx.cardContext()), summary: `explain ${request.topic}` }),
});
