/**
 * Reading the environment: `readConfig(env)` and `readSummaryConfig(env)` are pure functions of the
 * environment (the one I/O is reading the secrets' _FILE variables, through an injectable `readFile`).
 * Every problem is reported at once in one ConfigError, in CONFIG_VARIABLES order; no message ever
 * contains a password (the known secret values are replaced in every message, whatever produced it).
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { ConfigError } from '../domain/errors';
import { envValue } from '../env-value';
import { replaceSecretValues } from '../redaction';
import { canonicalTimeZone, parseTimeArgument } from '../time/time-of-day';
import { protect } from './redaction';
import {
  appTypeSchema,
  booleanFlag,
  commonSchema,
  ldapSchema,
  quote,
  wholeNumber,
  type BotConfig,
  type Config,
  type DirectoryConfig,
  type LdapDirectoryConfig,
  type ReadFile,
  type StateStoreConfig,
  type SummaryConfig,
  STATE_STORES,
} from './schema';
import { CONFIG_VARIABLES } from './variables';

type Raw = Record<string, string | undefined>;

/** Empty and blank values mean unset (see env-value.ts). */
const value = envValue;

/** The variables this module reads, each named once here (test/config.test.ts scans for them). */
function rawValues(env: Record<string, string | undefined>): Raw {
  return {
    KCD_LDAP_URL: value(env.KCD_LDAP_URL),
    KCD_LDAP_BIND_DN: value(env.KCD_LDAP_BIND_DN),
    KCD_LDAP_BIND_PASSWORD: value(env.KCD_LDAP_BIND_PASSWORD, false),
    KCD_LDAP_BIND_PASSWORD_FILE: value(env.KCD_LDAP_BIND_PASSWORD_FILE),
    KCD_LDAP_BASE_DN: value(env.KCD_LDAP_BASE_DN),
    KCD_LDAP_CA_FILE: value(env.KCD_LDAP_CA_FILE),
    KCD_LDAP_TLS_SERVERNAME: value(env.KCD_LDAP_TLS_SERVERNAME),
    KCD_LDAP_TLS_INSECURE: value(env.KCD_LDAP_TLS_INSECURE),
    KCD_LDAP_TIMEOUT_MS: value(env.KCD_LDAP_TIMEOUT_MS),
    KCD_LDAP_FAST_PATH: value(env.KCD_LDAP_FAST_PATH),
    KCD_MIGRATION_GROUP: value(env.KCD_MIGRATION_GROUP),
    KCD_CACHE_TTL_SECONDS: value(env.KCD_CACHE_TTL_SECONDS),
    KCD_LOG_LEVEL: value(env.KCD_LOG_LEVEL),
    PORT: value(env.PORT),
    KCD_BIND_HOST: value(env.KCD_BIND_HOST),
    MicrosoftAppId: value(env.MicrosoftAppId),
    MicrosoftAppPassword: value(env.MicrosoftAppPassword, false),
    MicrosoftAppPassword_FILE: value(env.MicrosoftAppPassword_FILE),
    MicrosoftAppType: value(env.MicrosoftAppType),
    MicrosoftAppTenantId: value(env.MicrosoftAppTenantId),
    KCD_LOCAL_MODE: value(env.KCD_LOCAL_MODE),
    KCD_ALLOWED_TENANTS: value(env.KCD_ALLOWED_TENANTS),
    KCD_ALLOW_ANY_TENANT: value(env.KCD_ALLOW_ANY_TENANT),
    KCD_ALLOWED_USERS: value(env.KCD_ALLOWED_USERS),
    KCD_ALLOWED_GROUPS: value(env.KCD_ALLOWED_GROUPS),
    KCD_RATE_LIMIT: value(env.KCD_RATE_LIMIT),
    KCD_METRICS_PORT: value(env.KCD_METRICS_PORT),
    KCD_METRICS_HOST: value(env.KCD_METRICS_HOST),
    KCD_WRITE_BIND_DN: value(env.KCD_WRITE_BIND_DN),
    KCD_WRITE_BIND_PASSWORD_FILE: value(env.KCD_WRITE_BIND_PASSWORD_FILE),
    KCD_APPROVER_GROUPS: value(env.KCD_APPROVER_GROUPS),
    KCD_OPERATOR_GROUPS: value(env.KCD_OPERATOR_GROUPS),
    KCD_APPROVAL_CONVERSATION: value(env.KCD_APPROVAL_CONVERSATION),
    KCD_APPROVAL_TTL_MINUTES: value(env.KCD_APPROVAL_TTL_MINUTES),
    KCD_APPLY_LAB_MODE: value(env.KCD_APPLY_LAB_MODE),
  };
}

