/**
 * The LDAP adapter against a real Samba AD DC (started by the dc project's globalSetup, see test/ad-lab/).
 * Every object here has a unique name: the DC is shared by all dc test files of a run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LdapDirectory, type LdapDirectoryOptions } from '../../src/directory/ldap-directory';
import { buildSecurityDescriptor } from '../../src/directory/ldap/normalise';
import { ConfigError, DirectoryUnavailableError } from '../../src/domain/errors';
import { labLdapOptions } from '../support/scenario-lab';
import type { Computer } from '../../src/domain/model';
import { holdersOf, protectedUsersPath } from '../../src/domain/snapshot';
import {
  addMembers,
  computerEntry,
  groupEntry,
  labFacts,
  loadEntries,
  MIGRATION_SERVICE_CLASS,
  readSid,
  UAC_NOT_DELEGATED,
  UAC_TRUSTED_TO_AUTH_FOR_DELEGATION,
  UAC_WORKSTATION_TRUST_ACCOUNT,
  uniqueName,
  userEntry,
} from '../ad-lab/lab';

// The dc project's testTimeout in jest.config.js is not applied (testTimeout is a global-only option).
jest.setTimeout(120_000);

const facts = labFacts();
const computersDn = `CN=Computers,${facts.baseDN}`;
const usersDn = `CN=Users,${facts.baseDN}`;
const protectedUsersDn = `CN=Protected Users,${usersDn}`;

function options(overrides: Partial<LdapDirectoryOptions> = {}): LdapDirectoryOptions {
  return labLdapOptions(facts, { timeoutMs: 10_000, warn: () => undefined, ...overrides });
}

const opened: LdapDirectory[] = [];
function directory(overrides: Partial<LdapDirectoryOptions> = {}): LdapDirectory {
  const d = new LdapDirectory(options(overrides));
  opened.push(d);
  return d;
}
afterAll(async () => {
  await Promise.all(opened.map((d) => d.close()));
});

async function failure(promise: Promise<unknown>): Promise<DirectoryUnavailableError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(DirectoryUnavailableError);
    return err as DirectoryUnavailableError;
  }
  throw new Error('expected a DirectoryUnavailableError, got success');
}

/** Asserts that no text derived from the error holds the password. */
function expectNoSecret(err: Error, secret: string): void {
  const texts = [err.message, (err as DirectoryUnavailableError).remediation, JSON.stringify(err), String(err), err.stack ?? ''];
  for (const t of texts) expect(t).not.toContain(secret);
}

const sorted = (xs: readonly string[]) => [...xs].sort();

