/** The TLS options of an LDAP connection (LDAPS, or StartTLS on ldap://), from the directory's settings. */
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { trustingAlso } from './tls-trust';

export interface LdapTlsSettings {
  /** The server's host name or address, as in the URL (no brackets). */
  host: string;
  /** The configured CA certificate(s), PEM (KCD_LDAP_CA_FILE's content). */
  caPem?: string;
  tlsServername?: string;
  tlsInsecure?: boolean;
}

export function ldapTlsOptions(settings: LdapTlsSettings): ConnectionOptions {
  const servername = settings.tlsServername ?? (isIP(settings.host) ? undefined : settings.host);
  return {
    // Node replaces its built-in CAs with `ca`: keep them, and add the configured CA.
    ...(settings.caPem !== undefined ? { secureContext: trustingAlso(settings.caPem) } : {}),
    ...(servername ? { servername } : {}),
    rejectUnauthorized: !settings.tlsInsecure,
    ...(settings.tlsInsecure ? { checkServerIdentity: () => undefined } : {}),
  };
}

/** Host and port of an ldaps:// or ldap:// URL, as ldapts 8.2.0's Client derives them. */
export function ldapEndpoint(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  let host = parsed.hostname;
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host: host || 'localhost', port: parsed.port ? Number(parsed.port) : parsed.protocol === 'ldaps:' ? 636 : 389 };
}
