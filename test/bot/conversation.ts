/** Drives the bot through botbuilder's TestAdapter (channel msteams) and collects what it sends. */
import { MemoryStorage, PrivateConversationState, TestAdapter, type Activity } from 'botbuilder';
import { readConfig } from '../../src/config';
import { Answerer, type Asker } from '../../src/bot/answerer';
import { KcdBot } from '../../src/bot/kcd-bot';
import { DemoDirectory } from '../../src/directory/demo-directory';
import type { Directory } from '../../src/directory/port';

export const BOT = { id: '28:kcd-bot', name: 'kcd' };
export const quiet = { info: () => undefined, error: () => undefined };

export interface Conversation {
  adapter: TestAdapter;
  bot: KcdBot;
  /** Sends one activity (text or a partial activity) and returns everything the bot sent back. */
  say(input: string | Partial<Activity>): Promise<Partial<Activity>[]>;
}

export function conversation(options: { directory?: Directory; asker?: Asker; conversationType?: string; user?: string } = {}): Conversation {
  const directory = options.directory ?? new DemoDirectory();
  const bot = new KcdBot({
    answerer: (lookupAsker) => new Answerer({ directory, config: readConfig({}), lookupAsker }),
    dialogState: new PrivateConversationState(new MemoryStorage()),
    logger: quiet,
    lookupMember: async () => options.asker ?? { upn: 'labadmin@contoso.com' },
  });
  const adapter = new TestAdapter(async (context) => bot.run(context), {
    channelId: 'msteams',
    recipient: BOT,
    from: { id: options.user ?? '29:alice', name: 'Alice' },
    conversation: { id: 'conv-1', conversationType: options.conversationType ?? 'personal', isGroup: false, name: '' },
  });
  return {
    adapter,
    bot,
    async say(input) {
      const before = adapter.activeQueue.length;
      await adapter.processActivity(typeof input === 'string' ? { type: 'message', text: input } : { type: 'message', ...input });
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