describe('snapshot over verified LDAPS', () => {
  const SRC = uniqueName('SRC');
  const DST = uniqueName('DST');
  const BARE = uniqueName('BARE');
  const ONE = uniqueName('ONE');
  const RBCD = uniqueName('RBCD');
  const SVC = uniqueName('svc').toLowerCase();
  const HVG = uniqueName('HVG');
  const TOP = uniqueName('TOPG');
  const dn = (name: string) => `CN=${name},${computersDn}`;
  let srcSid = '';

  beforeAll(async () => {
    const fqdn = (n: string) => `${n.toLowerCase()}.${facts.domain}`;
    await loadEntries(facts, [
      computerEntry({
        name: SRC,
        hyperV: true,
        userAccountControl: UAC_WORKSTATION_TRUST_ACCOUNT | UAC_TRUSTED_TO_AUTH_FOR_DELEGATION,
        delegateTo: [`${MIGRATION_SERVICE_CLASS}/${DST}`, `${MIGRATION_SERVICE_CLASS}/${fqdn(DST)}`, `cifs/${DST}`, `cifs/${fqdn(DST)}`],
        operatingSystem: 'Windows Server 2019 Datacenter',
        operatingSystemVersion: '10.0 (17763)',
      }),
      computerEntry({ name: DST, hyperV: true, operatingSystem: 'Windows Server 2012 R2 Datacenter', operatingSystemVersion: '6.3 (9600)' }),
      computerEntry({ name: BARE, dnsHostName: null, hostSpns: false }),
      computerEntry({ name: ONE, hostSpns: false, spns: [`HOST/${ONE}`], delegateTo: [`cifs/${DST}`] }),
      userEntry({ name: SVC, upn: `${SVC}@${facts.domain}`, spns: [`MSSQLSvc/${SVC}.${facts.domain}:1433`, `HTTP/${SVC}.${facts.domain}`] }),
      groupEntry({ name: HVG, members: [dn(SRC), dn(DST)] }),
      groupEntry({ name: TOP, members: [`CN=${HVG},${usersDn}`] }),
    ]);
    srcSid = await readSid(facts, dn(SRC));
    await loadEntries(facts, [computerEntry({ name: RBCD, allowedToActOnBehalfOfSids: [srcSid, 'S-1-5-21-1-2-3-4444'] })]);
  });

  it('binds as the read-only account and reads every attribute of a computer, normalised', async () => {
    const data = await directory().readData();
    const src = data.computers.find((c) => c.name === SRC);
    expect(src).toBeDefined();
    const expected: Computer = {
      name: SRC,
      samAccountName: `${SRC}$`,
      dnsHostName: `${SRC.toLowerCase()}.lab.test`,
      domain: 'lab.test',
      distinguishedName: dn(SRC),
      // objectSid, as the DC gave it (a descriptor names accounts by SID: the planner needs it).
      sid: srcSid,
      userAccountControl: 0x1001000,
      // Matchers in a Computer's array fields; the arrays themselves are compared sorted below.
      servicePrincipalNames: expect.any(Array) as string[],
      allowedToDelegateTo: expect.any(Array) as string[],
      allowedToActOnBehalfOf: [],
      operatingSystem: 'Windows Server 2019 Datacenter',
      operatingSystemVersion: '10.0 (17763)',
      memberOf: [`CN=${HVG},${usersDn}`],
    };
    expect(src).toEqual(expected);
    expect(typeof src!.userAccountControl).toBe('number');
    expect(sorted(src!.servicePrincipalNames)).toEqual(
      sorted(
        ['HOST', MIGRATION_SERVICE_CLASS, 'Microsoft Virtual Console Service', 'Hyper-V Replica Service'].flatMap((cls) => [
          `${cls}/${SRC}`,
          `${cls}/${SRC.toLowerCase()}.lab.test`,
        ]),
      ),
    );
    expect(sorted(src!.allowedToDelegateTo)).toEqual(
      sorted([`${MIGRATION_SERVICE_CLASS}/${DST}`, `${MIGRATION_SERVICE_CLASS}/${DST.toLowerCase()}.lab.test`, `cifs/${DST}`, `cifs/${DST.toLowerCase()}.lab.test`]),
    );
  });

  it('gives absent attributes as [] or no key, and a single value as a one-element array', async () => {
    const data = await directory().readData();
    const bare = data.computers.find((c) => c.name === BARE)!;
    expect(bare).toEqual({
      name: BARE,
      samAccountName: `${BARE}$`,
      domain: 'lab.test',
      distinguishedName: dn(BARE),
      sid: expect.stringMatching(/^S-1-5-21-\d+-\d+-\d+-\d+$/) as string,
      userAccountControl: UAC_WORKSTATION_TRUST_ACCOUNT,
      servicePrincipalNames: [],
      allowedToDelegateTo: [],
      allowedToActOnBehalfOf: [],
      memberOf: [],
    });
    expect(Object.keys(bare)).not.toEqual(expect.arrayContaining(['dnsHostName', 'operatingSystem', 'operatingSystemVersion']));
    const one = data.computers.find((c) => c.name === ONE)!;
    expect(one.servicePrincipalNames).toEqual([`HOST/${ONE}`]);
    expect(one.allowedToDelegateTo).toEqual([`cifs/${DST}`]);
    const dst = data.computers.find((c) => c.name === DST)!;
    expect(dst.allowedToDelegateTo).toEqual([]);
    expect(dst.memberOf).toEqual([`CN=${HVG},${usersDn}`]);
  });

  it('parses msDS-AllowedToActOnBehalfOfOtherIdentity: known SIDs become sAMAccountNames, unknown stay SIDs', async () => {
    const data = await directory().readData();
    const rbcd = data.computers.find((c) => c.name === RBCD)!;
    expect(rbcd.allowedToActOnBehalfOf).toEqual([`${SRC}$`, 'S-1-5-21-1-2-3-4444']);
  });

  it('keeps each ACE of the descriptor: type, mask, and the account its SID names (groups and SPN-less users too); none when deleted', async () => {
    const facts = labFacts();
    const user = uniqueName('rbu').toLowerCase();
    const odd = uniqueName('RBCDX');
    await loadEntries(facts, [userEntry({ name: user })]);
    const userSid = await readSid(facts, `CN=${user},${usersDn}`);
    const groupSid = await readSid(facts, `CN=${HVG},${usersDn}`);
    // A SID of the lab's domain that no object holds: what a deleted account leaves in a descriptor.
    const deleted = `${await readSid(facts, facts.baseDN)}-987654`;
    const aces = [
      { sid: userSid, type: 'deny' as const, mask: 0xf01ff },
      { sid: srcSid, type: 'allow' as const, mask: 0x10000000 },
      { sid: groupSid, type: 'allow' as const, mask: 0xf01ff },
      { sid: 'S-1-1-0', type: 'allow' as const, mask: 0x100 },
      { sid: deleted, type: 'allow' as const, mask: 0xf01ff },
    ];
    const entry = computerEntry({ name: odd });
    entry.attributes['msDS-AllowedToActOnBehalfOfOtherIdentity'] = buildSecurityDescriptor(aces);
    await loadEntries(facts, [entry]);
    const computer = (await directory().readData()).computers.find((c) => c.name === odd)!;
    expect(computer.resourceBasedAces).toEqual([
      { sid: userSid, principal: user, type: 'deny', mask: 0xf01ff },
      { sid: srcSid, principal: `${SRC}$`, type: 'allow', mask: 0x10000000 },
      { sid: groupSid, principal: HVG, type: 'allow', mask: 0xf01ff },
      { sid: 'S-1-1-0', type: 'allow', mask: 0x100 },
      { sid: deleted, type: 'allow', mask: 0xf01ff },
    ]);
    expect(computer.allowedToActOnBehalfOf).toEqual([`${SRC}$`, HVG, 'S-1-1-0', deleted]);
  });

  it('reads non-computer SPN holders, groups with SIDs and nesting, sPNMappings and the domains', async () => {
    const data = await directory().readData();
    expect(data.source.kind).toBe('ldap');
    expect(data.source.label).toBe(facts.url);
    expect(Number.isNaN(Date.parse(data.source.takenAt))).toBe(false);
    expect(data.domains).toEqual(['lab.test']);
    expect(data.users).toEqual([]);

    const svc = data.spnAccounts.find((a) => a.samAccountName === SVC);
    expect(svc).toEqual({
      samAccountName: SVC,
      distinguishedName: `CN=${SVC},${usersDn}`,
      servicePrincipalNames: expect.arrayContaining([`MSSQLSvc/${SVC}.lab.test:1433`, `HTTP/${SVC}.lab.test`]) as unknown,
      userAccountControl: 0x200,
    });
    // krbtgt's flags come with it (KCD020 reads NOT_DELEGATED): a disabled normal account, not sensitive.
    expect(data.spnAccounts.find((a) => a.samAccountName === 'krbtgt')?.userAccountControl).toBe(0x202);
    expect(data.spnAccounts.some((a) => a.samAccountName.endsWith('$'))).toBe(false);

    const hvg = data.groups.find((g) => g.name === HVG)!;
    expect(hvg.distinguishedName).toBe(`CN=${HVG},${usersDn}`);
    expect(hvg.memberOf).toEqual([`CN=${TOP},${usersDn}`]);
    expect(hvg.sid).toMatch(new RegExp(`^${facts.domainSid}-\\d+$`));
    const pu = data.groups.find((g) => g.name === 'Protected Users')!;
    expect(pu.sid).toBe(`${facts.domainSid}-525`);
    expect(data.groups.find((g) => g.name === 'Domain Admins')!.sid).toBe(`${facts.domainSid}-512`);

    expect(data.spnMappings).toHaveLength(1);
    expect(data.spnMappings[0]).toMatch(/^host=.*\bcifs\b/);
  });

  it('builds a snapshot: indexes, Hyper-V hosts, the DC and cifs via HOST/', async () => {
    const snapshot = await directory().snapshot();
    expect(snapshot.computersByName.get(SRC.toLowerCase())?.name).toBe(SRC);
    expect(snapshot.computersByName.get(`${DST.toLowerCase()}.lab.test`)?.name).toBe(DST);
    expect(snapshot.hyperVHosts.map((h) => h.name)).toEqual(expect.arrayContaining([SRC, DST]));
    expect(snapshot.hyperVHosts.map((h) => h.name)).not.toContain(BARE);
    expect(holdersOf(snapshot, `cifs/${DST.toLowerCase()}.lab.test`).map((h) => h.samAccountName)).toEqual([`${DST}$`]);
    const dc = snapshot.computersByName.get('dc1')!;
    expect(dc.userAccountControl & 0x2000).toBe(0x2000);
    expect(dc.servicePrincipalNames).toEqual(expect.arrayContaining(['HOST/DC1', 'ldap/dc1.lab.test']));
    expect(snapshot.spnIndex.get(`mssqlsvc/${SVC}.lab.test:1433`)?.[0]?.isComputer).toBe(false);
  });

  it('discovers the base DN from the rootDSE, and honours a configured one', async () => {
    const d = directory();
    expect(await d.baseDN()).toBe(facts.baseDN);
    const rootDse = await d.rootDse();
    expect(rootDse.defaultNamingContext).toBe('DC=lab,DC=test');
    expect(rootDse.configurationNamingContext).toBe('CN=Configuration,DC=lab,DC=test');

    const scoped = await directory({ baseDN: 'OU=Domain Controllers,DC=lab,DC=test' }).readData();
    expect(scoped.computers.map((c) => c.name)).toEqual(['DC1']);
    expect(scoped.domains).toEqual(['lab.test']);
  });

  it('reuses one connection across calls and reconnects after close()', async () => {
    const d = directory();
    await d.snapshot();
    await d.findUser('Administrator');
    await d.close();
    const again = await d.findUser('Administrator');
    expect(again?.samAccountName).toBe('Administrator');
  });
});

