/**
 * The state store for two or more replicas (KCD_STATE_STORE=azure-blob): the same State as the file store, in
 * one blob (`state.json`) of an Azure Blob Storage container, and compact scans as `scans/<id>.json`.
 *
 * Every update is a compare-and-swap on the state blob: read it with its ETag, apply the change, write it back
 * only if the blob still has that ETag (If-Match; If-None-Match: * when it does not exist yet). A replica that
 * lost the race reads the new state and applies its change again, so no replica overwrites another's
 * subscriptions and a daily post claimed by one is seen as claimed by the others (the scheduler claims inside
 * `update`). Nothing here locks: a replica that dies mid-update leaves the previous state, never a torn one.
 */
import { BlobServiceClient, RestError, type ContainerClient, type StoragePipelineOptions } from '@azure/storage-blob';
import { compactScanSchema, type CompactScan } from './compact-scan';
import { emptyState, parseState, referencedScans, StateStoreError, trimState, type State, type StateStore } from './state';

export interface AzureBlobStateStoreOptions {
  /** Compare-and-swap attempts per update before giving up (other replicas kept winning). */
  maxAttempts?: number;
  /** Unreferenced scan blobs younger than this are kept (another replica may be about to reference them). */
  scanGraceMs?: number;
  /** Unreferenced scans are looked for at most this often (listing the container costs requests). */
  collectEveryMs?: number;
  /** Per request: how long one try may take and how many tries (the SDK retries transient failures). */
  tryTimeoutMs?: number;
  maxTries?: number;
  now?: () => number;
}

const STATE_BLOB = 'state.json';
const SCAN_PREFIX = 'scans/';
const SCAN_ID = /^[0-9a-f]{8,64}$/;

export const AZURE_BLOB_REMEDIATION =
  'Check AZURE_STORAGE_CONNECTION_STRING and KCD_STATE_CONTAINER, that the storage account is reachable from this host ' +
  '(firewall, private endpoint) and that the key or SAS allows reading and writing blobs. Questions are still answered meanwhile; ' +
  'subscriptions and daily posts resume when the storage answers again.';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Why a storage request failed, in words an admin can act on (never the connection string). */
export function storageProblem(error: unknown): string {
  if (error instanceof RestError) {
    if (error.statusCode === 403) return 'access denied (403): the account key or SAS does not allow this';
    if (error.statusCode !== undefined) return `the storage answered ${error.statusCode}${error.code ? ` (${error.code})` : ''}`;
    return `unreachable (${error.code ?? error.message})`;
  }
  const e = error as NodeJS.ErrnoException | undefined;
  return e?.code ? `unreachable (${e.code})` : error instanceof Error ? error.message : String(error);
}

/** No answer from the storage, or it is unavailable / timing out: it may come back. */
function isUnreachableError(error: unknown): boolean {
  const status = error instanceof RestError ? error.statusCode : undefined;
  return status === undefined || status === 408 || status >= 500;
}

