/**
 * Where the audit log goes, for the bot (applyDeps) and for `kcd fix --apply`: the state's container with
 * KCD_STATE_STORE=azure-blob (replicas share it), KCD_STATE_DIR/audit.jsonl with the file store.
 * Nothing here talks to a storage: opening a log does not, only appending and reading do.
 */
import { join, resolve } from 'node:path';
import { FileAuditLog } from '../../src/apply/audit-log';
import { BlobAuditLog } from '../../src/apply/blob-audit-log';
import { applyDeps, openAuditLog } from '../../src/apply/wiring';
import { DEFAULT_APPLY_DEPS } from '../../src/cli/fix-command';
import { readConfig, readSummaryConfig, type ReadFile } from '../../src/config';
import { ConfigError } from '../../src/domain/errors';

const STATE_DIR = '/var/lib/kcd-bot';
const BLOB_ENV = { KCD_STATE_STORE: 'azure-blob', AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true', KCD_STATE_CONTAINER: 'kcd-prod', KCD_STATE_DIR: STATE_DIR };
const FILE_ENV = { KCD_STATE_STORE: 'file', KCD_STATE_DIR: STATE_DIR };

/** A bot that may apply fixes: an LDAP directory, a write account, approvers, lab mode. */
const BOT_ENV = {
  KCD_LDAP_URL: 'ldaps://dc1.contoso.com',
  KCD_LDAP_BIND_DN: 'CN=svc-kcd,OU=Service Accounts,DC=contoso,DC=com',
  KCD_LDAP_BIND_PASSWORD: 'read-only-secret',
  KCD_LOCAL_MODE: 'true',
  KCD_WRITE_BIND_DN: 'CN=svc-kcd-write,OU=Tier0,DC=contoso,DC=com',
  KCD_WRITE_BIND_PASSWORD_FILE: '/run/secrets/write',
  KCD_APPROVER_GROUPS: 'Hyper-V Admins',
  KCD_APPLY_LAB_MODE: 'true',
};
const secrets: ReadFile = (path) => {
  if (path === '/run/secrets/write') return 'Wr1te-s3cret!\n';
  throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
};

describe('the audit log beside the state', () => {
  test('azure-blob: month blobs in the state container; file: KCD_STATE_DIR/audit.jsonl', () => {
    const blob = openAuditLog(readSummaryConfig(BLOB_ENV));
    expect(blob).toBeInstanceOf(BlobAuditLog);
    expect((blob as BlobAuditLog).describe()).toBe('azure-blob:devstoreaccount1/kcd-prod/audit/');
    const file = openAuditLog(readSummaryConfig(FILE_ENV));
    expect(file).toBeInstanceOf(FileAuditLog);
    expect((file as FileAuditLog).file).toBe(join(resolve(STATE_DIR), 'audit.jsonl'));
  });

  test("the bot's applyDeps takes the same choice from its summary config", () => {
    const config = readConfig(BOT_ENV, secrets, { purpose: 'bot' });
    expect(applyDeps(config, readSummaryConfig(BLOB_ENV))?.audit).toBeInstanceOf(BlobAuditLog);
    expect(applyDeps(config, readSummaryConfig(FILE_ENV))?.audit).toBeInstanceOf(FileAuditLog);
  });

  test('kcd fix --apply takes it from the environment, as the bot does; a bad state setting is a ConfigError', async () => {
    const config = readConfig(BOT_ENV, secrets);
    expect(await DEFAULT_APPLY_DEPS.openAuditLog(config, BLOB_ENV)).toBeInstanceOf(BlobAuditLog);
    const file = await DEFAULT_APPLY_DEPS.openAuditLog(config, FILE_ENV);
    expect(file).toBeInstanceOf(FileAuditLog);
    expect((file as FileAuditLog).file).toBe(join(resolve(STATE_DIR), 'audit.jsonl'));
    expect(((await DEFAULT_APPLY_DEPS.openAuditLog(config, {})) as FileAuditLog).file).toBe(resolve('data', 'audit.jsonl'));
    await expect(DEFAULT_APPLY_DEPS.openAuditLog(config, { KCD_STATE_STORE: 'azure-blob' })).rejects.toThrow(ConfigError);
  });
});
