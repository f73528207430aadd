/**
 * `kcd scan` against one LDAPS domain controller starts reading the directory before the rest of the CLI loads.
 *
 * Why: the CLI's own start (zod and the configuration, commander, the checker: ~0.13 s) came before the first
 * byte was sent, and the DC then needs ~0.5 s for the computer search's first page anyway. Here the read starts
 * from the environment alone (no zod: the plain cases only, below), and the rest loads while the DC works.
 *
 * The read is a guess until the validated configuration confirms it: the CLI adopts it only when the options it
 * would give the LdapDirectory itself (open-directory.ts) are exactly these (sameLdapOptions); otherwise it lets
 * the read finish, closes it and reads as usual. The guess binds with the very values the CLI would bind with,
 * and only when the password is given directly, so it never costs a bind attempt the CLI would not make.
 */
import { readFileSync } from 'node:fs';
import { connectAhead, type ConnectionAhead } from '../directory/ldap/connect-ahead';
import { ldapEndpoint, ldapTlsOptions } from '../directory/ldap/tls-options';
import type { LdapDirectory, LdapDirectoryOptions } from '../directory/ldap-directory';
import type { DirectorySnapshot } from '../domain/snapshot';
import { DEFAULT_LDAP_TIMEOUT_MS, envValue } from '../env-value';
import { tuneTieringForOnePass } from './tiering';

export type EarlyOptions = Omit<LdapDirectoryOptions, 'warn'>;

export interface EarlyRead {
  readonly options: EarlyOptions;
  readonly directory: LdapDirectory;
  readonly snapshot: Promise<DirectorySnapshot>;
  /** Settles once the searches are sent (or the read ended): the rest of the CLI loads then. */
  readonly sent: Promise<void>;
  /** The CLI takes the read: warnings given so far, and later ones, go to `warn`. */
  adopt(warn: (message: string) => void): void;
  /** The CLI reads otherwise: lets the read end, then closes its connections. */
  discard(): Promise<void>;
}

/** `kcd scan` options that do not change what is read (anything else: no early read). */
const PLAIN_SCAN_OPTIONS = new Set(['--json', '--no-storage', '--summary']);
/** One ldaps:// URL already in the form the configuration normalises to (lower-case, no slash, no list). */
const PLAIN_LDAPS_URL = /^ldaps:\/\/[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?(?::\d{1,5})?$/;

/** The LdapDirectory options of an early read of this command line and environment, if it is a plain case. */
export function earlyReadOptions(argv: readonly string[], env: Record<string, string | undefined>): EarlyOptions | undefined {
  if (argv[0] !== 'scan') return undefined;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (PLAIN_SCAN_OPTIONS.has(arg) || /^--directory=ldap$/i.test(arg)) continue;
    // `--directory ldap` names the source KCD_LDAP_URL gives anyway.
    if (arg === '--directory' && /^ldap$/i.test(argv[i + 1] ?? '')) {
      i++;
      continue;
    }
    return undefined;
  }
  const url = envValue(env.KCD_LDAP_URL);
  const bindDN = envValue(env.KCD_LDAP_BIND_DN);
  const bindPassword = envValue(env.KCD_LDAP_BIND_PASSWORD, false);
  if (url === undefined || !PLAIN_LDAPS_URL.test(url) || bindDN === undefined || bindPassword === undefined) return undefined;
  if (envValue(env.KCD_LDAP_BIND_PASSWORD_FILE) !== undefined || envValue(env.KCD_LDAP_TLS_INSECURE) !== undefined) return undefined;
  const timeout = envValue(env.KCD_LDAP_TIMEOUT_MS);
  if (timeout !== undefined && !/^[1-9]\d{0,8}$/.test(timeout)) return undefined;
  return {
    url,
    startTls: false,
    bindDN,
    bindPassword,
    baseDN: envValue(env.KCD_LDAP_BASE_DN),
    caFile: envValue(env.KCD_LDAP_CA_FILE),
    tlsServername: envValue(env.KCD_LDAP_TLS_SERVERNAME),
    tlsInsecure: false,
    timeoutMs: timeout === undefined ? DEFAULT_LDAP_TIMEOUT_MS : Number(timeout),
  };
}

