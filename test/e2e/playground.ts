/**
 * Starts the Microsoft 365 Agents Playground (the devDependency's CLI) as a child process in its own
 * process group, pointed at a bot endpoint, with the repo's .m365agentsplayground.yml, and stops it again.
 *
 * The Playground prints "Listening on N" even when it then fails (a bad config file makes it exit with
 * nothing useful on the console): readiness is `GET /_debug/ping` answering `pong`, and when it exits
 * first, the error carries its log file, where the reason is.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const PLAYGROUND_CONFIG = path.join(REPO_ROOT, '.m365agentsplayground.yml');

/** The CLI script of @microsoft/m365agentsplayground (its bins are `agentsplayground` and `teamsapptester`). */
export function playgroundCli(): string {
  const pkgFile = require.resolve('@microsoft/m365agentsplayground/package.json', { paths: [REPO_ROOT] });
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { bin: Record<string, string> };
  return path.join(path.dirname(pkgFile), pkg.bin.agentsplayground ?? 'cli.js');
}

/** A TCP port that was free a moment ago (the Playground falls back to a random port if it is taken). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningPlayground {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** stdout + stderr so far. */
  output(): string;
  /** The Playground's own log file (devTools/m365agentsplayground.log when run by hand). */
  log(): string;
  stop(): Promise<void>;
}

export interface PlaygroundOptions {
  /** The bot's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages */
  endpoint: string;
  configFile?: string;
  readyTimeoutMs?: number;
}

/** A delay that does not keep the process alive (jest would wait for a pending timer after the run). */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

async function ping(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/_debug/ping`, { signal: AbortSignal.timeout(2000) });
    return res.ok && (await res.text()).trim() === 'pong';
  } catch {
    return false;
  }
}

/** Sends SIGTERM to the whole process group, then SIGKILL if it has not exited in time. */
async function killGroup(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  const done = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
  if (!done) {
    signal('SIGKILL');
    await Promise.race([exited, sleep(5000)]);
  }
}

export async function startPlayground(options: PlaygroundOptions): Promise<RunningPlayground> {
  const cli = playgroundCli();
  const port = await freePort();
  // Its own working directory, so nothing it writes (devTools/, recordings) lands in the repo.
  const workDir = mkdtempSync(path.join(tmpdir(), 'kcd-playground-'));
  const logFile = path.join(workDir, 'devTools', 'm365agentsplayground.log');
  const configFile = options.configFile ?? PLAYGROUND_CONFIG;
  let output = '';
  const child = spawn(
    process.execPath,
    [cli, '-e', options.endpoint, '-c', 'msteams', '-p', String(port), '--disable-telemetry'],
    {
      cwd: workDir,
      detached: true, // its own process group: stop() kills everything it started
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        TEAMSAPPTESTER_BROWSER: 'none',
        APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: configFile,
        M365_AGENTS_PLAYGROUND_LOGFILE: logFile,
      },
    },
  );
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      output += `\nspawn error: ${error.message}`;
      resolve();
    });
  });
  const readLog = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : `(no log file at ${logFile})`);
  // It picks a random port when the one asked for is taken meanwhile: trust what it says it listens on.
  const actualPort = () => Number(/Listening on (\d+)/.exec(output)?.[1] ?? port);
  const stop = async () => {
    await killGroup(child, exited);
    rmSync(workDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  let ready = false;
  while (!ready) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (Date.now() > deadline) break;
    ready = await ping(`http://127.0.0.1:${actualPort()}`);
    if (!ready) await Promise.race([exited, sleep(250)]);
  }
  if (!ready) {
    const why = child.exitCode !== null || child.signalCode !== null ? `exited (code ${child.exitCode}, signal ${child.signalCode})` : 'did not answer /_debug/ping';
    const log = readLog();
    await stop();
    throw new Error(
      `The Agents Playground ${why}. Config file: ${configFile}\n--- output ---\n${output}\n--- ${path.basename(logFile)} ---\n${log}`,
    );
  }
  const finalPort = actualPort();
  return { url: `http://127.0.0.1:${finalPort}`, port: finalPort, output: () => output, log: readLog, stop };
}
