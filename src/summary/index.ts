/** The daily summary: compact scans, the diff between two, the summary model, its text form, the service. */
export { COMPACT_SCAN_FORMAT, compactScan, compactScanSchema, findingKey, ruleOfKey, scanId, type CompactScan } from './compact';
export { diffScans, isEmptyDiff, type FleetDiff, type HostRuleChange } from './diff';
export {
  MATRIX_MAX_HOSTS,
  MAX_MATRICES,
  SUMMARY_FORMAT,
  buildSummary,
  type FleetSummary,
  type ReadinessMatrix,
  type SummaryChanges,
  type SummaryHost,
  type SummaryInput,
  type TopProblem,
} from './model';
export { summaryText, type SummaryTextOptions } from './text';
export {
  SummaryService,
  conversationKey,
  nextPost,
  storedReference,
  type ConversationTarget,
  type FleetScan,
  type SubscriptionInfo,
  type SummaryDefaults,
  type SummaryServiceDeps,
} from './service';
