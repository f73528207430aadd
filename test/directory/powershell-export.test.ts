import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SnapshotFileError } from '../../src/domain/errors';
import { UAC } from '../../src/domain/uac';
import {
  COMPUTER_EXPORT_COMMAND,
  USER_EXPORT_COMMAND,
  isPowerShellExport,
  parsePowerShellExport,
  parsePowerShellExportText,
  powerShellSource,
  powerShellToDirectoryData,
} from '../../src/directory/powershell-export';
import { decodeSnapshotBytes } from '../../src/directory/snapshot-format';

const ROOT = join(__dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'snapshots');
const fixture = (name: string) => decodeSnapshotBytes(readFileSync(join(FIXTURES, name)));
const MIG = 'Microsoft Virtual System Migration Service';

function expectError(run: () => unknown, file: string, ...fragments: string[]): SnapshotFileError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(SnapshotFileError);
  const err = caught as SnapshotFileError;
  expect(err.code).toBe('snapshot-file');
  expect(err.message).toContain(file);
  for (const fragment of fragments) expect(err.message).toContain(fragment);
  return err;
}

/** A minimal Get-ADComputer object as ConvertTo-Json prints it. */
function psComputer(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    DistinguishedName: `CN=${name},OU=Hyper-V Hosts,DC=contoso,DC=com`,
    DNSHostName: `${name.toLowerCase()}.contoso.com`,
    Enabled: true,
    'msDS-AllowedToDelegateTo': [],
    Name: name,
    ObjectClass: 'computer',
    SamAccountName: `${name}$`,
    servicePrincipalName: [`${MIG}/${name}`, `HOST/${name}`],
    SID: { BinaryLength: 28, AccountDomainSid: 'S-1-5-21-1-2-3', Value: 'S-1-5-21-1-2-3-1105' },
    userAccountControl: 4096,
    ...extra,
  };
}

