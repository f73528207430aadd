/**
 * Where a bot process keeps what must outlive it (KCD_STATE_STORE): the JSON files of one instance, or an Azure
 * Blob Storage container shared by replicas, which then also holds the conversations' dialog state (through
 * botbuilder-azure-blobs, the Bot Framework's own binding) and the scheduler's leader lease.
 */
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

export function openStateBackend(summary: SummaryConfig, logger?: ResilientStorageLogger): StateBackend {
  const config = summary.store;
  if (config.kind === 'file') return { store: new FileStateStore(summary.stateDir) };
  return {
    store: new AzureBlobStateStore(config.connectionString, config.container),
    dialogStorage: new ResilientStorage(new BlobsStorage(config.connectionString, config.container), logger),
    leader: new BlobLeaderLease(config.connectionString, config.container, { leaseSeconds: config.leaseSeconds, ...(logger ? { logger } : {}) }),
  };
}
