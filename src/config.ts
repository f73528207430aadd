/**
 * Configuration from environment variables: `readConfig(env)` is a pure function of the environment (the
 * one I/O it may do is reading KCD_LDAP_BIND_PASSWORD_FILE, through an injectable `readFile`). Every
 * problem is reported at once in one ConfigError; no message ever contains a password.
 *
 * CONFIG_VARIABLES is the single list of variables: `.env.example` is generated from it
 * (renderEnvExample), and test/config.test.ts checks that both agree with what this file reads.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { inspect } from 'node:util';
import { z } from 'zod';
import { ConfigError } from './domain/errors';
import { DEFAULT_LDAP_TIMEOUT_MS, envValue } from './env-value';
import type { MigrationGroup } from './domain/migration-group';
import { REDACTED, redactUrlCredentials, replaceSecretValues } from './redaction';
import { canonicalTimeZone, parseTimeArgument } from './time/time-of-day';

// ---------------------------------------------------------------------------------------------------
// Shape
// ---------------------------------------------------------------------------------------------------

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

export interface Config {
  directory: DirectoryConfig;
  migrationGroup: MigrationGroup;
  /** How long a directory snapshot is reused; 0 reads the directory for every question. */
  cacheTtlSeconds: number;
  logLevel: LogLevel;
  bot: BotConfig;
}

export type ReadFile = (path: string) => string;

// ---------------------------------------------------------------------------------------------------
// The variables (single source for .env.example and the README)
// ---------------------------------------------------------------------------------------------------

export type ConfigSection = 'directory' | 'checks' | 'bot' | 'summary';

export interface ConfigVariable {
  name: string;
  section: ConfigSection;
  description: string;
  /** A realistic value, shown in .env.example. */
  example: string;
  /** When the variable must be set; undefined when it is optional. */
  requiredWhen?: string;
  /** The value used when unset. */
  default?: string;
  /** Never echoed in messages or logs. */
  secret?: boolean;
}

