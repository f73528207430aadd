/**
 * Which replica posts the daily summaries: every replica runs the scheduler, and only the holder of a lease on
 * one blob (`leader/scheduler`) acts. The holder renews the lease every third of its period; a replica that
 * is not the holder tries to take it as often. When the holder dies (no renewal), Azure frees the lease when
 * its period ends and another replica takes it at its next try: within about 1⅓ periods.
 *
 * The lease only decides who tries; it is not what prevents a double post. A holder that stalls past its
 * period (a long GC pause, a frozen VM) may still believe it holds the lease for a moment while another
 * replica took it: the daily claims are compare-and-swap writes on the state (AzureBlobStateStore), so only
 * one of them can claim a conversation's day.
 */
import { BlobServiceClient, RestError, type BlobLeaseClient, type BlockBlobClient } from '@azure/storage-blob';

/** What the scheduler asks before it acts. */
export interface Leadership {
  holds(): boolean;
}

/** A Leadership that keeps itself current while started (BlobLeaderLease). */
export interface LeaderLoop extends Leadership {
  start(): void;
  stop(): Promise<void>;
}

export interface LeaseLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn?(fields: Record<string, unknown>, message: string): void;
}

export interface BlobLeaderLeaseOptions {
  /** 15-60 s (what Azure allows for a finite lease). */
  leaseSeconds: number;
  /** Names this replica in logs (default: host name and pid). */
  replica?: string;
  logger?: LeaseLogger;
}

const LEASE_BLOB = 'leader/scheduler';

export class BlobLeaderLease implements LeaderLoop {
  private readonly blob: BlockBlobClient;
  private readonly lease: BlobLeaseClient;
  private readonly leaseSeconds: number;
  private readonly replica: string;
  private readonly logger: LeaseLogger | undefined;
  private holding = false;
  /** When the lease we hold ends unless renewed (our own clock: a stalled process stops believing it holds it). */
  private validUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private attempt: Promise<void> = Promise.resolve();

  constructor(connectionString: string, container: string, options: BlobLeaderLeaseOptions) {
    const client = BlobServiceClient.fromConnectionString(connectionString, { retryOptions: { maxTries: 1, tryTimeoutInMs: 5_000 } });
    const containerClient = client.getContainerClient(container);
    this.blob = containerClient.getBlockBlobClient(LEASE_BLOB);
    this.lease = this.blob.getBlobLeaseClient();
    this.leaseSeconds = options.leaseSeconds;
    this.replica = options.replica ?? `${process.env.HOSTNAME ?? 'replica'}:${process.pid}`;
    this.logger = options.logger;
    this.ensure = () => containerClient.createIfNotExists().then(() => undefined);
  }

  private readonly ensure: () => Promise<void>;

  holds(): boolean {
    return this.holding && Date.now() < this.validUntil;
  }

  /** Tries at once, then every third of the period. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.tick();
  }

  /** Stops trying and gives the lease up (another replica takes over at once instead of after the period). */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.attempt;
    if (this.holding) {
      this.holding = false;
      await this.lease.releaseLease().catch(() => undefined);
      this.logger?.info({ replica: this.replica }, 'scheduler lease released');
    }
  }

  /** One try now (tests; start() calls it on its own). */
  tryNow(): Promise<void> {
    this.attempt = this.attempt.then(() => this.renewOrAcquire());
    return this.attempt;
  }

  private tick(): void {
    if (!this.running) return;
    void this.tryNow().finally(() => {
      if (!this.running) return;
      this.timer = setTimeout(() => this.tick(), (this.leaseSeconds * 1000) / 3);
      this.timer.unref();
    });
  }

  private async renewOrAcquire(): Promise<void> {
    const started = Date.now();
    try {
      if (this.holding) await this.lease.renewLease();
      else {
        await this.ensureBlob();
        await this.lease.acquireLease(this.leaseSeconds);
        this.logger?.info({ replica: this.replica }, 'scheduler lease taken: this replica posts the daily summaries');
      }
      this.holding = true;
      this.validUntil = started + this.leaseSeconds * 1000;
    } catch (error) {
      const status = error instanceof RestError ? error.statusCode : undefined;
      if (this.holding) (this.logger?.warn ?? this.logger?.info)?.call(this.logger, { replica: this.replica, status, error: messageOf(error) }, 'scheduler lease lost');
      this.holding = false;
      // 409: another replica holds it (the usual answer); anything else: the storage is unreachable, try again later.
    }
  }

  private async ensureBlob(): Promise<void> {
    await this.ensure();
    try {
      await this.blob.upload('', 0, { conditions: { ifNoneMatch: '*' } });
    } catch (error) {
      const status = error instanceof RestError ? error.statusCode : undefined;
      // 409/412: it exists (possibly leased): fine.
      if (status !== 409 && status !== 412) throw error;
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}
