/**
 * The streamed reader's entry conversion (src/directory/ldap/entries.ts) against the generic conversion it
 * replaced (test/support/ldap-reference.ts), on entries shaped like what ldapts hands over, awkward cases included.
 */
import type { Entry } from 'ldapts';
import { createInterner } from '../../src/domain/intern';
import { createDomainOfDn, toGroup, toReadComputer, toReadSpnAccount, viewOf } from '../../src/directory/ldap/entries';
import { buildAllowSecurityDescriptor, sidToBuffer } from '../../src/directory/ldap/normalise';
import { domainOfDn } from '../../src/domain/snapshot';
import * as reference from '../support/ldap-reference';

const SID = 'S-1-5-21-1004336348-1177238915-682003330-1107';

const entries: Entry[] = [
  {
    dn: 'CN=GOGO-3,OU=Hyper-V,DC=contoso,DC=com',
    cn: 'GOGO-3',
    sAMAccountName: 'GOGO-3$',
    dNSHostName: 'gogo-3.contoso.com',
    distinguishedName: 'CN=GOGO-3,OU=Hyper-V,DC=contoso,DC=com',
    userAccountControl: '16781312',
    servicePrincipalName: ['Microsoft Virtual System Migration Service/GOGO-3', 'HOST/GOGO-3', '', 'HOST/gogo-3.contoso.com'],
    'msDS-AllowedToDelegateTo': ['cifs/GOGO-4', 'cifs/GOGO-4'],
    'msDS-AllowedToActOnBehalfOfOtherIdentity': [],
    operatingSystem: 'Windows Server 2019 Datacenter',
    operatingSystemVersion: '10.0 (17763)',
    'msDS-SupportedEncryptionTypes': '4',
    memberOf: 'CN=HV,CN=Users,DC=contoso,DC=com',
    objectSid: sidToBuffer(SID),
  },
  // Server spelling differs from the request's; a ranged attribute merged with its first part; blanks.
  {
    dn: 'CN=odd,CN=Computers,DC=Child, dc=Contoso,DC=com',
    CN: ['  odd  '],
    samaccountname: [],
    DISTINGUISHEDNAME: '',
    useraccountcontrol: ['-2147483648'],
    servicePrincipalName: 'HOST/odd',
    'memberOf;range=0-1': ['CN=a,DC=contoso,DC=com', 'CN=b,DC=contoso,DC=com'],
    'memberOf;range=2-*': ['CN=c,DC=contoso,DC=com'],
    'memberOf;binary': ['ignored'],
    operatingSystem: '   ',
    // A signed 32-bit value in AD (bit 31 set): read as the bit set.
    'msDS-SupportedEncryptionTypes': ['-2147483620'],
    'msDS-AllowedToActOnBehalfOfOtherIdentity': buildAllowSecurityDescriptor([SID, 'S-1-5-21-1-2-3-4444']),
  },
  // Not a number, a Buffer where a string is expected, no cn (the name comes from sAMAccountName).
  {
    dn: 'CN=x,DC=lab,DC=test',
    sAMAccountName: 'NOCN$',
    userAccountControl: '12abc',
    dNSHostName: Buffer.from('nocn.lab.test', 'utf8'),
    servicePrincipalName: [Buffer.from('HOST/nocn', 'utf8'), Buffer.from([0xff, 0x41])],
    objectSid: [],
  },
  { dn: 'CN=empty,DC=lab,DC=test' },
];

describe('entry conversion (streamed reader) = the generic conversion (reference)', () => {
  it('computers, with resource-based delegation resolved afterwards', () => {
    const intern = createInterner();
    const domainOf = createDomainOfDn();
    const read = entries.map((e) => toReadComputer(viewOf(e), intern, domainOf));
    const sidNames = new Map<string, string>([[SID, 'SVC$']]);
    const expected = entries.map((e) => reference.toComputer(e, sidNames, () => undefined));
    // The adapter fills allowedToActOnBehalfOf once every SID is known; here the raw descriptors must match.
    expect(read.map((r) => r.rbcd.length)).toEqual([0, 1, 0, 0]);
    expect(read.map((r) => ({ ...r.computer, allowedToActOnBehalfOf: [] }))).toEqual(
      expected.map((c) => ({ ...c, allowedToActOnBehalfOf: [] })),
    );
    expect(read[0]!.sid).toBe(SID);
    expect(read[0]!.sam).toBe('GOGO-3$');
    expect(read[2]!.sam).toBe('NOCN$');
    expect(read[1]!.sam).toBeUndefined();
  });

  it('non-computer SPN holders and groups', () => {
    const intern = createInterner();
    expect(entries.map((e) => toReadSpnAccount(viewOf(e), intern).account)).toEqual(entries.map((e) => reference.toSpnAccount(e)));
    expect(entries.map((e) => toGroup(viewOf(e), intern))).toEqual(entries.map((e) => reference.toGroup(e)));
  });

  it('interns: equal values of different entries are one string object', () => {
    const intern = createInterner();
    const domainOf = createDomainOfDn();
    const a = toReadComputer(viewOf({ dn: 'CN=a,DC=x', 'msDS-AllowedToDelegateTo': ['cifs/' + 'GOGO-4'] }), intern, domainOf);
    const b = toReadComputer(viewOf({ dn: 'CN=b,DC=x', 'msDS-AllowedToDelegateTo': [['cifs', 'GOGO-4'].join('/')] }), intern, domainOf);
    expect(a.computer.allowedToDelegateTo[0]).toBe(b.computer.allowedToDelegateTo[0]);
  });

  it('the memoised domainOfDn agrees with domainOfDn', () => {
    const domainOf = createDomainOfDn();
    for (const dn of ['CN=a,DC=contoso,DC=com', 'CN=b,OU=x,DC=Contoso, DC=COM', 'CN=c,dc=a,dc=b,DC=c', 'CN=no-dc', 'DC=top,DC=level', 'CN=a\\,DC=x,DC=y']) {
      expect(domainOf(dn)).toBe(domainOfDn(dn));
      expect(domainOf(dn)).toBe(domainOfDn(dn));
    }
  });
});
