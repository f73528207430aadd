/**
 * The audit log for two or more replicas (KCD_STATE_STORE=azure-blob): the same JSON lines as FileAuditLog, in
 * append blobs of the state's container named by month (`audit/2026-12.jsonl`, UTC), so `/kcd audit` on any
 * replica sees what every replica wrote.
 *
 * Each record is one Append Block of its whole line: the storage appends blocks atomically and in the order it
 * receives them, so concurrent replicas never interleave within a line. A month's blob is created with
 * If-None-Match: * by whichever replica needs it first; the others' create then fails with 409/412, which only
 * means it exists. An append blob holds at most 50,000 blocks, so 50,000 records a month.
 */
import { BlobServiceClient, RestError, type ContainerClient } from '@azure/storage-blob';
import { KcdError } from '../domain/errors';
import { storageProblem } from '../store/azure-blob-store';
import { AUDIT_TAIL_BYTES, logAuditRecord, parseAuditLines, type AuditLogger } from './audit-log';
import type { AuditLog, AuditRecord } from './types';

const PREFIX = 'audit/';
const MONTH_BLOB = /^audit\/\d{4}-\d{2}\.jsonl$/;

export const AUDIT_BLOB_REMEDIATION =
  'Check AZURE_STORAGE_CONNECTION_STRING and KCD_STATE_CONTAINER, that the storage account is reachable from this host ' +
  '(firewall, private endpoint) and that the key or SAS allows reading, writing and listing blobs.';

export class AuditLogError extends KcdError {
  readonly code = 'audit-log';
  readonly exitCode = 2;
  constructor(
    readonly location: string,
    readonly problem: string,
  ) {
    super(`The audit log (${location}) cannot be used: ${problem}`, AUDIT_BLOB_REMEDIATION);
  }
}

export interface BlobAuditLogOptions {
  logger?: AuditLogger;
  /** Which month's blob a record goes to (tests roll the month over). */
  now?: () => Date;
  /** Per request: how long one try may take and how many tries (the SDK retries transient failures). */
  tryTimeoutMs?: number;
  maxTries?: number;
}

/** The blob of the month `at` falls in, in UTC. */
export function auditBlobName(at: Date): string {
  return `${PREFIX}${at.toISOString().slice(0, 7)}.jsonl`;
}

const statusOf = (error: unknown) => (error instanceof RestError ? error.statusCode : undefined);

export class BlobAuditLog implements AuditLog {
  private readonly container: ContainerClient;
  private readonly location: string;
  private readonly logger: AuditLogger | undefined;
  private readonly now: () => Date;
  /** Month blobs this process created or found: no create request per record. */
  private readonly existing = new Set<string>();

  constructor(connectionString: string, containerName: string, options: BlobAuditLogOptions = {}) {
    const retryOptions = { maxTries: options.maxTries ?? 3, tryTimeoutInMs: options.tryTimeoutMs ?? 10_000, retryDelayInMs: 200, maxRetryDelayInMs: 2_000 };
    let service: BlobServiceClient;
    try {
      service = BlobServiceClient.fromConnectionString(connectionString, { retryOptions });
    } catch (error) {
      throw new AuditLogError(`Azure Blob Storage container ${containerName}`, `the connection string is not valid (${error instanceof Error ? error.message : String(error)})`);
    }
    this.container = service.getContainerClient(containerName);
    this.location = `azure-blob:${service.accountName}/${containerName}/${PREFIX}`;
    this.logger = options.logger;
    this.now = options.now ?? (() => new Date());
  }

  describe(): string {
    return this.location;
  }

  private fail(problem: string, error: unknown): AuditLogError {
    return new AuditLogError(this.location, `${problem}: ${storageProblem(error)}`);
  }

  async append(record: AuditRecord): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    const name = auditBlobName(this.now());
    const blob = this.container.getAppendBlobClient(name);
    // Logged first: a record the storage then refuses (a write already made in AD) is still in the bot's log.
    logAuditRecord(this.logger, record);
    try {
      if (!this.existing.has(name)) {
        // Once a month per process. Another replica may create the blob between our check and our create:
        // 409/412 then, and it exists.
        await this.container.createIfNotExists();
        await blob.create({ conditions: { ifNoneMatch: '*' }, blobHTTPHeaders: { blobContentType: 'application/x-ndjson' } }).catch((error: unknown) => {
          if (statusOf(error) !== 409 && statusOf(error) !== 412) throw error;
        });
        this.existing.add(name);
      }
      await blob.appendBlock(line, Buffer.byteLength(line));
    } catch (error) {
      if (statusOf(error) === 404) this.existing.delete(name); // deleted since: created again next time
      throw this.fail(`cannot append to ${name}`, error);
    }
  }

  async last(n: number): Promise<AuditRecord[]> {
    if (n <= 0) return [];
    const months: { name: string; size: number }[] = [];
    try {
      for await (const blob of this.container.listBlobsFlat({ prefix: PREFIX })) {
        if (MONTH_BLOB.test(blob.name)) months.push({ name: blob.name, size: blob.properties.contentLength ?? 0 });
      }
    } catch (error) {
      if (statusOf(error) === 404) return []; // no container yet: nothing written
      throw this.fail('cannot list the audit blobs', error);
    }
    months.sort((a, b) => (a.name < b.name ? 1 : -1));
    let records: AuditRecord[] = [];
    for (const { name, size } of months) {
      if (size === 0) continue; // created, nothing appended yet
      // As FileAuditLog: at most the last AUDIT_TAIL_BYTES of a month (well over a thousand records).
      const offset = Math.max(0, size - AUDIT_TAIL_BYTES);
      let text: string;
      try {
        text = (await this.container.getAppendBlobClient(name).downloadToBuffer(offset, size - offset)).toString('utf8');
      } catch (error) {
        throw this.fail(`cannot read ${name}`, error);
      }
      // A window starting mid-blob likely cuts its first line: dropped.
      records = [...parseAuditLines(offset > 0 ? text.replace(/^[^\n]*\n/, '') : text), ...records];
      if (records.length >= n || offset > 0) break;
    }
    return records.slice(-n);
  }
}
