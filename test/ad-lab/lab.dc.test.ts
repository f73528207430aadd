/** The lab itself: facts, TLS, LDIF loading with ldapadd, passwords usable by kinit, the DC's KDC. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Client } from 'ldapts';
import { LdapDirectory } from '../../src/directory/ldap-directory';
import { labLdapOptions } from '../support/scenario-lab';
import {
  computerEntry,
  kerberosEnv,
  labFacts,
  loadLdif,
  readSid,
  toLdif,
  UAC_TRUSTED_TO_AUTH_FOR_DELEGATION,
  UAC_WORKSTATION_TRUST_ACCOUNT,
  uniqueName,
  userEntry,
} from './lab';

jest.setTimeout(120_000);

const facts = labFacts();

describe('the AD lab', () => {
  it('publishes its facts', () => {
    expect(facts).toMatchObject({
      url: 'ldaps://127.0.0.1:636',
      ldapUrl: 'ldap://127.0.0.1:389',
      tlsServername: 'DC1.lab.test',
      baseDN: 'DC=lab,DC=test',
      realm: 'LAB.TEST',
      domain: 'lab.test',
      netbiosDomain: 'LAB',
      adminBindDN: 'CN=Administrator,CN=Users,DC=lab,DC=test',
      readerBindDN: 'CN=kcd-reader,CN=Users,DC=lab,DC=test',
    });
    expect(facts.domainSid).toMatch(/^S-1-5-21-\d+-\d+-\d+$/);
    for (const file of [facts.caFile, facts.krb5Conf, facts.smbConf, facts.factsFile]) expect(existsSync(file)).toBe(true);
    expect(readFileSync(facts.krb5Conf, 'utf8')).toMatch(/kdc = 127\.0\.0\.1:88/);
  });

  it('refuses a simple bind on plain LDAP (Samba: strong auth required)', async () => {
    const client = new Client({ url: facts.ldapUrl, timeout: 10_000 });
    try {
      await expect(client.bind(facts.readerBindDN, facts.readerPassword)).rejects.toThrow(/encryption required|strong/i);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  });

  it('makes unique NetBIOS-safe names', () => {
    const a = uniqueName('HV');
    const b = uniqueName('HV');
    expect(a).not.toBe(b);
    expect(a.length).toBeLessThanOrEqual(15);
    expect(a).toMatch(/^[A-Z0-9]+$/);
    expect(() => uniqueName('WAYTOOLONGPREFIX')).toThrow(/15 characters/);
  });

  it('loads LDIF with ldapadd over verified LDAPS; passwords set that way work for kinit and S4U2Proxy', async () => {
    const SRC = uniqueName('LSRC');
    const DST = uniqueName('LDST');
    const USER = uniqueName('lusr').toLowerCase();
    const srcPassword = `Src-${SRC}-pw1!`;
    const ldif = toLdif([
      computerEntry({
        name: SRC,
        password: srcPassword,
        userAccountControl: UAC_WORKSTATION_TRUST_ACCOUNT | UAC_TRUSTED_TO_AUTH_FOR_DELEGATION,
        delegateTo: [`cifs/${DST.toLowerCase()}.lab.test`, `cifs/${DST}`],
        operatingSystem: 'Windows Server 2022 Datacenter',
        description: 'Hyper-V host — loaded from LDIF (non-ASCII: é)',
      }),
      computerEntry({ name: DST, password: `Dst-${DST}-pw1!` }),
      userEntry({ name: USER, upn: `${USER}@lab.test`, password: `Usr-${USER}-pw1!` }),
    ]);
    expect(ldif).toMatch(/^unicodePwd:: /m);
    expect(ldif).toMatch(/^description:: /m); // non-ASCII values are base64
    loadLdif(facts, ldif);
    expect(await readSid(facts, `CN=${SRC},CN=Computers,${facts.baseDN}`)).toMatch(new RegExp(`^${facts.domainSid}-\\d+$`));

    const d = new LdapDirectory(labLdapOptions(facts, { timeoutMs: 10_000 }));
    try {
      const snapshot = await d.snapshot();
      expect(snapshot.computersByName.get(SRC.toLowerCase())?.allowedToDelegateTo).toEqual([
        `cifs/${DST.toLowerCase()}.lab.test`,
        `cifs/${DST}`,
      ]);
    } finally {
      await d.close();
    }

    const env = kerberosEnv(facts, SRC);
    const kinit = spawnSync('kinit', ['-f', `${SRC}$@${facts.realm}`], { env, input: `${srcPassword}\n`, encoding: 'utf8' });
    expect(kinit.status).toBe(0);
    const allowed = spawnSync('kvno', ['-U', USER, '-P', `cifs/${DST.toLowerCase()}.lab.test`], { env, encoding: 'utf8' });
    expect(allowed.stderr).toBe('');
    expect(allowed.status).toBe(0);
    const refused = spawnSync('kvno', ['-U', USER, '-P', 'cifs/dc1.lab.test'], { env, encoding: 'utf8' });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/constrained delegation failed|KDC can't fulfill/);
  });
});
