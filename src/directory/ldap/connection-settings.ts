/**
 * The URL and TLS settings of an LDAP connection, checked once when an adapter is made: the read adapter
 * (ldap-directory.ts) and the write adapter (apply/ldap-writer.ts) connect to the same DC the same way.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { ldapTlsOptions } from './tls-options';

export interface LdapConnectionSettings {
  /** ldaps://host[:636], or ldap://host[:389] together with startTls. */
  url: string;
  startTls?: boolean;
  caFile?: string;
  tlsServername?: string;
  tlsInsecure?: boolean;
  timeoutMs: number;
}

export interface ParsedUrl {
  secure: boolean;
  host: string;
}

/** Checks an LDAP URL: TLS (ldaps://, or ldap:// with StartTLS), a host, nothing else (no credentials, no DN). */
export function parseLdapUrl(url: string, startTls: boolean | undefined): { parsed?: ParsedUrl; problems: string[] } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { problems: ['KCD_LDAP_URL is not a URL (expected ldaps://dc1.contoso.com)'] };
  }
  const problems: string[] = [];
  if (u.username || u.password) {
    problems.push('KCD_LDAP_URL must not hold a user name or password: use KCD_LDAP_BIND_DN and KCD_LDAP_BIND_PASSWORD');
    u.username = '';
    u.password = '';
    url = u.toString();
  }
  const scheme = u.protocol.toLowerCase();
  if (scheme !== 'ldaps:' && scheme !== 'ldap:') {
    problems.push(`KCD_LDAP_URL "${url}" must start with ldaps:// (or ldap:// with StartTLS)`);
  }
  if (!u.hostname) problems.push(`KCD_LDAP_URL "${url}" names no host`);
  if (u.pathname && u.pathname !== '/' && u.pathname !== '') {
    problems.push(`KCD_LDAP_URL "${url}" must name only scheme, host and port (put the base DN in KCD_LDAP_BASE_DN)`);
  }
  if (scheme === 'ldap:' && !startTls) {
    problems.push(
      `KCD_LDAP_URL "${url}" is plain ldap:// without StartTLS: the bind password would cross the network in clear text. ` +
        'Use ldaps:// (port 636), or ldap:// with StartTLS.',
    );
  }
  if (scheme === 'ldaps:' && startTls) {
    problems.push(`StartTLS applies to ldap:// URLs; "${url}" is already LDAPS`);
  }
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  return { parsed: { secure: scheme === 'ldaps:', host }, problems };
}

/**
 * The host and TLS options of a connection, or the problems of its settings (URL, timeout, CA file), worded for
 * the configuration (the caller throws them as a ConfigError together with its own).
 */
export function ldapConnectionSettings(settings: LdapConnectionSettings): {
  host?: string;
  tlsOptions?: ConnectionOptions;
  problems: string[];
} {
  const { parsed, problems } = parseLdapUrl(settings.url, settings.startTls);
  if (!Number.isFinite(settings.timeoutMs) || settings.timeoutMs <= 0) {
    problems.push(`the LDAP timeout must be a positive number of milliseconds (got ${settings.timeoutMs})`);
  }
  let ca: Buffer | undefined;
  if (settings.caFile) {
    try {
      ca = readFileSync(settings.caFile);
    } catch (err) {
      problems.push(`KCD_LDAP_CA_FILE "${settings.caFile}" cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
  if (!parsed) return { problems };
  const tlsOptions = ldapTlsOptions({
    host: parsed.host,
    ...(ca ? { caPem: ca.toString('utf8') } : {}),
    ...(settings.tlsServername !== undefined ? { tlsServername: settings.tlsServername } : {}),
    ...(settings.tlsInsecure !== undefined ? { tlsInsecure: settings.tlsInsecure } : {}),
  });
  return { host: parsed.host, tlsOptions, problems };
}
