/** The polite refusal card for callers outside the tenant, user or group allow-lists. */
import { adaptiveCard, text } from '../render/cards/common';
import type { AdaptiveCard } from '../render/cards';
import type { RefusalReason } from './authorization';

const WHY: Record<RefusalReason, string> = {
  tenant: 'This bot serves its own organisation only, and this request came from another tenant.',
  user: 'This bot answers only the people its administrators have allowed, and you are not on that list yet.',
  membership:
    'This bot answers members of certain Active Directory groups, and I could not check your group membership right now (the directory did not answer). ' +
    'I would rather not answer than answer someone who is not allowed.',
};

const NEXT: Record<RefusalReason, string> = {
  tenant: 'If you think you should have access, ask the bot\'s administrator to add you.',
  user: 'If you think you should have access, ask the bot\'s administrator to add you.',
  membership: 'Try again in a few minutes. If it keeps happening, tell the bot\'s administrator: the bot cannot read Active Directory.',
};

export function refusalCard(reason: RefusalReason, correlationId?: string): AdaptiveCard {
  return adaptiveCard(
    [
      text(reason === 'membership' ? '🔒 Sorry, I can\'t check your access right now' : '🔒 Sorry, I can\'t help you here', { size: 'Large', weight: 'Bolder' }),
      text(WHY[reason]),
      text(NEXT[reason], { isSubtle: true }),
      ...(correlationId ? [text(`Reference: ${correlationId}`, { isSubtle: true, size: 'Small' })] : []),
    ],
    { fallbackText: 'Sorry, this bot is not available to you.' },
  );
}
