/**
 * Chat latency: the bot (bench/chat-server.js, its own process) answers `/kcd check A B` questions POSTed to
 * /api/messages by C concurrent conversations for D seconds; each conversation asks its next question once
 * the previous reply arrived. Latency = from the POST to the reply message arriving at a local Bot Framework
 * connector (the `serviceUrl` side, in this process, like test/support/connector.ts but keeping only timings).
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { RateLimiter } from '../src/bot/rate-limit';
import { startReplicas, type BotHandle } from './chat-replicas';
import { log, percentile } from './stats';
import { planFleet, prng, randomPair } from './synthetic';

export interface ChatResult {
  mode: ChatMode;
  /** Paced mode: time between a conversation's questions (ms); 0 when saturated. */
  intervalMs: number;
  hosts: number;
  conversations: number;
  seconds: number;
  replies: number;
  failures: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  perSecond: number;
  /** A sample reply's fallback text, to show what was answered. */
  sampleReply: string;
  /** CPU time of the bot process per reply during the measured window (ms), and its share of one core. */
  botCpuMsPerReply: number;
  botCpuShare: number;
  /** TCP connections the bot opened to the connector per reply (2 = a new one for the typing and for the answer). */
  connectorConnectionsPerReply: number;
  /** Bot processes behind a round-robin proxy with their state in Azurite (absent: one process, state in memory). */
  replicas?: number;
  /** Requests to the blob service per reply (replicas only). */
  blobRequestsPerReply?: number;
}

/** utime + stime of a process, in ms (Linux /proc; NaN elsewhere). */
function processCpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks, USER_HZ = 100
  } catch {
    return NaN;
  }
}

interface Reply {
  at: number;
  /** The activity's summary (the card's fallback text). */
  summary: string;
  card: string;
}

interface Waiter {
  resolve: (reply: Reply) => void;
}

/** Receives the bot's replies; resolves the waiter of the conversation when its message (not typing) arrives. */
class TimingConnector {
  private server?: Server;
  readonly waiting = new Map<string, Waiter>();
  connections = 0;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const at = performance.now();
        const match = /\/v3\/conversations\/([^/]+)\/activities/.exec(req.url ?? '');
        const conversationId = decodeURIComponent(match?.[1] ?? '');
        let activity: { type?: string; summary?: string; attachments?: Array<{ content?: unknown }> } = {};
        try {
          activity = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as typeof activity;
        } catch {
          // counted as a failure below
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `reply-${conversationId}-${Math.round(at)}` }));
        if (activity.type !== 'message') return;
        const waiter = this.waiting.get(conversationId);
        if (!waiter) return;
        this.waiting.delete(conversationId);
        waiter.resolve({ at, summary: activity.summary ?? '', card: JSON.stringify(activity.attachments?.[0]?.content ?? null) });
      });
    });
    this.server.keepAliveTimeout = 60_000;
    this.server.on('connection', () => this.connections++);
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('connector has no port');
    this.url = `http://127.0.0.1:${address.port}`;
    return this;
  }

  expect(conversationId: string): Promise<Reply> {
    return new Promise((resolve) => this.waiting.set(conversationId, { resolve }));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    (this.server as unknown as { closeAllConnections?: () => void })?.closeAllConnections?.();
  }
}

function activity(connectorUrl: string, conversationId: string, text: string, n: number) {
  return {
    type: 'message',
    id: `bench-${conversationId}-${n}`,
    text,
    channelId: 'msteams',
    serviceUrl: connectorUrl,
    conversation: { id: conversationId, conversationType: 'personal', tenantId: 'tenant-1' },
    from: { id: `user-${conversationId}`, name: 'Bench', aadObjectId: '00000000-0000-0000-0000-0000000000b1' },
    recipient: { id: 'bot-1', name: 'kcd' },
    channelData: { tenant: { id: 'tenant-1' } },
  };
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function post(url: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const data = Buffer.from(JSON.stringify(body));
    const req = request(`${url}/api/messages`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': data.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(data);
  });
}

/**
 * paced: each conversation asks once per (rate-limit window ÷ capacity), the fastest the bot's per-conversation
 * rate limit lets a conversation go on for ever (8 per 10 s: every 1.25 s), starts spread over one interval;
 * the production configuration. saturated: the rate limit off, each conversation asks again as soon as its reply
 * arrived (no think time): the bot's capacity on one core.
 */
export type ChatMode = 'paced' | 'saturated';

