/**
 * Load: 200 concurrent conversations for 30 seconds over HTTP on loopback (the real restify server and
 * CloudAdapter, replies delivered to a local connector). Each conversation asks, waits for its reply, thinks
 * 1.5 s (under the 8-per-10-s rate limit, which stays on), and asks again. Asserted: no HTTP error, no lost
 * reply, no "slow down". Reported (not asserted): requests, replies, p50/p95 latency, RSS at start and end.
 * KCD_LOAD_SECONDS / KCD_LOAD_CONVERSATIONS change the duration and the number of conversations.
 */
import { createServer, type Server } from 'node:http';
import { readConfig } from '../src/config';
import { CachedDirectory } from '../src/directory/cached-directory';
import { DemoDirectory } from '../src/directory/demo-directory';
import { createLogger } from '../src/log';
import { startServer, type RunningServer } from '../src/server';

const SECONDS = Number(process.env.KCD_LOAD_SECONDS ?? 30);
const CONVERSATIONS = Number(process.env.KCD_LOAD_CONVERSATIONS ?? 200);
const THINK_MS = 1500;
const QUESTIONS = ['can gogo-3 migrate to gogo-4?', 'check gogo-5', 'scan', 'help', 'explain KCD001', '/kcd check gogo-1 gogo-2', 'is gogo-4 ready?'];

/** A minimal connector: counts replies per conversation and wakes the one waiting conversation. */
class CountingConnector {
  server?: Server;
  url = '';
  readonly replies = new Map<string, number>();
  readonly texts: string[] = [];
  private readonly waiters = new Map<string, () => void>();
  typing = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const id = decodeURIComponent(/\/v3\/conversations\/([^/]+)\/activities/.exec(req.url ?? '')?.[1] ?? '');
        let activity: { type?: string; text?: string } = {};
        try {
          activity = JSON.parse(body);
        } catch {
          // counted as a message below
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id":"r"}');
        if (activity.type === 'typing') {
          this.typing++;
          return;
        }
        if (activity.text) this.texts.push(activity.text);
        this.replies.set(id, (this.replies.get(id) ?? 0) + 1);
        this.waiters.get(id)?.();
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    const a = this.server.address();
    this.url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    return this;
  }

  /** Resolves when conversation `id` has `count` replies (rejects after `timeoutMs`). */
  waitFor(id: string, count: number, timeoutMs = 30_000): Promise<void> {
    if ((this.replies.get(id) ?? 0) >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        reject(new Error(`no reply for ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(id, () => {
        if ((this.replies.get(id) ?? 0) >= count) {
          clearTimeout(timer);
          this.waiters.delete(id);
          resolve();
        }
      });
    });
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => {
      this.server?.close(() => r());
      this.server?.closeAllConnections();
    });
  }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

test(`load: ${CONVERSATIONS} concurrent conversations for ${SECONDS} s over HTTP`, async () => {
  const connector = await new CountingConnector().start();
  const errors: string[] = [];
  const logger = createLogger({ level: 'error', destination: { write: (line: string) => void errors.push(line) } });
  const running: RunningServer = await startServer(
    { config: readConfig({}), directory: new CachedDirectory(new DemoDirectory(), { ttlMs: 300_000 }), logger, lookupMember: async () => ({ upn: 'labadmin@contoso.com' }) },
    0,
    '127.0.0.1',
  );
  const rssStart = process.memoryUsage().rss;
  const latencies: number[] = [];
  const httpErrors: string[] = [];
  let requests = 0;
  const deadline = Date.now() + SECONDS * 1000;
  const t0 = Date.now();
  try {
    await Promise.all(
      Array.from({ length: CONVERSATIONS }, async (_, n) => {
        const id = `load-${n}`;
        await new Promise((r) => setTimeout(r, (n * THINK_MS) / CONVERSATIONS)); // spread the starts
        let sent = 0;
        while (Date.now() < deadline) {
          const text = QUESTIONS[(n + sent) % QUESTIONS.length]!;
          const start = performance.now();
          requests++;
          sent++;
          const res = await fetch(`${running.url}/api/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              type: 'message',
              id: `${id}-${sent}`,
              text,
              channelId: 'msteams',
              serviceUrl: connector.url,
              conversation: { id, conversationType: 'personal' },
              from: { id: `user-${n}`, name: `User ${n}`, aadObjectId: `00000000-0000-0000-0000-${String(n).padStart(12, '0')}` },
              recipient: { id: 'bot-1', name: 'kcd' },
              channelData: { tenant: { id: 'tenant-1' } },
            }),
          }).catch((e: unknown) => ({ ok: false, status: 0, statusText: String(e), text: async () => '' }));
          if (!res.ok) httpErrors.push(`${res.status} ${res.statusText}`);
          await res.text();
          await connector.waitFor(id, sent);
          latencies.push(performance.now() - start);
          await new Promise((r) => setTimeout(r, THINK_MS));
        }
      }),
    );
  } finally {
    await running.close();
    await connector.stop();
  }
  const elapsed = (Date.now() - t0) / 1000;
  const rssEnd = process.memoryUsage().rss;
  const replies = [...connector.replies.values()].reduce((a, b) => a + b, 0);
  const sorted = [...latencies].sort((a, b) => a - b);
  const slowDowns = connector.texts.filter((t) => /asking faster/.test(t)).length;
  console.log(
    [
      `load: ${CONVERSATIONS} conversations, ${elapsed.toFixed(1)} s over HTTP on loopback`,
      `  requests ${requests}, replies ${replies} (${(replies / elapsed).toFixed(1)}/s), typing indicators ${connector.typing}, HTTP errors ${httpErrors.length}, slow-down replies ${slowDowns}, error log lines ${errors.length}`,
      `  latency (request → reply at the connector): p50 ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms, max ${(sorted[sorted.length - 1] ?? NaN).toFixed(1)} ms`,
      `  RSS: start ${mb(rssStart)}, end ${mb(rssEnd)}`,
    ].join('\n'),
  );
  expect(httpErrors).toEqual([]);
  expect(errors).toEqual([]);
  expect(replies).toBe(requests);
  expect(slowDowns).toBe(0);
  expect(requests).toBeGreaterThan(CONVERSATIONS);
}, (SECONDS + 60) * 1000);
