/** A bot in a child process, as it is started in production: its output collected, started when it says so, stopped by its pid. */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export interface BotProcess {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** The exit code once it has exited (null: killed by a signal); undefined while it runs. */
  readonly exited: number | null | undefined;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

export interface BotProcessOptions extends Pick<SpawnOptions, 'cwd' | 'env'> {
  /** Started once this holds (default: the banner's "listening on"). */
  ready?: (p: BotProcess) => boolean;
  timeoutMs?: number;
}

export async function startBotProcess(command: string, args: readonly string[], options: BotProcessOptions): Promise<BotProcess> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let exited: number | null | undefined;
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.on('exit', (code) => (exited = code));
  const bot: BotProcess = {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    get exited() {
      return exited;
    },
    stop: async () => {
      if (exited !== undefined) return;
      const done = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await done;
    },
  };
  const ready = options.ready ?? ((p: BotProcess) => p.stdout.includes('listening on'));
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (!ready(bot)) {
    if (exited !== undefined || Date.now() > deadline) {
      await bot.stop();
      throw new Error(`the bot did not start (${exited !== undefined ? `exit ${exited}` : 'timed out'}):\n${stdout}\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return bot;
}
