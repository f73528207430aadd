/**
 * A local Bot Framework connector (the `serviceUrl` side): records every activity the bot sends, so tests
 * see replies arrive over real HTTP exactly as Teams' connector would receive them.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface ReceivedActivity {
  path: string;
  conversationId: string;
  authorization?: string;
  activity: Record<string, unknown> & { type?: string; text?: string; attachments?: Array<{ contentType: string; content: unknown }> };
}

export class LocalConnector {
  readonly received: ReceivedActivity[] = [];
  private server?: Server;
  private waiters: Array<() => void> = [];
  /** Conversations that answer with this status (e.g. 403 after the bot was removed). */
  readonly refuse = new Map<string, number>();
  /** What GET /v3/conversations/:id/members/:userId answers (TeamsInfo.getMember), by user id. */
  readonly members = new Map<string, Record<string, unknown>>();
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    this.url = `http://127.0.0.1:${address.port}`;
    return this;
  }

  private async handle(req: IncomingMessage, res: import('node:http').ServerResponse) {
    let body = '';
    for await (const chunk of req) body += chunk;
    const member = /\/v3\/conversations\/[^/]+\/members\/([^/?]+)/.exec(req.url ?? '');
    if (req.method === 'GET' && member) {
      const found = this.members.get(decodeURIComponent(member[1]!));
      res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(found ?? { error: { code: 'MemberNotFoundInConversation', message: 'no such member' } }));
      return;
    }
    const match = /\/v3\/conversations\/([^/]+)\/activities/.exec(req.url ?? '');
    const conversationId = decodeURIComponent(match?.[1] ?? '');
    const status = this.refuse.get(conversationId);
    if (status) {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'BotNotInConversationRoster', message: 'refused' } }));
      return;
    }
    try {
      this.received.push({ path: req.url ?? '', conversationId, authorization: req.headers.authorization, activity: JSON.parse(body || '{}') as ReceivedActivity['activity'] });
    } catch {
      this.received.push({ path: req.url ?? '', conversationId, activity: {} });
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: `reply-${this.received.length}` }));
    for (const w of this.waiters.splice(0)) w();
  }

  /** Messages (not typing indicators) received for a conversation. */
  messages(conversationId?: string): ReceivedActivity[] {
    return this.received.filter((r) => r.activity.type === 'message' && (!conversationId || r.conversationId === conversationId));
  }

  async waitForMessages(count: number, conversationId?: string, timeoutMs = 20_000): Promise<ReceivedActivity[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages(conversationId).length < count) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} message(s); got ${this.messages(conversationId).length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.messages(conversationId);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** A Teams message activity from Alice, as the Bot Framework delivers it, with replies going to `connector`. */
export function teamsMessage(
  connector: LocalConnector,
  text: string,
  options: { conversationId?: string; conversationType?: string; tenant?: string; serviceUrl?: string } = {},
) {
  const tenant = options.tenant ?? 'tenant-1';
  return {
    type: 'message',
    id: `act-${Math.random().toString(36).slice(2)}`,
    text,
    channelId: 'msteams',
    serviceUrl: options.serviceUrl ?? connector.url,
    conversation: { id: options.conversationId ?? 'conv-1', conversationType: options.conversationType ?? 'personal', tenantId: tenant },
    from: { id: 'user-1', name: 'Alice', aadObjectId: '00000000-0000-0000-0000-0000000000a1' },
    recipient: { id: 'bot-1', name: 'kcd' },
    channelData: { tenant: { id: tenant } },
  };
}
