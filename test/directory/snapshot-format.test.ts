import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SnapshotFileError } from '../../src/domain/errors';
import type { DirectoryData } from '../../src/domain/model';
import {
  decodeSnapshotBytes,
  formatPath,
  jsonErrorPosition,
  parseJsonText,
  parseSnapshotFile,
  serializeSnapshot,
} from '../../src/directory/snapshot-format';

const FIXTURES = join(__dirname, '..', 'fixtures', 'snapshots');
const fixtureText = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

function sampleData(): DirectoryData {
  return {
    source: { kind: 'ldap', label: 'ldaps://dc1.contoso.com', takenAt: '2025-03-14T09:30:00.000Z' },
    domains: ['contoso.com'],
    computers: [
      {
        name: 'GOGO-3',
        samAccountName: 'GOGO-3$',
        dnsHostName: 'gogo-3.contoso.com',
        domain: 'contoso.com',
        distinguishedName: 'CN=GOGO-3,OU=Hyper-V Hosts,DC=contoso,DC=com',
        userAccountControl: 0x1001000,
        servicePrincipalNames: ['Microsoft Virtual System Migration Service/GOGO-3', 'HOST/GOGO-3'],
        allowedToDelegateTo: ['Microsoft Virtual System Migration Service/GOGO-4', 'cifs/gogo-4.contoso.com'],
        allowedToActOnBehalfOf: [],
        operatingSystem: 'Windows Server 2022 Datacenter',
        operatingSystemVersion: '10.0 (20348)',
        supportedEncryptionTypes: 0x1c,
        memberOf: ['CN=Hyper-V Hosts,OU=Groups,DC=contoso,DC=com'],
      },
      {
        // No dNSHostName, no OS: optional keys absent.
        name: 'OLD-1',
        samAccountName: 'OLD-1$',
        domain: 'contoso.com',
        distinguishedName: 'CN=OLD-1,CN=Computers,DC=contoso,DC=com',
        userAccountControl: 0x1002,
        servicePrincipalNames: [],
        allowedToDelegateTo: [],
        allowedToActOnBehalfOf: ['GOGO-3$'],
        memberOf: [],
      },
    ],
    users: [
      {
        samAccountName: 'alice',
        userPrincipalName: 'alice@contoso.com',
        distinguishedName: 'CN=Alice,OU=Admins,DC=contoso,DC=com',
        domain: 'contoso.com',
        userAccountControl: 512,
        memberOf: ['CN=Tier0 Admins,OU=Groups,DC=contoso,DC=com'],
        protectedUsers: false,
        supportedEncryptionTypes: 0x4,
      },
      { samAccountName: 'svc', distinguishedName: 'CN=svc,DC=contoso,DC=com', domain: 'contoso.com', userAccountControl: 66048, memberOf: [] },
    ],
    groups: [
      { distinguishedName: 'CN=Tier0 Admins,OU=Groups,DC=contoso,DC=com', name: 'Tier0 Admins', memberOf: ['CN=Protected Users,CN=Users,DC=contoso,DC=com'] },
      { distinguishedName: 'CN=Protected Users,CN=Users,DC=contoso,DC=com', name: 'Protected Users', sid: 'S-1-5-21-1-2-3-525', memberOf: [] },
    ],
    spnAccounts: [
      { samAccountName: 'krbtgt', distinguishedName: 'CN=krbtgt,CN=Users,DC=contoso,DC=com', servicePrincipalNames: ['kadmin/changepw'], userAccountControl: 514 },
      { samAccountName: 'svc-sql', distinguishedName: 'CN=svc-sql,DC=contoso,DC=com', servicePrincipalNames: ['MSSQLSvc/sql1'] },
    ],
    spnMappings: ['host=alerter,cifs,http'],
  };
}

function expectSnapshotError(run: () => unknown, file: string, ...fragments: string[]): SnapshotFileError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(SnapshotFileError);
  const err = caught as SnapshotFileError;
  expect(err.code).toBe('snapshot-file');
  expect(err.exitCode).toBe(2);
  expect(err.file).toBe(file);
  expect(err.message).toContain(file);
  for (const fragment of fragments) expect(err.message).toContain(fragment);
  return err;
}