export const CONFIG_VARIABLES: readonly ConfigVariable[] = [
  {
    name: 'KCD_LDAP_URL',
    section: 'directory',
    description:
      'Domain controller(s) to read: ldaps://host[:port], or ldap://host[:port] for StartTLS. Several, separated by commas or spaces, are tried in order (the first is primary). Unset: the built-in demo directory, and the other KCD_LDAP_ variables are ignored.',
    example: 'ldaps://dc1.contoso.com,ldaps://dc2.contoso.com',
  },
  {
    name: 'KCD_LDAP_BIND_DN',
    section: 'directory',
    description: 'The account kcd binds as (read-only access is enough): a DN, a UPN or DOMAIN\\name.',
    example: 'CN=svc-kcd,OU=Service Accounts,DC=contoso,DC=com',
    requiredWhen: 'KCD_LDAP_URL is set',
  },
  {
    name: 'KCD_LDAP_BIND_PASSWORD',
    section: 'directory',
    description: "The bind account's password. Prefer KCD_LDAP_BIND_PASSWORD_FILE; set exactly one of the two.",
    example: 'change-me',
    requiredWhen: 'KCD_LDAP_URL is set and KCD_LDAP_BIND_PASSWORD_FILE is not',
    secret: true,
  },
  {
    name: 'KCD_LDAP_BIND_PASSWORD_FILE',
    section: 'directory',
    description: 'A file holding the bind password (a Docker or Kubernetes secret); a trailing newline is ignored.',
    example: '/run/secrets/kcd-ldap-password',
    requiredWhen: 'KCD_LDAP_URL is set and KCD_LDAP_BIND_PASSWORD is not',
  },
  {
    name: 'KCD_LDAP_BASE_DN',
    section: 'directory',
    description: "Where searches start. Default: the domain's naming context, read from the server.",
    example: 'DC=contoso,DC=com',
  },
  {
    name: 'KCD_LDAP_CA_FILE',
    section: 'directory',
    description: "PEM file of the CA that issued the domain controllers' certificates, when the system does not trust it.",
    example: '/etc/kcd/contoso-root-ca.pem',
  },
  {
    name: 'KCD_LDAP_TLS_SERVERNAME',
    section: 'directory',
    description: "The name to check the server certificate against, when it differs from the URL's host (e.g. the URL uses an IP address).",
    example: 'dc1.contoso.com',
  },
  {
    name: 'KCD_LDAP_TLS_INSECURE',
    section: 'directory',
    description:
      'Skip TLS certificate verification (true/false, 1/0, yes/no). Labs only: the bind password is then exposed to anyone in the path. The bot refuses it when MicrosoftAppId is set (production).',
    example: 'false',
    default: 'false',
  },
  {
    name: 'KCD_LDAP_TIMEOUT_MS',
    section: 'directory',
    description: 'Connect and operation timeout per LDAP request, in milliseconds (a positive whole number).',
    example: '10000',
    default: String(DEFAULT_LDAP_TIMEOUT_MS),
  },
  {
    name: 'KCD_LDAP_FAST_PATH',
    section: 'directory',
    description:
      "`kcd scan` only (true/false, 1/0, yes/no): read the directory's pages through the fast path (src/directory/ldap/fast/: the next page is requested before this one is decoded), which relies on ldapts 8.2.0's internals and falls back to the plain reader on other versions. Same report either way. The bot never uses it.",
    example: 'false',
    default: 'false',
  },
  {
    name: 'KCD_MIGRATION_GROUP',
    section: 'checks',
    description:
      'Which Hyper-V hosts are expected to migrate to each other in host and fleet checks: domain (every host of a domain), parent-ou (hosts in the same OU), ou:<DN> (hosts under that OU), or group:<DN or name> (members of that AD group).',
    example: 'ou:OU=Hyper-V,DC=contoso,DC=com',
    default: 'domain',
  },
  {
    name: 'KCD_CACHE_TTL_SECONDS',
    section: 'checks',
    description:
      'How long a directory snapshot is reused before AD is read again, in seconds (0: read it for every question). A chat check or scan with "fresh" (or the Re-check button) reads AD now.',
    example: '300',
    default: '300',
  },
  {
    name: 'KCD_LOG_LEVEL',
    section: 'checks',
    description: `Log verbosity: ${LOG_LEVELS.join(', ')}.`,
    example: 'info',
    default: 'info',
  },
  {
    name: 'PORT',
    section: 'bot',
    description: "The bot's HTTP port (messages arrive on /api/messages).",
    example: '3978',
    default: '3978',
  },
  {
    name: 'KCD_BIND_HOST',
    section: 'bot',
    description:
      'The address the bot listens on (an IP address or host name). Unset: 127.0.0.1 when MicrosoftAppId is empty (local mode is never reachable from other machines), 0.0.0.0 (every interface) when it is set.',
    example: '127.0.0.1',
  },
  {
    name: 'MicrosoftAppId',
    section: 'bot',
    description:
      "The bot's Microsoft Entra application (client) ID, a GUID. Leave empty for local use with the Bot Framework Emulator or the Agents Playground (no authentication).",
    example: '00000000-0000-0000-0000-000000000000',
    requiredWhen: 'MicrosoftAppType is SingleTenant or UserAssignedMSI, or MicrosoftAppPassword is set',
  },
  {
    name: 'MicrosoftAppPassword',
    section: 'bot',
    description: "The app registration's client secret.",
    example: 'client-secret-from-entra',
    requiredWhen: 'MicrosoftAppId is set and MicrosoftAppType is not UserAssignedMSI',
    secret: true,
  },
  {
    name: 'MicrosoftAppType',
    section: 'bot',
    description: `How the bot authenticates: ${APP_TYPES.join(', ')}.`,
    example: 'SingleTenant',
    default: 'MultiTenant',
  },
  {
    name: 'MicrosoftAppTenantId',
    section: 'bot',
    description: "The Microsoft Entra tenant of the bot's app registration (a GUID or a domain such as contoso.onmicrosoft.com).",
    example: '11111111-1111-1111-1111-111111111111',
    requiredWhen: 'MicrosoftAppType is SingleTenant or UserAssignedMSI',
  },
  {
    name: 'KCD_LOCAL_MODE',
    section: 'bot',
    description:
      'Run the bot without authentication (no MicrosoftAppId) against a real directory, for a lab (true/false, 1/0, yes/no). Without it, a bot reading KCD_LDAP_URL refuses to start unless MicrosoftAppId and MicrosoftAppPassword are set. The demo directory always runs locally.',
    example: 'false',
    default: 'false',
  },
  {
    name: 'KCD_ALLOWED_TENANTS',
    section: 'bot',
    description:
      'Microsoft Entra tenant ids (GUIDs, separated by commas or spaces) whose users may use the bot; requests from other tenants get a refusal card and are logged. Required when the bot serves a real directory (KCD_LDAP_URL) with MicrosoftAppId, unless KCD_ALLOW_ANY_TENANT=true. Empty otherwise: any tenant.',
    example: '11111111-1111-1111-1111-111111111111',
    requiredWhen: 'MicrosoftAppId and KCD_LDAP_URL are set and KCD_ALLOW_ANY_TENANT is not true',
  },
  {
    name: 'KCD_ALLOW_ANY_TENANT',
    section: 'bot',
    description:
      "Let users of every Microsoft 365 tenant that installs the app use a bot serving a real directory (true/false, 1/0, yes/no). Bot Framework tokens name the bot, not the user's tenant, so without KCD_ALLOWED_TENANTS any tenant could read your AD through the bot; the start-up banner repeats this choice. Cannot be combined with KCD_ALLOWED_TENANTS.",
    example: 'false',
    default: 'false',
  },
  {
    name: 'KCD_ALLOWED_USERS',
    section: 'bot',
    description:
      'Users allowed to ask the bot: AAD object ids (GUIDs) or UPNs, separated by commas or spaces. Empty: everyone in an allowed tenant. Others get a polite refusal card.',
    example: 'alice@contoso.com,22222222-2222-2222-2222-222222222222',
  },
  {
    name: 'KCD_ALLOWED_GROUPS',
    section: 'bot',
    description:
      'On-premises Active Directory groups whose members (nested groups included) may ask the bot, in addition to KCD_ALLOWED_USERS: group names (cn) or distinguished names, separated by semicolons (a list of names without DNs may use commas). The caller is found in AD by the UPN Teams reports; in a hybrid tenant these are the groups synced to Entra ID. Entra-only (cloud) groups are not supported (they would need Microsoft Graph). When AD cannot be read, callers not on KCD_ALLOWED_USERS are refused. Empty: no group allow-list.',
    example: 'Hyper-V Operators;CN=KCD Users,OU=Groups,DC=contoso,DC=com',
  },
  {
    name: 'KCD_RATE_LIMIT',
    section: 'bot',
    description:
      'Per-conversation rate limit as messages/seconds (e.g. 8/10: a burst of 8, refilled over 10 seconds). Over it the bot replies "slow down" instead of answering. 1-1000 messages per 1-3600 seconds.',
    example: '8/10',
    default: '8/10',
  },
  {
    name: 'KCD_STATE_DIR',
    section: 'summary',
    description:
      'Where the bot keeps its state: daily summary subscriptions, the last summary of each chat (for "what changed") and the post log, as JSON files written atomically. Every instance of one deployment must use the same directory.',
    example: '/var/lib/kcd-bot',
    default: './data',
  },
  {
    name: 'KCD_SUMMARY_DEFAULT_TIME',
    section: 'summary',
    description: 'When "/kcd subscribe" without a time posts the daily summary, on a 24-hour clock (HH:MM).',
    example: '07:30',
    default: '08:00',
  },
  {
    name: 'KCD_SUMMARY_TIME_ZONE',
    section: 'summary',
    description: 'The IANA time zone of "/kcd subscribe" without a zone (e.g. Europe/Berlin, America/New_York, UTC).',
    example: 'Europe/Berlin',
    default: 'UTC',
  },
  {
    name: 'KCD_MAX_SUBSCRIPTIONS_PER_TENANT',
    section: 'summary',
    description:
      'How many conversations of one Microsoft 365 tenant may subscribe to the daily summary (1-10000; each conversation has at most one subscription). "/kcd subscribe" beyond it is refused with this number.',
    example: '50',
    default: '50',
  },
  {
    name: 'KCD_SCHEDULER_ENABLED',
    section: 'summary',
    description:
      'Run the scheduler that posts the daily summaries (true/false, 1/0, yes/no). One scheduler per deployment: set it to false on every instance but one. Instances with it off still take subscriptions.',
    example: 'true',
    default: 'true',
  },
];

