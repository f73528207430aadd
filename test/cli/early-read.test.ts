/**
 * The early read of `kcd scan` (src/cli/early-read.ts): which command lines and environments start one, that its
 * options are the ones the validated configuration gives (so the CLI adopts it), and what the CLI does with it:
 * adopted, its snapshot is the scan's (no second read); not matching, it is set aside and the CLI reads as usual.
 * The same against the Samba DC, through the bin, is in early-read.dc.test.ts.
 */
import { earlyReadOptions, type EarlyRead, sameLdapOptions, startEarlyRead } from '../../src/cli/early-read';
import { runCli } from '../../src/cli/program';
import * as tiering from '../../src/cli/tiering';
import { readConfig } from '../../src/config';
import { DemoDirectory } from '../../src/directory/demo-directory';
import type { LdapDirectory, LdapDirectoryOptions } from '../../src/directory/ldap-directory';
import { ldapDirectoryOptions } from '../../src/directory/open-directory';

const PLAIN = {
  KCD_LDAP_URL: 'ldaps://dc1.lab.test',
  KCD_LDAP_BIND_DN: 'CN=reader,CN=Users,DC=lab,DC=test',
  KCD_LDAP_BIND_PASSWORD: ' pass word ',
};

/** What the CLI would give its LdapDirectory for this environment (after zod). */
function configured(env: Record<string, string>) {
  const d = readConfig(env, () => 'from-file').directory;
  if (d.kind !== 'ldap' || d.urls.length !== 1) throw new Error('not one LDAP URL');
  return ldapDirectoryOptions(d.urls[0]!, d);
}

describe('earlyReadOptions', () => {
  it.each([
    ['the plain case', {}],
    ['with a CA file, a base DN, a TLS server name and a timeout', { KCD_LDAP_CA_FILE: '/etc/kcd/ca.pem', KCD_LDAP_BASE_DN: 'DC=lab,DC=test', KCD_LDAP_TLS_SERVERNAME: 'dc1.lab.test', KCD_LDAP_TIMEOUT_MS: '120000' }],
    ['a port, blanks around values, empty variables', { KCD_LDAP_URL: '  ldaps://dc1.lab.test:3269 ', KCD_LDAP_CA_FILE: '', KCD_LDAP_BASE_DN: '   ' }],
  ])('%s: the options the configuration gives', (_, extra) => {
    const env = { ...PLAIN, ...extra } as Record<string, string>;
    for (const argv of [['scan'], ['scan', '--json'], ['scan', '--no-storage', '--summary', '--json'], ['scan', '--json', '--directory', 'ldap'], ['scan', '--directory=LDAP']]) {
      const early = earlyReadOptions(argv, env);
      expect(early).toBeDefined();
      expect(sameLdapOptions(early!, configured(env))).toBe(true);
    }
  });

  it.each([
    ['another command', ['check', 'a', 'b'], {}],
    ['scan with --directory naming another source', ['scan', '--directory', 'demo'], {}],
    ['scan with --directory and a file', ['scan', '--directory', 'snap.json'], {}],
    ['scan with --directory and nothing after it', ['scan', '--directory'], {}],
    ['scan with --state (reads a file first)', ['scan', '--summary', '--state', 'x.json'], {}],
    ['scan --help', ['scan', '--help'], {}],
    ['no URL', ['scan'], { KCD_LDAP_URL: '' }],
    ['several URLs (failover)', ['scan'], { KCD_LDAP_URL: 'ldaps://dc1.lab.test ldaps://dc2.lab.test' }],
    ['StartTLS', ['scan'], { KCD_LDAP_URL: 'ldap://dc1.lab.test' }],
    ['a URL the configuration would rewrite', ['scan'], { KCD_LDAP_URL: 'LDAPS://dc1.lab.test/' }],
    ['the password in a file', ['scan'], { KCD_LDAP_BIND_PASSWORD: '', KCD_LDAP_BIND_PASSWORD_FILE: '/run/secrets/pw' }],
    ['both passwords (a configuration error)', ['scan'], { KCD_LDAP_BIND_PASSWORD_FILE: '/run/secrets/pw' }],
    ['certificate checks off', ['scan'], { KCD_LDAP_TLS_INSECURE: 'false' }],
    ['a timeout that is not a whole number', ['scan'], { KCD_LDAP_TIMEOUT_MS: 'soon' }],
    ['no bind DN', ['scan'], { KCD_LDAP_BIND_DN: ' ' }],
  ])('not for %s', (_, argv, extra) => {
    expect(earlyReadOptions(argv, { ...PLAIN, ...extra })).toBeUndefined();
  });

  it('sameLdapOptions: any difference, or an option it does not know, is not the same', () => {
    const a = configured(PLAIN);
    expect(sameLdapOptions(a, { ...a })).toBe(true);
    expect(sameLdapOptions(a, { ...a, timeoutMs: a.timeoutMs + 1 })).toBe(false);
    expect(sameLdapOptions(a, { ...a, bindPassword: 'pass word' })).toBe(false);
    expect(sameLdapOptions(a, { ...a, caFile: '/etc/kcd/ca.pem' })).toBe(false);
    expect(sameLdapOptions(a, { ...a, baseDN: undefined })).toBe(true);
    expect(sameLdapOptions(a, { ...a, ...({ somethingNew: 1 } as object) })).toBe(false);
  });
});

