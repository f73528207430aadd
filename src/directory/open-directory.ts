/**
 * The one place that turns configuration and `--directory` into a Directory adapter. Nothing else
 * constructs an adapter, so tests can pass their own.
 */
import type { Config, LdapDirectoryConfig } from '../config';
import type { LdapDirectoryOptions } from './ldap-directory';
import type { LdapPaging } from './ldap/paging';
import { InputError } from '../domain/errors';
import type { Directory } from './port';

// Each adapter is loaded only when it is opened (ldapts, the snapshot readers, the demo fleet): a CLI
// process uses one of them, and loading the others cost start-up time (see bench/README.md).
/* eslint-disable @typescript-eslint/no-require-imports */

/** splitDirectoryOption of snapshot-directory.ts (same rules), here so that opening LDAP does not load the file readers. */
function splitSpecs(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

const demo = (): Directory => new (require('./demo-directory') as typeof import('./demo-directory')).DemoDirectory();

/** What the caller adds to an LDAP directory: its paging (`kcd scan`'s fast path); ldapts's by default. */
export interface LdapExtras {
  paging?: LdapPaging;
}

/**
 * `specs` come from `--directory` (repeatable): `demo`, `ldap`, or snapshot files. With none, LDAP when
 * KCD_LDAP_URL is set, else the demo directory.
 */
export function openDirectory(specs: readonly string[], config: Config, warn: (message: string) => void, extras: LdapExtras = {}): Directory {
  const list = splitSpecs(specs);
  const only = list.length === 1 ? list[0]!.toLowerCase() : undefined;
  if (list.length === 0) return config.directory.kind === 'ldap' ? ldap(config, warn, extras) : demo();
  if (only === 'demo') return demo();
  if (only === 'ldap') {
    if (config.directory.kind !== 'ldap') {
      throw new InputError(
        '--directory ldap needs KCD_LDAP_URL, KCD_LDAP_BIND_DN and KCD_LDAP_BIND_PASSWORD (or KCD_LDAP_BIND_PASSWORD_FILE).',
        'Set them in the environment (see .env.example), or use --directory demo or --directory <snapshot.json>.',
      );
    }
    return ldap(config, warn, extras);
  }
  if (list.some((s) => ['demo', 'ldap'].includes(s.toLowerCase()))) {
    throw new InputError(
      `--directory takes demo, ldap, or snapshot files, not a mix (got ${list.join(', ')}).`,
      'Give --directory demo, --directory ldap, or one --directory per snapshot file.',
    );
  }
  return new (require('./snapshot-directory') as typeof import('./snapshot-directory')).SnapshotDirectory(list);
}

function ldap(config: Config, warn: (message: string) => void, extras: LdapExtras): Directory {
  if (config.directory.kind !== 'ldap') throw new Error('unreachable: LDAP directory without LDAP configuration');
  const d = config.directory;
  const members = d.urls.map((url) => ldapAt(url, d, warn, extras));
  return members.length === 1 ? members[0]! : new (require('./failover-directory') as typeof import('./failover-directory')).FailoverDirectory(members);
}

/** What an LdapDirectory for `url` is given (besides `warn`), from the configuration. */
function ldapDirectoryOptions(url: string, d: LdapDirectoryConfig): Omit<LdapDirectoryOptions, 'warn'> {
  return {
    url,
    // ldap:// is only ever used with StartTLS: a simple bind must not cross the network in clear.
    startTls: url.toLowerCase().startsWith('ldap://'),
    bindDN: d.bindDN,
    bindPassword: d.bindPassword,
    baseDN: d.baseDN,
    caFile: d.caFile,
    tlsServername: d.tlsServername,
    tlsInsecure: d.tlsInsecure,
    timeoutMs: d.timeoutMs,
  };
}

function ldapAt(url: string, d: LdapDirectoryConfig, warn: (message: string) => void, extras: LdapExtras): Directory {
  const { LdapDirectory } = require('./ldap-directory') as typeof import('./ldap-directory');
  return new LdapDirectory({ ...ldapDirectoryOptions(url, d), warn }, extras.paging ? { paging: extras.paging } : {});
}