const SECTION_TITLES: Record<ConfigSection, string> = {
  directory: 'Directory (LDAP). Leave KCD_LDAP_URL empty to use the built-in demo directory.',
  checks: 'Checks',
  bot: 'Teams bot (Bot Framework)',
  summary: 'Daily summary (subscriptions and the scheduler)',
};

/** The text of `.env.example`: every variable with a comment line describing it, and an example. */
export function renderEnvExample(): string {
  const lines = [
    '# kcd-bot configuration. Copy to .env and fill in what you need; an empty value means unset.',
    '# Generated from CONFIG_VARIABLES in src/config.ts (edit there, then regenerate with',
    '#   npm run build && node -e "process.stdout.write(require(\'./dist/src/config.js\').renderEnvExample())" > .env.example',
    '# ). test/config.test.ts checks that this file and src/config.ts agree.',
  ];
  let section: ConfigSection | undefined;
  for (const v of CONFIG_VARIABLES) {
    if (v.section !== section) {
      section = v.section;
      lines.push('', `# ---- ${SECTION_TITLES[section]} ----`);
    }
    const notes = [
      v.requiredWhen ? `Required when ${v.requiredWhen}.` : 'Optional.',
      v.default !== undefined ? `Default: ${v.default}.` : '',
      v.secret ? 'Secret: never logged.' : '',
    ].filter((n) => n !== '');
    lines.push('', `# ${v.name}: ${v.description} ${notes.join(' ')}`, `# Example: ${v.name}=${v.example}`, `${v.name}=`);
  }
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------------

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
    MicrosoftAppType: value(env.MicrosoftAppType),
    MicrosoftAppTenantId: value(env.MicrosoftAppTenantId),
    KCD_LOCAL_MODE: value(env.KCD_LOCAL_MODE),
    KCD_ALLOWED_TENANTS: value(env.KCD_ALLOWED_TENANTS),
    KCD_ALLOW_ANY_TENANT: value(env.KCD_ALLOW_ANY_TENANT),
    KCD_ALLOWED_USERS: value(env.KCD_ALLOWED_USERS),
    KCD_ALLOWED_GROUPS: value(env.KCD_ALLOWED_GROUPS),
    KCD_RATE_LIMIT: value(env.KCD_RATE_LIMIT),
  };
}

