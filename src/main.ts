/**
 * `npm start`: the bot on the configured directory (the demo directory when nothing is configured),
 * with one shared, cached directory snapshot.
 */
import { readConfig, readSummaryConfig, redactConfig, type SummaryConfig } from './config';
import { KcdError } from './domain/errors';
import { CachedDirectory } from './directory/cached-directory';
import { MeasuredDirectory } from './watch/measured-directory';
import { openDirectory } from './directory/open-directory';
import { PrometheusMetrics } from './watch/prometheus';
import { quietRestifyWarning } from './process-warnings';
import { startServer } from './server';
import { openStateBackend } from './state-backend';
import { StateStoreError } from './store/state';
import { applyDeps } from './apply/wiring';
import { configSecrets, createLogger } from './log';

export async function main(): Promise<void> {
  let config;
  let summary: SummaryConfig;
  try {
    config = readConfig(process.env, undefined, { purpose: 'bot' });
    summary = readSummaryConfig(process.env);
  } catch (error) {
    if (error instanceof KcdError) {
      console.error(`${error.message}\n${error.remediation}`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel, secrets: [...configSecrets(config), ...(summary.store.kind === 'azure-blob' ? [summary.store.connectionString] : [])] });
  const warn = (message: string) => logger.warn({}, message);
  const metricsPort = config.metrics.port;
  const prometheus = metricsPort !== undefined ? new PrometheusMetrics() : undefined;
  // Reads are measured under the cache: the ones that reach AD.
  const source = openDirectory([], config, warn);
  const directory = new CachedDirectory(prometheus ? new MeasuredDirectory(source, prometheus) : source, { ttlMs: config.cacheTtlSeconds * 1000 });
  let backend;
  try {
    backend = openStateBackend(summary, logger);
  } catch (error) {
    console.error(error instanceof KcdError ? `${error.message}\n${error.remediation}` : String(error));
    process.exitCode = 2;
    return;
  }
  const { store } = backend;
  try {
    // Fail at start, not at the first subscription, when the state cannot be read.
    await store.read();
  } catch (error) {
    const text = error instanceof KcdError ? `${error.message}\n${error.remediation}` : String(error);
    // A replica restarted while the shared storage is out still answers questions (subscriptions wait for it).
    if (summary.store.kind !== 'azure-blob' || !(error instanceof StateStoreError && error.transient)) {
      console.error(text);
      process.exitCode = 2;
      return;
    }
    logger.warn({}, `starting without the shared state for now: ${text}`);
  }
  const apply = applyDeps(config, summary, logger);
  let running;
  try {
    running = await startServer({
      config,
      directory,
      logger,
      summary: {
        store,
        defaults: { time: summary.defaultTime, timeZone: summary.timeZone },
        schedulerEnabled: summary.schedulerEnabled,
        maxSubscriptionsPerTenant: summary.maxSubscriptionsPerTenant,
        ...(backend.leader ? { leader: backend.leader } : {}),
      },
      ...(prometheus && metricsPort !== undefined ? { metrics: { prometheus, port: metricsPort, host: config.metrics.host } } : {}),
      ...(backend.dialogStorage ? { dialogStorage: backend.dialogStorage } : {}),
      ...(apply ? { apply } : {}),
    });
  } catch (error) {
    const port = (error as { port?: unknown } | undefined)?.port === metricsPort && metricsPort !== undefined ? metricsPort : config.bot.port;
    console.error(listenProblem(error, port, port === config.bot.port ? 'PORT' : 'KCD_METRICS_PORT'));
    await directory.close().catch(() => undefined);
    process.exitCode = 2;
    return;
  }
  const label = directory.describe().label;
  const local = config.bot.appId === '';
  console.log(
    [
      `kcd-bot listening on ${running.address} (${reach(running.address)}): ${running.url}/api/messages (directory: ${label})`,
      local
        ? `LOCAL MODE: no MicrosoftAppId, so requests are NOT authenticated (Agents Playground, Bot Framework Emulator)${
            config.directory.kind === 'ldap' ? '; KCD_LOCAL_MODE=true lets it read a real directory (labs only)' : '; demo directory'
          }.`
        : `Authenticated as app ${config.bot.appId} (${config.bot.appType}).${
            config.bot.anyTenant ? ' ANY TENANT: KCD_ALLOW_ANY_TENANT=true lets users of every tenant that installs the app read this directory.' : ''
          }`,
      'Talk to it like in Teams with the Microsoft 365 Agents Playground:',
      config.bot.port === 3978
        ? '  npm run playground        (then open http://localhost:56150)'
        : `  npx -p @microsoft/m365agentsplayground@0.2.28 agentsplayground -e http://127.0.0.1:${config.bot.port}/api/messages -c msteams`,
      'Then ask: "can gogo-3 migrate to gogo-4?"  or  /kcd help',
      `Health: ${running.url}/healthz (alive), ${running.url}/readyz (can answer). Metrics: ${
        running.metrics ? `${running.metrics.url} (${reach(running.metrics.address)})` : 'off (set KCD_METRICS_PORT to serve GET /metrics)'
      }.`,
      `Daily summaries: state in ${store.describe()}; ${
        summary.schedulerEnabled
          ? backend.leader
            ? `every replica runs the scheduler; the holder of the lease posts (default ${summary.defaultTime} ${summary.timeZone}).`
            : `this instance runs the scheduler (default ${summary.defaultTime} ${summary.timeZone}).`
          : 'the scheduler is off on this instance (KCD_SCHEDULER_ENABLED=false): another instance must run it.'
      }`,
    ].join('\n'),
  );
  const { allowedTenants, allowedUsers, allowedGroups } = config.bot;
  if (allowedTenants.length > 0 || allowedUsers.length > 0 || allowedGroups.length > 0) {
    const who =
      allowedUsers.length === 0 && allowedGroups.length === 0
        ? 'any user'
        : `${allowedUsers.length} allowed user(s)${allowedGroups.length > 0 ? ` or members of ${allowedGroups.length} AD group(s) (nested included)` : ''}`;
    console.log(`Access: ${allowedTenants.length || 'any'} allowed tenant(s), ${who}.`);
  }
  if (apply && config.apply.writeAccount) {
    console.log(
      `Applying fixes: ON. "Request fix" on not-ready cards; a member of ${config.apply.approverGroups.join('; ')} (not the requester) approves; ` +
        `writes as ${config.apply.writeAccount.bindDN}; plans expire after ${config.apply.ttlMinutes} min; audit log ${summary.stateDir}/audit.jsonl` +
        (config.apply.labMode ? '. LAB MODE: approvers are not authenticated (no MicrosoftAppId).' : '.'),
    );
  }
  logger.debug({ config: redactConfig(config) }, 'configuration');
  // Warm the cache so the first question is answered from memory.
  directory.refresh().catch((error: unknown) => warn(`the directory could not be read yet: ${error instanceof Error ? error.message : String(error)}`));
  const stop = async () => {
    await running.close();
    await directory.close().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

/** Who can reach the bound address, for the banner. */
function reach(address: string): string {
  if (/^(0\.0\.0\.0|\[::\]):/.test(address)) return 'every interface';
  if (/^(127\.|\[::1\]:|localhost:)/.test(address)) return 'this machine only';
  return 'this address only';
}

/** What to tell the admin when the bot cannot listen (another bot or an old instance on the port, a privileged port). */
export function listenProblem(error: unknown, port: number, variable = 'PORT'): string {
  const code = (error as { code?: string } | undefined)?.code;
  if (code === 'EADDRINUSE') return `Port ${port} is already in use (another kcd-bot or other server is listening there).\nStop it, or set ${variable} to a free port (see .env.example).`;
  if (code === 'EACCES') return `Port ${port} may not be opened by this user.\nSet ${variable} to a port above 1023, or run behind a reverse proxy.`;
  return `The bot could not listen on port ${port}: ${error instanceof Error ? error.message : String(error)}`;
}

if (require.main === module) {
  // Before the first tick ends: restify's DEP0111 warnings, emitted while it loads, are printed on the next one.
  quietRestifyWarning();
  void main();
}
