import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { CONFIG_VARIABLES, REDACTED, readConfig, readSummaryConfig, redactConfig, renderEnvExample, type Config, type ReadFile } from '../src/config';
import { ConfigError } from '../src/domain/errors';

const ROOT = join(__dirname, '..');
const PASSWORD = 'S3cr3t-Bind-P@ss';
const APP_SECRET = 'app~secret~value~1234';
const APP_ID = '3f2e1d0c-9b8a-4766-a554-433221100ffe';
const TENANT = '11111111-2222-3333-4444-555555555555';

const noFile: ReadFile = (path) => {
  throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
};

function problemsOf(env: Record<string, string | undefined>, readFile: ReadFile = noFile): ConfigError {
  try {
    readConfig(env, readFile);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const err = error as ConfigError;
    expect(err.code).toBe('config');
    return err;
  }
  throw new Error('expected a ConfigError');
}

const NO_APPLY: Config['apply'] = { approverGroups: [], operatorGroups: [], ttlMinutes: 30, labMode: false, botEnabled: false };

const LDAP_ENV = {
  KCD_LDAP_URL: 'ldaps://dc1.contoso.com ldaps://dc2.contoso.com:636',
  KCD_LDAP_BIND_DN: 'CN=svc-kcd,OU=Service Accounts,DC=contoso,DC=com',
  KCD_LDAP_BIND_PASSWORD: PASSWORD,
};