async function readAll(body: NodeJS.ReadableStream | undefined): Promise<string> {
  if (!body) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function statusOf(error: unknown): number | undefined {
  return error instanceof RestError ? error.statusCode : undefined;
}

export class AzureBlobStateStore implements StateStore {
  private readonly container: ContainerClient;
  private readonly location: string;
  private readonly maxAttempts: number;
  private readonly scanGraceMs: number;
  private readonly collectEveryMs: number;
  private readonly now: () => number;
  private ready: Promise<void> | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private lastCollect = 0;
  /** Compare-and-swap writes lost to another replica since start (for tests and metrics). */
  conflicts = 0;

  constructor(connectionString: string, containerName: string, options: AzureBlobStateStoreOptions = {}) {
    const pipeline: StoragePipelineOptions = {
      retryOptions: { maxTries: options.maxTries ?? 3, tryTimeoutInMs: options.tryTimeoutMs ?? 10_000, retryDelayInMs: 200, maxRetryDelayInMs: 2_000 },
    };
    let service: BlobServiceClient;
    try {
      service = BlobServiceClient.fromConnectionString(connectionString, pipeline);
    } catch (error) {
      throw new StateStoreError('Azure Blob Storage', `the connection string is not valid (${error instanceof Error ? error.message : String(error)})`, AZURE_BLOB_REMEDIATION);
    }
    this.container = service.getContainerClient(containerName);
    this.location = `azure-blob:${service.accountName}/${containerName}`;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 50);
    this.scanGraceMs = options.scanGraceMs ?? 10 * 60_000;
    this.collectEveryMs = options.collectEveryMs ?? 60 * 60_000;
    this.now = options.now ?? Date.now;
  }

  describe(): string {
    return this.location;
  }

  private fail(problem: string, error?: unknown): StateStoreError {
    return new StateStoreError(this.location, error === undefined ? problem : `${problem}: ${storageProblem(error)}`, AZURE_BLOB_REMEDIATION, error !== undefined && isUnreachableError(error));
  }

  /** Creates the container once (again after a failure: the storage may have been down). */
  private ensureContainer(): Promise<void> {
    this.ready ??= this.container.createIfNotExists().then(
      () => undefined,
      (error: unknown) => {
        this.ready = undefined;
        throw this.fail('cannot create or reach the container', error);
      },
    );
    return this.ready;
  }

  /** The state and its ETag (undefined: no state blob yet), from one download. */
  private async readWithTag(): Promise<{ state: State; etag: string | undefined }> {
    await this.ensureContainer();
    let text: string;
    let etag: string | undefined;
    try {
      const response = await this.container.getBlockBlobClient(STATE_BLOB).download();
      etag = response.etag;
      text = await readAll(response.readableStreamBody);
    } catch (error) {
      if (statusOf(error) === 404) return { state: emptyState(), etag: undefined };
      throw this.fail('cannot read the state', error);
    }
    const parsed = parseState(text);
    if ('problem' in parsed) throw this.fail(`${STATE_BLOB} is damaged: ${parsed.problem}`);
    return { state: parsed.state, etag };
  }

  async read(): Promise<State> {
    return (await this.readWithTag()).state;
  }

  update<T>(change: (state: State) => T): Promise<T> {
    const run = this.chain.then(() => this.apply(change));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async apply<T>(change: (state: State) => T): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const { state, etag } = await this.readWithTag();
      const before = JSON.stringify(state);
      const result = change(state);
      trimState(state);
      const text = `${JSON.stringify(state, null, 1)}\n`;
      if (JSON.stringify(state) === before) return result;
      try {
        await this.container
          .getBlockBlobClient(STATE_BLOB)
          .upload(text, Buffer.byteLength(text), {
            conditions: etag === undefined ? { ifNoneMatch: '*' } : { ifMatch: etag },
            blobHTTPHeaders: { blobContentType: 'application/json' },
          });
      } catch (error) {
        const status = statusOf(error);
        // 412: another replica wrote since our read; 409: another created the blob first. Read again and redo.
        if (status === 412 || status === 409) {
          this.conflicts++;
          if (attempt >= this.maxAttempts) throw this.fail(`another replica kept changing the state (${attempt} attempts)`);
          await sleep(Math.random() * Math.min(200, 10 * attempt));
          continue;
        }
        throw this.fail('cannot write the state', error);
      }
      await this.collectScans(state).catch(() => undefined);
      return result;
    }
  }

  async saveScan(id: string, scan: CompactScan): Promise<void> {
    if (!SCAN_ID.test(id)) throw this.fail(`invalid scan id ${JSON.stringify(id)}`);
    await this.ensureContainer();
    const text = JSON.stringify(scan);
    try {
      // Content addressed: an existing blob already holds exactly this scan (409 / 412 then).
      await this.container.getBlockBlobClient(`${SCAN_PREFIX}${id}.json`).upload(text, Buffer.byteLength(text), {
        conditions: { ifNoneMatch: '*' },
        blobHTTPHeaders: { blobContentType: 'application/json' },
      });
    } catch (error) {
      const status = statusOf(error);
      if (status === 409 || status === 412) return;
      throw this.fail(`cannot write scan ${id}`, error);
    }
  }

  async loadScan(id: string): Promise<CompactScan | undefined> {
    if (!SCAN_ID.test(id)) return undefined;
    try {
      await this.ensureContainer();
      const buffer = await this.container.getBlockBlobClient(`${SCAN_PREFIX}${id}.json`).downloadToBuffer();
      const parsed = compactScanSchema.safeParse(JSON.parse(buffer.toString('utf8')));
      return parsed.success ? parsed.data : undefined;
    } catch {
      // Missing, damaged or unreachable: the summary is then shown without "what changed", never refused.
      return undefined;
    }
  }

  /** Deletes scan blobs no baseline refers to (after a grace period), at most once per collectEveryMs. */
  private async collectScans(state: State): Promise<void> {
    const now = this.now();
    if (now - this.lastCollect < this.collectEveryMs) return;
    this.lastCollect = now;
    const keep = referencedScans(state);
    for await (const blob of this.container.listBlobsFlat({ prefix: SCAN_PREFIX })) {
      const m = /^scans\/([0-9a-f]+)\.json$/.exec(blob.name);
      if (!m || keep.has(m[1]!)) continue;
      const modified = blob.properties.lastModified?.getTime() ?? now;
      if (now - modified > this.scanGraceMs) await this.container.deleteBlob(blob.name).catch(() => undefined);
    }
  }
}
