/**
 * The chat benchmark against replicas: N bot processes (chat-server.js with KCD_BENCH_STATE=azure-blob) sharing
 * one Azurite container for their state, behind a round-robin HTTP proxy (as a load balancer spreads turns),
 * with a counting proxy between the bots and Azurite so the run reports blob requests per reply.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Azurite, devConnectionString } from './azurite';

/** Forwards every request to `targets` in turn (round robin); counts them. */
class ForwardingProxy {
  private server: Server | undefined;
  private next = 0;
  requests = 0;
  port = 0;

  constructor(private readonly targets: () => readonly number[]) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.forward(req, res));
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    this.requests++;
    const targets = this.targets();
    const port = targets[this.next++ % targets.length]!;
    const upstream = request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  }

  async stop(): Promise<void> {
    (this.server as unknown as { closeAllConnections?: () => void })?.closeAllConnections?.();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export interface BotHandle {
  url: string;
  pid?: number;
  stop: () => Promise<void>;
}

export interface Replicas {
  /** The round-robin proxy: what the benchmark posts to. */
  url: string;
  pids: Array<number | undefined>;
  /** Blob service requests the bots made so far. */
  blobRequests(): number;
  stop(): Promise<void>;
}

/** Starts Azurite, a counting proxy to it, `count` bots on it (via `startBot`) and a round-robin proxy in front. */
export async function startReplicas(count: number, startBot: (env: Record<string, string>) => Promise<BotHandle>): Promise<Replicas> {
  const azurite = await Azurite.start();
  const storage = await new ForwardingProxy(() => [azurite.port]).start();
  const env = { KCD_BENCH_STATE: 'azure-blob', KCD_BENCH_STATE_CONNECTION: devConnectionString(storage.port) };
  const bots: BotHandle[] = [];
  try {
    for (let i = 0; i < count; i++) bots.push(await startBot(env));
  } catch (error) {
    await Promise.all(bots.map((b) => b.stop()));
    await storage.stop();
    await azurite.dispose();
    throw error;
  }
  const ports = bots.map((b) => Number(new URL(b.url).port));
  const front = await new ForwardingProxy(() => ports).start();
  return {
    url: `http://127.0.0.1:${front.port}`,
    pids: bots.map((b) => b.pid),
    blobRequests: () => storage.requests,
    stop: async () => {
      await front.stop();
      await Promise.all(bots.map((b) => b.stop()));
      await storage.stop();
      await azurite.dispose();
    },
  };
}
