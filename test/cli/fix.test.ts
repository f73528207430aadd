import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditLog, AuditRecord, FixPlan } from '../../src/apply/types';
import { runCli, type CliIo } from '../../src/cli/program';
import { serializeSnapshot } from '../../src/directory/snapshot-format';
import type { DirectoryData } from '../../src/domain/model';
import { MemoryDirectoryWriter, type MemoryWriterOptions } from '../support/memory-writer';
import { loadScenario, scenarioData } from '../support/scenario';

const MIGRATION = 'Microsoft Virtual System Migration Service';
// eslint-disable-next-line no-control-regex -- control characters are what this expression looks for
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

class MemoryAuditLog implements AuditLog {
  readonly records: AuditRecord[] = [];
  append(record: AuditRecord): Promise<void> {
    this.records.push(record);
    return Promise.resolve();
  }
  last(n: number): Promise<AuditRecord[]> {
    return Promise.resolve(this.records.slice(-n));
  }
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kcd-fix-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The scenario's directory as a snapshot file (what --directory reads), and its data. */
function scenarioFile(id: string, change?: (d: DirectoryData) => void): { file: string; data: DirectoryData } {
  const data = scenarioData(loadScenario(id));
  change?.(data);
  const file = join(dir, `${id}.json`);
  writeFileSync(file, serializeSnapshot(data));
  return { file, data };
}

/** A configuration with the write account (and the LDAP directory it belongs to; --directory FILE is read instead). */
function writeEnv(): Record<string, string> {
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  return {
    KCD_LDAP_URL: 'ldaps://dc1.lab.test',
    KCD_LDAP_BIND_DN: 'CN=kcd-reader,CN=Users,DC=lab,DC=test',
    KCD_LDAP_BIND_PASSWORD_FILE: file('read-password', 'secret-read-password\n'),
    KCD_WRITE_BIND_DN: 'CN=kcd-writer,CN=Users,DC=lab,DC=test',
    KCD_WRITE_BIND_PASSWORD_FILE: file('write-password', 'secret-write-password\n'),
  };
}

interface Harness {
  writer?: MemoryDirectoryWriter;
  audit: MemoryAuditLog;
  opened: Array<{ writeBindDN: string; writeBindPassword: string }>;
}

async function cli(args: string[], options: { env?: Record<string, string>; writerData?: DirectoryData; writer?: MemoryWriterOptions; fileAudit?: boolean } = {}) {
  let stdout = '';
  let stderr = '';
  const harness: Harness = { audit: new MemoryAuditLog(), opened: [] };
  const io: CliIo = {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    env: options.env ?? {},
    apply: {
      openWriter: (account) => {
        harness.opened.push(account);
        harness.writer = new MemoryDirectoryWriter(options.writerData!, options.writer);
        return Promise.resolve(harness.writer);
      },
      ...(options.fileAudit ? {} : { openAuditLog: () => Promise.resolve(harness.audit) }),
      actor: () => ({ via: 'cli', name: 'tester' }),
      planId: () => 'plan-cli',
      now: () => new Date('2026-12-07T06:30:00.000Z'),
    },
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr, ...harness };
}

interface FixJson {
  plan: FixPlan;
  ready?: boolean;
  applied: boolean;
  written?: string[];
  outcome?: { status: string };
  check?: { ready: boolean; findings: Array<{ rule: string }> };
}

describe('kcd fix (the plan only)', () => {
  test('prints each object, its values to add and userAccountControl before → after; exit 1; nothing opened', async () => {
    const r = await cli(['fix', 'GOGO-3', 'GOGO-4', '--storage', '--file-server', 'FHOST1']);
    expect(r.code).toBe(1);
    expect(r.opened).toEqual([]);
    expect(r.stdout).toContain('Plan plan-cli for GOGO-3 → GOGO-4 (with storage, files on FHOST1): 1 object to change, 0 fixes not applied.');
    expect(r.stdout).toContain(
      [
        'GOGO-3$ (computer) — fixes KCD001, KCD002, KCD003, KCD004',
        '  dn: CN=GOGO-3,OU=Hyper-V Hosts,DC=contoso,DC=com',
        '  msDS-AllowedToDelegateTo:',
        `    + ${MIGRATION}/gogo-4.contoso.com`,
        '    + cifs/GOGO-4',
        '    + cifs/gogo-4.contoso.com',
        '    + cifs/FHOST1',
        '    + cifs/fhost1.contoso.com',
        '  userAccountControl: 0x1000 (WORKSTATION_TRUST_ACCOUNT) → 0x1001000 (WORKSTATION_TRUST_ACCOUNT | TRUSTED_TO_AUTH_FOR_DELEGATION)',
      ].join('\n'),
    );
    expect(r.stdout).toContain('Invoke-Command -ComputerName GOGO-3 { klist -li 0x3e7 purge }');
  });

  test('--json: the plan as data', async () => {
    const r = await cli(['fix', 'GOGO-3', 'GOGO-4', '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as FixJson;
    expect(out).toMatchObject({ ready: false, applied: false, plan: { id: 'plan-cli', createdAt: '2026-12-07T06:30:00.000Z', directory: 'demo directory' } });
    expect(out.plan.objects.map((o) => [o.name, o.changes.map((c) => c.attribute)])).toEqual([['GOGO-3$', ['msDS-AllowedToDelegateTo', 'userAccountControl']]]);
  });

  test('a ready pair with nothing to change exits 0', async () => {
    const r = await cli(['fix', 'GOGO-4', 'GOGO-2', '--storage']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Nothing to change in AD.');
  });

  test('refused fixes and the host-side steps are listed', async () => {
    const { file } = scenarioFile('duplicate-spn');
    const r = await cli(['fix', 'SRC', 'DST', '--directory', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`Not applied by kcd:\n  KCD008 DST: host-side — SPNs are removed with setspn: ${MIGRATION}/DST from svc-vmm.`);
    expect(r.stdout).toContain(`For a person to do (PowerShell):\nsetspn -D '${MIGRATION}/DST' svc-vmm`);
  });

  test('values from AD reach the terminal without control sequences, in text and JSON', async () => {
    const { file } = scenarioFile('stale-entry', (d) => d.computers[0]!.allowedToDelegateTo.push('cifs/\u001b[2J\u009b31mEVIL'));
    const r = await cli(['fix', 'SRC', 'DST', '--directory', file]);
    expect(r.stdout).toContain('    − cifs/\\u001b[2J\\u009b31mEVIL');
    expect(r.stdout).not.toMatch(CONTROL);
    const json = await cli(['fix', 'SRC', 'DST', '--directory', file, '--json']);
    expect(json.stdout).not.toMatch(CONTROL);
    const removed = (JSON.parse(json.stdout) as FixJson).plan.objects[0]!.changes[0] as { remove: string[] };
    expect(removed.remove).toContain('cifs/\u001b[2J\u009b31mEVIL');
  });

  test('kcd host --fix plans for the host and every peer; --apply without --fix is an input error', async () => {
    const r = await cli(['host', 'AZ-HV1', '--fix', '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as FixJson;
    expect(out.plan.question).toEqual({ kind: 'host', host: 'AZ-HV1', storage: true });
    expect(out.plan.objects.map((o) => o.name)).toEqual(['AZ-HV1$', 'AZ-HV2$', 'AZ-HV3$']);
    const bad = await cli(['host', 'AZ-HV1', '--apply']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--apply works with --fix only.');
  });
});

describe('kcd fix --apply', () => {
  test('without the write account: a configuration error naming both variables, nothing opened', async () => {
    const r = await cli(['fix', 'GOGO-3', 'GOGO-4', '--apply']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('KCD_WRITE_BIND_DN');
    expect(r.stderr).toContain('KCD_WRITE_BIND_PASSWORD_FILE');
    expect(r.opened).toEqual([]);
  });

  test('writes the plan, audits it, re-reads the directory and prints the fresh check: READY, exit 0', async () => {
    const { file, data } = scenarioFile('missing-cifs');
    const r = await cli(['fix', 'SRC', 'DST', '--storage', '--apply', '--directory', file], { env: writeEnv(), writerData: data, writer: { file } });
    expect(r.code).toBe(0);
    expect(r.opened).toEqual([{ writeBindDN: 'CN=kcd-writer,CN=Users,DC=lab,DC=test', writeBindPassword: 'secret-write-password' }]);
    expect(r.stdout).not.toContain('secret-write-password');
    expect(r.stdout).toContain('Written: SRC$.');
    expect(r.stdout).toMatch(/The directory read afresh:\nkcd · directory: .*\nSRC → DST \(with storage\): READY/);
    const held = JSON.parse(readFileSync(file, 'utf8')) as DirectoryData;
    expect(held.computers.find((c) => c.name === 'SRC')!.allowedToDelegateTo).toEqual([`${MIGRATION}/DST`, `${MIGRATION}/dst.lab.test`, 'cifs/DST', 'cifs/dst.lab.test']);
    expect(r.writer!.closed).toBe(true);
    expect(r.audit.records).toEqual([
      {
        at: '2026-12-07T06:30:00.000Z',
        event: 'written',
        planId: 'plan-cli',
        actor: { via: 'cli', name: 'tester' },
        objects: [
          {
            dn: 'CN=SRC,CN=Computers,DC=lab,DC=test',
            status: 'written',
            before: { 'msDS-AllowedToDelegateTo': [`${MIGRATION}/DST`, `${MIGRATION}/dst.lab.test`] },
            after: { 'msDS-AllowedToDelegateTo': [`${MIGRATION}/DST`, `${MIGRATION}/dst.lab.test`, 'cifs/DST', 'cifs/dst.lab.test'] },
          },
        ],
      },
    ]);
  });

  test('--json: the outcome, which objects were written, and the fresh check', async () => {
    const { file, data } = scenarioFile('kerberos-only');
    const r = await cli(['fix', 'SRC', 'DST', '--storage', '--apply', '--json', '--directory', file], { env: writeEnv(), writerData: data, writer: { file } });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as FixJson;
    expect(out).toMatchObject({ applied: true, written: ['CN=SRC,CN=Computers,DC=lab,DC=test'], outcome: { status: 'applied' }, check: { ready: true, findings: [] } });
  });

  test('a value changed since the plan was made: nothing written, exit 4, audited as stale', async () => {
    const { file } = scenarioFile('missing-cifs');
    // AD as the writer finds it: someone added one entry meanwhile.
    const now = scenarioData(loadScenario('missing-cifs'));
    now.computers[0]!.allowedToDelegateTo.push('cifs/DST');
    const before = readFileSync(file, 'utf8');
    const r = await cli(['fix', 'SRC', 'DST', '--storage', '--apply', '--directory', file], { env: writeEnv(), writerData: now });
    expect(r.code).toBe(4);
    expect(r.stdout).toContain('Nothing written: AD no longer holds what the plan was made from.');
    expect(r.stdout).toContain('SRC$ msDS-AllowedToDelegateTo: planned from');
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(now.computers[0]!.allowedToDelegateTo).toEqual([`${MIGRATION}/DST`, `${MIGRATION}/dst.lab.test`, 'cifs/DST']);
    expect(r.audit.records.map((a) => [a.event, a.planId, a.objects])).toEqual([['stale', 'plan-cli', undefined]]);
  });

  test('a write refused on the second object: exit 4, and exactly which object was written', async () => {
    const { file, data } = scenarioFile('reverse-missing', (d) => (d.computers[0]!.userAccountControl = 0x1000));
    const r = await cli(['host', 'SRC', '--fix', '--apply', '--directory', file], {
      env: writeEnv(),
      writerData: data,
      writer: { file, failOn: 'CN=SRC,CN=Computers,DC=lab,DC=test' },
    });
    expect(r.code).toBe(4);
    expect(r.stdout).toContain('The write failed (insufficient-rights on SRC$): the write account may not change this object\nWritten: DST$.\nNot written: SRC$.');
    expect(r.audit.records.map((a) => [a.event, a.objects?.map((o) => o.dn)])).toEqual([['write-failed', ['CN=DST,CN=Computers,DC=lab,DC=test']]]);
  });

  test("by default the record goes to the bot's audit log, KCD_STATE_DIR/audit.jsonl", async () => {
    const { file, data } = scenarioFile('kerberos-only');
    const env = { ...writeEnv(), KCD_STATE_DIR: join(dir, 'state') };
    const r = await cli(['fix', 'SRC', 'DST', '--storage', '--apply', '--directory', file], { env, writerData: data, writer: { file }, fileAudit: true });
    expect(r.code).toBe(0);
    const lines = readFileSync(join(dir, 'state', 'audit.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l) as AuditRecord)).toEqual([
      expect.objectContaining({ event: 'written', planId: 'plan-cli', actor: { via: 'cli', name: 'tester' } }),
    ]);
    expect(lines[0]).not.toContain('secret-write-password');
  });

  test('nothing to change: nothing opened, exit as check', async () => {
    const { file, data } = scenarioFile('healthy-pair');
    const r = await cli(['fix', 'SRC', 'DST', '--storage', '--apply', '--directory', file], { env: writeEnv(), writerData: data });
    expect(r.code).toBe(0);
    expect(r.opened).toEqual([]);
    expect(r.stdout).toContain('Nothing to write.');
  });
});
