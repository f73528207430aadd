/**
 * The shape of the configuration (Config, SummaryConfig) and the zod schemas that turn environment strings
 * into it. Each schema reports a problem as a message naming what was expected and what was given (quoted,
 * with credentials removed from URLs), never a password: reading.ts prefixes the variable's name.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import type { MigrationGroup } from '../domain/migration-group';
import { DEFAULT_LDAP_TIMEOUT_MS } from '../env-value';
import { redactUrlCredentials } from '../redaction';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const APP_TYPES = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const;
export type AppType = (typeof APP_TYPES)[number];

export interface DemoDirectoryConfig {
  kind: 'demo';
}

export interface LdapDirectoryConfig {
  kind: 'ldap';
  /** ldaps://host[:port] or ldap://host[:port] (StartTLS); the first is primary, the rest are failover. */
  urls: string[];
  bindDN: string;
  bindPassword: string;
  /** Default: the domain's defaultNamingContext (read from the RootDSE). */
  baseDN?: string;
  /** PEM file of the CA that issued the DCs' certificates (added to the system's trusted CAs). */
  caFile?: string;
  /** The name to verify the certificate against when it differs from the URL's host. */
  tlsServername?: string;
  /** Skip certificate verification (labs only). */
  tlsInsecure: boolean;
  timeoutMs: number;
  /** `kcd scan` reads its pages through the fast path (src/directory/ldap/fast/). */
  fastPath: boolean;
}

export type DirectoryConfig = DemoDirectoryConfig | LdapDirectoryConfig;

export interface BotConfig {
  port: number;
  /** The address to listen on (KCD_BIND_HOST; default 127.0.0.1 in local mode, 0.0.0.0 with an app id). */
  bindHost: string;
  /** '' when unset: local use (Emulator, Agents Playground) without authentication. */
  appId: string;
  /** '' when unset. */
  appPassword: string;
  appType: AppType;
  tenantId?: string;
  /**
   * Runs without authentication (no MicrosoftAppId): the demo directory, or KCD_LOCAL_MODE=true for a lab.
   * A bot reading a real directory without credentials and without KCD_LOCAL_MODE refuses to start.
   */
  localMode: boolean;
  /** Tenant ids whose users may use the bot; empty: any tenant (production with AD needs anyTenant for that). */
  allowedTenants: string[];
  /** KCD_ALLOW_ANY_TENANT: the explicit opt-out of the tenant allow-list (repeated by the start-up banner). */
  anyTenant: boolean;
  /** AAD object ids or UPNs allowed to use the bot; empty: everyone in an allowed tenant. */
  allowedUsers: string[];
  /**
   * On-premises AD groups (names or DNs) whose members, nested included, may use the bot, in addition to
   * allowedUsers; empty: no group allow-list.
   */
  allowedGroups: string[];
  /** Per-conversation rate limit: `capacity` messages per `windowMs` (KCD_RATE_LIMIT, default 8 per 10 s). */
  rateLimit: { capacity: number; windowMs: number };
}

/** The Prometheus endpoint: off unless KCD_METRICS_PORT is set; on loopback unless KCD_METRICS_HOST says otherwise. */
export interface MetricsConfig {
  /** Where GET /metrics listens; undefined: no metrics listener. */
  port?: number;
  host: string;
}

/**
 * Applying fixes to AD (issue 21): off unless a write account is configured. The bot also needs approver groups
 * and production mode (an app id) or the explicit lab mode; the CLI's `kcd fix --apply` needs only the account.
 */
export interface ApplyConfig {
  /** The write account (never the read account); absent: nothing can be applied. */
  writeAccount?: { bindDN: string; bindPassword: string };
  /** AD groups (names or DNs) whose members may approve a plan; empty: the bot applies nothing. */
  approverGroups: string[];
  /** AD groups whose members may request a fix; empty: everyone allowed to use the bot. */
  operatorGroups: string[];
  /** Where approval cards are posted too (a Teams conversation id), besides the conversation that asked. */
  approvalConversation?: string;
  /** How long a plan waits for approval (KCD_APPROVAL_TTL_MINUTES, default 30). */
  ttlMinutes: number;
  /** KCD_APPLY_LAB_MODE: approvals without an app id (Agents Playground, tests). */
  labMode: boolean;
  /** The bot offers "Request fix": a write account, approver groups, and production or lab mode. */
  botEnabled: boolean;
}

export interface Config {
  directory: DirectoryConfig;
  migrationGroup: MigrationGroup;
  /** How long a directory snapshot is reused; 0 reads the directory for every question. */
  cacheTtlSeconds: number;
  logLevel: LogLevel;
  bot: BotConfig;
  metrics: MetricsConfig;
  apply: ApplyConfig;
}

export type ReadFile = (path: string) => string;

