/**
 * A Directory that reuses one snapshot for `ttlMs` and shares it between all front ends of one process.
 * Concurrent callers wait for the same read; an expired snapshot is refreshed in the background while
 * callers keep getting the previous one (a chat answer never waits for a scan that is already known).
 *
 * When the directory cannot be read, the last good snapshot keeps being served and `staleness()` says how
 * old it is and why it was not refreshed (the cards show it). Background refreshes after a failure back off
 * (1 s, 2 s, 4 s … up to `maxBackoffMs`), so a dead DC costs one timeout per backoff step, not one per question.
 */
import type { User } from '../domain/model';
import type { DirectorySnapshot } from '../domain/snapshot';
import type { Directory } from './port';

const DEFAULT_FRESH_ENOUGH_MS = 5_000;

export interface CachedDirectoryOptions {
  ttlMs: number;
  /** A cached snapshot younger than this counts as fresh for `snapshot({ fresh: true })` (default 5 s). */
  freshEnoughMs?: number;
  now?: () => number;
  /** Longest wait between background refreshes while the directory fails (default 60 s). */
  maxBackoffMs?: number;
}

export interface Staleness {
  /** Age of the snapshot being served, in ms. */
  ageMs: number;
  /** Why it could not be refreshed (the last failure's message). */
  reason: string;
}

export class CachedDirectory implements Directory {
  private current?: { snapshot: DirectorySnapshot; at: number };
  private inflight?: Promise<DirectorySnapshot>;
  private readonly now: () => number;
  /** The last failed read since the last good one. */
  private failure?: { at: number; count: number; reason: string };

  constructor(
    readonly inner: Directory,
    private readonly options: CachedDirectoryOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  describe() {
    return this.inner.describe();
  }

  /** When the cached snapshot was read (ms since epoch), if any. */
  get readAt(): number | undefined {
    return this.current?.at;
  }

  /** The snapshot held now, without reading anything (readiness and metrics look, they never trigger a read). */
  get held(): DirectorySnapshot | undefined {
    return this.current?.snapshot;
  }

  /**
   * The cached snapshot, refreshed in the background once it is older than the TTL. `fresh` (the cards'
   * Re-check button: the admin has just run the fix) reads AD now, unless the cached copy is younger than
   * `freshEnoughMs`, so a burst of Re-checks costs one read; when that read fails, the last good snapshot
   * is answered and marked stale rather than nothing.
   */
  async snapshot(options: { fresh?: boolean } = {}): Promise<DirectorySnapshot> {
    const current = this.current;
    if (current && options.fresh) {
      if (this.now() - current.at < (this.options.freshEnoughMs ?? DEFAULT_FRESH_ENOUGH_MS)) return current.snapshot;
      return this.refresh().catch(() => current.snapshot);
    }
    if (current) {
      if (this.now() - current.at >= this.options.ttlMs && this.now() >= this.nextAttemptAt()) void this.refresh().catch(() => undefined);
      return current.snapshot;
    }
    return this.refresh();
  }

  /** When the last good snapshot is served because the directory could not be read: its age and why. */
  staleness(): Staleness | undefined {
    if (!this.current || !this.failure || this.failure.at < this.current.at) return undefined;
    return { ageMs: Math.max(0, this.now() - this.current.at), reason: this.failure.reason };
  }

  private nextAttemptAt(): number {
    if (!this.failure) return 0;
    const backoff = Math.min(this.options.maxBackoffMs ?? 60_000, 1000 * 2 ** Math.min(this.failure.count - 1, 20));
    return this.failure.at + backoff;
  }

  /** Reads the directory once, however many callers ask at the same time. */
  refresh(): Promise<DirectorySnapshot> {
    this.inflight ??= this.inner.snapshot().then(
      (snapshot) => {
        this.current = { snapshot, at: this.now() };
        this.failure = undefined;
        this.inflight = undefined;
        return snapshot;
      },
      (error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        this.failure = { at: this.now(), count: (this.failure?.count ?? 0) + 1, reason };
        this.inflight = undefined;
        throw error;
      },
    );
    return this.inflight;
  }

  findUser(name: string): Promise<User | undefined> {
    return this.inner.findUser(name);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
