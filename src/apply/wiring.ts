/**
 * What the bot needs to apply fixes (issue 21), from the configuration: the planner for its migration groups, a
 * writer through the write account on the primary DC (the first KCD_LDAP_URL: the write and the re-read before it
 * go to one DC, so replication cannot interleave them), and the audit log where the state is kept.
 */
import type { Config, SummaryConfig } from '../config';
import type { PlanMaker } from './approvals';
import { FileAuditLog, type AuditLogger } from './audit-log';
import { BlobAuditLog } from './blob-audit-log';
import { LdapDirectoryWriter } from './ldap-writer';
import { planMaker } from './planner';
import type { AuditLog, DirectoryWriter } from './types';

export interface ApplyDeps {
  makePlan: PlanMaker;
  openWriter: () => DirectoryWriter;
  audit: AuditLog;
}

/**
 * The writer for the write account on the primary DC, with the read account's TLS settings. Undefined when the
 * directory is not LDAP (the demo directory and snapshot files are read-only).
 */
export function openLdapWriter(config: Config, account: { bindDN: string; bindPassword: string }, warn?: (message: string) => void): DirectoryWriter | undefined {
  const directory = config.directory;
  if (directory.kind !== 'ldap') return undefined;
  const url = directory.urls[0]!;
  return new LdapDirectoryWriter({
    url,
    bindDN: account.bindDN,
    bindPassword: account.bindPassword,
    timeoutMs: directory.timeoutMs,
    // ldap:// means StartTLS, as for the read account (open-directory.ts); never a clear-text bind.
    startTls: url.toLowerCase().startsWith('ldap://'),
    ...(directory.caFile !== undefined ? { caFile: directory.caFile } : {}),
    ...(directory.tlsServername !== undefined ? { tlsServername: directory.tlsServername } : {}),
    ...(directory.tlsInsecure ? { tlsInsecure: true } : {}),
    ...(directory.baseDN !== undefined ? { baseDN: directory.baseDN } : {}),
    ...(warn ? { warn } : {}),
  });
}

/**
 * The audit log beside the state: month blobs in the state's container when replicas share it
 * (KCD_STATE_STORE=azure-blob, so every replica reads what the others wrote), else KCD_STATE_DIR/audit.jsonl.
 */
export function openAuditLog(summary: Pick<SummaryConfig, 'store' | 'stateDir'>, logger?: AuditLogger): AuditLog {
  const store = summary.store;
  if (store.kind === 'azure-blob') return new BlobAuditLog(store.connectionString, store.container, logger ? { logger } : {});
  return new FileAuditLog(summary.stateDir, logger);
}

/** Undefined unless the bot may apply fixes (a write account, approver groups, production or lab mode, a real directory). */
export function applyDeps(config: Config, summary: Pick<SummaryConfig, 'store' | 'stateDir'>, logger?: AuditLogger & { warn?(fields: Record<string, unknown>, message: string): void }): ApplyDeps | undefined {
  const account = config.apply.writeAccount;
  if (!config.apply.botEnabled || !account || config.directory.kind !== 'ldap') return undefined;
  const warn = logger?.warn ? (message: string) => logger.warn?.({}, message) : undefined;
  return {
    makePlan: planMaker(config.migrationGroup),
    openWriter: () => openLdapWriter(config, account, warn)!,
    audit: openAuditLog(summary, logger),
  };
}