function issuesToProblems(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => `${String(issue.path[0] ?? '(environment)')}: ${issue.message}`);
}

function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory, not a file';
  return code ? `cannot read it (${code})` : 'cannot read it';
}

const defaultReadFile: ReadFile = (path) => readFileSync(path, 'utf8');

/**
 * A secret given as `name` or as a file named by `${name}_FILE` (a Docker or Kubernetes secret; a BOM and trailing
 * newlines are ignored); never both. Read values join `secrets`, so no message can quote them.
 */
function secretValue(raw: Raw, name: string, readFile: ReadFile, problems: string[], secrets: string[]): string | undefined {
  const fileVariable = `${name}_FILE`;
  const file = raw[fileVariable];
  if (raw[name] !== undefined && file !== undefined) {
    problems.push(`${name} and ${fileVariable} are both set: set only one of them`);
    return undefined;
  }
  if (file === undefined) return raw[name];
  try {
    const content = readFile(file).replace(/^\uFEFF/, '').replace(/[\r\n]+$/, '');
    if (content === '') {
      problems.push(`${fileVariable}: ${quote(file)} is empty`);
      return undefined;
    }
    secrets.push(content);
    return content;
  } catch (error) {
    problems.push(`${fileVariable}: cannot read ${quote(file)}: ${fileProblem(error)}`);
    return undefined;
  }
}

export interface ReadConfigOptions {
  /**
   * 'bot' (npm start) adds the authentication-mode rules: a bot reading a real directory needs MicrosoftAppId
   * and MicrosoftAppPassword, or KCD_LOCAL_MODE=true. The CLI ('cli', the default) has no such rule.
   */
  purpose?: 'bot' | 'cli';
}

/**
 * Reads and validates the configuration. Throws ConfigError listing every problem (never a password).
 * `readFile` is used only for the secrets' _FILE variables (KCD_LDAP_BIND_PASSWORD_FILE only when KCD_LDAP_URL is set).
 */
