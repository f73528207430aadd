/**
 * Where a bot process keeps what must outlive it (KCD_STATE_STORE): the JSON files of one instance, or an Azure
 * Blob Storage container shared by replicas, which then also holds the conversations' dialog state (through
 * botbuilder-azure-blobs, the Bot Framework's own binding) and the scheduler's leader lease.
 */
import type { StoragePipelineOptions } from '@azure/storage-blob';
import type { Storage } from 'botbuilder';
import { BlobsStorage } from 'botbuilder-azure-blobs';
import type { SummaryConfig } from './config';
import { ResilientStorage, type ResilientStorageLogger } from './bot/resilient-storage';
import { BlobLeaderLease, type LeaderLoop } from './scheduler/leader-lease';
import { AzureBlobStateStore } from './store/azure-blob-store';
import { FileStateStore } from './store/file-store';
import type { StateStore } from './store/state';

export interface StateBackend {
  store: StateStore;
  /** Shared dialog state; absent: each process keeps its own in memory. */
  dialogStorage?: Storage;
  /** Who posts the daily summaries among replicas; absent: this process, when its scheduler is enabled. */
  leader?: LeaderLoop;
}

const QUICK_RETRIES: StoragePipelineOptions = { retryOptions: { maxTries: 2, tryTimeoutInMs: 5_000, retryDelayInMs: 200, maxRetryDelayInMs: 1_000 } };

export function openStateBackend(summary: SummaryConfig, logger?: ResilientStorageLogger): StateBackend {
  const config = summary.store;
  if (config.kind === 'file') return { store: new FileStateStore(summary.stateDir) };
  return {
    store: new AzureBlobStateStore(config.connectionString, config.container, { maxTries: 2, tryTimeoutMs: 5_000 }),
    // Few quick tries: a turn waits for its dialog state, and an outage must not make every answer slow.
    dialogStorage: new ResilientStorage(() => new BlobsStorage(config.connectionString, config.container, { storagePipelineOptions: QUICK_RETRIES }), logger),
    leader: new BlobLeaderLease(config.connectionString, config.container, { leaseSeconds: config.leaseSeconds, ...(logger ? { logger } : {}) }),
  };
}