/** An early read over the demo directory (as if the DC had answered), counting what the CLI does with it. */
async function fakeEarly(env: Record<string, string>) {
  const demo = new DemoDirectory();
  const calls = { snapshots: 0, closed: 0, created: [] as LdapDirectoryOptions[] };
  const directory = {
    describe: () => ({ kind: 'ldap' as const, label: env.KCD_LDAP_URL! }),
    snapshot: (options?: { whileWaiting?: () => void }) => {
      calls.snapshots++;
      options?.whileWaiting?.();
      return demo.snapshot();
    },
    findUser: (name: string) => demo.findUser(name),
    close: async () => {
      calls.closed++;
    },
  } as unknown as LdapDirectory;
  const early = (await startEarlyRead(
    ['scan', '--json'],
    env,
    (options) => {
      calls.created.push(options);
      options.warn?.('held until adopted');
      return directory;
    },
    () => undefined,
  )) as EarlyRead;
  return { early, calls };
}

describe('an early read and the tiering for the evaluation', () => {
  it('tunes V8 when its data is in only if the CLI adopted it (a read set aside is never evaluated)', async () => {
    const tune = jest.spyOn(tiering, 'tuneTieringForOnePass').mockReturnValue(true);
    try {
      const whenRead: Array<(() => void) | undefined> = [];
      const directory = {
        snapshot: (options?: { whileWaiting?: () => void; whenRead?: () => void }) => {
          whenRead.push(options?.whenRead);
          options?.whileWaiting?.();
          return new DemoDirectory().snapshot();
        },
        close: async () => undefined,
      } as unknown as LdapDirectory;
      const early = (await startEarlyRead(['scan', '--json'], PLAIN, () => directory, () => undefined)) as EarlyRead;
      await early.snapshot;
      expect(whenRead).toHaveLength(1);
      whenRead[0]!();
      expect(tune).not.toHaveBeenCalled();
      early.adopt(() => undefined);
      whenRead[0]!();
      expect(tune).toHaveBeenCalledTimes(1);
    } finally {
      tune.mockRestore();
    }
  });
});

describe('the CLI and the tiering for the evaluation', () => {
  it('a scan from any source tunes V8 before the checker runs', async () => {
    const tune = jest.spyOn(tiering, 'tuneTieringForOnePass').mockReturnValue(true);
    try {
      const code = await runCli(['scan', '--json', '--directory', 'demo'], { stdout: () => undefined, stderr: () => undefined, env: {} });
      expect(code).toBe(1);
      expect(tune).toHaveBeenCalled();
    } finally {
      tune.mockRestore();
    }
  });
});

describe('the CLI and an early read', () => {
  it('adopted when the configuration agrees: the scan is the early snapshot, read once; its warnings are shown', async () => {
    const { early, calls } = await fakeEarly(PLAIN);
    await early.sent;
    let stdout = '';
    let stderr = '';
    const code = await runCli(['scan', '--json'], { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), env: PLAIN }, { early });
    expect(code).toBe(1);
    expect(calls.snapshots).toBe(1);
    expect(calls.created).toHaveLength(1);
    expect(JSON.parse(stdout)).toMatchObject({ directory: PLAIN.KCD_LDAP_URL, totals: { hosts: expect.any(Number) } });
    expect(stderr).toBe('warning: held until adopted\n');
    expect(calls.closed).toBe(1);
  });

  it('set aside when the configuration differs (here: it reads another URL): closed, and the scan reads as usual', async () => {
    const { early, calls } = await fakeEarly(PLAIN);
    let stdout = '';
    let stderr = '';
    // The configured directory is unreachable: the usual read fails (exit 3), proving the early one was not used.
    const env = { ...PLAIN, KCD_LDAP_URL: 'ldaps://127.0.0.1:1', KCD_LDAP_TIMEOUT_MS: '2000' };
    const code = await runCli(['scan', '--json'], { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), env }, { early });
    expect(code).toBe(3);
    expect(JSON.parse(stdout).error).toMatchObject({ code: 'directory-unavailable', message: expect.stringContaining('ldaps://127.0.0.1:1') });
    expect(stderr).not.toContain('held until adopted');
    expect(calls.closed).toBe(1);
  });

  it('a scan closes the directory once it has the snapshot, before it writes the report, and only once', async () => {
    const { early, calls } = await fakeEarly(PLAIN);
    let closedAtFirstWrite: number | undefined;
    const stdout = () => void (closedAtFirstWrite ??= calls.closed);
    const code = await runCli(['scan', '--json'], { stdout, stderr: () => undefined, env: PLAIN }, { early });
    expect(code).toBe(1);
    expect(closedAtFirstWrite).toBe(1);
    expect(calls.closed).toBe(1);
  });

  it('adopted with --directory ldap (the source the configuration gives anyway)', async () => {
    const { early, calls } = await fakeEarly(PLAIN);
    const code = await runCli(['scan', '--json', '--directory', 'ldap'], { stdout: () => undefined, stderr: () => undefined, env: PLAIN }, { early });
    expect(code).toBe(1);
    expect(calls.snapshots).toBe(1);
  });

  it('set aside when --directory asks for another source', async () => {
    const { early, calls } = await fakeEarly(PLAIN);
    const code = await runCli(['scan', '--json', '--directory', 'demo'], { stdout: () => undefined, stderr: () => undefined, env: PLAIN }, { early });
    expect(code).toBe(1);
    expect(calls.snapshots).toBe(1);
    expect(calls.closed).toBe(1);
  });
});