export function readConfig(env: Record<string, string | undefined>, readFile: ReadFile = defaultReadFile, options: ReadConfigOptions = {}): Config {
  const raw = rawValues(env);
  const problems: string[] = [];
  const secrets: string[] = [raw.KCD_LDAP_BIND_PASSWORD, raw.MicrosoftAppPassword].filter((s): s is string => s !== undefined);

  const common = commonSchema.safeParse(raw);
  if (!common.success) problems.push(...issuesToProblems(common.error.issues));

  let directory: DirectoryConfig = { kind: 'demo' };
  if (raw.KCD_LDAP_URL !== undefined) {
    const ldap = ldapSchema.safeParse(raw);
    if (!ldap.success) problems.push(...issuesToProblems(ldap.error.issues));
    if (raw.KCD_LDAP_BIND_DN === undefined) {
      problems.push('KCD_LDAP_BIND_DN: required when KCD_LDAP_URL is set (the account kcd binds as, e.g. svc-kcd@contoso.com)');
    }
    const bindPassword = secretValue(raw, 'KCD_LDAP_BIND_PASSWORD', readFile, problems, secrets);
    if (bindPassword === undefined && raw.KCD_LDAP_BIND_PASSWORD === undefined && raw.KCD_LDAP_BIND_PASSWORD_FILE === undefined) {
      problems.push(
        'KCD_LDAP_BIND_PASSWORD or KCD_LDAP_BIND_PASSWORD_FILE: one of them is required when KCD_LDAP_URL is set (the bind password, or a file holding it)',
      );
    }
    if (ldap.success && raw.KCD_LDAP_BIND_DN !== undefined && bindPassword !== undefined) {
      const v = ldap.data;
      if (v.KCD_LDAP_URL.length === 0) problems.push('KCD_LDAP_URL: no URL given');
      const config: LdapDirectoryConfig = {
        kind: 'ldap',
        urls: v.KCD_LDAP_URL,
        bindDN: raw.KCD_LDAP_BIND_DN,
        bindPassword,
        tlsInsecure: v.KCD_LDAP_TLS_INSECURE,
        timeoutMs: v.KCD_LDAP_TIMEOUT_MS,
        fastPath: v.KCD_LDAP_FAST_PATH,
      };
      if (v.KCD_LDAP_BASE_DN !== undefined) config.baseDN = v.KCD_LDAP_BASE_DN;
      if (v.KCD_LDAP_CA_FILE !== undefined) config.caFile = v.KCD_LDAP_CA_FILE;
      if (v.KCD_LDAP_TLS_SERVERNAME !== undefined) config.tlsServername = v.KCD_LDAP_TLS_SERVERNAME;
      directory = config;
    }
  }

  const writeAccount = writeAccountOf(raw, readFile, problems, secrets);

  const appPassword = secretValue(raw, 'MicrosoftAppPassword', readFile, problems, secrets);
  const appPasswordGiven = raw.MicrosoftAppPassword !== undefined || raw.MicrosoftAppPassword_FILE !== undefined;

  // Bot: cross-variable rules (only when the app type itself is valid). The type defaults to SingleTenant,
  // which matters only once an app id is set: local mode (no app id) authenticates nothing.
  const appTypeResult = appTypeSchema.safeParse(raw.MicrosoftAppType);
  const appType = appTypeResult.success ? appTypeResult.data : undefined;
  const explicitType = raw.MicrosoftAppType !== undefined;
  const needsTenant = appType === 'SingleTenant' || appType === 'UserAssignedMSI';
  if (needsTenant && (explicitType || raw.MicrosoftAppId !== undefined) && raw.MicrosoftAppTenantId === undefined) {
    problems.push(
      explicitType
        ? `MicrosoftAppTenantId: required when MicrosoftAppType is ${appType}`
        : `MicrosoftAppTenantId: required when MicrosoftAppId is set (MicrosoftAppType defaults to ${appType}); a bot registered as multi-tenant before 2025 sets MicrosoftAppType=MultiTenant instead`,
    );
  }
  if (needsTenant && explicitType && raw.MicrosoftAppId === undefined) problems.push(`MicrosoftAppId: required when MicrosoftAppType is ${appType}`);
  if (appType !== undefined && appType !== 'UserAssignedMSI' && raw.MicrosoftAppId !== undefined && !appPasswordGiven) {
    problems.push(`MicrosoftAppPassword: required when MicrosoftAppId is set (MicrosoftAppType ${appType})`);
  }
  if (appPasswordGiven && raw.MicrosoftAppId === undefined && !(needsTenant && explicitType)) {
    problems.push('MicrosoftAppId: required when MicrosoftAppPassword is set');
  }

  // Authentication mode (the bot only): no credentials means local mode, which must be explicit for a real directory.
  const localFlag = booleanFlag(false).safeParse(raw.KCD_LOCAL_MODE);
  const explicitLocal = localFlag.success && localFlag.data;
  if (options.purpose === 'bot') {
    if (raw.MicrosoftAppId === undefined && raw.KCD_LDAP_URL !== undefined && !explicitLocal) {
      problems.push(
        'MicrosoftAppId and MicrosoftAppPassword: required to serve a real directory (KCD_LDAP_URL is set); without them the bot would accept unauthenticated requests. Set both (an Entra app registration), or set KCD_LOCAL_MODE=true for a lab',
      );
    }
    if (raw.MicrosoftAppId !== undefined && explicitLocal) {
      problems.push('KCD_LOCAL_MODE: true, but MicrosoftAppId is set: local mode runs without authentication; unset one of them');
    }
    if (raw.MicrosoftAppId !== undefined) problems.push(...productionProblems(raw));
    problems.push(...applyModeProblems(raw, common.success ? common.data.KCD_APPROVER_GROUPS : []));
  }

  if (problems.length > 0) throw new ConfigError(inVariableOrder(problems).map((p) => replaceSecretValues(p, secrets)));
  const c = common.data!;
  const bot: BotConfig = {
    port: c.PORT,
    bindHost: c.KCD_BIND_HOST ?? (raw.MicrosoftAppId === undefined ? '127.0.0.1' : '0.0.0.0'),
    appId: raw.MicrosoftAppId ?? '',
    appPassword: appPassword ?? '',
    appType: c.MicrosoftAppType,
    localMode: raw.MicrosoftAppId === undefined,
    allowedTenants: c.KCD_ALLOWED_TENANTS,
    anyTenant: c.KCD_ALLOW_ANY_TENANT,
    allowedUsers: c.KCD_ALLOWED_USERS,
    allowedGroups: c.KCD_ALLOWED_GROUPS,
    rateLimit: c.KCD_RATE_LIMIT,
  };
  if (raw.MicrosoftAppTenantId !== undefined) bot.tenantId = raw.MicrosoftAppTenantId;
  const config: Config = {
    directory,
    migrationGroup: c.KCD_MIGRATION_GROUP,
    cacheTtlSeconds: c.KCD_CACHE_TTL_SECONDS,
    logLevel: c.KCD_LOG_LEVEL,
    bot,
    metrics: { host: c.KCD_METRICS_HOST ?? '127.0.0.1', ...(c.KCD_METRICS_PORT !== undefined ? { port: c.KCD_METRICS_PORT } : {}) },
    apply: {
      ...(writeAccount ? { writeAccount } : {}),
      approverGroups: c.KCD_APPROVER_GROUPS,
      operatorGroups: c.KCD_OPERATOR_GROUPS,
      ...(c.KCD_APPROVAL_CONVERSATION !== undefined ? { approvalConversation: c.KCD_APPROVAL_CONVERSATION } : {}),
      ttlMinutes: c.KCD_APPROVAL_TTL_MINUTES,
      labMode: c.KCD_APPLY_LAB_MODE,
      botEnabled: writeAccount !== undefined && c.KCD_APPROVER_GROUPS.length > 0 && (raw.MicrosoftAppId !== undefined || c.KCD_APPLY_LAB_MODE),
    },
  };
  return protect(config);
}