export const STATE_STORES = ['file', 'azure-blob'] as const;

/** Where durable state lives (KCD_STATE_STORE). */
export type StateStoreConfig =
  | { kind: 'file' }
  | {
      kind: 'azure-blob';
      /** A secret (an account key or SAS inside): never logged. */
      connectionString: string;
      container: string;
      leaseSeconds: number;
    };

export interface SummaryConfig {
  store: StateStoreConfig;
  /** Absolute or relative to the working directory (the file store's; other files of the bot's too). */
  stateDir: string;
  /** "HH:MM" for subscriptions that give no time. */
  defaultTime: string;
  /** IANA zone for subscriptions that give none. */
  timeZone: string;
  /** False on the extra instances of a deployment: one scheduler per deployment. */
  schedulerEnabled: boolean;
  /** Subscriptions one tenant may hold (one per conversation). */
  maxSubscriptionsPerTenant: number;
}

export const quote = (s: unknown) => JSON.stringify(String(s));
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/i;
const HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?)$/i;
/** Looks like a DN: attribute=value pairs separated by commas. */
const DN = /^\s*[a-z][a-z0-9-]*\s*=\s*[^,]+(,\s*[a-z][a-z0-9-]*\s*=\s*[^,]*)*$/i;

/** One LDAP URL, normalised (lower-case scheme, no trailing slash), or the reason it is refused. */
export function parseLdapUrl(url: string): { url: string } | { problem: string } {
  const shown = quote(redactUrlCredentials(url));
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(url);
  if (!m) return { problem: `${shown} is not a URL: use ldaps://host[:port], or ldap://host[:port] for StartTLS` };
  const scheme = m[1]!.toLowerCase();
  if (scheme !== 'ldaps' && scheme !== 'ldap') {
    return { problem: `${shown} has scheme ${scheme}: use ldaps://host[:port], or ldap://host[:port] for StartTLS` };
  }
  let rest = m[2]!.replace(/\/$/, '');
  if (rest.includes('@')) return { problem: `${shown} contains credentials: put them in KCD_LDAP_BIND_DN and KCD_LDAP_BIND_PASSWORD(_FILE)` };
  if (/[/?#]/.test(rest)) {
    return { problem: `${shown} has a path or query: give only ${scheme}://host[:port] (set the search base with KCD_LDAP_BASE_DN)` };
  }
  let port: string | undefined;
  const portMatch = /:(\d*)$/.exec(rest);
  if (portMatch && !/^\[[^\]]*$/.test(rest.slice(0, portMatch.index))) {
    port = portMatch[1]!;
    rest = rest.slice(0, portMatch.index);
    const n = Number(port);
    if (!/^\d{1,5}$/.test(port) || n < 1 || n > 65535) return { problem: `${shown} has an invalid port: use 1-65535 (636 for ldaps, 389 for ldap)` };
  }
  if (!HOST.test(rest)) return { problem: `${shown} has no valid host name` };
  return { url: `${scheme}://${rest}${port !== undefined ? `:${port}` : ''}` };
}

const urlListSchema = z.string().transform((text, ctx) => {
  const urls: string[] = [];
  for (const part of text.split(/[\s,]+/).filter((p) => p !== '')) {
    const parsed = parseLdapUrl(part);
    if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
    else if (!urls.includes(parsed.url)) urls.push(parsed.url);
  }
  return urls;
});

/** A whole number of at least `min`; unset stays undefined. */
const optionalWholeNumber = (what: string, min: number) =>
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return undefined;
      const n = /^\d+$/.test(text) ? Number(text) : NaN;
      if (!Number.isSafeInteger(n) || n < min) {
        ctx.addIssue({ code: 'custom', message: `expected ${what}, got ${quote(text)}` });
        return z.NEVER;
      }
      return n;
    });

/** A whole number of at least `min`; unset gives `fallback`. */
export const wholeNumber = (what: string, min: number, fallback: number) => optionalWholeNumber(what, min).transform((n) => n ?? fallback);

export const booleanFlag = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return fallback;
      const t = text.toLowerCase();
      if (['true', '1', 'yes'].includes(t)) return true;
      if (['false', '0', 'no'].includes(t)) return false;
      ctx.addIssue({ code: 'custom', message: `expected true or false (also 1/0, yes/no), got ${quote(text)}` });
      return z.NEVER;
    });

/** A value from a fixed list, matched case-insensitively, returned in its canonical case. */
const oneOf = <T extends string>(values: readonly T[], fallback: T, aliases: Record<string, T> = {}) =>
  z
    .string()
    .optional()
    .transform((text, ctx): T => {
      if (text === undefined) return fallback;
      const t = text.toLowerCase();
      const found = values.find((v) => v.toLowerCase() === t) ?? aliases[t];
      if (found) return found;
      ctx.addIssue({ code: 'custom', message: `expected one of ${values.join(', ')}, got ${quote(text)}` });
      return z.NEVER;
    });

