/**
 * The Playground's conversation stream: every message the bot sends (replies and proactive posts) is
 * pushed on ws://<playground>/_ws_conversation/v1/conversations/stream as {"action":"createMessage", …}
 * with the card JSON in message.attachments. The tests read card payloads there to validate them.
 */
import path from 'node:path';

export interface StreamEvent {
  action: string;
  actionConversationId?: string;
  message?: {
    id?: string;
    from?: { id?: string };
    conversation?: { id?: string };
    attachments?: Array<{ contentType: string; content: Record<string, unknown> }>;
  };
}

interface Socket {
  on(event: 'message', listener: (data: Buffer) => void): void;
  on(event: 'open' | 'close', listener: () => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  close(): void;
}

export interface ConversationStream {
  readonly events: StreamEvent[];
  /** Resolves with the first event (already seen or still to come) that matches, or rejects after `timeoutMs`. */
  waitFor(match: (e: StreamEvent) => boolean, timeoutMs: number, from?: number): Promise<StreamEvent>;
  close(): void;
}

export async function openConversationStream(playgroundUrl: string): Promise<ConversationStream> {
  // ws comes with botbuilder (botframework-streaming depends on it); Node 20 has no WebSocket global.
  const wsPath = require.resolve('ws', { paths: [path.dirname(require.resolve('botframework-streaming/package.json'))] });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const WebSocket = require(wsPath) as new (url: string) => Socket;
  const socket = new WebSocket(`${playgroundUrl.replace(/^http/, 'ws')}/_ws_conversation/v1/conversations/stream`);
  const events: StreamEvent[] = [];
  const listeners = new Set<(e: StreamEvent) => void>();
  socket.on('message', (data) => {
    const event = JSON.parse(data.toString()) as StreamEvent;
    events.push(event);
    for (const l of listeners) l(event);
  });
  await new Promise<void>((resolve, reject) => {
    socket.on('open', () => resolve());
    socket.on('error', reject);
  });
  return {
    events,
    waitFor(match, timeoutMs, from = 0) {
      const seen = events.slice(from).find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const listener = (e: StreamEvent) => {
          if (!match(e)) return;
          clearTimeout(timer);
          listeners.delete(listener);
          resolve(e);
        };
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(new Error(`nothing matching on the Playground's stream; saw: ${JSON.stringify(events.map((e) => [e.action, e.actionConversationId]))}`));
        }, timeoutMs);
        listeners.add(listener);
      });
    },
    close: () => socket.close(),
  };
}
