/**
 * CONFIG_VARIABLES: the single list of environment variables, with what each means, an example and its
 * default. `.env.example` is generated from it (renderEnvExample), and test/config.test.ts checks that the
 * list, .env.example and what reading.ts reads all agree.
 */
import { DEFAULT_LDAP_TIMEOUT_MS } from '../env-value';
import { APP_TYPES, DEFAULT_APP_TYPE, LOG_LEVELS } from './schema';

export type ConfigSection = 'directory' | 'checks' | 'bot' | 'apply' | 'summary' | 'monitoring';

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
      'Which Hyper-V hosts are expected to migrate to each other in host and fleet checks: auto (domain for a domain of at most 300 Hyper-V hosts, else delegation), delegation (the hosts connected by delegation, as clusters are built), domain (every host of a domain), parent-ou (hosts in the same OU), ou:<DN> (hosts under that OU), or group:<DN or name> (members of that AD group).',
    example: 'ou:OU=Hyper-V,DC=contoso,DC=com',
    default: 'auto',
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
    requiredWhen: 'MicrosoftAppType is set to SingleTenant or UserAssignedMSI, or MicrosoftAppPassword is set',
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
    name: 'MicrosoftAppPassword_FILE',
    section: 'bot',
    description: 'A file holding the client secret instead of MicrosoftAppPassword (a Docker or Kubernetes secret); a trailing newline is ignored.',
    example: '/run/secrets/kcd-app-password',
  },
  {
    name: 'MicrosoftAppType',
    section: 'bot',
    description: `How the bot authenticates once MicrosoftAppId is set: ${APP_TYPES.join(', ')}. SingleTenant (an app registration with a client secret) or UserAssignedMSI (a user-assigned managed identity, no secret) for a new Azure Bot: Microsoft no longer accepts new multi-tenant bot registrations; MultiTenant only for a bot registered that way before. See docs/deploy.md.`,
    example: 'SingleTenant',
    default: DEFAULT_APP_TYPE,
  },
  {
    name: 'MicrosoftAppTenantId',
    section: 'bot',
    description: "The Microsoft Entra tenant of the bot's app registration (a GUID or a domain such as contoso.onmicrosoft.com).",
    example: '11111111-1111-1111-1111-111111111111',
    requiredWhen: 'MicrosoftAppId is set and MicrosoftAppType is SingleTenant (the default) or UserAssignedMSI',
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
    name: 'KCD_WRITE_BIND_DN',
    section: 'apply',
    description:
      'The separate account that writes approved fixes to AD (never the read account): a DN, a UPN or DOMAIN\\name. It needs the rights docs/apply.md lists (on Windows AD, SeEnableDelegationPrivilege for msDS-AllowedToDelegateTo and the delegation flags). Unset: nothing is ever written.',
    example: 'CN=svc-kcd-write,OU=Tier0 Service Accounts,DC=contoso,DC=com',
    requiredWhen: 'KCD_WRITE_BIND_PASSWORD_FILE or KCD_APPROVER_GROUPS is set',
  },
  {
    name: 'KCD_WRITE_BIND_PASSWORD_FILE',
    section: 'apply',
    description: "A file holding the write account's password (a Docker or Kubernetes secret); a trailing newline is ignored. Only a file: this password never sits in the environment.",
    example: '/run/secrets/kcd-write-password',
    requiredWhen: 'KCD_WRITE_BIND_DN is set',
  },
  {
    name: 'KCD_APPROVER_GROUPS',
    section: 'apply',
    description:
      'AD groups whose members (nested groups included) may approve a plan, checked when they approve: names (cn) or distinguished names, separated by semicolons. The requester can never approve their own plan. With KCD_WRITE_BIND_DN this turns on "Request fix" in the bot.',
    example: 'Hyper-V Admins;CN=Tier1 Server Admins,OU=Groups,DC=contoso,DC=com',
    requiredWhen: 'the bot should apply fixes (KCD_WRITE_BIND_DN is set)',
  },
  {
    name: 'KCD_OPERATOR_GROUPS',
    section: 'apply',
    description: 'AD groups whose members may request a fix (the "Request fix" button), as KCD_APPROVER_GROUPS. Empty: everyone allowed to use the bot may request; approval is still needed.',
    example: 'Hyper-V Operators',
  },
  {
    name: 'KCD_APPROVAL_CONVERSATION',
    section: 'apply',
    description: 'A Teams conversation (channel) id where every approval card is posted too, besides the chat that asked, e.g. the admins\' channel. Empty: only the chat that asked.',
    example: '19:0123456789abcdef0123456789abcdef@thread.tacv2',
  },
  {
    name: 'KCD_APPROVAL_TTL_MINUTES',
    section: 'apply',
    description: 'How long a plan waits for approval before it expires, in minutes (5-1440).',
    example: '30',
    default: '30',
  },
  {
    name: 'KCD_APPLY_LAB_MODE',
    section: 'apply',
    description:
      'Allow approvals without MicrosoftAppId (true/false): for the Agents Playground and test labs only, where callers are not authenticated. Refused together with MicrosoftAppId.',
    example: 'false',
    default: 'false',
  },
  {
    name: 'KCD_STATE_STORE',
    section: 'summary',
    description:
      'Where the state that must outlive a process lives: file (JSON files in KCD_STATE_DIR; one instance, or instances sharing that directory) or azure-blob (an Azure Blob Storage container shared by two or more replicas: subscriptions, the post log, the last summaries and the conversations\' dialog state).',
    example: 'azure-blob',
    default: 'file',
  },
  {
    name: 'KCD_STATE_DIR',
    section: 'summary',
    description:
      'Where the bot keeps its state with KCD_STATE_STORE=file: daily summary subscriptions, the last summary of each chat (for "what changed") and the post log, as JSON files written atomically. Every instance of one deployment must use the same directory.',
    example: '/var/lib/kcd-bot',
    default: './data',
  },
  {
    name: 'AZURE_STORAGE_CONNECTION_STRING',
    section: 'summary',
    description:
      'The storage account for KCD_STATE_STORE=azure-blob: its connection string from the Azure portal (Access keys), or UseDevelopmentStorage=true for Azurite on this machine.',
    example: 'DefaultEndpointsProtocol=https;AccountName=kcdbotstate;AccountKey=<key>;EndpointSuffix=core.windows.net',
    requiredWhen: 'KCD_STATE_STORE=azure-blob (or AZURE_STORAGE_CONNECTION_STRING_FILE)',
    secret: true,
  },
  {
    name: 'AZURE_STORAGE_CONNECTION_STRING_FILE',
    section: 'summary',
    description: 'A file holding the connection string instead of AZURE_STORAGE_CONNECTION_STRING (a Docker or Kubernetes secret); a trailing newline is ignored.',
    example: '/run/secrets/kcd-storage',
  },
  {
    name: 'KCD_STATE_CONTAINER',
    section: 'summary',
    description: 'The blob container of the state with KCD_STATE_STORE=azure-blob (created when missing): 3-63 lower-case letters, digits and single hyphens.',
    example: 'kcd-bot',
    default: 'kcd-bot',
  },
  {
    name: 'KCD_LEADER_LEASE_SECONDS',
    section: 'summary',
    description:
      'With KCD_STATE_STORE=azure-blob every replica runs the scheduler, but only the holder of a lease on a blob posts; it renews the lease while alive. When it dies, another replica takes over within this many seconds (15-60, what Azure Blob leases allow).',
    example: '30',
    default: '30',
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
      'Run the scheduler that posts the daily summaries (true/false, 1/0, yes/no). With KCD_STATE_STORE=azure-blob leave it on everywhere: the replicas elect one poster by a blob lease. With file state, one scheduler per deployment: set it to false on every instance but one. Instances with it off still take subscriptions.',
    example: 'true',
    default: 'true',
  },
  {
    name: 'KCD_METRICS_PORT',
    section: 'monitoring',
    description:
      'The port of a second HTTP listener that serves GET /metrics in the Prometheus text format (turns, reply latency, directory reads, snapshot age, refusals, daily posts). Unset: no metrics listener. /healthz and /readyz are on PORT either way.',
    example: '9464',
  },
  {
    name: 'KCD_METRICS_HOST',
    section: 'monitoring',
    description:
      'The address the metrics listener binds to. The default keeps it on this machine; set 0.0.0.0 only where the network in front of it is private (a container whose scraper reaches it from outside, a cluster network). The metrics name no users, hosts or conversations.',
    example: '127.0.0.1',
    default: '127.0.0.1',
  },
];

const SECTION_TITLES: Record<ConfigSection, string> = {
  directory: 'Directory (LDAP). Leave KCD_LDAP_URL empty to use the built-in demo directory.',
  checks: 'Checks',
  bot: 'Teams bot (Bot Framework)',
  apply: 'Applying fixes to AD after a second admin approves (off unless a write account is set; see docs/apply.md)',
  summary: 'Daily summary (subscriptions and the scheduler)',
  monitoring: 'Monitoring (GET /metrics for Prometheus)',
};

/** The text of `.env.example`: every variable with a comment line describing it, and an example. */
export function renderEnvExample(): string {
  const lines = [
    '# kcd-bot configuration. Copy to .env and fill in what you need; an empty value means unset.',
    '# Generated from CONFIG_VARIABLES in src/config/variables.ts (edit there, then regenerate with',
    '#   npm run build && node -e "process.stdout.write(require(\'./dist/src/config\').renderEnvExample())" > .env.example',
    '# ). test/config.test.ts checks that this file and src/config/ agree.',
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
