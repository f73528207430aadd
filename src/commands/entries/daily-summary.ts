/** What the subscription commands share: the summary service and the conversation, or a clear refusal. */
import { InputError } from '../../domain/errors';
import type { ConversationTarget, SummaryService } from '../../summary/service';
import type { CommandContext } from '../command';

export function dailySummaries(ctx: CommandContext): { summaries: SummaryService; conversation: ConversationTarget } {
  if (!ctx.summaries || !ctx.conversation) {
    throw new InputError(
      'Daily summaries are not available here: this bot runs without its state store.',
      'Ask your admin to run the bot with KCD_STATE_DIR set (see docs/daily-summary.md); "/kcd summary" works meanwhile.',
    );
  }
  return { summaries: ctx.summaries, conversation: ctx.conversation };
}
