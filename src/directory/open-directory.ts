/**
 * The one place that turns configuration and `--directory` into a Directory adapter. Nothing else
 * constructs an adapter, so tests can pass their own.
 */
import type { Config } from '../config';
import { InputError } from '../domain/errors';
import { DemoDirectory } from './demo-directory';
import { FailoverDirectory } from './failover-directory';
import { LdapDirectory } from './ldap-directory';
import type { Directory } from './port';
import { SnapshotDirectory, splitDirectoryOption } from './snapshot-directory';

/**
 * `specs` come from `--directory` (repeatable): `demo`, `ldap`, or snapshot files. With none, LDAP when
 * KCD_LDAP_URL is set, else the demo directory.
 */
export function openDirectory(specs: readonly string[], config: Config, warn: (message: string) => void): Directory {
  const list = splitDirectoryOption(specs);
  const only = list.length === 1 ? list[0]!.toLowerCase() : undefined;
  if (list.length === 0) return config.directory.kind === 'ldap' ? ldap(config, warn) : new DemoDirectory();
  if (only === 'demo') return new DemoDirectory();
  if (only === 'ldap') {
    if (config.directory.kind !== 'ldap') {
      throw new InputError(
        '--directory ldap needs KCD_LDAP_URL, KCD_LDAP_BIND_DN and KCD_LDAP_BIND_PASSWORD (or KCD_LDAP_BIND_PASSWORD_FILE).',
        'Set them in the environment (see .env.example), or use --directory demo or --directory <snapshot.json>.',
      );
    }
    return ldap(config, warn);
  }
  if (list.some((s) => ['demo', 'ldap'].includes(s.toLowerCase()))) {
    throw new InputError(
      `--directory takes demo, ldap, or snapshot files, not a mix (got ${list.join(', ')}).`,
      'Give --directory demo, --directory ldap, or one --directory per snapshot file.',
    );
  }
  return new SnapshotDirectory(list);
}

function ldap(config: Config, warn: (message: string) => void): Directory {
  if (config.directory.kind !== 'ldap') throw new Error('unreachable: LDAP directory without LDAP configuration');
  const d = config.directory;
  const members = d.urls.map((url) => ldapAt(url, d, warn));
  return members.length === 1 ? members[0]! : new FailoverDirectory(members);
}

function ldapAt(url: string, d: Extract<Config['directory'], { kind: 'ldap' }>, warn: (message: string) => void): Directory {
  return new LdapDirectory({
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
    warn,
  });
}
