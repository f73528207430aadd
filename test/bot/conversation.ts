/** Drives the bot through botbuilder's TestAdapter (channel msteams) and collects what it sends. */
import { MemoryStorage, PrivateConversationState, TestAdapter, type Activity } from 'botbuilder';
import { readConfig } from '../../src/config';
import { Answerer, type Asker } from '../../src/bot/answerer';
import { KcdBot, type BotLogger, type KcdBotDeps } from '../../src/bot/kcd-bot';
import type { AccessPolicy } from '../../src/bot/authorization';
import type { GroupMembership } from '../../src/bot/group-membership';
import type { RateLimiter } from '../../src/bot/rate-limit';
import { DemoDirectory } from '../../src/directory/demo-directory';
import type { Directory } from '../../src/directory/port';
import type { Clock } from '../../src/time/clock';
import type { StateStore } from '../../src/store/state';
import { SummaryService, type SummaryDefaults } from '../../src/summary/service';

export const BOT = { id: '28:kcd-bot', name: 'kcd' };
export const quiet = { info: () => undefined, error: () => undefined };

export interface Conversation {
  adapter: TestAdapter;
  bot: KcdBot;
  /** Present when the conversation was given a state store. */
  summaries?: SummaryService;
  /** Sends one activity (text or a partial activity) and returns everything the bot sent back. */
  say(input: string | Partial<Activity>): Promise<Partial<Activity>[]>;
}

export interface ConversationOptions {
  directory?: Directory;
  asker?: Asker;
  conversationType?: string;
  user?: string;
  /** Default conv-1. */
  conversationId?: string;
  /** Subscriptions and diffed summaries (optional: without it the bot answers as a deployment without state). */
  store?: StateStore;
  clock?: Clock;
  defaults?: SummaryDefaults;
  /** Share one SummaryService between conversations (e.g. a channel and a personal chat of one bot). */
  summaries?: SummaryService;
  /** Default: no rate limit (tests send many messages at once). */
  rateLimit?: RateLimiter | false;
  access?: AccessPolicy;
  /** The group allow-list (KCD_ALLOWED_GROUPS). */
  groupMembership?: GroupMembership;
  logger?: BotLogger;
  /** The sender (default 29:alice); e.g. with an aadObjectId. */
  from?: { id: string; name: string; aadObjectId?: string };
  /** Fields added to every activity sent (e.g. channelData with a tenant). */
  activityDefaults?: Partial<Activity>;
  /** Applying fixes (issue 21): the approval service and where other cards are posted and updated. */
  apply?: KcdBotDeps['apply'];
}

export function conversation(options: ConversationOptions = {}): Conversation {
  const directory = options.directory ?? new DemoDirectory();
  const config = readConfig({});
  const summaries =
    options.summaries ??
    (options.store
      ? new SummaryService({
          store: options.store,
          directory,
          migrationGroup: config.migrationGroup,
          defaults: options.defaults ?? { time: '08:00', timeZone: 'UTC' },
          clock: options.clock,
        })
      : undefined);
  const bot = new KcdBot({
    answerer: (lookupAsker, extras) => new Answerer({ directory, config, lookupAsker, summaries, ...extras }),
    ...(options.apply ? { apply: options.apply } : {}),
    dialogState: new PrivateConversationState(new MemoryStorage()),
    logger: options.logger ?? quiet,
    lookupMember: () => Promise.resolve(options.asker ?? { upn: 'labadmin@contoso.com' }),
    rateLimit: options.rateLimit ?? false,
    ...(options.access ? { access: options.access } : {}),
    ...(options.groupMembership ? { groupMembership: options.groupMembership } : {}),
  });
  const adapter = new TestAdapter(async (context) => bot.run(context), {
    channelId: 'msteams',
    recipient: BOT,
    from: options.from ?? { id: options.user ?? '29:alice', name: 'Alice' },
    conversation: { id: options.conversationId ?? 'conv-1', conversationType: options.conversationType ?? 'personal', isGroup: false, name: '' },
  });
  return {
    adapter,
    bot,
    ...(summaries ? { summaries } : {}),
    async say(input) {
      const before = adapter.activeQueue.length;
      const defaults = options.activityDefaults ?? {};
      await adapter.processActivity(typeof input === 'string' ? { type: 'message', ...defaults, text: input } : { type: 'message', ...defaults, ...input });
      return adapter.activeQueue.splice(before);
    },
  };
}

/** The Adaptive Cards among the replies. */
export function cards(replies: Partial<Activity>[]): Array<Record<string, unknown>> {
  return replies.flatMap((r) => (r.attachments ?? []).filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive').map((a) => a.content as Record<string, unknown>));
}

export function messages(replies: Partial<Activity>[]): Partial<Activity>[] {
  return replies.filter((r) => r.type === 'message');
}

export function cardText(replies: Partial<Activity>[]): string {
  return JSON.stringify(cards(replies));
}

/** Asks until `done(card text)` or the deadline (faults: the DC comes back); returns the last replies. */
export async function askUntil(c: Conversation, text: string, done: (t: string) => boolean, timeoutMs = 30_000): Promise<Partial<Activity>[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const replies = await c.say(text);
    if (done(cardText(replies)) || Date.now() > deadline) return replies;
    await new Promise((r) => setTimeout(r, 250));
  }
}
