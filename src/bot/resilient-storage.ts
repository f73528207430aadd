/**
 * Dialog state on shared storage (botbuilder-azure-blobs' BlobsStorage, so a question started on one replica
 * can be finished on another) that never stops the bot from answering: when the storage is unreachable, a
 * read finds no open question and a write is dropped (logged once per outage). The user may then be asked
 * for the destination again; every question that names its hosts is still answered.
 *
 * Only "cannot reach it" is absorbed: answers from the storage itself (a stale eTag from a concurrent turn,
 * 403) still fail the turn, as botbuilder's storages do.
 *
 * After an outage the inner storage is made afresh (`open`): BlobsStorage creates its container once and keeps
 * that first attempt's outcome, so one made while the storage was down would fail for the life of the process.
 */
import type { Storage, StoreItems } from 'botbuilder';

export interface ResilientStorageLogger {
  warn?(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
}

/** A failure to reach the storage: no HTTP status, or the service unavailable / timing out. */
export function isUnreachable(error: unknown): boolean {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status !== 'number' || status === 408 || status >= 500;
}

export class ResilientStorage implements Storage {
  private down = false;
  private inner: Storage;

  constructor(
    private readonly open: () => Storage,
    private readonly logger?: ResilientStorageLogger,
  ) {
    this.inner = open();
  }

  read(keys: string[]): Promise<StoreItems> {
    return this.guarded(() => this.inner.read(keys), {});
  }

  write(changes: StoreItems): Promise<void> {
    return this.guarded(() => this.inner.write(changes), undefined);
  }

  delete(keys: string[]): Promise<void> {
    return this.guarded(() => this.inner.delete(keys), undefined);
  }

  /** Runs one storage call; "cannot reach it" gives `absent` (and starts an outage), any other failure is thrown. */
  private async guarded<T>(call: () => Promise<T>, absent: T): Promise<T> {
    try {
      const result = await call();
      this.up();
      return result;
    } catch (error) {
      if (!isUnreachable(error)) throw error;
      this.outage(error);
      return absent;
    }
  }

  private outage(error: unknown): void {
    this.inner = this.open();
    if (this.down) return;
    this.down = true;
    const fields = { error: error instanceof Error ? error.message.split('\n')[0] : String(error) };
    (this.logger?.warn ?? this.logger?.info)?.call(this.logger, fields, 'dialog state storage unreachable: open questions are forgotten until it is back');
  }

  private up(): void {
    if (!this.down) return;
    this.down = false;
    this.logger?.info({}, 'dialog state storage reachable again');
  }
}
