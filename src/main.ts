/**
 * `npm start`: the bot on the configured directory (the demo directory when nothing is configured),
 * with one shared, cached directory snapshot.
 */
import { readConfig, redactConfig } from './config';
import { KcdError } from './domain/errors';
import { CachedDirectory } from './directory/cached-directory';
import { openDirectory } from './directory/open-directory';
import { startServer } from './server';

export async function main(): Promise<void> {
  let config;
  try {
    config = readConfig(process.env);
  } catch (error) {
    if (error instanceof KcdError) {
      console.error(`${error.message}\n${error.remediation}`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  const warn = (message: string) => console.warn(`warning: ${message}`);
  const directory = new CachedDirectory(openDirectory([], config, warn), { ttlMs: config.cacheTtlSeconds * 1000 });
  const running = await startServer({ config, directory });
  const label = directory.describe().label;
  const local = config.bot.appId === '';
  console.log(
    [
      `kcd-bot listening on ${running.url}/api/messages (directory: ${label})`,
      local
        ? 'Local mode: no MicrosoftAppId, so requests are not authenticated (Agents Playground, Bot Framework Emulator).'
        : `Authenticated as app ${config.bot.appId} (${config.bot.appType}).`,
      'Talk to it like in Teams with the Microsoft 365 Agents Playground:',
      `  npx agentsplayground -e http://127.0.0.1:${config.bot.port}/api/messages -c msteams`,
      'Then ask: "can gogo-3 migrate to gogo-4?"  or  /kcd help',
    ].join('\n'),
  );
  if (process.env.KCD_LOG_LEVEL === 'debug') console.log(JSON.stringify(redactConfig(config)));
  // Warm the cache so the first question is answered from memory.
  directory.refresh().catch((error: unknown) => warn(`the directory could not be read yet: ${error instanceof Error ? error.message : String(error)}`));
  const stop = async () => {
    await running.close();
    await directory.close().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) void main();
