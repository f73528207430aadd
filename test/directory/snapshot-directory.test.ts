import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SnapshotFileError } from '../../src/domain/errors';
import type { DirectoryData } from '../../src/domain/model';
import { SnapshotDirectory, loadSnapshotFiles, splitDirectoryOption } from '../../src/directory/snapshot-directory';
import { parseSnapshotFile, serializeSnapshot } from '../../src/directory/snapshot-format';

const FIXTURES = join(__dirname, '..', 'fixtures', 'snapshots');
const fx = (name: string) => join(FIXTURES, name);
const LAB = fx('powershell-export-lab.json');
const USERS = fx('powershell-users.json');

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'kcd-snapshot-test-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

async function expectSnapshotError(promise: Promise<unknown>, file: string, ...fragments: string[]): Promise<SnapshotFileError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SnapshotFileError);
  const e = err as SnapshotFileError;
  expect(e.code).toBe('snapshot-file');
  expect(e.message).toContain(file);
  for (const fragment of fragments) expect(e.message).toContain(fragment);
  return e;
}

describe('SnapshotDirectory', () => {
  it('reads a PowerShell computers export plus a user export', async () => {
    const dir = new SnapshotDirectory([LAB, USERS]);
    expect(dir.describe()).toEqual({ kind: 'snapshot', label: 'snapshot powershell-export-lab.json + powershell-users.json' });
    const snapshot = await dir.snapshot();
    const { data } = snapshot;
    expect(data.source).toEqual({
      kind: 'snapshot',
      label: 'snapshot powershell-export-lab.json (PowerShell export) + powershell-users.json',
      takenAt: statSync(LAB).mtime.toISOString(),
    });
    expect(dir.describe().label).toBe(data.source.label);
    expect(data.domains).toEqual(['contoso.com']);
    expect(data.computers).toHaveLength(5);
    expect(data.users.map((u) => u.samAccountName)).toEqual(['alice', 'bob', 'carol']);
    expect(data.groups).toEqual([]);
    expect(data.spnAccounts).toEqual([]);
    expect(data.spnMappings).toEqual([]);
    expect(snapshot.hyperVHosts.map((h) => h.name)).toEqual(['GOGO-2', 'GOGO-3', 'GOGO-4']);
    expect(snapshot.computersByName.get('gogo-4.contoso.com')?.name).toBe('GOGO-4');
  });

  it('finds users by sAMAccountName, UPN or DOMAIN\\name, case-insensitively', async () => {
    const dir = new SnapshotDirectory([USERS, LAB]); // order does not matter
    expect((await dir.findUser('ALICE'))?.samAccountName).toBe('alice');
    expect((await dir.findUser(' carol@CONTOSO.com '))?.protectedUsers).toBe(true);
    expect((await dir.findUser('CONTOSO\\bob'))?.samAccountName).toBe('bob');
    expect(await dir.findUser('mallory')).toBeUndefined();
    await dir.close();
  });

  it('reads each file once and caches the snapshot', async () => {
    const reads: string[] = [];
    const dir = new SnapshotDirectory(LAB, {
      readFile: (path) => {
        reads.push(path);
        return Promise.resolve(readFileSync(path));
      },
    });
    const [a, b] = await Promise.all([dir.snapshot(), dir.snapshot()]);
    const c = await dir.snapshot();
    expect(a).toBe(b);
    expect(a).toBe(c);
    expect(reads).toEqual([LAB]);
  });

  it('tries again after a failed read', async () => {
    let calls = 0;
    const dir = new SnapshotDirectory('flaky.json', {
      readFile: () => {
        calls += 1;
        if (calls === 1) return Promise.reject(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }));
        return Promise.resolve(readFileSync(LAB));
      },
      stat: () => Promise.resolve({ mtime: new Date('2025-03-14T09:30:00Z') }),
    });
    await expectSnapshotError(dir.snapshot(), 'flaky.json', 'permission denied');
    const snapshot = await dir.snapshot();
    expect(snapshot.data.source.takenAt).toBe('2025-03-14T09:30:00.000Z');
  });

  it('names a missing file', async () => {
    const missing = join(tmp, 'no-such-export.json');
    const err = await expectSnapshotError(new SnapshotDirectory([LAB, missing]).snapshot(), missing, 'file not found');
    expect(err.file).toBe(missing);
  });

  it('names a directory given as a file', async () => {
    await expectSnapshotError(new SnapshotDirectory(tmp).snapshot(), tmp, 'is a directory');
  });

  it('reads the UTF-16LE export of Windows PowerShell 5.1', async () => {
    const snapshot = await new SnapshotDirectory(fx('powershell-export-utf16.json')).snapshot();
    expect(snapshot.data.computers.map((c) => c.name)).toEqual(['GOGO-3', 'GOGO-4']);
  });

  it('reads a single-object export', async () => {
    const snapshot = await new SnapshotDirectory(fx('powershell-export-single.json')).snapshot();
    expect(snapshot.data.computers.map((c) => c.name)).toEqual(['GOGO-3']);
  });

  it('reads its own format and keeps the original source in the label', async () => {
    const file = join(tmp, 'customer.json');
    const original = parseSnapshotFile('kcd-snapshot-lab.json', readFileSync(fx('kcd-snapshot-lab.json'), 'utf8'));
    writeFileSync(file, serializeSnapshot(original));
    const dir = new SnapshotDirectory(file);
    const { data } = await dir.snapshot();
    expect(data.source).toEqual({
      kind: 'snapshot',
      label: 'snapshot customer.json (kcd snapshot of ldaps://dc1.contoso.com)',
      takenAt: '2025-03-14T09:30:00.000Z',
    });
    expect({ ...data, source: original.source }).toEqual(original);
  });

  it('explains both accepted formats for JSON that is neither', async () => {
    const file = join(tmp, 'other.json');
    writeFileSync(file, JSON.stringify({ hosts: [{ hostname: 'GOGO-3' }] }));
    await expectSnapshotError(
      new SnapshotDirectory(file).snapshot(),
      file,
      'neither accepted format',
      '"format": "kcd-snapshot"',
      'kcd snapshot --out',
      'Get-ADComputer -Filter *',
      'Get-ADUser',
      'found an object with keys hosts',
    );
  });

  it('passes on parse errors with the file name and the field path', async () => {
    const bad = fx('malformed-wrong-types.json');
    await expectSnapshotError(new SnapshotDirectory(bad).snapshot(), bad, 'computers[3].userAccountControl: expected number');
    const notJson = fx('malformed-not-json.json');
    await expectSnapshotError(new SnapshotDirectory(notJson).snapshot(), notJson, 'not JSON', 'line 3 column 1', 'ConvertTo-Json');
    const empty = join(tmp, 'empty.json');
    writeFileSync(empty, '');
    await expectSnapshotError(new SnapshotDirectory(empty).snapshot(), empty, 'empty file');
  });

  it('refuses users without computers', async () => {
    await expectSnapshotError(new SnapshotDirectory(USERS).snapshot(), 'powershell-users.json', 'no computers', 'Get-ADComputer');
  });

  it('refuses an empty list of files', () => {
    expect(() => new SnapshotDirectory([])).toThrow(SnapshotFileError);
  });
});