/** The write account (KCD_WRITE_BIND_DN + KCD_WRITE_BIND_PASSWORD_FILE: both or neither, on a real directory, not the read account). */
function writeAccountOf(raw: Raw, readFile: ReadFile, problems: string[], secrets: string[]): { bindDN: string; bindPassword: string } | undefined {
  const dn = raw.KCD_WRITE_BIND_DN;
  const file = raw.KCD_WRITE_BIND_PASSWORD_FILE;
  if (dn === undefined && file === undefined) return undefined;
  if (dn === undefined) {
    problems.push('KCD_WRITE_BIND_DN: required when KCD_WRITE_BIND_PASSWORD_FILE is set (the account that writes approved fixes)');
    return undefined;
  }
  if (file === undefined) {
    problems.push("KCD_WRITE_BIND_PASSWORD_FILE: required when KCD_WRITE_BIND_DN is set (a file holding the write account's password)");
    return undefined;
  }
  if (raw.KCD_LDAP_URL === undefined) {
    problems.push('KCD_WRITE_BIND_DN: set, but KCD_LDAP_URL is not: fixes are written to a real directory only (the demo directory and snapshot files are read-only)');
  }
  if (raw.KCD_LDAP_BIND_DN !== undefined && raw.KCD_LDAP_BIND_DN.trim().toLowerCase() === dn.trim().toLowerCase()) {
    problems.push('KCD_WRITE_BIND_DN: the same account as KCD_LDAP_BIND_DN; the read account stays read-only, so give the writes their own account');
  }
  const bindPassword = secretValue(raw, 'KCD_WRITE_BIND_PASSWORD', readFile, problems, secrets);
  return bindPassword === undefined || raw.KCD_LDAP_URL === undefined ? undefined : { bindDN: dn, bindPassword };
}

/** The bot applies fixes only with approvers, and only in production (an app id) or the explicit lab mode. */
function applyModeProblems(raw: Raw, approverGroups: readonly string[]): string[] {
  const problems: string[] = [];
  const labMode = booleanFlag(false).safeParse(raw.KCD_APPLY_LAB_MODE);
  const lab = labMode.success && labMode.data;
  if (raw.KCD_WRITE_BIND_DN !== undefined && approverGroups.length === 0) {
    problems.push('KCD_APPROVER_GROUPS: required when KCD_WRITE_BIND_DN is set: the bot writes a fix only after a member of these groups approves it');
  }
  if (approverGroups.length > 0 && raw.KCD_WRITE_BIND_DN === undefined) {
    problems.push('KCD_WRITE_BIND_DN: required when KCD_APPROVER_GROUPS is set (approved fixes are written through that account)');
  }
  if (raw.KCD_WRITE_BIND_DN !== undefined && raw.MicrosoftAppId === undefined && !lab) {
    problems.push(
      'KCD_APPLY_LAB_MODE: the bot would write to AD without authenticating who approves (no MicrosoftAppId). Set MicrosoftAppId for production, or KCD_APPLY_LAB_MODE=true for a lab',
    );
  }
  if (lab && raw.MicrosoftAppId !== undefined) problems.push('KCD_APPLY_LAB_MODE: true, but MicrosoftAppId is set: lab mode is for unauthenticated labs; unset it');
  return problems;
}

