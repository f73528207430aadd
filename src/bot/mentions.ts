/**
 * Removes every @mention of the bot from a message (TurnContext.removeRecipientMention removes only the
 * first), and what Teams leaves around it, so "@kcd can gogo-3 migrate to @kcd gogo-4" parses cleanly.
 * Mentions of other people stay: they may be what the question is about.
 */
import type { Activity } from 'botbuilder';

interface MentionEntity {
  type: string;
  mentioned?: { id?: string };
  text?: string;
}

export function textWithoutBotMentions(activity: Pick<Activity, 'text' | 'entities' | 'recipient'>): string {
  let text = typeof activity.text === 'string' ? activity.text : '';
  const botId = activity.recipient?.id;
  for (const entity of (activity.entities ?? []) as MentionEntity[]) {
    if (entity?.type !== 'mention' || !botId || entity.mentioned?.id !== botId) continue;
    if (typeof entity.text === 'string' && entity.text.length > 0) text = text.split(entity.text).join(' ');
  }
  // Line breaks stay (a pasted event is read line by line); other runs of white space become one space.
  return text
    .replace(/<\/?at>/gi, ' ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/&nbsp;/gi, ' ')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
