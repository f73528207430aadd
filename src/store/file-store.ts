/**
 * The default state store: JSON files in KCD_STATE_DIR.
 *
 * Why files and not SQLite (better-sqlite3 12): the state is small (a record per subscribed
 * conversation, a bounded post log; scans live in their own files, shared between conversations),
 * it is written a few times a day, and a JSON file needs no native addon to build or ship, and can
 * be read, backed up and repaired with a text editor. What SQLite would give for free is done here
 * explicitly:
 * - atomic writes: temp file + fsync + rename + directory fsync (atomic.ts), so a crash leaves the old
 *   state or the new one, never a torn file;
 * - serialised read-modify-write: a promise chain inside the process, and a lock file (O_EXCL) across
 *   processes, so instances sharing the directory never lose each other's subscriptions; a lock older
 *   than `staleLockMs` (its holder died) is broken;
 * - validation on every read: a damaged file is reported, never overwritten.
 *
 * Layout: state.json (subscriptions, baselines, post log), scans/<id>.json (compact scans, content
 * addressed and immutable; unreferenced ones are deleted after a grace period).
 */
import { mkdir, open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { compactScanSchema, type CompactScan } from './compact-scan';
import { writeFileAtomic } from './atomic';
import { emptyState, parseState, referencedScans, StateStoreError, trimState, type State, type StateStore } from './state';

export interface FileStateStoreOptions {
  /** Give up waiting for another process's lock after this long. */
  lockTimeoutMs?: number;
  /** A lock file older than this is left over by a process that died: it is removed. */
  staleLockMs?: number;
  /** Unreferenced scan files younger than this are kept (another process may be about to reference them). */
  scanGraceMs?: number;
}

const SCAN_ID = /^[0-9a-f]{8,64}$/;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function problemOf(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e?.code ? `${e.code}: ${e.message}` : error instanceof Error ? error.message : String(error);
}

export class FileStateStore implements StateStore {
  readonly dir: string;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly lockTimeoutMs: number;
  private readonly staleLockMs: number;
  private readonly scanGraceMs: number;

  constructor(dir: string, options: FileStateStoreOptions = {}) {
    this.dir = resolve(dir);
    this.lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
    this.staleLockMs = options.staleLockMs ?? 30_000;
    this.scanGraceMs = options.scanGraceMs ?? 10 * 60_000;
  }

  get file(): string {
    return join(this.dir, 'state.json');
  }

  private get lockFile(): string {
    return join(this.dir, 'state.lock');
  }

  private get scanDir(): string {
    return join(this.dir, 'scans');
  }

  describe(): string {
    return this.file;
  }

  async read(): Promise<State> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
      throw new StateStoreError(this.file, problemOf(error));
    }
    const parsed = parseState(text);
    if ('problem' in parsed) throw new StateStoreError(this.file, parsed.problem);
    return parsed.state;
  }

  update<T>(change: (state: State) => T): Promise<T> {
    const run = this.chain.then(() => this.withLock(() => this.apply(change)));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async apply<T>(change: (state: State) => T): Promise<T> {
    const state = await this.read();
    const before = JSON.stringify(state);
    const result = change(state);
    trimState(state);
    if (JSON.stringify(state) !== before) {
      try {
        await writeFileAtomic(this.file, `${JSON.stringify(state, null, 1)}\n`);
      } catch (error) {
        throw new StateStoreError(this.file, `cannot write it (${problemOf(error)})`);
      }
      await this.collectScans(state).catch(() => undefined);
    }
    return result;
  }

  private async withLock<T>(work: () => Promise<T>): Promise<T> {
    try {
      await mkdir(this.dir, { recursive: true });
    } catch (error) {
      throw new StateStoreError(this.dir, `cannot create the directory (${problemOf(error)})`);
    }
    const deadline = Date.now() + this.lockTimeoutMs;
    for (;;) {
      try {
        const handle = await open(this.lockFile, 'wx', 0o600);
        await handle.writeFile(`${process.pid} ${new Date().toISOString()}\n`);
        await handle.close();
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new StateStoreError(this.lockFile, problemOf(error));
        const age = await stat(this.lockFile).then(
          (s) => Date.now() - s.mtimeMs,
          () => 0,
        );
        if (age > this.staleLockMs) {
          await unlink(this.lockFile).catch(() => undefined);
          continue;
        }
        if (Date.now() > deadline) throw new StateStoreError(this.lockFile, 'another process holds the lock');
        await sleep(15 + Math.random() * 20);
      }
    }
    try {
      return await work();
    } finally {
      await unlink(this.lockFile).catch(() => undefined);
    }
  }

  async saveScan(id: string, scan: CompactScan): Promise<void> {
    if (!SCAN_ID.test(id)) throw new StateStoreError(this.scanDir, `invalid scan id ${JSON.stringify(id)}`);
    const file = join(this.scanDir, `${id}.json`);
    try {
      await mkdir(this.scanDir, { recursive: true });
      // Content addressed: an existing file already holds exactly this scan.
      if (await stat(file).then(
        () => true,
        () => false,
      ))
        return;
      await writeFileAtomic(file, JSON.stringify(scan));
    } catch (error) {
      throw new StateStoreError(file, `cannot write it (${problemOf(error)})`);
    }
  }

  async loadScan(id: string): Promise<CompactScan | undefined> {
    if (!SCAN_ID.test(id)) return undefined;
    try {
      const parsed = compactScanSchema.safeParse(JSON.parse(await readFile(join(this.scanDir, `${id}.json`), 'utf8')));
      return parsed.success ? parsed.data : undefined;
    } catch {
      // Missing or damaged: the summary is then shown without "what changed", never refused.
      return undefined;
    }
  }

  /** Deletes scan files no baseline refers to (after a grace period). Runs under the lock. */
  private async collectScans(state: State): Promise<void> {
    const keep = referencedScans(state);
    const now = Date.now();
    for (const name of await readdir(this.scanDir).catch(() => [] as string[])) {
      const m = /^([0-9a-f]+)\.json$/.exec(name);
      if (!m || keep.has(m[1]!)) continue;
      const file = join(this.scanDir, name);
      const age = await stat(file).then(
        (s) => now - s.mtimeMs,
        () => 0,
      );
      if (age > this.scanGraceMs) await unlink(file).catch(() => undefined);
    }
  }
}