/**
 * What a bot with an app id (production, reachable from the internet) must not run with: certificate
 * checks off, or a real directory open to every tenant without saying so.
 */
function productionProblems(raw: Raw): string[] {
  const problems: string[] = [];
  const flag = (name: string) => {
    const parsed = booleanFlag(false).safeParse(raw[name]);
    return parsed.success && parsed.data;
  };
  if (raw.KCD_LDAP_URL !== undefined && flag('KCD_LDAP_TLS_INSECURE')) {
    problems.push('KCD_LDAP_TLS_INSECURE: true, but MicrosoftAppId is set: a production bot verifies the DC certificate; set KCD_LDAP_CA_FILE to the CA that issued it');
  }
  const anyTenant = flag('KCD_ALLOW_ANY_TENANT');
  if (anyTenant && raw.KCD_ALLOWED_TENANTS !== undefined) {
    problems.push('KCD_ALLOW_ANY_TENANT: true, but KCD_ALLOWED_TENANTS is set: keep the allow-list and unset KCD_ALLOW_ANY_TENANT');
  }
  if (raw.KCD_LDAP_URL !== undefined && raw.KCD_ALLOWED_TENANTS === undefined && !anyTenant) {
    problems.push(
      "KCD_ALLOWED_TENANTS: required when the bot serves a real directory with MicrosoftAppId set: Bot Framework tokens name the bot, not the user's tenant, so without it users of any tenant that installs the app could read your AD. Set your tenant id (or, knowingly, KCD_ALLOW_ANY_TENANT=true)",
    );
  }
  return problems;
}