async function startBot(hosts: number, mode: ChatMode, env: Record<string, string> = {}): Promise<BotHandle> {
  // KCD_BENCH_PROFILE=<dir>: write a CPU profile of the bot process there (open it in Chrome DevTools).
  const profile = process.env.KCD_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.KCD_BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, join(__dirname, 'chat-server.js'), String(hosts)], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, KCD_BENCH_RATE_LIMIT: mode === 'saturated' ? 'off' : 'on', ...env },
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`chat-server exited early (${code})`)));
    lines.on('line', (line) => {
      if (line.startsWith('READY ')) resolve(line.slice(6).trim());
    });
  });
  return {
    url,
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export async function runChat(opts: { hosts: number; conversations: number; seconds: number; warmupSeconds: number; mode: ChatMode; replicas?: number }): Promise<ChatResult> {
  const plan = planFleet(opts.hosts);
  const limiter = new RateLimiter();
  const intervalMs = opts.mode === 'paced' ? limiter.windowMs / limiter.capacity : 0;
  const connector = await new TimingConnector().start();
  const replicas = opts.replicas ? await startReplicas(opts.replicas, (env) => startBot(opts.hosts, opts.mode, env)) : undefined;
  const bot: { url: string; pids: Array<number | undefined>; stop: () => Promise<void> } = replicas
    ? { url: replicas.url, pids: replicas.pids, stop: () => replicas.stop() }
    : await startBot(opts.hosts, opts.mode).then((b) => ({ ...b, pids: [b.pid] }));
  const botsCpuMs = (): number => bot.pids.reduce<number>((sum, pid) => sum + processCpuMs(pid), 0);
  log(
    `chat (${opts.mode}): bot on ${bot.url} with ${opts.hosts} hosts; ${opts.conversations} conversations` +
      `${intervalMs ? `, one question each every ${intervalMs} ms` : ', no think time, rate limit off'}; warm-up ${opts.warmupSeconds} s, then ${opts.seconds} s`,
  );
  const latencies: number[] = [];
  let failures = 0;
  let sampleReply = '';
  try {
    /** One question; resolves to the latency when the answer is the expected pair card, else undefined. */
    const ask = async (conversationId: string, rnd: () => number, n: number): Promise<number | undefined> => {
      const [a, b] = randomPair(plan, rnd);
      const reply = connector.expect(conversationId);
      const t0 = performance.now();
      const [status, got] = await Promise.all([post(bot.url, activity(connector.url, conversationId, `/kcd check ${a} ${b}`, n)), reply]);
      // A pair card's summary is "A → B: READY" (or NOT READY); an error card's is the error message.
      const ok = status >= 200 && status < 300 && got.summary.startsWith(`${a} → ${b}`) && got.card.includes(b);
      if (!sampleReply && ok) sampleReply = `"/kcd check ${a} ${b}" → "${got.summary}" (card of ${got.card.length} bytes)`;
      if (!ok && failures < 3) log(`chat: unexpected reply (status ${status}): ${(got.summary || got.card).slice(0, 300)}`);
      return ok ? got.at - t0 : undefined;
    };
    // Warm-up (JIT, the host vocabulary built on the first question, sockets): a new conversation per question,
    // so the rate limit never applies and the measured conversations start with full buckets.
    const warmEnd = performance.now() + opts.warmupSeconds * 1000;
    await Promise.all(
      Array.from({ length: opts.conversations }, async (_, k) => {
        const rnd = prng(500 + k);
        for (let n = 0; performance.now() < warmEnd; n++) await ask(`warm-${k}-${n}`, rnd, n);
      }),
    );
    const cpu0 = botsCpuMs();
    const connections0 = connector.connections;
    const blob0 = replicas?.blobRequests() ?? 0;
    const start = performance.now();
    const stopAt = start + opts.seconds * 1000;
    await Promise.all(
      Array.from({ length: opts.conversations }, async (_, k) => {
        const rnd = prng(1000 + k);
        let next = start + (intervalMs * k) / opts.conversations;
        for (let n = 0; ; n++) {
          if (intervalMs) await sleep(next - performance.now());
          if (performance.now() >= stopAt) break;
          const ms = await ask(`bench-conv-${k}`, rnd, n);
          if (ms === undefined) failures++;
          else latencies.push(ms);
          next += intervalMs;
        }
      }),
    );
    const elapsed = (performance.now() - start) / 1000;
    const botCpuMs = botsCpuMs() - cpu0;
    const answered = latencies.length + failures;
    return {
      mode: opts.mode,
      intervalMs,
      hosts: opts.hosts,
      conversations: opts.conversations,
      seconds: opts.seconds,
      replies: latencies.length,
      failures,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: Math.max(...latencies),
      perSecond: latencies.length / elapsed,
      sampleReply,
      botCpuMsPerReply: botCpuMs / answered,
      botCpuShare: botCpuMs / 1000 / elapsed,
      connectorConnectionsPerReply: (connector.connections - connections0) / answered,
      ...(replicas ? { replicas: opts.replicas, blobRequestsPerReply: (replicas.blobRequests() - blob0) / answered } : {}),
    };
  } finally {
    await bot.stop();
    await connector.stop();
  }
}