describe('loadSnapshotFiles', () => {
  const at = new Date('2025-03-14T09:30:00Z');
  const input = (path: string) => ({ path, content: readFileSync(fx(path)), modifiedAt: at });

  it('matches the committed kcd snapshot made from the same exports', () => {
    const fromExports = loadSnapshotFiles([input('powershell-export-lab.json'), input('powershell-users.json')]);
    const committed = parseSnapshotFile('kcd-snapshot-lab.json', readFileSync(fx('kcd-snapshot-lab.json'), 'utf8'));
    expect({ ...fromExports, source: committed.source }).toEqual(committed);
  });

  it('de-duplicates computers across files and lets a later user export replace a user', () => {
    const own: DirectoryData = parseSnapshotFile('kcd-snapshot-lab.json', readFileSync(fx('kcd-snapshot-lab.json'), 'utf8'));
    const stale = { ...own, users: own.users.map((u) => (u.samAccountName === 'carol' ? { ...u, protectedUsers: false } : u)) };
    const data = loadSnapshotFiles([
      { path: 'own.json', content: serializeSnapshot(stale), modifiedAt: at },
      input('powershell-export-utf16.json'),
      input('powershell-users.json'),
    ]);
    expect(data.computers.map((c) => c.name)).toEqual(['DC1', 'FHOST1', 'GOGO-2', 'GOGO-3', 'GOGO-4']);
    expect(data.users.find((u) => u.samAccountName === 'carol')?.protectedUsers).toBe(true);
    expect(data.users).toHaveLength(3);
    expect(data.source.label).toBe('snapshot own.json (kcd snapshot of ldaps://dc1.contoso.com) + powershell-export-utf16.json + powershell-users.json');
  });

  it('merges exports of several domains', () => {
    const fabrikam = JSON.stringify([
      {
        DistinguishedName: 'CN=HV1,OU=Hosts,DC=fabrikam,DC=com',
        Name: 'HV1',
        SamAccountName: 'HV1$',
        servicePrincipalName: ['Microsoft Virtual System Migration Service/HV1'],
        'msDS-AllowedToDelegateTo': [],
        userAccountControl: 4096,
      },
    ]);
    const data = loadSnapshotFiles([input('powershell-export-lab.json'), { path: 'fabrikam.json', content: fabrikam, modifiedAt: at }]);
    expect(data.domains).toEqual(['contoso.com', 'fabrikam.com']);
    expect(data.computers).toHaveLength(6);
  });
});

describe('splitDirectoryOption', () => {
  it('splits commas and flattens repeats', () => {
    expect(splitDirectoryOption(['customer.json,users.json', ' more.json ', ''])).toEqual(['customer.json', 'users.json', 'more.json']);
    expect(splitDirectoryOption('a.json')).toEqual(['a.json']);
  });
});