/** Problems sorted by the variable they start with, in CONFIG_VARIABLES order (stable otherwise). */
function inVariableOrder(problems: readonly string[]): string[] {
  const rank = (p: string) => {
    const i = CONFIG_VARIABLES.findIndex((v) => p.startsWith(`${v.name}:`) || p.startsWith(`${v.name} `));
    return i === -1 ? CONFIG_VARIABLES.length : i;
  };
  return problems
    .map((p, i) => ({ p, i, r: rank(p) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.p);
}

/** The variables of the daily summary, each named once here (test/config.test.ts scans for them). */
function summaryRawValues(env: Record<string, string | undefined>): Raw {
  return {
    KCD_STATE_STORE: value(env.KCD_STATE_STORE),
    KCD_STATE_DIR: value(env.KCD_STATE_DIR),
    AZURE_STORAGE_CONNECTION_STRING: value(env.AZURE_STORAGE_CONNECTION_STRING, false),
    AZURE_STORAGE_CONNECTION_STRING_FILE: value(env.AZURE_STORAGE_CONNECTION_STRING_FILE),
    KCD_STATE_CONTAINER: value(env.KCD_STATE_CONTAINER),
    KCD_LEADER_LEASE_SECONDS: value(env.KCD_LEADER_LEASE_SECONDS),
    KCD_SUMMARY_DEFAULT_TIME: value(env.KCD_SUMMARY_DEFAULT_TIME),
    KCD_SUMMARY_TIME_ZONE: value(env.KCD_SUMMARY_TIME_ZONE),
    KCD_SCHEDULER_ENABLED: value(env.KCD_SCHEDULER_ENABLED),
    KCD_MAX_SUBSCRIPTIONS_PER_TENANT: value(env.KCD_MAX_SUBSCRIPTIONS_PER_TENANT),
  };
}

/** Azure's container naming rules (3-63 characters; lower-case letters, digits, single hyphens inside). */
const CONTAINER_NAME = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;

/** KCD_STATE_STORE and what it needs; undefined when a problem was recorded. */
function stateStoreConfig(raw: Raw, problems: string[], readFile: ReadFile): StateStoreConfig | undefined {
  const kind = raw.KCD_STATE_STORE ?? 'file';
  if (!(STATE_STORES as readonly string[]).includes(kind)) {
    problems.push(`KCD_STATE_STORE: expected one of ${STATE_STORES.join(', ')}, got ${quote(kind)}`);
    return undefined;
  }
  if (kind === 'file') return { kind: 'file' };
  const given = raw.AZURE_STORAGE_CONNECTION_STRING !== undefined || raw.AZURE_STORAGE_CONNECTION_STRING_FILE !== undefined;
  // Never quoted back: it holds an account key or a SAS.
  const connectionString = secretValue(raw, 'AZURE_STORAGE_CONNECTION_STRING', readFile, problems, []);
  if (!given) problems.push('AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_CONNECTION_STRING_FILE: one of them is required when KCD_STATE_STORE=azure-blob');
  else if (connectionString !== undefined && !/(^|;)\s*(UseDevelopmentStorage\s*=\s*true|AccountName\s*=|BlobEndpoint\s*=)/i.test(connectionString))
    problems.push('AZURE_STORAGE_CONNECTION_STRING: expected a storage connection string (AccountName=…;AccountKey=… or BlobEndpoint=…;SharedAccessSignature=…) or UseDevelopmentStorage=true');
  const container = raw.KCD_STATE_CONTAINER ?? 'kcd-bot';
  if (!CONTAINER_NAME.test(container)) problems.push(`KCD_STATE_CONTAINER: expected 3-63 lower-case letters, digits and single hyphens (an Azure container name), got ${quote(container)}`);
  const lease = wholeNumber('a whole number of seconds (15-60)', 15, 30)
    .refine((n) => n <= 60, { error: (issue) => `expected a whole number of seconds (15-60), got ${quote(issue.input)}` })
    .safeParse(raw.KCD_LEADER_LEASE_SECONDS);
  if (!lease.success) problems.push(...lease.error.issues.map((issue) => `KCD_LEADER_LEASE_SECONDS: ${issue.message}`));
  if (connectionString === undefined || !lease.success) return undefined;
  return { kind: 'azure-blob', connectionString, container, leaseSeconds: lease.data };
}

/** Reads the daily summary settings. Throws ConfigError listing every problem. */
export function readSummaryConfig(env: Record<string, string | undefined>, readFile: ReadFile = defaultReadFile): SummaryConfig {
  const raw = summaryRawValues(env);
  const problems: string[] = [];
  const store = stateStoreConfig(raw, problems, readFile);
  const time = raw.KCD_SUMMARY_DEFAULT_TIME === undefined ? '08:00' : parseTimeArgument(raw.KCD_SUMMARY_DEFAULT_TIME);
  if (time === undefined) problems.push(`KCD_SUMMARY_DEFAULT_TIME: expected a time of day such as 08:00 (24-hour clock), got ${quote(raw.KCD_SUMMARY_DEFAULT_TIME)}`);
  const timeZone = raw.KCD_SUMMARY_TIME_ZONE === undefined ? 'UTC' : canonicalTimeZone(raw.KCD_SUMMARY_TIME_ZONE);
  if (timeZone === undefined) problems.push(`KCD_SUMMARY_TIME_ZONE: expected an IANA time zone such as Europe/Berlin or UTC, got ${quote(raw.KCD_SUMMARY_TIME_ZONE)}`);
  const enabled = booleanFlag(true).safeParse(raw.KCD_SCHEDULER_ENABLED);
  if (!enabled.success) problems.push(...enabled.error.issues.map((issue) => `KCD_SCHEDULER_ENABLED: ${issue.message}`));
  const perTenant = wholeNumber('a whole number of subscriptions (1-10000)', 1, 50)
    .refine((n) => n <= 10_000, { error: (issue) => `expected a whole number of subscriptions (1-10000), got ${quote(issue.input)}` })
    .safeParse(raw.KCD_MAX_SUBSCRIPTIONS_PER_TENANT);
  if (!perTenant.success) problems.push(...perTenant.error.issues.map((issue) => `KCD_MAX_SUBSCRIPTIONS_PER_TENANT: ${issue.message}`));
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    store: store!,
    stateDir: raw.KCD_STATE_DIR ?? './data',
    defaultTime: time!,
    timeZone: timeZone!,
    schedulerEnabled: enabled.data!,
    maxSubscriptionsPerTenant: perTenant.data!,
  };
}
