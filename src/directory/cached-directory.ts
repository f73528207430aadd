/**
 * A Directory that reuses one snapshot for `ttlMs` and shares it between all front ends of one process.
 * Concurrent callers wait for the same read; an expired snapshot is refreshed in the background while
 * callers keep getting the previous one (a chat answer never waits for a scan that is already known).
 */
import type { User } from '../domain/model';
import type { DirectorySnapshot } from '../domain/snapshot';
import type { Directory } from './port';

export interface CachedDirectoryOptions {
  ttlMs: number;
  now?: () => number;
}

export class CachedDirectory implements Directory {
  private current?: { snapshot: DirectorySnapshot; at: number };
  private inflight?: Promise<DirectorySnapshot>;
  private readonly now: () => number;

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

  async snapshot(options: { fresh?: boolean } = {}): Promise<DirectorySnapshot> {
    const current = this.current;
    if (!options.fresh && current) {
      if (this.now() - current.at >= this.options.ttlMs) void this.refresh().catch(() => undefined);
      return current.snapshot;
    }
    return this.refresh();
  }

  /** Reads the directory once, however many callers ask at the same time. */
  refresh(): Promise<DirectorySnapshot> {
    this.inflight ??= this.inner.snapshot().then(
      (snapshot) => {
        this.current = { snapshot, at: this.now() };
        this.inflight = undefined;
        return snapshot;
      },
      (error: unknown) => {
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