/** A list separated by commas or spaces, each item checked; empty or unset: []. */
const listOf = (what: string, valid: (item: string) => boolean) =>
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      const items = (text ?? '').split(/[\s,;]+/).filter((i) => i !== '');
      const bad = items.filter((i) => !valid(i));
      if (bad.length > 0) {
        ctx.addIssue({ code: 'custom', message: `expected ${what}, got ${bad.slice(0, 3).map(quote).join(', ')}` });
        return z.NEVER;
      }
      return [...new Set(items)];
    });

/**
 * Group names hold spaces and DNs hold commas: items are separated by semicolons (or new lines); a value
 * with neither a semicolon nor an "=" is a list of plain names and may use commas.
 */
const groupListSchema = z
  .string()
  .optional()
  .transform((text, ctx) => {
    const raw = text ?? '';
    const separator = /[;\n]/.test(raw) || raw.includes('=') ? /[;\n]+/ : /[,;\n]+/;
    const items = raw.split(separator).map((i) => i.trim()).filter((i) => i !== '');
    const bad = items.filter((i) => !validGroupItem(i));
    if (bad.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `expected group names or distinguished names separated by semicolons, got ${bad.slice(0, 3).map(quote).join(', ')}`,
      });
      return z.NEVER;
    }
    return [...new Set(items)];
  });

/** "8/10" or "8/10s": 8 messages per 10 seconds. */
const rateLimitSchema = z
  .string()
  .optional()
  .transform((text, ctx) => {
    if (text === undefined) return { capacity: 8, windowMs: 10_000 };
    const m = /^\s*(\d{1,4})\s*\/\s*(\d{1,4})\s*s?\s*$/i.exec(text);
    const capacity = m ? Number(m[1]) : NaN;
    const seconds = m ? Number(m[2]) : NaN;
    if (!(capacity >= 1 && capacity <= 1000 && seconds >= 1 && seconds <= 3600)) {
      ctx.addIssue({ code: 'custom', message: `expected messages/seconds such as 8/10 (1-1000 per 1-3600 s), got ${quote(text)}` });
      return z.NEVER;
    }
    return { capacity, windowMs: seconds * 1000 };
  });

function validGroupItem(item: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are what this expression looks for
  if (item.length > 512 || /[\u0000-\u001f\u007f]/.test(item)) return false;
  if (!item.includes('=')) return true;
  // A DN: every part attribute=value (escaped commas inside values are kept with their part).
  return item.split(/(?<!\\),/).every((part) => /^\s*[A-Za-z][\w-]*\s*=\s*\S/.test(part));
}

/** A Teams conversation id: 19:…@thread.tacv2 / @thread.skype / @unq.gbl.spaces, a:… (personal); no spaces or controls. */
const CONVERSATION_ID = /^(19:[^\s@]+@[a-z0-9.]+[a-z0-9]|a:[^\s]+|[0-9a-f-]{36})(;messageid=\d+)?$/i;

const dnSchema = (what: string) =>
  z
    .string()
    .optional()
    .refine((text) => text === undefined || DN.test(text), {
      error: (issue) => `expected ${what} such as DC=contoso,DC=com, got ${quote(issue.input)}`,
    });

const migrationGroupSchema = z
  .string()
  .optional()
  .transform((text, ctx): MigrationGroup => {
    if (text === undefined) return { kind: 'auto' };
    const lower = text.toLowerCase();
    if (lower === 'auto') return { kind: 'auto' };
    if (lower === 'delegation') return { kind: 'delegation' };
    if (lower === 'domain') return { kind: 'domain' };
    if (lower === 'parent-ou') return { kind: 'parent-ou' };
    const m = /^(ou|group)\s*:\s*(.*)$/i.exec(text);
    if (m) {
      const arg = m[2]!.trim();
      if (m[1]!.toLowerCase() === 'ou') {
        if (DN.test(arg)) return { kind: 'ou', dn: arg };
        ctx.addIssue({ code: 'custom', message: `ou: needs the OU's distinguished name, e.g. ou:OU=Hyper-V,DC=contoso,DC=com; got ${quote(text)}` });
        return z.NEVER;
      }
      if (arg !== '') return { kind: 'group', name: arg };
      ctx.addIssue({ code: 'custom', message: 'group: needs a group name or DN, e.g. group:Hyper-V Hosts' });
      return z.NEVER;
    }
    ctx.addIssue({
      code: 'custom',
      message: `expected auto, delegation, domain, parent-ou, ou:<DN> or group:<DN or name>, got ${quote(text)}`,
    });
    return z.NEVER;
  });

