/**
 * The bot under load, in its own process: `node dist/bench/chat-server.js <hosts>`.
 * Serves the synthetic directory of <hosts> Hyper-V hosts through a Directory adapter over a pre-built
 * snapshot, wrapped in CachedDirectory (as in production), on an ephemeral port; prints `READY <url>`
 * once the cache is warm. Ends on SIGTERM or when its stdin closes.
 * KCD_BENCH_STATE=azure-blob (with KCD_BENCH_STATE_CONNECTION): state and dialog state on Azure Blob Storage, as
 * a replica runs (openStateBackend), the scheduler off.
 */
import { readConfig, readSummaryConfig } from '../src/config';
import { CachedDirectory } from '../src/directory/cached-directory';
import type { Directory } from '../src/directory/port';
import { createSnapshot } from '../src/domain/snapshot';
import { startServer, type ServerDeps } from '../src/server';
import { openStateBackend } from '../src/state-backend';
import { syntheticDirectory } from './synthetic';

/** The replicas' state (KCD_BENCH_STATE=azure-blob), or nothing: the bot's defaults (no store, dialogs in memory). */
function sharedState(): Partial<ServerDeps> {
  if (process.env.KCD_BENCH_STATE !== 'azure-blob') return {};
  const summary = readSummaryConfig({ KCD_STATE_STORE: 'azure-blob', AZURE_STORAGE_CONNECTION_STRING: process.env.KCD_BENCH_STATE_CONNECTION, KCD_SCHEDULER_ENABLED: 'false' });
  const backend = openStateBackend(summary);
  return {
    ...(backend.dialogStorage ? { dialogStorage: backend.dialogStorage } : {}),
    summary: { store: backend.store, defaults: { time: summary.defaultTime, timeZone: summary.timeZone }, schedulerEnabled: false },
  };
}

async function main(): Promise<void> {
  const hosts = Number(process.argv[2] ?? 10_000);
  const snap = createSnapshot(syntheticDirectory(hosts));
  const inner: Directory = {
    describe: () => ({ kind: 'snapshot', label: `synthetic ${hosts} Hyper-V hosts` }),
    snapshot: () => Promise.resolve(snap),
    findUser: () => Promise.resolve(undefined),
    close: () => Promise.resolve(),
  };
  const config = readConfig({ KCD_MIGRATION_GROUP: 'parent-ou', KCD_CACHE_TTL_SECONDS: '300', KCD_LOG_LEVEL: 'silent' });
  const directory = new CachedDirectory(inner, { ttlMs: config.cacheTtlSeconds * 1000 });
  await directory.snapshot(); // warm cache
  const quiet = { info: () => undefined, error: (fields: Record<string, unknown>, msg: string) => process.stderr.write(`${msg} ${JSON.stringify(fields)}\n`) };
  // KCD_BENCH_RATE_LIMIT=off: no per-conversation rate limit (the saturated run); otherwise the bot's default.
  const rateLimit = process.env.KCD_BENCH_RATE_LIMIT === 'off' ? { rateLimit: false as const } : {};
  const running = await startServer(
    { config, directory, logger: quiet, lookupMember: () => Promise.resolve({ upn: 'alice@lab.test' }), ...rateLimit, ...sharedState() },
    0,
    '127.0.0.1',
  );
  const stop = () => void running.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop).resume();
  process.stdout.write(`READY ${running.url}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`chat-server failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