const quote = (s: unknown) => JSON.stringify(String(s));
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

const wholeNumber = (what: string, min: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return fallback;
      const n = /^\d+$/.test(text) ? Number(text) : NaN;
      if (!Number.isSafeInteger(n) || n < min) {
        ctx.addIssue({ code: 'custom', message: `expected ${what}, got ${quote(text)}` });
        return z.NEVER;
      }
      return n;
    });

const booleanFlag = (fallback: boolean) =>
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
  if (item.length > 512 || /[\u0000-\u001f\u007f]/.test(item)) return false;
  if (!item.includes('=')) return true;
  // A DN: every part attribute=value (escaped commas inside values are kept with their part).
  return item.split(/(?<!\\),/).every((part) => /^\s*[A-Za-z][\w-]*\s*=\s*\S/.test(part));
}

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
    if (text === undefined) return { kind: 'domain' };
    const lower = text.toLowerCase();
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
      message: `expected domain, parent-ou, ou:<DN> or group:<DN or name>, got ${quote(text)}`,
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

const appTypeSchema = oneOf(APP_TYPES, 'MultiTenant');

const commonSchema = z.object({
  KCD_MIGRATION_GROUP: migrationGroupSchema,
  KCD_CACHE_TTL_SECONDS: wholeNumber('a whole number of seconds (0 or more)', 0, 300),
  KCD_LOG_LEVEL: oneOf(LOG_LEVELS, 'info', { warning: 'warn' }),
  PORT: wholeNumber('a TCP port number (1-65535)', 1, 3978).refine((n) => n <= 65535, {
    error: (issue) => `expected a TCP port number (1-65535), got ${quote(issue.input)}`,
  }),
  KCD_BIND_HOST: z
    .string()
    .optional()
    .refine((text) => text === undefined || isIP(text) !== 0 || HOST.test(text), {
      error: (issue) => `expected an IP address or host name to listen on, got ${quote(issue.input)}`,
    }),
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
});