describe('findUser', () => {
  const ALICE = uniqueName('alice').toLowerCase();
  const BOB = uniqueName('bob').toLowerCase();
  const CAROL = uniqueName('carol').toLowerCase();
  const DAVE = uniqueName('dave').toLowerCase();
  const EVE = uniqueName('eve').toLowerCase();
  const JUERGEN = `Jürgen${uniqueName('J')}`;
  const ODD_UPN = `o(dd)*${uniqueName('x').toLowerCase()}\\name@${'lab.test'}`;
  const ODD = uniqueName('odd').toLowerCase();
  const T0 = uniqueName('T0ADM');
  const OUTER = uniqueName('OUTER');
  const INNER = uniqueName('INNER');
  const udn = (name: string) => `CN=${name},${usersDn}`;

  beforeAll(async () => {
    await loadEntries(facts, [
      userEntry({ name: ALICE, upn: `${ALICE}@lab.test` }),
      userEntry({ name: BOB, upn: `${BOB}@lab.test`, userAccountControl: 0x200 | UAC_NOT_DELEGATED }),
      userEntry({ name: CAROL, upn: `${CAROL}@lab.test` }),
      userEntry({ name: DAVE }),
      userEntry({ name: EVE }),
      userEntry({ name: JUERGEN }),
      userEntry({ name: ODD, upn: ODD_UPN }),
      groupEntry({ name: T0, members: [udn(CAROL)] }),
      groupEntry({ name: INNER, members: [udn(EVE)] }),
      groupEntry({ name: OUTER, members: [`CN=${INNER},${usersDn}`] }),
    ]);
    await addMembers(facts, protectedUsersDn, [`CN=${T0},${usersDn}`, udn(DAVE)]);
  });

  it('finds a user by sAMAccountName and by UPN, case-insensitively', async () => {
    const d = directory();
    const bySam = await d.findUser(ALICE);
    expect(bySam).toEqual({
      samAccountName: ALICE,
      userPrincipalName: `${ALICE}@lab.test`,
      distinguishedName: udn(ALICE),
      domain: 'lab.test',
      userAccountControl: 0x200,
      memberOf: [],
      protectedUsers: false,
    });
    expect(await d.findUser(`${ALICE}@lab.test`)).toEqual(bySam);
    expect(await d.findUser(`  ${ALICE.toUpperCase()}  `)).toEqual(bySam);
    expect(await d.findUser(`${ALICE}@LAB.TEST`)).toEqual(bySam);
  });

  it('returns undefined for an unknown user and for a computer account', async () => {
    const d = directory();
    expect(await d.findUser(uniqueName('nobody'))).toBeUndefined();
    expect(await d.findUser('DC1$')).toBeUndefined();
    expect(await d.findUser('')).toBeUndefined();
  });

  it('reads NOT_DELEGATED from userAccountControl', async () => {
    const bob = await directory().findUser(BOB);
    expect(bob!.userAccountControl & UAC_NOT_DELEGATED).toBe(UAC_NOT_DELEGATED);
  });

  it('resolves Protected Users membership, direct and nested (LDAP_MATCHING_RULE_IN_CHAIN)', async () => {
    const d = directory();
    const carol = await d.findUser(CAROL);
    expect(carol!.memberOf).toEqual([`CN=${T0},${usersDn}`]);
    expect(carol!.protectedUsers).toBe(true);
    const dave = await d.findUser(DAVE);
    expect(dave!.memberOf).toEqual([protectedUsersDn]);
    expect(dave!.protectedUsers).toBe(true);
    const eve = await d.findUser(EVE);
    expect(eve!.memberOf).toEqual([`CN=${INNER},${usersDn}`]);
    expect(eve!.protectedUsers).toBe(false);

    // The checker's own resolution from the snapshot's groups agrees, and names the chain.
    const snapshot = await d.snapshot();
    expect(protectedUsersPath(snapshot, { ...carol!, protectedUsers: undefined })).toEqual([T0, 'Protected Users']);
    expect(protectedUsersPath(snapshot, { ...dave!, protectedUsers: undefined })).toEqual(['Protected Users']);
    expect(protectedUsersPath(snapshot, { ...eve!, protectedUsers: undefined })).toBeUndefined();
    expect(snapshot.groupsByDn.get(`cn=${INNER.toLowerCase()},${usersDn.toLowerCase()}`)?.memberOf).toEqual([`CN=${OUTER},${usersDn}`]);
  });

  it('matches non-ASCII names and filter metacharacters literally', async () => {
    const d = directory();
    expect((await d.findUser(JUERGEN))?.samAccountName).toBe(JUERGEN);
    expect((await d.findUser(ODD_UPN))?.samAccountName).toBe(ODD);
    expect(await d.findUser('o(dd)*')).toBeUndefined();
    expect(await d.findUser(ODD_UPN.replace('*', 'X'))).toBeUndefined();
  });

  it.each([
    ['*)(objectClass=*'],
    ['gogo-3)(|(cn=*'],
    ['*'],
    ['\\'],
    ['\\2a'],
    ['Jürgen'],
    ['x'.repeat(300)],
    ['a\u0000b'],
    [`${'*'}@lab.test`],
    ['administrator)(|(sAMAccountName=*'],
    [')('],
  ])('a hostile name %j finds nobody', async (name) => {
    expect(await directory().findUser(name)).toBeUndefined();
  });

  it('a NUL-truncated name does not match the account before the NUL', async () => {
    expect(await directory().findUser(`${ALICE}\u0000`)).toBeUndefined();
    expect(await directory().findUser(`${ALICE}\u0000)(cn=*`)).toBeUndefined();
  });
});

