/** Durable state for subscriptions, summary baselines and the post log. */
export {
  MAX_BASELINES,
  MAX_POST_LOG,
  STATE_FORMAT,
  StateStoreError,
  emptyState,
  type Baseline,
  type PostRecord,
  type PostStatus,
  type State,
  type StateStore,
  type StoredReference,
  type Subscription,
} from './state';
export { FileStateStore, type FileStateStoreOptions } from './file-store';
export { MemoryStateStore } from './memory-store';
export { writeFileAtomic } from './atomic';
export { COMPACT_SCAN_FORMAT, compactScanSchema, type CompactScan } from './compact-scan';
