/**
 * Finding the explain topic a sentence is about: the catalogue's synonyms (src/domain/topics.ts), matched on
 * word boundaries, longest first. The parser maps any synonym to the topic id.
 */
import { TOPICS, type TopicId } from '../domain/topics';

export { isTopicId, TOPIC_IDS, TOPICS, type Topic, type TopicId } from '../domain/topics';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every synonym with its topic, longest first, so "unconstrained delegation" wins over "delegation". */
const MATCHERS: ReadonlyArray<{ re: RegExp; probe: string; id: TopicId }> = TOPICS.flatMap((t) => [t.id, ...t.synonyms].map((s) => ({ s, id: t.id })))
  .sort((a, b) => b.s.length - a.s.length)
  .map(({ s, id }) => ({
    re: new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(s).replace(/[ -]/g, '[\\s_-]*')}(?![\\p{L}\\p{N}])`, 'iu'),
    // A cheap test first: the synonym's first word must occur in the text.
    probe: s.split(/[ -]/)[0]!,
    id,
  }));

/**
 * The topic a text is about, or undefined. When several topics are named ("UPN vs SPN"), the one named
 * first wins; a longer phrase wins over a shorter one at the same place.
 */
export function findTopic(text: string): TopicId | undefined {
  // "kcd" is also the bot's name: "kcd bot", "use kcd" are about the bot, not constrained delegation.
  const about = text.slice(0, 2000).replace(/\bkcd[- ]?bot\b|\b(?:use|using|with|about) kcd\b/gi, ' ');
  const lower = about.toLowerCase();
  let best: { at: number; length: number; id: TopicId } | undefined;
  for (const { re, probe, id } of MATCHERS) {
    if (!lower.includes(probe)) continue;
    const m = re.exec(about);
    if (!m) continue;
    if (!best || m.index < best.at || (m.index === best.at && m[0].length > best.length)) best = { at: m.index, length: m[0].length, id };
  }
  return best?.id;
}
