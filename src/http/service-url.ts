/**
 * Which service URLs the bot may talk to. A reply or a daily post goes to the activity's `serviceUrl` with
 * the bot's token, and botbuilder 4.23 trusts every URL: so the bot decides. In production only https URLs
 * on Microsoft's Bot Framework and Teams connector hosts; in local mode (no MicrosoftAppId) only loopback
 * ones (the Agents Playground, the Emulator, tests). Checked when an activity arrives, when a subscription
 * is stored, when state is loaded and before every post.
 */
import { isIP } from 'node:net';

export type ServiceUrlMode = 'microsoft' | 'loopback';

/**
 * Teams connector hosts: public cloud, GCC, GCC High and DoD (Microsoft 365 Agents SDK,
 * TeamsServiceEndpoints). Regional paths such as /amer/ or /emea/ are on the same hosts.
 */
export const TEAMS_SERVICE_HOSTS: readonly string[] = [
  'smba.trafficmanager.net',
  'smba.infra.gcc.teams.microsoft.com',
  'smba.infra.gov.teams.microsoft.us',
  'smba.infra.dod.teams.microsoft.us',
];

/** Bot Framework channel connectors (Web Chat, Direct Line, …): public cloud and Azure Government. */
export const BOT_FRAMEWORK_HOST_SUFFIXES: readonly string[] = ['.botframework.com', '.botframework.azure.us'];

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

/** Why `url` may not be used in `mode`, or undefined when it may. */
export function serviceUrlProblem(url: unknown, mode: ServiceUrlMode): string | undefined {
  if (typeof url !== 'string' || url.length > 2048) return 'it is not a URL';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'it is not a URL';
  }
  if (parsed.username !== '' || parsed.password !== '') return 'it carries credentials';
  if (mode === 'loopback') {
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'it is not http(s)';
    return isLoopbackHost(parsed.hostname) ? undefined : `local mode talks to loopback connectors only, not ${parsed.hostname}`;
  }
  if (parsed.protocol !== 'https:') return 'it is not https';
  if (parsed.port !== '' && parsed.port !== '443') return `port ${parsed.port} is not the connector's`;
  const host = parsed.hostname.toLowerCase();
  const known = TEAMS_SERVICE_HOSTS.includes(host) || BOT_FRAMEWORK_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix));
  return known ? undefined : `${host} is not a Microsoft Bot Framework or Teams connector host`;
}

/** The policy of one running bot. */
export class ServiceUrlPolicy {
  constructor(readonly mode: ServiceUrlMode) {}

  /** Production (an app id is set) talks to Microsoft only; local mode to loopback only. */
  static forAppId(appId: string): ServiceUrlPolicy {
    return new ServiceUrlPolicy(appId === '' ? 'loopback' : 'microsoft');
  }

  problem(url: unknown): string | undefined {
    return serviceUrlProblem(url, this.mode);
  }
}