describe('parsePowerShellExport: Get-ADComputer … | ConvertTo-Json -Depth 3', () => {
  it('maps the lab export (Windows PowerShell 5.1 layout) to computers', () => {
    const { computers, users } = parsePowerShellExportText('powershell-export-lab.json', fixture('powershell-export-lab.json'));
    expect(users).toEqual([]);
    expect(computers.map((c) => c.name)).toEqual(['DC1', 'FHOST1', 'GOGO-2', 'GOGO-3', 'GOGO-4']);
    const gogo3 = computers.find((c) => c.name === 'GOGO-3');
    expect(gogo3).toEqual({
      name: 'GOGO-3',
      samAccountName: 'GOGO-3$',
      dnsHostName: 'gogo-3.contoso.com',
      domain: 'contoso.com',
      distinguishedName: 'CN=GOGO-3,OU=Hyper-V Hosts,DC=contoso,DC=com',
      userAccountControl: 16781312,
      servicePrincipalNames: expect.arrayContaining([`${MIG}/GOGO-3`, `${MIG}/gogo-3.contoso.com`, 'HOST/GOGO-3', 'HOST/gogo-3.contoso.com']) as unknown,
      allowedToDelegateTo: [
        `${MIG}/gogo-4.contoso.com`,
        `${MIG}/GOGO-4`,
        'cifs/gogo-4.contoso.com',
        'cifs/GOGO-4',
        'cifs/fhost1.contoso.com',
        'cifs/FHOST1',
        `${MIG}/gogo-2.contoso.com`,
        `${MIG}/GOGO-2`,
      ],
      allowedToActOnBehalfOf: [],
      operatingSystem: 'Windows Server 2022 Datacenter',
      operatingSystemVersion: '10.0 (20348)',
      memberOf: [],
    });
    const dc1 = computers.find((c) => c.name === 'DC1')!;
    expect(dc1.userAccountControl & UAC.SERVER_TRUST_ACCOUNT).toBeTruthy();
    expect(dc1.allowedToDelegateTo).toEqual([]);
    expect(computers.find((c) => c.name === 'GOGO-4')!.allowedToDelegateTo).toEqual([`${MIG}/gogo-3.contoso.com`]);
  });

  it('reads msDS-SupportedEncryptionTypes when the export has it (number or numeric string), and reports anything else', () => {
    const { computers, users } = parsePowerShellExport('enc.json', [
      psComputer('GOGO-3', { 'msDS-SupportedEncryptionTypes': 4 }),
      psComputer('GOGO-4', { 'msds-supportedencryptiontypes': '28' }),
      psComputer('GOGO-5', { 'msDS-SupportedEncryptionTypes': null }),
      { SamAccountName: 'alice', DistinguishedName: 'CN=alice,DC=contoso,DC=com', userAccountControl: 512, ProtectedUsers: false, 'msDS-SupportedEncryptionTypes': 4 },
    ]);
    expect(computers.map((c) => c.supportedEncryptionTypes)).toEqual([4, 28, undefined]);
    expect(users[0]!.supportedEncryptionTypes).toBe(4);
    expectError(() => parsePowerShellExport('bad.json', [psComputer('GOGO-3', { 'msDS-SupportedEncryptionTypes': 'RC4' })]), 'bad.json', '[0].msDS-SupportedEncryptionTypes: expected number, got string "RC4" (in "GOGO-3")');
  });

  it('reads the resource-based descriptor the export lists ACE by ACE (ResourceBasedAces), in any of its shapes', () => {
    const ace = (Sid: string, Principal: string | null, Type: string | number, Mask: number) => ({ Sid, Principal, Type, Mask });
    const { computers } = parsePowerShellExport('rbcd.json', [
      psComputer('GOGO-4', {
        ResourceBasedAces: [
          ace('S-1-5-21-1-2-3-1105', 'CONTOSO\\GOGO-3$', 'Allow', 983551),
          ace('S-1-5-21-1-2-3-1999', null, 'Allow', 268435456),
          ace('S-1-5-21-1-2-3-1106', 'CONTOSO\\GOGO-2$', 1, -2147483648),
        ],
      }),
      // One ACE: ConvertTo-Json may write the object alone, or in a {"value": [...]} wrapper.
      psComputer('GOGO-5', { ResourceBasedAces: ace('S-1-5-21-1-2-3-1105', 'CONTOSO\\GOGO-3$', 'Deny', 983551) }),
      psComputer('GOGO-2', { ResourceBasedAces: { value: [ace('S-1-5-21-1-2-3-1105', 'CONTOSO\\GOGO-3$', 0, 983551)], Count: 1 } }),
      // Exports made before the descriptor was read: no ACEs, nothing allowed.
      psComputer('GOGO-3', {}),
    ]);
    expect(computers.map((c) => [c.name, c.allowedToActOnBehalfOf, c.resourceBasedAces])).toEqual([
      [
        'GOGO-4',
        ['CONTOSO\\GOGO-3$', 'S-1-5-21-1-2-3-1999'],
        [
          { sid: 'S-1-5-21-1-2-3-1105', principal: 'CONTOSO\\GOGO-3$', type: 'allow', mask: 0xf01ff },
          { sid: 'S-1-5-21-1-2-3-1999', type: 'allow', mask: 0x10000000 },
          { sid: 'S-1-5-21-1-2-3-1106', principal: 'CONTOSO\\GOGO-2$', type: 'deny', mask: 0x80000000 },
        ],
      ],
      ['GOGO-5', [], [{ sid: 'S-1-5-21-1-2-3-1105', principal: 'CONTOSO\\GOGO-3$', type: 'deny', mask: 0xf01ff }]],
      ['GOGO-2', ['CONTOSO\\GOGO-3$'], [{ sid: 'S-1-5-21-1-2-3-1105', principal: 'CONTOSO\\GOGO-3$', type: 'allow', mask: 0xf01ff }]],
      ['GOGO-3', [], undefined],
    ]);
    expectError(
      () => parsePowerShellExport('bad.json', [psComputer('GOGO-4', { ResourceBasedAces: [ace('S-1-5-21-1-2-3-1105', null, 'Grant', 1)] })]),
      'bad.json',
      '[0].ResourceBasedAces[0].Type: expected Allow or Deny, got string "Grant" (in "GOGO-4")',
    );
  });

  it('accepts a single object (one computer matched), PowerShell 7 layout', () => {
    const { computers } = parsePowerShellExportText('powershell-export-single.json', fixture('powershell-export-single.json'));
    expect(computers).toHaveLength(1);
    expect(computers[0]!.name).toBe('GOGO-3');
    expect(computers[0]!.allowedToDelegateTo).toContain('cifs/GOGO-4');
  });

  it('reads the UTF-16LE file Windows PowerShell 5.1 writes with `>`', () => {
    const bytes = readFileSync(join(FIXTURES, 'powershell-export-utf16.json'));
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xfe]);
    const { computers } = parsePowerShellExportText('powershell-export-utf16.json', decodeSnapshotBytes(bytes));
    expect(computers.map((c) => c.name)).toEqual(['GOGO-3', 'GOGO-4']);
  });

  it('accepts {"Value": [...], "Count": n} collections, a {"value": [...]} top-level wrapper and a bare SID string', () => {
    const wrapped = {
      value: [
        psComputer('GOGO-3', {
          servicePrincipalName: { Value: [`${MIG}/GOGO-3`, 'HOST/GOGO-3'], Count: 2 },
          'msDS-AllowedToDelegateTo': { value: [`${MIG}/GOGO-4`], Count: 1 },
          SID: 'S-1-5-21-1-2-3-1105',
        }),
        psComputer('GOGO-4'),
      ],
      Count: 2,
    };
    const { computers } = parsePowerShellExport('wrapped.json', wrapped);
    expect(computers.map((c) => c.name)).toEqual(['GOGO-3', 'GOGO-4']);
    expect(computers[0]!.servicePrincipalNames).toEqual([`${MIG}/GOGO-3`, 'HOST/GOGO-3']);
    expect(computers[0]!.allowedToDelegateTo).toEqual([`${MIG}/GOGO-4`]);
  });

  it('accepts other spellings: any case, the AD module aliases, numeric strings, single strings and null collections', () => {
    const item = {
      distinguishedname: 'CN=H1,CN=Computers,DC=Child,DC=Contoso,DC=com',
      sAMAccountName: 'H1$',
      dNSHostName: 'h1.child.contoso.com',
      ServicePrincipalNames: 'HOST/H1',
      'msds-allowedtodelegateto': null,
      UserAccountControl: '4096',
      operatingsystem: null,
    };
    const { computers } = parsePowerShellExport('odd.json', item);
    expect(computers[0]).toEqual({
      name: 'H1',
      samAccountName: 'H1$',
      dnsHostName: 'h1.child.contoso.com',
      domain: 'child.contoso.com',
      distinguishedName: 'CN=H1,CN=Computers,DC=Child,DC=Contoso,DC=com',
      userAccountControl: 4096,
      servicePrincipalNames: ['HOST/H1'],
      allowedToDelegateTo: [],
      allowedToActOnBehalfOf: [],
      memberOf: [],
    });
  });

  it('says to raise -Depth when a collection collapsed to its type name', () => {
    const item = psComputer('GOGO-3', { servicePrincipalName: 'Microsoft.ActiveDirectory.Management.ADPropertyValueCollection' });
    expectError(() => parsePowerShellExport('shallow.json', [item]), 'shallow.json', '[0].servicePrincipalName', '-Depth 3', '(in "GOGO-3")');
  });

  it('reports a property missing from every object once, with the -Properties the export needs', () => {
    const items = ['A', 'B', 'C'].map((n) => {
      const c = psComputer(n);
      delete c.userAccountControl;
      return c;
    });
    const err = expectError(
      () => parsePowerShellExport('no-uac.json', items),
      'no-uac.json',
      '[0].userAccountControl: missing (in "A") and from 2 more computer objects',
      '-Properties servicePrincipalName,msDS-AllowedToDelegateTo,userAccountControl',
    );
    expect(err.problem.match(/userAccountControl: missing/g)).toHaveLength(1);
  });

  it('says once when the export was made without -Properties', () => {
    const bare = ['A', 'B'].map((n) => ({ DistinguishedName: `CN=${n},DC=contoso,DC=com`, Name: n, SamAccountName: `${n}$`, ObjectClass: 'computer' }));
    const err = expectError(
      () => parsePowerShellExport('bare.json', bare),
      'bare.json',
      'userAccountControl, servicePrincipalName and msDS-AllowedToDelegateTo missing from 2 computer objects (first [0] "A")',
      'run Get-ADComputer with -Properties',
    );
    expect(err.problem.match(/-Properties/g)).toHaveLength(1);
  });

  it('reports wrong types with the item index, the property and the computer', () => {
    const items = [psComputer('GOGO-2'), psComputer('GOGO-3', { userAccountControl: 'abc', servicePrincipalName: ['HOST/GOGO-3', 42] })];
    expectError(
      () => parsePowerShellExport('types.json', items),
      'types.json',
      '2 problems',
      '[1].userAccountControl: expected number, got string "abc" (in "GOGO-3")',
      '[1].servicePrincipalName[1]: expected string, got number 42 (in "GOGO-3")',
    );
  });

  it('reports items that are not AD objects', () => {
    expectError(() => parsePowerShellExport('mixed.json', [psComputer('GOGO-3'), 'text', { Foo: 1 }]), 'mixed.json', '[1]: expected an AD object', '[2]: not a computer or user object');
    expectError(() => parsePowerShellExport('empty.json', []), 'empty.json', 'empty list');
  });
});

