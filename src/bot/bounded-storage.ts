/**
 * In-memory bot state storage with a bound: botbuilder's MemoryStorage keeps one entry per conversation (and
 * per user, for PrivateConversationState) for as long as the process lives, and its delete() leaves the key
 * behind, so a long-running bot's memory grows with every conversation it ever saw. This keeps at most
 * `maxKeys` entries, least recently used out first, and drops entries idle for `idleMs`.
 *
 * What is kept is only the dialog state of an open question ("which host?"): losing it after an hour of
 * silence, or for the least recent of 10,000 conversations, means the user asks again. Same semantics as
 * MemoryStorage otherwise (JSON copies, eTags, a write with a stale eTag is refused).
 */
import type { Storage, StoreItems } from 'botbuilder';

export interface BoundedStorageOptions {
  /** Most entries kept (default 10,000). */
  maxKeys?: number;
  /** Entries not read or written for this long are dropped (default 1 h). */
  idleMs?: number;
  now?: () => number;
}

interface Entry {
  json: string;
  eTag: string;
  at: number;
}

export class BoundedMemoryStorage implements Storage {
  private readonly entries = new Map<string, Entry>();
  private readonly maxKeys: number;
  private readonly idleMs: number;
  private readonly now: () => number;
  private etag = 1;

  constructor(options: BoundedStorageOptions = {}) {
    this.maxKeys = Math.max(1, options.maxKeys ?? 10_000);
    this.idleMs = Math.max(1, options.idleMs ?? 3_600_000);
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so that a refusal below is a rejection, as from botbuilder's storages
  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    const now = this.now();
    this.prune(now);
    const data: StoreItems = {};
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (!entry) continue;
      this.touch(key, entry, now);
      data[key] = { ...(JSON.parse(entry.json) as object), eTag: entry.eTag };
    }
    return data;
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so that a refusal below is a rejection, as from botbuilder's storages
  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    const now = this.now();
    for (const [key, item] of Object.entries(changes)) {
      const old = this.entries.get(key);
      const eTag = (item as { eTag?: string } | undefined)?.eTag;
      if (old && eTag && eTag !== '*' && eTag !== old.eTag) throw new Error(`Storage: error writing "${key}" due to eTag conflict.`);
      const { eTag: _ignored, ...rest } = (item ?? {}) as Record<string, unknown>;
      this.touch(key, { json: JSON.stringify(rest), eTag: String(this.etag++), at: now }, now);
    }
    this.prune(now);
  }

  delete(keys: string[]): Promise<void> {
    for (const key of keys) this.entries.delete(key);
    return Promise.resolve();
  }

  /** Moves `key` to the most recently used end. */
  private touch(key: string, entry: Entry, now: number): void {
    this.entries.delete(key);
    entry.at = now;
    this.entries.set(key, entry);
  }

  /** The map is in least-recently-used order: drop from the front while too many or too old. */
  private prune(now: number): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxKeys && now - entry.at < this.idleMs) break;
      this.entries.delete(key);
    }
  }
}
