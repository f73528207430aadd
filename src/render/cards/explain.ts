/**
 * `/kcd explain <topic>`: the Kerberos words a Hyper-V admin meets when live migration fails, explained
 * plainly (for the admin of the source article who found the terminology confusing), each with the
 * commands that show the state in their own domain. The words and texts are the topic catalogue
 * (src/domain/topics.ts); the rules about a topic come from the rules themselves.
 */
import { CHECKS } from '../../checks';
import { TOPICS, type Topic, type TopicId } from '../../domain/topics';
import { adaptiveCard, codeBlock, container, footer, plain, submit, text } from './common';
import { md } from './markdown';
import type { AdaptiveCard, CardContext, CardElement } from './types';

/** The rules that name a topic, in id order (each rule lists its topics: Check.topics). */
export function rulesAbout(topic: TopicId): string[] {
  return CHECKS.filter((c) => c.topics.includes(topic)).map((c) => c.id);
}

/** The topic that explains each rule best (its first), for "Explain" buttons on result cards. */
export const RULE_TOPICS: Readonly<Record<string, TopicId>> = Object.fromEntries(CHECKS.filter((c) => c.topics.length > 0).map((c) => [c.id, c.topics[0]!]));

function normalise(input: string): string {
  return input
    .toLowerCase()
    .replace(/[“”"'?!.]/g, '')
    .replace(/[\s_]+/g, ' ')
    .trim();
}

/** A topic by id, title or alias (case and punctuation ignored, "-" and " " alike); undefined otherwise. */
export function findExplainTopic(input: string): Topic | undefined {
  const wanted = normalise(input);
  if (!wanted) return undefined;
  const loose = (s: string) => normalise(s).replace(/-/g, ' ');
  return TOPICS.find(
    (t) => loose(t.id) === loose(wanted) || t.aliases.some((a) => loose(a) === loose(wanted)) || loose(t.title) === loose(wanted),
  );
}

function topicById(id: string): Topic {
  const topic = TOPICS.find((t) => t.id === id);
  if (!topic) throw new Error(`no explain topic ${id}`);
  return topic;
}

function topicButtons(ids: readonly string[]): CardElement {
  return {
    type: 'ActionSet',
    actions: ids.map((id) => submit(topicById(id).short, { kcd: 'explain', topic: id })),
  };
}

function topicListCard(asked: string, ctx: CardContext): AdaptiveCard {
  const ids = TOPICS.map((t) => t.id);
  const body: CardElement[] = [
    text(asked.trim() ? `I have no explanation for "${md(asked, 60)}".` : 'What would you like explained?', { size: 'Medium', weight: 'Bolder' }),
    text('I can explain these Kerberos terms, the way they matter for Hyper-V live migration:'),
    ...TOPICS.map((t) => text(`• **${md(t.title)}**: say "explain ${md(t.id)}"`, { spacing: 'None' })),
    // Hosts show a handful of buttons per row (and Adaptive Cards 1.5 allow at most 5 per set): rows of 4.
    ...Array.from({ length: Math.ceil(ids.length / 4) }, (_, row) => topicButtons(ids.slice(row * 4, row * 4 + 4))),
    footer(ctx),
  ];
  return adaptiveCard(body, { fallbackText: `Topics: ${ids.join(', ')}` });
}

/** The card for one topic (by id or alias); an unknown topic gets the list of topics. */
export function explainCard(topic: string, ctx: CardContext): AdaptiveCard {
  const found = findExplainTopic(topic);
  if (!found) return topicListCard(topic, ctx);
  const body: CardElement[] = [
    text(md(found.title), { size: 'Large', weight: 'Bolder' }),
    ...found.explanation.map((p) => plain(p)),
    container([text('**In a live migration**', { spacing: 'None' }), plain(found.forLiveMigration, { spacing: 'Small' })], {
      style: 'accent',
      spacing: 'Medium',
    }),
    text('**Check it yourself**', { spacing: 'Medium' }),
    codeBlock(found.validate.map((v) => `# ${v.note}\n${v.command}`).join('\n')),
  ];
  const rules = rulesAbout(found.id);
  if (rules.length > 0) body.push(text(`kcd rules about this: ${rules.join(', ')}`, { isSubtle: true, size: 'Small' }));
  body.push(footer(ctx));
  return adaptiveCard(body, {
    actions: found.related.map((id) => submit(`Explain: ${topicById(id).short}`, { kcd: 'explain', topic: id })),
    fallbackText: `${found.title}: ${found.explanation[0]}`,
  });
}