const COMPARED: ReadonlyArray<keyof EarlyOptions> = [
  'url',
  'startTls',
  'bindDN',
  'bindPassword',
  'baseDN',
  'caFile',
  'tlsServername',
  'tlsInsecure',
  'timeoutMs',
  'pageSize',
  'maxConcurrentSearches',
];

/** Whether two option sets make the same directory (an unset option and an undefined one are the same). */
export function sameLdapOptions(a: EarlyOptions, b: EarlyOptions): boolean {
  return COMPARED.every((key) => a[key] === b[key]) && Object.keys({ ...a, ...b }).every((key) => COMPARED.includes(key as keyof EarlyOptions));
}

/**
 * The early read's LDAPS connection, opened before ldapts loads, with the options the adapter would use; none when
 * the CA file cannot be read (the adapter then refuses the configuration, and the CLI reports it).
 */
function openConnectionAhead(options: EarlyOptions): ConnectionAhead | undefined {
  let caPem: string | undefined;
  if (options.caFile !== undefined) {
    try {
      caPem = readFileSync(options.caFile, 'utf8');
    } catch {
      return undefined;
    }
  }
  const tlsOptions = ldapTlsOptions({
    host: ldapEndpoint(options.url).host,
    ...(caPem !== undefined ? { caPem } : {}),
    ...(options.tlsServername !== undefined ? { tlsServername: options.tlsServername } : {}),
  });
  return connectAhead(options.url, tlsOptions, options.timeoutMs);
}

/** Starts the early read for this command line, if it is a plain case (see earlyReadOptions). */
export async function startEarlyRead(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  create: (options: LdapDirectoryOptions, connectionAhead?: ConnectionAhead) => LdapDirectory = (options, connectionAhead) => {
    // Loaded only here: other commands do not need ldapts before their configuration is read.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { LdapDirectory } = require('../directory/ldap-directory') as typeof import('../directory/ldap-directory');
    return new LdapDirectory(options, connectionAhead ? { connectionAhead } : {});
  },
  openAhead: (options: EarlyOptions) => ConnectionAhead | undefined = openConnectionAhead,
): Promise<EarlyRead | undefined> {
  const options = earlyReadOptions(argv, env);
  if (!options) return undefined;
  // The TLS handshake runs while ldapts and the adapter load (connect-ahead.ts): the ClientHello leaves once the
  // TCP connection is up, so that is awaited before the (synchronous) loading starts.
  const connectionAhead = openAhead(options);
  await connectionAhead?.connected;
  const held: string[] = [];
  let sink: ((message: string) => void) | undefined;
  let adopted = false;
  let directory: LdapDirectory;
  try {
    directory = create({ ...options, warn: (message) => (sink ? sink(message) : held.push(message)) }, connectionAhead);
  } catch {
    connectionAhead?.close();
    // Options the directory refuses (an unreadable CA file, …): the CLI reports them from the configuration.
    return undefined;
  }
  let signal!: () => void;
  const sent = new Promise<void>((resolve) => (signal = resolve));
  // Tuned for the evaluation only if the CLI takes this read; one it sets aside is not evaluated.
  const snapshot = directory.snapshot({ whileWaiting: () => signal(), whenRead: () => adopted && tuneTieringForOnePass() });
  // Whoever adopts the read sees its failure; an early read nobody takes fails quietly.
  snapshot.then(signal, signal);
  return {
    options,
    directory,
    snapshot,
    sent,
    adopt(warn) {
      adopted = true;
      sink = warn;
      for (const message of held.splice(0)) warn(message);
    },
    async discard() {
      await snapshot.catch(() => undefined);
      await directory.close();
    },
  };
}