describe('serializeSnapshot / parseSnapshotFile', () => {
  it('round-trips DirectoryData', () => {
    const data = sampleData();
    expect(parseSnapshotFile('x.json', serializeSnapshot(data))).toEqual(data);
  });

  it('is idempotent byte for byte', () => {
    const text = serializeSnapshot(sampleData());
    expect(serializeSnapshot(parseSnapshotFile('x.json', text))).toBe(text);
  });

  it('writes pretty JSON with the format marker first and a stable key order', () => {
    const data = sampleData();
    const text = serializeSnapshot(data);
    expect(text.startsWith('{\n  "format": "kcd-snapshot",\n  "version": 1,\n  "source": {\n    "kind": "ldap",')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    // Same data with keys in another order → the same text.
    const c = data.computers[0]!;
    const shuffled: DirectoryData = {
      spnMappings: data.spnMappings,
      spnAccounts: data.spnAccounts,
      groups: data.groups,
      users: data.users,
      computers: [
        {
          memberOf: c.memberOf,
          supportedEncryptionTypes: c.supportedEncryptionTypes,
          operatingSystemVersion: c.operatingSystemVersion,
          operatingSystem: c.operatingSystem,
          allowedToActOnBehalfOf: c.allowedToActOnBehalfOf,
          allowedToDelegateTo: c.allowedToDelegateTo,
          servicePrincipalNames: c.servicePrincipalNames,
          userAccountControl: c.userAccountControl,
          distinguishedName: c.distinguishedName,
          domain: c.domain,
          dnsHostName: c.dnsHostName,
          samAccountName: c.samAccountName,
          name: c.name,
        },
        data.computers[1]!,
      ],
      domains: data.domains,
      source: { takenAt: data.source.takenAt, label: data.source.label, kind: data.source.kind },
    };
    expect(serializeSnapshot(shuffled)).toBe(text);
  });

  it('leaves absent optional attributes out of the file', () => {
    const text = serializeSnapshot(sampleData());
    const parsed = JSON.parse(text) as { computers: Array<Record<string, unknown>> };
    expect(Object.keys(parsed.computers[1]!)).not.toContain('dnsHostName');
    expect(Object.keys(parsed.computers[1]!)).not.toContain('operatingSystem');
  });

  it('reads the committed kcd snapshot fixture', () => {
    const data = parseSnapshotFile('kcd-snapshot-lab.json', fixtureText('kcd-snapshot-lab.json'));
    expect(data.computers.map((c) => c.name)).toEqual(['DC1', 'FHOST1', 'GOGO-2', 'GOGO-3', 'GOGO-4']);
    expect(data.users.map((u) => u.samAccountName)).toEqual(['alice', 'bob', 'carol']);
  });

  it('accepts a hand-written file that leaves out optional lists and uses null for absent strings', () => {
    const text = JSON.stringify({
      format: 'kcd-snapshot',
      version: 1,
      source: { kind: 'snapshot', label: 'hand-made', takenAt: '2025-01-01T00:00:00Z' },
      domains: ['contoso.com'],
      computers: [
        {
          name: 'H1',
          samAccountName: 'H1$',
          dnsHostName: null,
          domain: 'contoso.com',
          distinguishedName: 'CN=H1,DC=contoso,DC=com',
          userAccountControl: 4096,
          servicePrincipalNames: [],
          allowedToDelegateTo: [],
        },
      ],
    });
    const data = parseSnapshotFile('hand.json', text);
    expect(data.computers[0]).toEqual({
      name: 'H1',
      samAccountName: 'H1$',
      domain: 'contoso.com',
      distinguishedName: 'CN=H1,DC=contoso,DC=com',
      userAccountControl: 4096,
      servicePrincipalNames: [],
      allowedToDelegateTo: [],
      allowedToActOnBehalfOf: [],
      memberOf: [],
    });
    expect(data.users).toEqual([]);
    expect(data.groups).toEqual([]);
    expect(data.spnAccounts).toEqual([]);
    expect(data.spnMappings).toEqual([]);
  });

  it('ignores a leading BOM in the text', () => {
    const data = sampleData();
    expect(parseSnapshotFile('x.json', `\uFEFF${serializeSnapshot(data)}`)).toEqual(data);
  });
});

describe('resource-based descriptors in snapshot files', () => {
  const aces = [
    { sid: 'S-1-5-21-1-2-3-1105', principal: 'GOGO-3$', type: 'allow' as const, mask: 0x10000000 },
    { sid: 'S-1-5-21-1-2-3-1999', type: 'deny' as const, mask: 0xf01ff },
  ];

  it('keeps each ACE (SID, principal when it resolved, type, mask) and reads it back', () => {
    const data = sampleData();
    data.computers[0] = { ...data.computers[0]!, allowedToActOnBehalfOf: ['GOGO-3$'], resourceBasedAces: aces };
    const text = serializeSnapshot(data);
    expect(text).toContain('"mask": 268435456');
    expect(parseSnapshotFile('x.json', text).computers[0]!.resourceBasedAces).toEqual(aces);
  });

  it('reads files written before the ACEs were kept: the names only, no ACEs', () => {
    const data = sampleData();
    data.computers[0] = { ...data.computers[0]!, allowedToActOnBehalfOf: ['GOGO-3$'] };
    const parsed = parseSnapshotFile('old.json', serializeSnapshot(data)).computers[0]!;
    expect(parsed.allowedToActOnBehalfOf).toEqual(['GOGO-3$']);
    expect(parsed.resourceBasedAces).toBeUndefined();
  });

  it('names a bad ACE by its path', () => {
    const file = JSON.parse(serializeSnapshot(sampleData())) as { computers: Array<Record<string, unknown>> };
    file.computers[0]!.resourceBasedAces = [{ sid: 'S-1-5-21-1-2-3-4', type: 'grant', mask: 1 }];
    expect(() => parseSnapshotFile('x.json', JSON.stringify(file))).toThrow(/computers\[0\]\.resourceBasedAces\[0\]\.type/);
  });
});

describe('parseSnapshotFile errors', () => {
  it('reports an empty file', () => {
    expectSnapshotError(() => parseSnapshotFile('empty.json', ''), 'empty.json', 'empty file');
    expectSnapshotError(() => parseSnapshotFile('blank.json', ' \r\n\t\n'), 'blank.json', 'empty file');
    expectSnapshotError(() => parseSnapshotFile('bom.json', '\uFEFF'), 'bom.json', 'empty file');
  });

  it('reports invalid JSON with its line and column', () => {
    const text = '{\n  "format": "kcd-snapshot",\n  "version": 1,\n}\n';
    expectSnapshotError(() => parseSnapshotFile('trailing-comma.json', text), 'trailing-comma.json', 'not JSON: ', 'at line 4 column 1');
  });

  it('gives a line and column even where Node does not report a position', () => {
    const text = '{\n  "format": "kcd-snapshot",\n  "version": tru\n}';
    expectSnapshotError(() => parseSnapshotFile('bad-literal.json', text), 'bad-literal.json', 'not JSON: Unexpected token', 'at line 3 column');
  });

  it('reports a truncated file at its end', () => {
    const text = '{\n  "format": "kcd-snapshot",\n  "computers": [';
    expectSnapshotError(() => parseSnapshotFile('cut.json', text), 'cut.json', 'not JSON: ', 'at line 3 column 17');
  });

  it('keeps a message on one line when V8 quotes a snippet with line breaks', () => {
    const err = expectSnapshotError(
      () => parseSnapshotFile('malformed-not-json.json', fixtureText('malformed-not-json.json')),
      'malformed-not-json.json',
      'not JSON: ',
      'at line 3 column 1',
      'ConvertTo-Json',
    );
    expect(err.problem).not.toMatch(/[\r\n]/);
  });

  it('reports an unknown format', () => {
    expectSnapshotError(() => parseSnapshotFile('other.json', '{"format": "bloodhound", "version": 1}'), 'other.json', 'unknown format "bloodhound"');
    expectSnapshotError(() => parseSnapshotFile('nofmt.json', '{"computers": []}'), 'nofmt.json', 'unknown format', '"format"');
    expectSnapshotError(() => parseSnapshotFile('array.json', '[]'), 'array.json', 'unknown format', 'got array');
  });

  it('reports a newer version clearly', () => {
    const text = JSON.stringify({ format: 'kcd-snapshot', version: 2, computers: [] });
    expectSnapshotError(() => parseSnapshotFile('v2.json', text), 'v2.json', 'version 2 is newer');
    const bad = JSON.stringify({ format: 'kcd-snapshot', version: '1' });
    expectSnapshotError(() => parseSnapshotFile('v-string.json', bad), 'v-string.json', 'version: expected 1, got string "1"');
  });

  it('reports several wrong types at once, each with its path', () => {
    const err = expectSnapshotError(
      () => parseSnapshotFile('malformed-wrong-types.json', fixtureText('malformed-wrong-types.json')),
      'malformed-wrong-types.json',
      '4 problems',
      'computers[1].servicePrincipalNames: expected array, got string "HOST/GOGO-2" (in "GOGO-2")',
      'computers[3].userAccountControl: expected number, got string "16781312" (in "GOGO-4")',
      'computers[4].distinguishedName: missing (expected string)',
      'users[0].protectedUsers: expected boolean, got string "yes" (in "alice")',
    );
    expect(err.remediation).toContain('kcd snapshot');
  });

  it('lists the first five problems and counts the rest', () => {
    const data = JSON.parse(serializeSnapshot(sampleData())) as Record<string, unknown>;
    const computers = Array.from({ length: 8 }, (_, i) => ({ ...(data.computers as object[])[0], name: `H${i}`, userAccountControl: 'x' }));
    const text = JSON.stringify({ ...data, computers });
    const err = expectSnapshotError(() => parseSnapshotFile('many.json', text), 'many.json', '8 problems', 'computers[4].userAccountControl', '… and 3 more');
    expect(err.message).not.toContain('computers[5].userAccountControl');
  });

  it('reports a bad enum value and an empty name', () => {
    const data = JSON.parse(serializeSnapshot(sampleData())) as { source: { kind: string }; computers: Array<{ name: string }> };
    data.source.kind = 'ftp';
    data.computers[0]!.name = '';
    expectSnapshotError(
      () => parseSnapshotFile('enum.json', JSON.stringify(data)),
      'enum.json',
      'source.kind: expected "demo" or "ldap" or "snapshot", got string "ftp"',
      'computers[0].name: must not be empty',
    );
  });
});

describe('decodeSnapshotBytes', () => {
  const json = '{"a": "é"}';
  it('decodes UTF-8 with and without BOM', () => {
    expect(decodeSnapshotBytes(Buffer.from(json, 'utf8'))).toBe(json);
    expect(decodeSnapshotBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json, 'utf8')]))).toBe(json);
  });
  it('decodes UTF-16LE with BOM (Windows PowerShell 5.1 `> file`) and without', () => {
    expect(decodeSnapshotBytes(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')]))).toBe(json);
    expect(decodeSnapshotBytes(Buffer.from(json, 'utf16le'))).toBe(json);
  });
  it('decodes UTF-16BE with BOM', () => {
    const le = Buffer.from(json, 'utf16le');
    const be = Buffer.alloc(le.length);
    for (let i = 0; i < le.length; i += 2) {
      be[i] = le[i + 1]!;
      be[i + 1] = le[i]!;
    }
    expect(decodeSnapshotBytes(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toBe(json);
  });
});

describe('helpers', () => {
  it('formats paths', () => {
    expect(formatPath(['computers', 3, 'userAccountControl'])).toBe('computers[3].userAccountControl');
    expect(formatPath([0, 'msDS-AllowedToDelegateTo', 1])).toBe('[0].msDS-AllowedToDelegateTo[1]');
    expect(formatPath(['a b'])).toBe('["a b"]');
    expect(formatPath([])).toBe('(top level)');
  });

  it('finds where JSON stops being valid', () => {
    expect(jsonErrorPosition('{"a": tru}')).toBe(9);
    expect(jsonErrorPosition('[1, 2')).toBe(5);
    expect(jsonErrorPosition('{"a": 1} x')).toBe(9);
    expect(jsonErrorPosition('{"a": "\\q"}')).toBe(8);
    expect(jsonErrorPosition('{"a": [1, {"b": null}]}')).toBe(23);
  });

  it('parseJsonText names two concatenated exports', () => {
    expectSnapshotError(() => parseJsonText('twice.json', '[{"a":1}]\r\n[{"a":2}]'), 'twice.json', 'at line 2 column 1', 'two JSON documents');
  });
});
