/**
 * A bot process as production runs it (`node dist/src/main.js`, local mode: replies go to the activity's
 * serviceUrl, here a LocalConnector), and a way to ask it something over real HTTP and wait for the reply.
 * `npm test` builds dist/ first.
 */
import { join } from 'node:path';
import { startBotProcess, type BotProcess } from './bot-process';
import { teamsMessage, type LocalConnector, type ReceivedActivity } from './connector';
import { freePort } from './ports';

const MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js');

export class TalkingBot {
  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly child: BotProcess,
  ) {}

  static async start(name: string, env: Record<string, string>): Promise<TalkingBot> {
    const port = await freePort();
    const child = await startBotProcess(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH, PORT: String(port), KCD_BIND_HOST: '127.0.0.1', KCD_LOG_LEVEL: 'warn', ...env },
    });
    return new TalkingBot(name, port, child);
  }

  get exited(): number | null | undefined {
    return this.child.exited;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/api/messages`;
  }

  /** Sends `text` in `conversationId` and returns the messages the bot sent there in reply (at least one). */
  async ask(connector: LocalConnector, text: string, conversationId: string, timeoutMs = 60_000): Promise<ReceivedActivity[]> {
    const before = connector.messages(conversationId).length;
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(teamsMessage(connector, text, { conversationId })),
    });
    if (response.status >= 300) throw new Error(`bot ${this.name} answered HTTP ${response.status}: ${await response.text()}`);
    await connector.waitForMessages(before + 1, conversationId, timeoutMs);
    return connector.messages(conversationId).slice(before);
  }

  stop(): Promise<void> {
    return this.child.stop();
  }
}

/** Everything a reply shows (text and card JSON), for "contains" checks. */
export function replyText(replies: ReceivedActivity[]): string {
  return replies.map((r) => `${r.activity.text ?? ''} ${JSON.stringify(r.activity.attachments ?? [])}`).join('\n');
}