describe('parsePowerShellExport: the user export', () => {
  it('maps users, their flags and ProtectedUsers', () => {
    const { computers, users } = parsePowerShellExportText('powershell-users.json', fixture('powershell-users.json'));
    expect(computers).toEqual([]);
    expect(users).toEqual([
      {
        samAccountName: 'alice',
        userPrincipalName: 'alice@contoso.com',
        distinguishedName: 'CN=Alice Martin,OU=Admins,DC=contoso,DC=com',
        domain: 'contoso.com',
        userAccountControl: 512,
        memberOf: ['CN=Hyper-V Administrators,OU=Groups,DC=contoso,DC=com'],
        protectedUsers: false,
      },
      {
        samAccountName: 'bob',
        userPrincipalName: 'bob@contoso.com',
        distinguishedName: 'CN=Bob Chen,OU=Admins,DC=contoso,DC=com',
        domain: 'contoso.com',
        userAccountControl: 1049088,
        memberOf: ['CN=Domain Admins,CN=Users,DC=contoso,DC=com'],
        protectedUsers: false,
      },
      {
        samAccountName: 'carol',
        userPrincipalName: 'carol@contoso.com',
        distinguishedName: 'CN=Carol Diaz,OU=Admins,DC=contoso,DC=com',
        domain: 'contoso.com',
        userAccountControl: 66048,
        memberOf: ['CN=Tier0 Admins,OU=Groups,DC=contoso,DC=com'],
        protectedUsers: true,
      },
    ]);
    expect(users[1]!.userAccountControl & UAC.NOT_DELEGATED).toBeTruthy();
  });

  it('accepts one user (a single object) and ProtectedUsers as text', () => {
    const user = { SamAccountName: 'dave', UserPrincipalName: null, DistinguishedName: 'CN=dave,DC=contoso,DC=com', userAccountControl: 512, MemberOf: [], ProtectedUsers: 'True' };
    const { users } = parsePowerShellExport('dave.json', user);
    expect(users).toEqual([
      { samAccountName: 'dave', distinguishedName: 'CN=dave,DC=contoso,DC=com', domain: 'contoso.com', userAccountControl: 512, memberOf: [], protectedUsers: true },
    ]);
  });

  it('without a ProtectedUsers column, sees only direct membership under the English name', () => {
    const base = { ObjectClass: 'user', DistinguishedName: 'CN=e,DC=contoso,DC=com', userAccountControl: 512 };
    const direct = parsePowerShellExport('u.json', { ...base, SamAccountName: 'e', MemberOf: ['CN=Protected Users,CN=Users,DC=contoso,DC=com'] });
    expect(direct.users[0]!.protectedUsers).toBe(true);
    const unknown = parsePowerShellExport('u.json', { ...base, SamAccountName: 'f', MemberOf: ['CN=Tier0,DC=contoso,DC=com'] });
    expect(unknown.users[0]!.protectedUsers).toBeUndefined();
  });

  it("uses Get-ADUser's AccountNotDelegated when userAccountControl was not exported", () => {
    const item = { ObjectClass: 'user', SamAccountName: 'g', DistinguishedName: 'CN=g,DC=contoso,DC=com', AccountNotDelegated: true, Enabled: false };
    const { users } = parsePowerShellExport('g.json', item);
    expect(users[0]!.userAccountControl & UAC.NOT_DELEGATED).toBeTruthy();
    expect(users[0]!.userAccountControl & UAC.ACCOUNTDISABLE).toBeTruthy();
  });

  it('requires userAccountControl (or AccountNotDelegated) on users', () => {
    const item = { SamAccountName: 'h', DistinguishedName: 'CN=h,DC=contoso,DC=com', ProtectedUsers: false };
    expectError(() => parsePowerShellExport('h.json', [item]), 'h.json', '[0].userAccountControl: missing (in "h")', 'Get-ADUser');
    expectError(() => parsePowerShellExport('i.json', [{ ...item, userAccountControl: 512, ProtectedUsers: 'maybe' }]), 'i.json', '[0].ProtectedUsers: expected true or false');
  });
});