const ldapSchema = z.object({
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
 * Reads and validates the configuration. Throws ConfigError listing every problem (never a password).
 * `readFile` is used only for KCD_LDAP_BIND_PASSWORD_FILE, and only when KCD_LDAP_URL is set.
 */
export interface ReadConfigOptions {
  /**
   * 'bot' (npm start) adds the authentication-mode rules: a bot reading a real directory needs MicrosoftAppId
   * and MicrosoftAppPassword, or KCD_LOCAL_MODE=true. The CLI ('cli', the default) has no such rule.
   */
  purpose?: 'bot' | 'cli';
}

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
    let bindPassword: string | undefined;
    const passwordFile = raw.KCD_LDAP_BIND_PASSWORD_FILE;
    if (raw.KCD_LDAP_BIND_PASSWORD !== undefined && passwordFile !== undefined) {
      problems.push('KCD_LDAP_BIND_PASSWORD and KCD_LDAP_BIND_PASSWORD_FILE are both set: set only one of them');
    } else if (raw.KCD_LDAP_BIND_PASSWORD !== undefined) {
      bindPassword = raw.KCD_LDAP_BIND_PASSWORD;
    } else if (passwordFile !== undefined) {
      try {
        const content = readFile(passwordFile).replace(/^\uFEFF/, '').replace(/[\r\n]+$/, '');
        if (content === '') problems.push(`KCD_LDAP_BIND_PASSWORD_FILE: ${quote(passwordFile)} is empty`);
        else {
          bindPassword = content;
          secrets.push(content);
        }
      } catch (error) {
        problems.push(`KCD_LDAP_BIND_PASSWORD_FILE: cannot read ${quote(passwordFile)}: ${fileProblem(error)}`);
      }
    } else {
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

  // Bot: cross-variable rules (only when the app type itself is valid).
  const appTypeResult = appTypeSchema.safeParse(raw.MicrosoftAppType);
  const appType = appTypeResult.success ? appTypeResult.data : undefined;
  if (appType === 'SingleTenant' || appType === 'UserAssignedMSI') {
    if (raw.MicrosoftAppTenantId === undefined) problems.push(`MicrosoftAppTenantId: required when MicrosoftAppType is ${appType}`);
    if (raw.MicrosoftAppId === undefined) problems.push(`MicrosoftAppId: required when MicrosoftAppType is ${appType}`);
  }
  if (appType !== undefined && appType !== 'UserAssignedMSI' && raw.MicrosoftAppId !== undefined && raw.MicrosoftAppPassword === undefined) {
    problems.push(`MicrosoftAppPassword: required when MicrosoftAppId is set (MicrosoftAppType ${appType})`);
  }
  if (raw.MicrosoftAppPassword !== undefined && raw.MicrosoftAppId === undefined && appType !== 'SingleTenant' && appType !== 'UserAssignedMSI') {
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
  }

  if (problems.length > 0) throw new ConfigError(inVariableOrder(problems).map((p) => replaceSecretValues(p, secrets)));
  const c = common.data!;
  const bot: BotConfig = {
    port: c.PORT,
    bindHost: c.KCD_BIND_HOST ?? (raw.MicrosoftAppId === undefined ? '127.0.0.1' : '0.0.0.0'),
    appId: raw.MicrosoftAppId ?? '',
    appPassword: raw.MicrosoftAppPassword ?? '',
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
  };
  return protect(config);
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

// ---------------------------------------------------------------------------------------------------
// Daily summary (read separately: Config keeps its shape for the front ends that do not post summaries)
// ---------------------------------------------------------------------------------------------------

export interface SummaryConfig {
  /** Absolute or relative to the working directory. */
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

/** The variables of the daily summary, each named once here (test/config.test.ts scans for them). */
function summaryRawValues(env: Record<string, string | undefined>): Raw {
  return {
    KCD_STATE_DIR: value(env.KCD_STATE_DIR),
    KCD_SUMMARY_DEFAULT_TIME: value(env.KCD_SUMMARY_DEFAULT_TIME),
    KCD_SUMMARY_TIME_ZONE: value(env.KCD_SUMMARY_TIME_ZONE),
    KCD_SCHEDULER_ENABLED: value(env.KCD_SCHEDULER_ENABLED),
    KCD_MAX_SUBSCRIPTIONS_PER_TENANT: value(env.KCD_MAX_SUBSCRIPTIONS_PER_TENANT),
  };
}

/** Reads the daily summary settings. Throws ConfigError listing every problem. */
export function readSummaryConfig(env: Record<string, string | undefined>): SummaryConfig {
  const raw = summaryRawValues(env);
  const problems: string[] = [];
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
    stateDir: raw.KCD_STATE_DIR ?? './data',
    defaultTime: time!,
    timeZone: timeZone!,
    schedulerEnabled: enabled.data!,
    maxSubscriptionsPerTenant: perTenant.data!,
  };
}

// ---------------------------------------------------------------------------------------------------
// Redaction
// ---------------------------------------------------------------------------------------------------

export { REDACTED };

const mask = (secret: string) => (secret === '' ? '' : REDACTED);

/** A copy safe to log or print: passwords replaced by "[redacted]" (an unset one stays ''). */
export function redactConfig(config: Config): Config {
  const directory: DirectoryConfig =
    config.directory.kind === 'ldap'
      ? { ...config.directory, urls: [...config.directory.urls], bindPassword: mask(config.directory.bindPassword) }
      : { kind: 'demo' };
  const migrationGroup = { ...config.migrationGroup };
  return {
    directory,
    migrationGroup,
    cacheTtlSeconds: config.cacheTtlSeconds,
    logLevel: config.logLevel,
    bot: {
      ...config.bot,
      appPassword: mask(config.bot.appPassword),
      allowedTenants: [...config.bot.allowedTenants],
      allowedUsers: [...config.bot.allowedUsers],
      allowedGroups: [...config.bot.allowedGroups],
      rateLimit: { ...config.bot.rateLimit },
    },
  };
}

/**
 * Makes JSON.stringify and console.log/util.inspect of the config (and of its directory and bot parts)
 * print the redacted view. The hooks are non-enumerable: spreading or comparing the config ignores them.
 */
function protect(config: Config): Config {
  const hide = (target: object, view: () => unknown) => {
    Object.defineProperty(target, 'toJSON', { value: view, enumerable: false });
    Object.defineProperty(target, inspect.custom, { value: () => view(), enumerable: false });
  };
  hide(config, () => redactConfig(config));
  hide(config.directory, () => redactConfig(config).directory);
  hide(config.bot, () => redactConfig(config).bot);
  return config;
}
