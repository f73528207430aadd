/**
 * Unit tests (no DC) for the LDAP adapter's configuration checks, filter building, timeouts and failure texts.
 * The real-DC behaviour is in ldap-directory.dc.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { InvalidCredentialsError, StrongAuthRequiredError } from 'ldapts';
import { describeFailure, scrub } from '../../src/directory/ldap/failure';
import {
  dnsNameOfDn,
  LdapDirectory,
  type LdapDirectoryOptions,
  transitiveGroupsFilter,
  userLookupFilter,
} from '../../src/directory/ldap-directory';
import { ConfigError, DirectoryUnavailableError } from '../../src/domain/errors';

const SECRET = 'S3cret-Pa55word!';

function options(overrides: Partial<LdapDirectoryOptions> = {}): LdapDirectoryOptions {
  return {
    url: 'ldaps://dc1.contoso.com',
    bindDN: 'CN=kcd-reader,OU=Service,DC=contoso,DC=com',
    bindPassword: SECRET,
    timeoutMs: 5000,
    warn: () => undefined,
    ...overrides,
  };
}

function configProblems(overrides: Partial<LdapDirectoryOptions>): string {
  try {
    new LdapDirectory(options(overrides));
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).not.toContain(SECRET);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('accepts ldaps:// and ldap:// with StartTLS', () => {
    expect(new LdapDirectory(options()).describe()).toEqual({ kind: 'ldap', label: 'ldaps://dc1.contoso.com' });
    expect(new LdapDirectory(options({ url: 'ldap://dc1.contoso.com', startTls: true })).describe().label).toBe(
      'ldap://dc1.contoso.com',
    );
  });

  it('refuses plain ldap:// without StartTLS', () => {
    expect(configProblems({ url: 'ldap://dc1.contoso.com' })).toMatch(/clear text.*StartTLS/s);
  });

  it('refuses StartTLS on ldaps://, other schemes, paths, empty credentials and bad timeouts', () => {
    expect(configProblems({ startTls: true })).toMatch(/StartTLS applies to ldap:\/\//);
    expect(configProblems({ url: 'https://dc1.contoso.com' })).toMatch(/must start with ldaps:\/\//);
    expect(configProblems({ url: 'not a url' })).toMatch(/not a URL/);
    expect(configProblems({ url: 'ldaps://dc1.contoso.com/DC=contoso,DC=com' })).toMatch(/KCD_LDAP_BASE_DN/);
    expect(configProblems({ bindDN: ' ' })).toMatch(/KCD_LDAP_BIND_DN/);
    expect(configProblems({ bindPassword: '' })).toMatch(/KCD_LDAP_BIND_PASSWORD/);
    expect(configProblems({ timeoutMs: 0 })).toMatch(/timeout/);
    const withCredentials = configProblems({ url: `ldaps://reader:${SECRET}@dc1.contoso.com` });
    expect(withCredentials).toMatch(/must not hold a user name or password/);
    expect(withCredentials).not.toContain(SECRET);
  });

  it('refuses an unreadable CA file', () => {
    expect(configProblems({ caFile: '/nonexistent/ca.pem' })).toMatch(/KCD_LDAP_CA_FILE.*ENOENT/);
  });

  it('never shows the password when inspected or serialised', () => {
    const d = new LdapDirectory(options());
    expect(JSON.stringify(d)).not.toContain(SECRET);
    expect(inspect(d, { depth: 5, showHidden: true })).not.toContain(SECRET);
  });
});

describe('filters', () => {
  it('puts the user name in as a value: metacharacters are escaped, not interpreted', () => {
    expect(userLookupFilter('alice').toString()).toBe(
      '(&(objectCategory=person)(objectClass=user)(|(sAMAccountName=alice)(userPrincipalName=alice)))',
    );
    const hostile = userLookupFilter('*)(objectClass=*').toString();
    expect(hostile).toContain('(sAMAccountName=\\2a\\29\\28objectClass=\\2a)');
    expect(userLookupFilter('a\\b\u0000c').toString()).toContain('(sAMAccountName=a\\5cb\\00c)');
  });

  it('asks the DC for transitive membership with the in-chain matching rule', () => {
    expect(transitiveGroupsFilter('CN=carol (ops),CN=Users,DC=lab,DC=test').toString()).toBe(
      '(&(objectCategory=group)(member:1.2.840.113556.1.4.1941:=CN=carol \\28ops\\29,CN=Users,DC=lab,DC=test))',
    );
  });

  it('derives DNS names from DNs', () => {
    expect(dnsNameOfDn('DC=contoso,DC=com')).toBe('contoso.com');
    expect(dnsNameOfDn('OU=Hyper-V,DC=Child,DC=Contoso,DC=com')).toBe('child.contoso.com');
    expect(dnsNameOfDn('CN=x')).toBe('');
  });
});

describe('timeouts and refusals without a DC', () => {
  let silent: Server;
  let port = 0;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    // Accepts TCP and never answers: neither a TLS handshake nor an LDAP response ever comes.
    silent = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    port = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    const closed = new Promise((resolve) => silent.close(resolve));
    for (const s of sockets) s.destroy();
    await closed;
  });

  it('a server that never completes the TLS handshake: timed out after N ms', async () => {
    const d = new LdapDirectory(options({ url: `ldaps://127.0.0.1:${port}`, timeoutMs: 300 }));
    const t0 = Date.now();
    const err = await d.snapshot().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DirectoryUnavailableError);
    expect((err as Error).message).toBe(`Cannot read the directory at ldaps://127.0.0.1:${port}: timed out after 300 ms (connect)`);
    expect(Date.now() - t0).toBeLessThan(5000);
    await d.close();
  });

  it('a server that never answers the StartTLS request: timed out', async () => {
    const d = new LdapDirectory(options({ url: `ldap://127.0.0.1:${port}`, startTls: true, timeoutMs: 300 }));
    const err = await d.findUser('alice').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DirectoryUnavailableError);
    expect((err as Error).message).toMatch(/timed out after 300 ms/);
    await d.close();
  });
});

describe('failure descriptions', () => {
  const ctx = { stage: 'bind' as const, bindDN: 'CN=kcd-reader,DC=contoso,DC=com', timeoutMs: 5000, verifying: true, secrets: [SECRET] };

  it('names AD\'s bind sub-codes', () => {
    const locked = new InvalidCredentialsError(
      '80090308: LdapErr: DSID-0C09042A, comment: AcceptSecurityContext error, data 775, v3839',
    );
    expect(describeFailure(locked, ctx).cause).toBe('bind refused: account locked out for CN=kcd-reader,DC=contoso,DC=com');
    expect(describeFailure(new InvalidCredentialsError('data 52e'), ctx).cause).toMatch(/invalid credentials/);
    expect(describeFailure(new InvalidCredentialsError(''), ctx).cause).toMatch(/invalid credentials/);
  });

  it('explains "strong auth required" (a simple bind without TLS)', () => {
    const err = new StrongAuthRequiredError('BindSimple: Transport encryption required.');
    expect(describeFailure(err, ctx).cause).toMatch(/requires an encrypted connection/);
  });

  it('recognises certificate errors by their code', () => {
    const err = Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    const d = describeFailure(err, { ...ctx, stage: 'connect' });
    expect(d.cause).toBe('certificate verify failed: self-signed certificate in certificate chain (SELF_SIGNED_CERT_IN_CHAIN)');
    expect(d.remediation).toMatch(/KCD_LDAP_CA_FILE/);
    const altname = Object.assign(new Error("Hostname/IP does not match certificate's altnames: IP: 10.0.0.1 is not in the cert's list: "), {
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
    expect(describeFailure(altname, ctx).remediation).toMatch(/KCD_LDAP_TLS_SERVERNAME/);
  });

  it('an expired certificate says so and asks for a renewal, not another CA', () => {
    const expired = Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' });
    const d = describeFailure(expired, { ...ctx, stage: 'connect' });
    expect(d.cause).toBe("the domain controller's certificate has expired (CERT_HAS_EXPIRED)");
    expect(d.remediation).toMatch(/Renew the domain controller's LDAPS certificate/);
    expect(d.remediation).toMatch(/clock/);
    expect(d.remediation).not.toMatch(/KCD_LDAP_CA_FILE/);
    expect(describeFailure(expired, { ...ctx, stage: 'starttls' }).cause).toContain('(StartTLS)');
    const early = Object.assign(new Error('certificate is not yet valid'), { code: 'CERT_NOT_YET_VALID' });
    expect(describeFailure(early, ctx).cause).toMatch(/not valid yet/);
    expect(describeFailure(early, ctx).remediation).toMatch(/clock/);
  });

  it('never repeats the password, even when an error message carries it', () => {
    const err = new Error(`something echoed ${SECRET} back`);
    const d = describeFailure(err, ctx);
    expect(d.cause).not.toContain(SECRET);
    expect(d.cause).toContain('***');
    expect(scrub(`a${SECRET}b${SECRET}`, [SECRET, ''])).toBe('a***b***');
  });

  it('connection refused and DNS failures', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:636'), { code: 'ECONNREFUSED' });
    expect(describeFailure(refused, { ...ctx, stage: 'connect' }).cause).toBe('connection refused');
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND dc9.contoso.com'), { code: 'ENOTFOUND' });
    expect(describeFailure(dns, { ...ctx, stage: 'connect' }).cause).toMatch(/host name not found/);
  });
});

describe('a CA file that is not a certificate', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kcd-ca-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is accepted at construction (read as bytes) and fails at connect as a directory error', async () => {
    const file = join(dir, 'garbage.pem');
    writeFileSync(file, 'not a certificate');
    const d = new LdapDirectory(options({ url: 'ldaps://127.0.0.1:1', caFile: file, timeoutMs: 1000 }));
    const err = await d.snapshot().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DirectoryUnavailableError);
    expect((err as Error).message).not.toContain(SECRET);
  });
});