describe('detection and DirectoryData', () => {
  it('recognises exports and nothing else', () => {
    expect(isPowerShellExport([psComputer('A')])).toBe(true);
    expect(isPowerShellExport(psComputer('A'))).toBe(true);
    expect(isPowerShellExport({ value: [psComputer('A')], Count: 1 })).toBe(true);
    expect(isPowerShellExport({ SamAccountName: 'alice', DistinguishedName: 'CN=alice,DC=x' })).toBe(true);
    expect(isPowerShellExport({ format: 'kcd-snapshot' })).toBe(false);
    expect(isPowerShellExport([])).toBe(false);
    expect(isPowerShellExport([1, 2])).toBe(false);
    expect(isPowerShellExport('x')).toBe(false);
  });

  it('builds DirectoryData with derived domains, no groups, SPN accounts or sPNMappings', () => {
    const exported = parsePowerShellExport('x.json', [psComputer('GOGO-3'), { ...psComputer('K1'), DistinguishedName: 'CN=K1,DC=fabrikam,DC=com' }]);
    const data = powerShellToDirectoryData(exported, powerShellSource('x.json', '2025-03-14T09:30:00.000Z'));
    expect(data.source).toEqual({ kind: 'snapshot', label: 'snapshot x.json (PowerShell export)', takenAt: '2025-03-14T09:30:00.000Z' });
    expect(data.domains).toEqual(['contoso.com', 'fabrikam.com']);
    expect(data.groups).toEqual([]);
    expect(data.spnAccounts).toEqual([]);
    expect(data.spnMappings).toEqual([]);
  });

  it('documents the exact export commands in docs/snapshot-files.md', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'snapshot-files.md'), 'utf8');
    expect(doc).toContain(COMPUTER_EXPORT_COMMAND);
    expect(doc).toContain(USER_EXPORT_COMMAND);
    expect(USER_EXPORT_COMMAND).toContain('-525');
    expect(USER_EXPORT_COMMAND).toContain('tokenGroups');
  });
});