describe('readConfig', () => {
  it('gives the demo directory and defaults for an empty environment', () => {
    const config = readConfig({}, noFile);
    expect(config).toEqual<Config>({
      directory: { kind: 'demo' },
      migrationGroup: { kind: 'auto' },
      cacheTtlSeconds: 300,
      logLevel: 'info',
      bot: { port: 3978, bindHost: '127.0.0.1', appId: '', appPassword: '', appType: 'SingleTenant', localMode: true, allowedTenants: [], anyTenant: false, allowedUsers: [], allowedGroups: [], rateLimit: { capacity: 8, windowMs: 10_000 } },
      metrics: { host: '127.0.0.1' },
      apply: NO_APPLY,
    });
  });

  it('treats empty and blank values as unset (a copied .env.example)', () => {
    const env = Object.fromEntries(CONFIG_VARIABLES.map((v) => [v.name, v.name === 'PORT' ? '  ' : '']));
    expect(readConfig(env, noFile)).toEqual(readConfig({}, noFile));
  });

  it('reads a full LDAP and bot configuration', () => {
    const config = readConfig(
      {
        ...LDAP_ENV,
        KCD_LDAP_URL: ' ldaps://dc1.contoso.com, LDAP://dc2.contoso.com:389/ ,ldaps://dc1.contoso.com ',
        KCD_LDAP_BASE_DN: 'DC=contoso,DC=com',
        KCD_LDAP_CA_FILE: '/etc/kcd/ca.pem',
        KCD_LDAP_TLS_SERVERNAME: 'dc1.contoso.com',
        KCD_LDAP_TLS_INSECURE: 'No',
        KCD_LDAP_TIMEOUT_MS: '2500',
        KCD_LDAP_FAST_PATH: 'yes',
        KCD_MIGRATION_GROUP: 'group:CN=Hyper-V Hosts,OU=Groups,DC=contoso,DC=com',
        KCD_CACHE_TTL_SECONDS: '0',
        KCD_LOG_LEVEL: 'DEBUG',
        PORT: '8080',
        KCD_METRICS_PORT: '9464',
        KCD_METRICS_HOST: '10.0.0.5',
        MicrosoftAppId: APP_ID,
        MicrosoftAppPassword: APP_SECRET,
        MicrosoftAppType: 'singletenant',
        MicrosoftAppTenantId: TENANT,
        UNRELATED: 'ignored',
      },
      noFile,
    );
    expect(config).toEqual<Config>({
      directory: {
        kind: 'ldap',
        urls: ['ldaps://dc1.contoso.com', 'ldap://dc2.contoso.com:389'],
        bindDN: LDAP_ENV.KCD_LDAP_BIND_DN,
        bindPassword: PASSWORD,
        baseDN: 'DC=contoso,DC=com',
        caFile: '/etc/kcd/ca.pem',
        tlsServername: 'dc1.contoso.com',
        tlsInsecure: false,
        timeoutMs: 2500,
        fastPath: true,
      },
      migrationGroup: { kind: 'group', name: 'CN=Hyper-V Hosts,OU=Groups,DC=contoso,DC=com' },
      cacheTtlSeconds: 0,
      logLevel: 'debug',
      bot: { port: 8080, bindHost: '0.0.0.0', appId: APP_ID, appPassword: APP_SECRET, appType: 'SingleTenant', tenantId: TENANT, localMode: false, allowedTenants: [], anyTenant: false, allowedUsers: [], allowedGroups: [], rateLimit: { capacity: 8, windowMs: 10_000 } },
      metrics: { port: 9464, host: '10.0.0.5' },
      apply: NO_APPLY,
    });
  });

  it('applies LDAP defaults and keeps the URL order (first is primary)', () => {
    const config = readConfig(LDAP_ENV, noFile);
    expect(config.directory).toEqual({
      kind: 'ldap',
      urls: ['ldaps://dc1.contoso.com', 'ldaps://dc2.contoso.com:636'],
      bindDN: LDAP_ENV.KCD_LDAP_BIND_DN,
      bindPassword: PASSWORD,
      tlsInsecure: false,
      timeoutMs: 10000,
      fastPath: false,
    });
  });

  it.each([
    ['true', true],
    ['1', true],
    ['YES', true],
    ['false', false],
    ['0', false],
    ['no', false],
  ])('reads KCD_LDAP_TLS_INSECURE=%s', (value, expected) => {
    const config = readConfig({ ...LDAP_ENV, KCD_LDAP_TLS_INSECURE: value }, noFile);
    expect(config.directory.kind === 'ldap' && config.directory.tlsInsecure).toBe(expected);
  });

  it.each([
    ['auto', { kind: 'auto' }],
    ['Delegation', { kind: 'delegation' }],
    ['domain', { kind: 'domain' }],
    ['parent-ou', { kind: 'parent-ou' }],
    ['ou:OU=Hyper-V,DC=contoso,DC=com', { kind: 'ou', dn: 'OU=Hyper-V,DC=contoso,DC=com' }],
    ['OU: OU=Hyper-V,DC=contoso,DC=com', { kind: 'ou', dn: 'OU=Hyper-V,DC=contoso,DC=com' }],
    ['group:Hyper-V Hosts', { kind: 'group', name: 'Hyper-V Hosts' }],
  ])('reads KCD_MIGRATION_GROUP=%s', (value, expected) => {
    expect(readConfig({ KCD_MIGRATION_GROUP: value }, noFile).migrationGroup).toEqual(expected);
  });

  it('ignores the other LDAP variables when KCD_LDAP_URL is not set', () => {
    const config = readConfig(
      { KCD_LDAP_TIMEOUT_MS: 'soon', KCD_LDAP_TLS_INSECURE: 'maybe', KCD_LDAP_BIND_PASSWORD_FILE: '/nope', KCD_LDAP_BIND_DN: 'x' },
      () => {
        throw new Error('must not read the password file');
      },
    );
    expect(config.directory).toEqual({ kind: 'demo' });
  });

  it('lists both the missing bind DN and the missing password in one error', () => {
    const err = problemsOf({ KCD_LDAP_URL: 'ldaps://dc1.contoso.com' });
    expect(err.problems).toHaveLength(2);
    expect(err.problems[0]).toMatch(/^KCD_LDAP_BIND_DN: required when KCD_LDAP_URL is set/);
    expect(err.problems[1]).toMatch(/^KCD_LDAP_BIND_PASSWORD or KCD_LDAP_BIND_PASSWORD_FILE: one of them is required/);
    expect(err.message).toContain('KCD_LDAP_BIND_DN');
    expect(err.message).toContain('KCD_LDAP_BIND_PASSWORD_FILE');
  });

  it('reports a bad timeout and a bad URL scheme together', () => {
    const err = problemsOf({ ...LDAP_ENV, KCD_LDAP_URL: 'https://dc1.contoso.com', KCD_LDAP_TIMEOUT_MS: '10s' });
    expect(err.problems).toEqual([
      'KCD_LDAP_URL: "https://dc1.contoso.com" has scheme https: use ldaps://host[:port], or ldap://host[:port] for StartTLS',
      'KCD_LDAP_TIMEOUT_MS: expected a positive whole number of milliseconds, got "10s"',
    ]);
  });

  it('reports every problem at once, in variable order', () => {
    const err = problemsOf({
      KCD_LDAP_URL: 'ldaps://dc1.contoso.com,ldaps://dc2:99999,dc3',
      KCD_LDAP_TIMEOUT_MS: '0',
      KCD_LDAP_TLS_INSECURE: 'sure',
      KCD_LDAP_FAST_PATH: 'fast',
      KCD_LDAP_BASE_DN: 'contoso.com',
      KCD_MIGRATION_GROUP: 'cluster',
      KCD_CACHE_TTL_SECONDS: '-5',
      KCD_LOG_LEVEL: 'chatty',
      PORT: '70000',
      MicrosoftAppId: 'not-a-guid',
      MicrosoftAppType: 'Federated',
    });
    expect(err.problems.map((p) => p.slice(0, p.indexOf(':')))).toEqual([
      'KCD_LDAP_URL',
      'KCD_LDAP_URL',
      'KCD_LDAP_BIND_DN',
      'KCD_LDAP_BIND_PASSWORD or KCD_LDAP_BIND_PASSWORD_FILE',
      'KCD_LDAP_BASE_DN',
      'KCD_LDAP_TLS_INSECURE',
      'KCD_LDAP_TIMEOUT_MS',
      'KCD_LDAP_FAST_PATH',
      'KCD_MIGRATION_GROUP',
      'KCD_CACHE_TTL_SECONDS',
      'KCD_LOG_LEVEL',
      'PORT',
      'MicrosoftAppId',
      'MicrosoftAppType',
    ]);
    expect(err.problems[0]).toContain('"ldaps://dc2:99999" has an invalid port');
    expect(err.problems[1]).toContain('"dc3" is not a URL');
    expect(err.message).toContain('expected one of MultiTenant, SingleTenant, UserAssignedMSI, got "Federated"');
  });

  it('reads the password file and trims the trailing newline', () => {
    const reads: string[] = [];
    const config = readConfig({ ...LDAP_ENV, KCD_LDAP_BIND_PASSWORD: undefined, KCD_LDAP_BIND_PASSWORD_FILE: '/run/secrets/kcd' }, (path) => {
      reads.push(path);
      return `${PASSWORD} \r\n`;
    });
    expect(reads).toEqual(['/run/secrets/kcd']);
    expect(config.directory.kind === 'ldap' && config.directory.bindPassword).toBe(`${PASSWORD} `);
  });

  it('reports an unreadable or empty password file', () => {
    const env = { ...LDAP_ENV, KCD_LDAP_BIND_PASSWORD: undefined, KCD_LDAP_BIND_PASSWORD_FILE: '/run/secrets/kcd' };
    expect(problemsOf(env).problems).toEqual(['KCD_LDAP_BIND_PASSWORD_FILE: cannot read "/run/secrets/kcd": file not found']);
    expect(problemsOf(env, () => '\n').problems).toEqual(['KCD_LDAP_BIND_PASSWORD_FILE: "/run/secrets/kcd" is empty']);
  });

  it('refuses both a password and a password file, without reading the file', () => {
    const err = problemsOf({ ...LDAP_ENV, KCD_LDAP_BIND_PASSWORD_FILE: '/run/secrets/kcd' }, () => {
      throw new Error('must not read');
    });
    expect(err.problems).toEqual(['KCD_LDAP_BIND_PASSWORD and KCD_LDAP_BIND_PASSWORD_FILE are both set: set only one of them']);
  });

  it('checks the bot settings that depend on each other', () => {
    expect(problemsOf({ MicrosoftAppType: 'SingleTenant' }).problems).toEqual([
      'MicrosoftAppId: required when MicrosoftAppType is SingleTenant',
      'MicrosoftAppTenantId: required when MicrosoftAppType is SingleTenant',
    ]);
    expect(problemsOf({ MicrosoftAppId: APP_ID, MicrosoftAppTenantId: TENANT }).problems).toEqual([
      'MicrosoftAppPassword: required when MicrosoftAppId is set (MicrosoftAppType SingleTenant)',
    ]);
    expect(problemsOf({ MicrosoftAppId: APP_ID, MicrosoftAppType: 'MultiTenant' }).problems).toEqual([
      'MicrosoftAppPassword: required when MicrosoftAppId is set (MicrosoftAppType MultiTenant)',
    ]);
    expect(problemsOf({ MicrosoftAppPassword: APP_SECRET }).problems).toEqual(['MicrosoftAppId: required when MicrosoftAppPassword is set']);
    const msi = readConfig({ MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppId: APP_ID, MicrosoftAppTenantId: 'contoso.onmicrosoft.com' }, noFile);
    expect(msi.bot).toEqual({
      port: 3978,
      appId: APP_ID,
      appPassword: '',
      appType: 'UserAssignedMSI',
      tenantId: 'contoso.onmicrosoft.com',
      bindHost: '0.0.0.0',
      localMode: false,
      allowedTenants: [],
      anyTenant: false,
      allowedUsers: [],
      allowedGroups: [],
      rateLimit: { capacity: 8, windowMs: 10_000 },
    });
  });

  it('authentication modes: a bot reading a real directory needs credentials or an explicit local mode', () => {
    // The CLI has no such rule.
    expect(readConfig(LDAP_ENV, noFile).directory.kind).toBe('ldap');
    // The demo directory always runs locally.
    expect(readConfig({}, noFile, { purpose: 'bot' }).bot.localMode).toBe(true);
    // A real directory without credentials and without KCD_LOCAL_MODE: refused, naming what is missing.
    let error: unknown;
    try {
      readConfig(LDAP_ENV, noFile, { purpose: 'bot' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^MicrosoftAppId and MicrosoftAppPassword: required/);
    expect(problems[0]).toContain('KCD_LOCAL_MODE=true');
    // Explicit local mode for a lab.
    const lab = readConfig({ ...LDAP_ENV, KCD_LOCAL_MODE: 'true' }, noFile, { purpose: 'bot' });
    expect(lab.bot.localMode).toBe(true);
    // With credentials: authenticated.
    const prod = readConfig({ ...LDAP_ENV, MicrosoftAppId: APP_ID, MicrosoftAppPassword: APP_SECRET, MicrosoftAppTenantId: TENANT, KCD_ALLOWED_TENANTS: TENANT }, noFile, { purpose: 'bot' });
    expect(prod.bot.localMode).toBe(false);
    // Both at once is a contradiction.
    expect(() => readConfig({ ...LDAP_ENV, KCD_LOCAL_MODE: 'yes', MicrosoftAppId: APP_ID, MicrosoftAppPassword: APP_SECRET }, noFile, { purpose: 'bot' })).toThrow(
      /KCD_LOCAL_MODE/,
    );
  });

  it('reads the tenant and user allow-lists', () => {
    const c = readConfig({ KCD_ALLOWED_TENANTS: `${TENANT}, ${TENANT}`, KCD_ALLOWED_USERS: `alice@contoso.com ${APP_ID}` }, noFile);
    expect(c.bot.allowedTenants).toEqual([TENANT]);
    expect(c.bot.allowedUsers).toEqual(['alice@contoso.com', APP_ID]);
    expect(() => readConfig({ KCD_ALLOWED_TENANTS: 'contoso' }, noFile)).toThrow(/KCD_ALLOWED_TENANTS: expected tenant ids/);
    expect(() => readConfig({ KCD_ALLOWED_USERS: 'bob' }, noFile)).toThrow(/KCD_ALLOWED_USERS/);
  });

  it('never puts a password in an error message', () => {
    const cases: Array<[Record<string, string>, ReadFile]> = [
      [{ ...LDAP_ENV, KCD_LDAP_TIMEOUT_MS: PASSWORD, KCD_LDAP_BIND_DN: '' }, noFile],
      [{ ...LDAP_ENV, KCD_LDAP_URL: `ldaps://svc:${PASSWORD}@dc1.contoso.com` }, noFile],
      [{ ...LDAP_ENV, KCD_LDAP_BIND_PASSWORD_FILE: '/p' }, () => PASSWORD],
      [{ KCD_LDAP_URL: 'ldaps://dc1', KCD_LDAP_BIND_PASSWORD_FILE: '/p', KCD_LOG_LEVEL: PASSWORD }, () => PASSWORD],
      [{ MicrosoftAppPassword: APP_SECRET, MicrosoftAppType: APP_SECRET }, noFile],
    ];
    for (const [env, readFile] of cases) {
      const err = problemsOf(env, readFile);
      const text = `${err.message}\n${err.remediation}\n${err.problems.join('\n')}\n${inspect(err)}`;
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(APP_SECRET);
    }
  });
});

describe('redaction', () => {
  const full = () =>
    readConfig({ ...LDAP_ENV, MicrosoftAppId: APP_ID, MicrosoftAppPassword: APP_SECRET, MicrosoftAppTenantId: TENANT }, noFile);

  it('redactConfig replaces the passwords and leaves the original intact', () => {
    const config = full();
    const redacted = redactConfig(config);
    expect(redacted.directory).toMatchObject({ kind: 'ldap', bindPassword: REDACTED, bindDN: LDAP_ENV.KCD_LDAP_BIND_DN });
    expect(redacted.bot).toMatchObject({ appId: APP_ID, appPassword: REDACTED });
    expect(config.directory.kind === 'ldap' && config.directory.bindPassword).toBe(PASSWORD);
    expect(config.bot.appPassword).toBe(APP_SECRET);
    expect(redactConfig(readConfig({}, noFile)).bot.appPassword).toBe('');
  });

  it('JSON.stringify and util.inspect of the config (or its parts) show the redacted view', () => {
    const config = full();
    for (const text of [
      JSON.stringify(config),
      JSON.stringify(config.directory),
      JSON.stringify(config.bot),
      JSON.stringify({ config }),
      inspect(config, { depth: 5 }),
      inspect(config.directory),
      inspect(config.bot),
    ]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(APP_SECRET);
    }
    expect(JSON.parse(JSON.stringify(config))).toEqual(redactConfig(config));
  });
});

describe('CONFIG_VARIABLES, .env.example and src/config/ agree', () => {
  const envExample = readFileSync(join(ROOT, '.env.example'), 'utf8');
  // The reads are in reading.ts; the other parts are scanned too, so a read added anywhere in src/config/ is seen.
  const configDir = join(ROOT, 'src', 'config');
  const source = readdirSync(configDir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(join(configDir, f), 'utf8'))
    .join('\n');
  const names = CONFIG_VARIABLES.map((v) => v.name);

  it('names each variable once', () => {
    expect(new Set(names).size).toBe(names.length);
  });

  it('.env.example assigns exactly the variables of CONFIG_VARIABLES', () => {
    const assigned = envExample
      .split(/\r?\n/)
      .map((line) => /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined);
    expect(new Set(assigned).size).toBe(assigned.length);
    expect([...assigned].sort()).toEqual([...names].sort());
  });

  it('.env.example has a comment line describing every variable', () => {
    for (const v of CONFIG_VARIABLES) expect(envExample).toContain(`# ${v.name}: ${v.description}`);
  });

  it('.env.example is what renderEnvExample() generates', () => {
    expect(envExample).toBe(renderEnvExample());
  });

  it('every environment variable src/config/ reads is listed, and every listed one is read', () => {
    const read = new Set<string>();
    // `env.NAME`, `process.env.NAME`, `env['NAME']` (not ".env.example" in a comment).
    for (const m of source.matchAll(/(?:\bprocess\.|(?<![\w.]))env\s*\.\s*([A-Za-z_]\w*)/g)) read.add(m[1]!);
    for (const m of source.matchAll(/(?:\bprocess\.|(?<![\w.]))env\s*\[\s*['"`]([^'"`]+)['"`]\s*\]/g)) read.add(m[1]!);
    expect(read.size).toBeGreaterThanOrEqual(10); // the scan found the reads at all
    for (const name of read) expect(names).toContain(name);
    for (const name of names) expect(read).toContain(name);
  });

  it('describes every variable fully', () => {
    for (const v of CONFIG_VARIABLES) {
      expect(v.description.length).toBeGreaterThan(10);
      expect(v.example).not.toBe('');
    }
  });
});

describe('the app type: SingleTenant unless given (issue 20: no new multi-tenant bot registrations)', () => {
  it('defaults to SingleTenant, which then needs the tenant id once an app id is set', () => {
    expect(readConfig({}, noFile).bot.appType).toBe('SingleTenant');
    expect(problemsOf({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: APP_SECRET }).problems).toEqual([
      expect.stringMatching(/^MicrosoftAppTenantId: required when MicrosoftAppId is set \(MicrosoftAppType defaults to SingleTenant\); .*MicrosoftAppType=MultiTenant/),
    ]);
    const single = readConfig({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: APP_SECRET, MicrosoftAppTenantId: TENANT }, noFile, { purpose: 'bot' });
    expect(single.bot).toMatchObject({ appType: 'SingleTenant', tenantId: TENANT, localMode: false });
  });

  it('keeps a type the user gives', () => {
    expect(readConfig({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: APP_SECRET, MicrosoftAppType: 'MultiTenant' }, noFile).bot.appType).toBe('MultiTenant');
    expect(readConfig({ MicrosoftAppId: APP_ID, MicrosoftAppType: 'userassignedmsi', MicrosoftAppTenantId: TENANT }, noFile).bot.appType).toBe('UserAssignedMSI');
  });

  it('asks nothing of local mode (no app id): the default type authenticates nothing there', () => {
    expect(() => readConfig({}, noFile, { purpose: 'bot' })).not.toThrow();
    expect(() => readConfig({ ...LDAP_ENV, KCD_LOCAL_MODE: 'true' }, noFile, { purpose: 'bot' })).not.toThrow();
  });
});

describe('the metrics listener settings', () => {
  it('is off unless KCD_METRICS_PORT is set, and on loopback unless KCD_METRICS_HOST is set', () => {
    expect(readConfig({}, noFile).metrics).toEqual({ host: '127.0.0.1' });
    expect(readConfig({ KCD_METRICS_PORT: '9464' }, noFile).metrics).toEqual({ port: 9464, host: '127.0.0.1' });
    expect(readConfig({ KCD_METRICS_PORT: '9464', KCD_METRICS_HOST: '0.0.0.0' }, noFile).metrics).toEqual({ port: 9464, host: '0.0.0.0' });
  });

  it.each([['0'], ['65536'], ['nine'], ['-1']])('refuses KCD_METRICS_PORT=%s', (port) => {
    expect(problemsOf({ KCD_METRICS_PORT: port }).problems).toEqual([`KCD_METRICS_PORT: expected a TCP port number (1-65535), got "${port}"`]);
  });

  it('refuses a KCD_METRICS_HOST that is no address', () => {
    expect(problemsOf({ KCD_METRICS_HOST: 'not a host!' }).problems).toEqual(['KCD_METRICS_HOST: expected an IP address or host name to listen on, got "not a host!"']);
  });
});

describe('production rules (issue 14: the internet-facing bot)', () => {
  const prodLdap = { ...LDAP_ENV, MicrosoftAppId: APP_ID, MicrosoftAppPassword: APP_SECRET, MicrosoftAppTenantId: TENANT };
  const problemsFor = (env: Record<string, string>) => {
    try {
      readConfig(env, noFile, { purpose: 'bot' });
      return [];
    } catch (error) {
      return (error as ConfigError).problems;
    }
  };

  it('binds 127.0.0.1 without an app id and every interface with one, unless KCD_BIND_HOST says otherwise', () => {
    expect(readConfig({}, noFile, { purpose: 'bot' }).bot.bindHost).toBe('127.0.0.1');
    expect(readConfig({ ...LDAP_ENV, KCD_LOCAL_MODE: 'true' }, noFile, { purpose: 'bot' }).bot.bindHost).toBe('127.0.0.1');
    expect(readConfig({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: APP_SECRET, MicrosoftAppTenantId: TENANT }, noFile, { purpose: 'bot' }).bot.bindHost).toBe('0.0.0.0');
    expect(readConfig({ KCD_BIND_HOST: '0.0.0.0' }, noFile, { purpose: 'bot' }).bot.bindHost).toBe('0.0.0.0');
    expect(readConfig({ KCD_BIND_HOST: '::1' }, noFile).bot.bindHost).toBe('::1');
    expect(() => readConfig({ KCD_BIND_HOST: 'not a host!' }, noFile)).toThrow(/KCD_BIND_HOST: expected an IP address or host name/);
  });

  it('a real directory with app credentials needs KCD_ALLOWED_TENANTS or the explicit opt-out', () => {
    expect(problemsFor(prodLdap)).toEqual([expect.stringMatching(/^KCD_ALLOWED_TENANTS: required when the bot serves a real directory/)]);
    expect(problemsFor({ ...prodLdap, KCD_ALLOWED_TENANTS: TENANT })).toEqual([]);
    const open = readConfig({ ...prodLdap, KCD_ALLOW_ANY_TENANT: 'true' }, noFile, { purpose: 'bot' });
    expect(open.bot.anyTenant).toBe(true);
    expect(open.bot.allowedTenants).toEqual([]);
    expect(problemsFor({ ...prodLdap, KCD_ALLOW_ANY_TENANT: 'true', KCD_ALLOWED_TENANTS: TENANT })).toEqual([expect.stringMatching(/^KCD_ALLOW_ANY_TENANT: true, but KCD_ALLOWED_TENANTS is set/)]);
    // The demo directory and the CLI have no such rule.
    expect(problemsFor({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: APP_SECRET, MicrosoftAppTenantId: TENANT })).toEqual([]);
    expect(readConfig(prodLdap, noFile).directory.kind).toBe('ldap');
  });

  it('refuses KCD_LDAP_TLS_INSECURE in production, allows it in a lab and in the CLI', () => {
    expect(problemsFor({ ...prodLdap, KCD_ALLOWED_TENANTS: TENANT, KCD_LDAP_TLS_INSECURE: 'true' })).toEqual([expect.stringMatching(/^KCD_LDAP_TLS_INSECURE: true, but MicrosoftAppId is set/)]);
    expect(problemsFor({ ...LDAP_ENV, KCD_LOCAL_MODE: 'true', KCD_LDAP_TLS_INSECURE: 'true' })).toEqual([]);
    expect(readConfig({ ...prodLdap, KCD_LDAP_TLS_INSECURE: 'yes' }, noFile).directory).toMatchObject({ tlsInsecure: true });
  });
});

describe('secrets as files (MicrosoftAppPassword_FILE, AZURE_STORAGE_CONNECTION_STRING_FILE)', () => {
  const files: Record<string, string> = {
    '/run/secrets/app': `\uFEFF${APP_SECRET}\r\n`,
    '/run/secrets/empty': '\n',
    '/run/secrets/storage': 'DefaultEndpointsProtocol=https;AccountName=kcd;AccountKey=c2VjcmV0LWtleQ==\n',
  };
  const fromFiles: ReadFile = (path) => {
    const content = files[path];
    if (content === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
    return content;
  };
  const app = { MicrosoftAppId: APP_ID, MicrosoftAppTenantId: TENANT };

  test('the app secret is read from its file (BOM and newline dropped) and used as if given', () => {
    expect(readConfig({ ...app, MicrosoftAppPassword_FILE: '/run/secrets/app' }, fromFiles).bot.appPassword).toBe(APP_SECRET);
  });

  test('both, an empty file, a missing file: each named, the secret never quoted', () => {
    expect(problemsOf({ ...app, MicrosoftAppPassword: APP_SECRET, MicrosoftAppPassword_FILE: '/run/secrets/app' }, fromFiles).problems).toEqual([
      'MicrosoftAppPassword and MicrosoftAppPassword_FILE are both set: set only one of them',
    ]);
    expect(problemsOf({ ...app, MicrosoftAppPassword_FILE: '/run/secrets/empty' }, fromFiles).problems).toEqual(['MicrosoftAppPassword_FILE: "/run/secrets/empty" is empty']);
    const missing = problemsOf({ ...app, MicrosoftAppPassword_FILE: '/run/secrets/none' }, fromFiles).problems;
    expect(missing).toEqual([expect.stringMatching(/^MicrosoftAppPassword_FILE: cannot read "\/run\/secrets\/none": /)]);
    expect(problemsOf({ MicrosoftAppPassword_FILE: '/run/secrets/app' }, fromFiles).problems).toEqual(['MicrosoftAppId: required when MicrosoftAppPassword is set']);
  });

  test('the storage connection string from its file; neither given is one problem naming both', () => {
    expect(readSummaryConfig({ KCD_STATE_STORE: 'azure-blob', AZURE_STORAGE_CONNECTION_STRING_FILE: '/run/secrets/storage' }, fromFiles).store).toMatchObject({
      kind: 'azure-blob',
      connectionString: 'DefaultEndpointsProtocol=https;AccountName=kcd;AccountKey=c2VjcmV0LWtleQ==',
    });
    let error: unknown;
    try {
      readSummaryConfig({ KCD_STATE_STORE: 'azure-blob', AZURE_STORAGE_CONNECTION_STRING_FILE: '/run/secrets/empty' }, fromFiles);
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).problems).toEqual(['AZURE_STORAGE_CONNECTION_STRING_FILE: "/run/secrets/empty" is empty']);
  });
});

describe('applying fixes (issue 21): a separate write account, approvers, and production or the explicit lab mode', () => {
  const WRITE_PASSWORD = 'Wr1te-s3cret!';
  const writeFiles: ReadFile = (path) => {
    if (path === '/run/secrets/write') return `${WRITE_PASSWORD}\n`;
    if (path === '/run/secrets/empty') return '';
    return noFile(path);
  };
  const WRITE = { KCD_WRITE_BIND_DN: 'CN=svc-kcd-write,OU=Tier0,DC=contoso,DC=com', KCD_WRITE_BIND_PASSWORD_FILE: '/run/secrets/write' };
  const lab = { ...LDAP_ENV, KCD_LOCAL_MODE: 'true' };
  const botProblems = (env: Record<string, string>) => {
    try {
      readConfig(env, writeFiles, { purpose: 'bot' });
      return [];
    } catch (error) {
      return (error as ConfigError).problems;
    }
  };

  test('off unless configured: no write account, no approvers, 30 minutes', () => {
    expect(readConfig(lab, writeFiles, { purpose: 'bot' }).apply).toEqual(NO_APPLY);
  });

  test('the CLI needs only the write account; its password comes from the file and is never shown', () => {
    const config = readConfig({ ...LDAP_ENV, ...WRITE }, writeFiles);
    expect(config.apply.writeAccount).toEqual({ bindDN: WRITE.KCD_WRITE_BIND_DN, bindPassword: WRITE_PASSWORD });
    expect(config.apply.botEnabled).toBe(false);
    expect(JSON.stringify(config)).not.toContain(WRITE_PASSWORD);
    expect(inspect(config, { depth: 5 })).not.toContain(WRITE_PASSWORD);
    expect(JSON.stringify(config.apply)).not.toContain(WRITE_PASSWORD);
  });

  test('the bot in the explicit lab mode with approvers: enabled, every value kept', () => {
    const config = readConfig(
      {
        ...lab,
        ...WRITE,
        KCD_APPROVER_GROUPS: 'Hyper-V Admins;CN=Tier1,OU=Groups,DC=contoso,DC=com',
        KCD_OPERATOR_GROUPS: 'Hyper-V Operators',
        KCD_APPROVAL_CONVERSATION: '19:0123abcd@thread.tacv2',
        KCD_APPROVAL_TTL_MINUTES: '45',
        KCD_APPLY_LAB_MODE: 'true',
      },
      writeFiles,
      { purpose: 'bot' },
    );
    expect(config.apply).toEqual({
      writeAccount: { bindDN: WRITE.KCD_WRITE_BIND_DN, bindPassword: WRITE_PASSWORD },
      approverGroups: ['Hyper-V Admins', 'CN=Tier1,OU=Groups,DC=contoso,DC=com'],
      operatorGroups: ['Hyper-V Operators'],
      approvalConversation: '19:0123abcd@thread.tacv2',
      ttlMinutes: 45,
      labMode: true,
      botEnabled: true,
    });
  });

  test('each missing or conflicting part is named, all at once', () => {
    expect(botProblems({ ...lab, KCD_WRITE_BIND_DN: WRITE.KCD_WRITE_BIND_DN })).toEqual([
      expect.stringMatching(/^KCD_WRITE_BIND_PASSWORD_FILE: required when KCD_WRITE_BIND_DN is set/),
      expect.stringMatching(/^KCD_APPROVER_GROUPS: required when KCD_WRITE_BIND_DN is set/),
      expect.stringMatching(/^KCD_APPLY_LAB_MODE: the bot would write to AD without authenticating/),
    ]);
    expect(botProblems({ ...lab, KCD_APPROVER_GROUPS: 'Hyper-V Admins' })).toEqual([expect.stringMatching(/^KCD_WRITE_BIND_DN: required when KCD_APPROVER_GROUPS is set/)]);
    expect(botProblems({ ...lab, KCD_WRITE_BIND_PASSWORD_FILE: '/run/secrets/write' })).toEqual([
      expect.stringMatching(/^KCD_WRITE_BIND_DN: required when KCD_WRITE_BIND_PASSWORD_FILE is set/),
    ]);
    expect(botProblems({ ...lab, ...WRITE, KCD_WRITE_BIND_DN: LDAP_ENV.KCD_LDAP_BIND_DN.toUpperCase(), KCD_APPROVER_GROUPS: 'A', KCD_APPLY_LAB_MODE: 'true' })).toEqual([
      expect.stringMatching(/^KCD_WRITE_BIND_DN: the same account as KCD_LDAP_BIND_DN/),
    ]);
    expect(botProblems({ ...WRITE, KCD_APPROVER_GROUPS: 'A', KCD_APPLY_LAB_MODE: 'true' })).toEqual([
      expect.stringMatching(/^KCD_WRITE_BIND_DN: set, but KCD_LDAP_URL is not/),
    ]);
    expect(botProblems({ ...lab, ...WRITE, KCD_WRITE_BIND_PASSWORD_FILE: '/run/secrets/empty', KCD_APPROVER_GROUPS: 'A', KCD_APPLY_LAB_MODE: 'true' })).toEqual([
      'KCD_WRITE_BIND_PASSWORD_FILE: "/run/secrets/empty" is empty',
    ]);
  });

  test('lab mode is refused with an app id; production needs no lab mode', () => {
    const prod = { ...LDAP_ENV, MicrosoftAppId: APP_ID, MicrosoftAppPassword: APP_SECRET, MicrosoftAppTenantId: TENANT, KCD_ALLOWED_TENANTS: TENANT, ...WRITE, KCD_APPROVER_GROUPS: 'Hyper-V Admins' };
    expect(botProblems(prod)).toEqual([]);
    expect(readConfig(prod, writeFiles, { purpose: 'bot' }).apply.botEnabled).toBe(true);
    expect(botProblems({ ...prod, KCD_APPLY_LAB_MODE: 'true' })).toEqual([expect.stringMatching(/^KCD_APPLY_LAB_MODE: true, but MicrosoftAppId is set/)]);
  });

  test('bad values are named with what was given, never replaced by a default', () => {
    expect(problemsOf({ KCD_APPROVAL_TTL_MINUTES: '0' }).problems).toEqual([expect.stringMatching(/^KCD_APPROVAL_TTL_MINUTES: expected a whole number of minutes \(5-1440\), got "0"/)]);
    expect(problemsOf({ KCD_APPROVAL_TTL_MINUTES: '2000' }).problems).toEqual([expect.stringMatching(/^KCD_APPROVAL_TTL_MINUTES: .*got "2000"/)]);
    expect(problemsOf({ KCD_APPROVAL_CONVERSATION: 'general channel' }).problems).toEqual([expect.stringMatching(/^KCD_APPROVAL_CONVERSATION: expected a Teams conversation id/)]);
    expect(problemsOf({ KCD_APPLY_LAB_MODE: 'maybe' }).problems).toEqual([expect.stringMatching(/^KCD_APPLY_LAB_MODE: /)]);
  });
});
