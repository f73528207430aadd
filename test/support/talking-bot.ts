/**
 * A bot process as production runs it (`node dist/src/main.js`, local mode: replies go to the activity's
 * serviceUrl, here a LocalConnector), and a way to ask it something over real HTTP and wait for the reply.
 * `npm test` builds dist/ first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './azurite';
import { teamsMessage, type LocalConnector, type ReceivedActivity } from './connector';

const MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js');

export class TalkingBot {
  stdout = '';
  stderr = '';
  exited: number | null | undefined;

  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {
    child.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    child.on('exit', (code) => (this.exited = code));
  }

  static async start(name: string, env: Record<string, string>): Promise<TalkingBot> {
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH, PORT: String(port), KCD_BIND_HOST: '127.0.0.1', KCD_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const bot = new TalkingBot(name, port, child);
    const deadline = Date.now() + 60_000;
    while (!bot.stdout.includes('listening on')) {
      if (bot.exited !== undefined || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`bot ${name} did not start:\n${bot.stdout}\n${bot.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return bot;
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

  async stop(): Promise<void> {
    if (this.exited !== undefined) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
  }
}

/** Everything a reply shows (text and card JSON), for "contains" checks. */
export function replyText(replies: ReceivedActivity[]): string {
  return replies.map((r) => `${r.activity.text ?? ''} ${JSON.stringify(r.activity.attachments ?? [])}`).join('\n');
}
