/** The polite refusal card for callers outside the tenant or user allow-lists. */
import { adaptiveCard, text } from '../render/cards/common';
import type { AdaptiveCard } from '../render/cards';

export function refusalCard(reason: 'tenant' | 'user', correlationId?: string): AdaptiveCard {
  const why =
    reason === 'tenant'
      ? 'This bot serves its own organisation only, and this request came from another tenant.'
      : 'This bot answers only the people its administrators have allowed, and you are not on that list yet.';
  return adaptiveCard(
    [
      text('🔒 Sorry, I can\'t help you here', { size: 'Large', weight: 'Bolder' }),
      text(why),
      text('If you think you should have access, ask the bot\'s administrator to add you.', { isSubtle: true }),
      ...(correlationId ? [text(`Reference: ${correlationId}`, { isSubtle: true, size: 'Small' })] : []),
    ],
    { fallbackText: 'Sorry, this bot is not available to you.' },
  );
}