const guidSchema = (what: string) =>
  z
    .string()
    .optional()
    .refine((text) => text === undefined || GUID.test(text), {
      error: (issue) => `expected ${what} (a GUID such as 00000000-0000-0000-0000-000000000000), got ${quote(issue.input)}`,
    });

/** New bots are single-tenant: Microsoft no longer accepts new multi-tenant Azure Bot registrations. */
export const DEFAULT_APP_TYPE: AppType = 'SingleTenant';
export const appTypeSchema = oneOf(APP_TYPES, DEFAULT_APP_TYPE);

const PORT_RANGE = 'a TCP port number (1-65535)';
const portRefinement = [(n: number | undefined) => n === undefined || n <= 65535, { error: (issue: { input: unknown }) => `expected ${PORT_RANGE}, got ${quote(issue.input)}` }] as const;
const portNumber = (fallback: number) => wholeNumber(PORT_RANGE, 1, fallback).refine(...portRefinement);
const optionalPortNumber = () => optionalWholeNumber(PORT_RANGE, 1).refine(...portRefinement);

const hostSchema = z
  .string()
  .optional()
  .refine((text) => text === undefined || isIP(text) !== 0 || HOST.test(text), {
    error: (issue) => `expected an IP address or host name to listen on, got ${quote(issue.input)}`,
  });

export const commonSchema = z.object({
  KCD_MIGRATION_GROUP: migrationGroupSchema,
  KCD_CACHE_TTL_SECONDS: wholeNumber('a whole number of seconds (0 or more)', 0, 300),
  KCD_LOG_LEVEL: oneOf(LOG_LEVELS, 'info', { warning: 'warn' }),
  PORT: portNumber(3978),
  KCD_BIND_HOST: hostSchema,
  MicrosoftAppId: guidSchema("the bot's application (client) ID"),
  MicrosoftAppPassword: z.string().optional(),
  MicrosoftAppType: appTypeSchema,
  MicrosoftAppTenantId: z
    .string()
    .optional()
    .refine((text) => text === undefined || GUID.test(text) || DOMAIN_NAME.test(text), {
      error: (issue) => `expected a tenant ID (a GUID) or a tenant domain name, got ${quote(issue.input)}`,
    }),
  KCD_LOCAL_MODE: booleanFlag(false),
  KCD_ALLOWED_TENANTS: listOf('tenant ids (GUIDs)', (t) => GUID.test(t)),
  KCD_ALLOW_ANY_TENANT: booleanFlag(false),
  KCD_ALLOWED_USERS: listOf('AAD object ids (GUIDs) or UPNs (name@domain)', (u) => GUID.test(u) || /^[^@\s]+@[^@\s]+$/.test(u)),
  KCD_ALLOWED_GROUPS: groupListSchema,
  KCD_RATE_LIMIT: rateLimitSchema,
  KCD_METRICS_PORT: optionalPortNumber(),
  KCD_METRICS_HOST: hostSchema,
  KCD_WRITE_BIND_DN: z.string().optional(),
  KCD_APPROVER_GROUPS: groupListSchema,
  KCD_OPERATOR_GROUPS: groupListSchema,
  KCD_APPROVAL_CONVERSATION: z
    .string()
    .optional()
    .refine((text) => text === undefined || CONVERSATION_ID.test(text), {
      error: (issue) => `expected a Teams conversation id such as 19:abc123@thread.tacv2, got ${quote(issue.input)}`,
    }),
  KCD_APPROVAL_TTL_MINUTES: wholeNumber('a whole number of minutes (5-1440)', 5, 30).refine((n) => n <= 1440, {
    error: (issue) => `expected a whole number of minutes (5-1440), got ${quote(issue.input)}`,
  }),
  KCD_APPLY_LAB_MODE: booleanFlag(false),
});

export const ldapSchema = z.object({
  KCD_LDAP_URL: urlListSchema,
  KCD_LDAP_BIND_DN: z.string().optional(),
  KCD_LDAP_BIND_PASSWORD: z.string().optional(),
  KCD_LDAP_BIND_PASSWORD_FILE: z.string().optional(),
  KCD_LDAP_BASE_DN: dnSchema('a distinguished name'),
  KCD_LDAP_CA_FILE: z.string().optional(),
  KCD_LDAP_TLS_SERVERNAME: z
    .string()
    .optional()
    .refine((text) => text === undefined || HOST.test(text), {
      error: (issue) => `expected a host name, got ${quote(issue.input)}`,
    }),
  KCD_LDAP_TLS_INSECURE: booleanFlag(false),
  KCD_LDAP_TIMEOUT_MS: wholeNumber('a positive whole number of milliseconds', 1, DEFAULT_LDAP_TIMEOUT_MS),
  KCD_LDAP_FAST_PATH: booleanFlag(false),
});