describe('failures', () => {
  it('a wrong password: DirectoryUnavailableError naming the URL and the account, never the password', async () => {
    const secret = `Wrong-${uniqueName('pw')}-Secret!`;
    const err = await failure(directory({ bindPassword: secret }).snapshot());
    expect(err.message).toContain(facts.url);
    expect(err.message).toContain('bind refused');
    expect(err.message).toContain(facts.readerBindDN);
    expect(err.remediation).toMatch(/password/i);
    expectNoSecret(err, secret);
  });

  it('an unknown bind account is refused the same way', async () => {
    const err = await failure(directory({ bindDN: `CN=${uniqueName('ghost')},${usersDn}` }).findUser('x'));
    expect(err.message).toMatch(/bind refused/);
    expectNoSecret(err, facts.readerPassword);
  });

  it('nothing listening: connection refused', async () => {
    const err = await failure(directory({ url: 'ldaps://127.0.0.1:1' }).snapshot());
    expect(err.message).toContain('ldaps://127.0.0.1:1');
    expect(err.message).toMatch(/connection refused/);
    expectNoSecret(err, facts.readerPassword);
  });

  describe('certificate verification', () => {
    let otherCa = '';
    let tmp = '';
    beforeAll(() => {
      tmp = mkdtempSync(join(tmpdir(), 'kcd-wrong-ca-'));
      otherCa = join(tmp, 'other-ca.pem');
      execFileSync('openssl', [
        'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Some other CA',
        '-keyout', join(tmp, 'other-key.pem'), '-out', otherCa,
      ], { stdio: 'ignore' });
    });
    afterAll(() => rmSync(tmp, { recursive: true, force: true }));

    it('a CA that did not issue the DC certificate: certificate verify failed', async () => {
      const err = await failure(directory({ caFile: otherCa }).snapshot());
      expect(err.message).toContain(facts.url);
      expect(err.message).toMatch(/certificate/i);
      expect(err.remediation).toMatch(/KCD_LDAP_CA_FILE/);
      expectNoSecret(err, facts.readerPassword);
    });

    it('no CA file (Node\'s public CAs only): certificate verify failed', async () => {
      const err = await failure(directory({ caFile: undefined }).snapshot());
      expect(err.message).toMatch(/certificate/i);
    });

    it('a name the certificate does not hold: certificate verify failed (host name)', async () => {
      const err = await failure(directory({ tlsServername: 'not-the-dc.example.com' }).snapshot());
      expect(err.message).toMatch(/certificate/i);
      expect(err.message).toMatch(/not-the-dc\.example\.com/);
    });

    it('the bare IP verifies too (the lab certificate holds IP:127.0.0.1)', async () => {
      const data = await directory({ tlsServername: undefined }).readData();
      expect(data.computers.length).toBeGreaterThan(0);
    });

    it('tlsInsecure: works with a wrong CA and warns on every connect', async () => {
      const warnings: string[] = [];
      const d = directory({ caFile: otherCa, tlsInsecure: true, warn: (m) => warnings.push(m) });
      expect((await d.findUser('Administrator'))?.samAccountName).toBe('Administrator');
      await d.findUser('Administrator'); // same connection: no new warning
      expect(warnings).toHaveLength(1);
      await d.close();
      await d.findUser('Administrator'); // a new connection: warned again
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toMatch(/verification is OFF/);
      expect(warnings[0]).toContain(facts.url);
      expect(warnings.join('\n')).not.toContain(facts.readerPassword);
    });
  });

  it('StartTLS on ldap:// (389) works with verification', async () => {
    const d = directory({ url: facts.ldapUrl, startTls: true });
    expect((await d.findUser('Administrator'))?.samAccountName).toBe('Administrator');
  });

  it('StartTLS with the wrong CA fails as a certificate problem', async () => {
    const d = directory({ url: facts.ldapUrl, startTls: true, caFile: undefined });
    const err = await failure(d.snapshot());
    expect(err.message).toMatch(/certificate/i);
  });

  it('plain ldap:// without StartTLS is refused before anything is sent', () => {
    expect(() => new LdapDirectory(options({ url: facts.ldapUrl }))).toThrow(ConfigError);
    try {
      new LdapDirectory(options({ url: facts.ldapUrl }));
    } catch (err) {
      expect((err as Error).message).toMatch(/StartTLS/);
      expect((err as Error).message).not.toContain(facts.readerPassword);
    }
  });

  describe('a connection that drops', () => {
    let proxy: Server;
    const sockets = new Set<Socket>();
    let port = 0;
    beforeAll(async () => {
      proxy = createServer((client) => {
        const upstream = netConnect({ host: '127.0.0.1', port: 636 });
        sockets.add(client).add(upstream);
        client.pipe(upstream).pipe(client);
        const end = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', end).on('close', end);
        upstream.on('error', end).on('close', end);
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      port = (proxy.address() as { port: number }).port;
    });
    afterAll(async () => {
      const closed = new Promise((resolve) => proxy.close(resolve));
      for (const s of sockets) s.destroy();
      await closed;
    });

    it('is re-established transparently on the next call', async () => {
      const d = directory({ url: `ldaps://127.0.0.1:${port}` });
      expect((await d.findUser('Administrator'))?.samAccountName).toBe('Administrator');
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect((await d.findUser('Administrator'))?.samAccountName).toBe('Administrator');
      const snapshot = await d.snapshot();
      expect(snapshot.computersByName.has('dc1')).toBe(true);
    });

    it('and fails clearly when the server stays away', async () => {
      const d = directory({ url: `ldaps://127.0.0.1:${port}`, timeoutMs: 2000 });
      await d.findUser('Administrator');
      const closed = new Promise<void>((resolve) => proxy.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
      const err = await failure(d.findUser('Administrator'));
      expect(err.message).toMatch(/connection refused/);
      await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
    });
  });
});
