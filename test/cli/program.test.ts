import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../../src/cli/program';
import type { fleetJson, hostJson, pairJson } from '../../src/render/json';

/** The --json shapes the tests read (src/render/json.ts), and the error object of reportError. */
type PairJson = ReturnType<typeof pairJson>;
type HostJson = ReturnType<typeof hostJson>;
type FleetJson = ReturnType<typeof fleetJson>;
interface ErrorJson {
  error: { code: string; message: string; remediation: string; suggestions?: string[]; unknown?: { name: string; suggestions: string[] }[] };
}
const parsed = <T>(stdout: string) => JSON.parse(stdout) as T;

const run = promisify(execFile);
const BIN = join(__dirname, '..', '..', 'bin', 'kcd.js');

async function cli(args: string[], env: Record<string, string | undefined> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), env });
  return { code, stdout, stderr };
}

describe('kcd check', () => {
  test('--json prints exactly one JSON object with the documented shape; exit 1 on error findings', async () => {
    const { code, stdout } = await cli(['check', 'GOGO-3', 'GOGO-4', '--json']);
    expect(code).toBe(1);
    const out = parsed<PairJson>(stdout);
    expect(out).toMatchObject({ source: 'GOGO-3', destination: 'GOGO-4', ready: false, directory: 'demo directory' });
    expect(out.findings.length).toBeGreaterThan(0);
    for (const f of out.findings) {
      expect(Object.keys(f)).toEqual(expect.arrayContaining(['rule', 'severity', 'subject', 'message', 'fix']));
      expect(f.rule).toMatch(/^KCD0\d\d$/);
      expect(['error', 'warning', 'info']).toContain(f.severity);
      expect(typeof f.fix).toBe('string');
    }
    expect(out.findings.map((f) => f.rule)).toEqual(['KCD001', 'KCD004']);
  });

  test('a ready pair exits 0', async () => {
    const { code, stdout } = await cli(['check', 'gogo-4.contoso.com', 'GOGO-2$', '--storage', '--as', 'labadmin', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ ready: true, storage: true, user: 'labadmin', findings: [] });
  });

  test('storage, file servers and the initiating user are all checked', async () => {
    const { stdout } = await cli(['check', 'GOGO-3', 'GOGO-4', '--storage', '--file-server', 'FHOST1', '--as', 'bob-t0', '--json']);
    const rules = parsed<PairJson>(stdout).findings.map((f) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(['KCD001', 'KCD002', 'KCD003', 'KCD004', 'KCD011']));
  });

  test('the demo shows RC4-only accounts (KCD018 on file server NAS1, KCD019 on dave) as warnings with their fixes', async () => {
    const ready = await cli(['check', 'GOGO-4', 'GOGO-2', '--storage', '--as', 'dave', '--json']);
    expect(ready.code).toBe(0);
    const warned = parsed<PairJson>(ready.stdout);
    expect(warned).toMatchObject({ ready: true, findings: [{ rule: 'KCD019', severity: 'warning', subject: 'dave', fix: 'Set-ADUser -Identity dave -KerberosEncryptionType AES128,AES256' }] });
    const { stdout } = await cli(['check', 'GOGO-4', 'GOGO-2', '--storage', '--file-server', 'NAS1', '--as', 'dave']);
    expect(stdout).toContain('NAS1 allows only RC4 for Kerberos (msDS-SupportedEncryptionTypes 0x4 (RC4-HMAC)), no AES.');
    expect(stdout).toContain('Set-ADComputer -Identity NAS1 -KerberosEncryptionType AES128,AES256');
    // The host-side reminder (wrapped to the terminal's width).
    expect(stdout.replace(/\s+/g, ' ')).toContain('not CredSSP: Credential Guard (on by default on Windows Server 2025) makes CredSSP moves fail');
  });

  test('text output says what is wrong and gives the PowerShell, ending with the purge', async () => {
    const { code, stdout } = await cli(['check', 'GOGO-3', 'GOGO-4']);
    expect(code).toBe(1);
    expect(stdout).toContain('demo directory');
    expect(stdout).toContain('NOT READY');
    expect(stdout).toContain("Set-ADComputer -Identity GOGO-3 -Add @{'msDS-AllowedToDelegateTo'=@(");
    expect(stdout).toContain('Invoke-Command -ComputerName GOGO-3 { klist -li 0x3e7 purge }');
  });

  test('an unknown host exits 2 with "did you mean"', async () => {
    const text = await cli(['check', 'gogo3', 'GOGO-4']);
    expect(text.code).toBe(2);
    expect(text.stderr).toContain('Did you mean GOGO-3');
    const json = await cli(['check', 'gogo3', 'GOGO-4', '--json']);
    expect(json.code).toBe(2);
    expect(parsed<ErrorJson>(json.stdout).error).toMatchObject({ code: 'unknown-host', suggestions: expect.arrayContaining(['GOGO-3']) as unknown });
  });

  test('every unknown host of one check is reported at once, each with its suggestions', async () => {
    const text = await cli(['check', 'gogo3', 'gogo-44', '--file-server', 'fhost9']);
    expect(text.code).toBe(2);
    expect(text.stderr).toContain('"gogo3" in the directory. Did you mean GOGO-3');
    expect(text.stderr).toContain('"gogo-44" in the directory. Did you mean GOGO-4');
    expect(text.stderr).toContain('"fhost9" in the directory. Did you mean FHOST1');
    const json = await cli(['check', 'gogo3', 'GOGO-4', '--file-server', 'fhost9', '--json']);
    expect(json.code).toBe(2);
    const error = parsed<ErrorJson>(json.stdout).error;
    expect(error.code).toBe('unknown-host');
    expect(error.unknown).toEqual([
      { name: 'gogo3', suggestions: expect.arrayContaining(['GOGO-3']) as unknown },
      { name: 'fhost9', suggestions: expect.arrayContaining(['FHOST1']) as unknown },
    ]);
  });

  test('an unknown user exits 2', async () => {
    const { code, stdout } = await cli(['check', 'GOGO-3', 'GOGO-4', '--as', 'labadmn', '--json']);
    expect(code).toBe(2);
    expect(parsed<ErrorJson>(stdout).error).toMatchObject({ code: 'unknown-user', suggestions: ['labadmin'] });
  });

  test.each([[['check', 'GOGO-3']], [['check', 'a', 'b', 'c']], [['frobnicate']], [['check', 'GOGO-3', 'GOGO-4', '--bogus']], [['check', 'GOGO-3', 'GOGO-3']]])(
    'bad arguments %j exit 2',
    async (args) => {
      expect((await cli(args)).code).toBe(2);
    },
  );

  test('bad configuration exits 2 and lists every problem', async () => {
    const { code, stderr } = await cli(['check', 'GOGO-3', 'GOGO-4'], { KCD_LDAP_URL: 'ldaps://dc1.lab.test', KCD_LDAP_TIMEOUT_MS: 'soon' });
    expect(code).toBe(2);
    expect(stderr).toContain('KCD_LDAP_BIND_DN');
    expect(stderr).toContain('KCD_LDAP_TIMEOUT_MS');
  });

  test('an unreachable directory exits 3 and names the URL, never the password', async () => {
    const { code, stderr } = await cli(['check', 'GOGO-3', 'GOGO-4'], {
      KCD_LDAP_URL: 'ldaps://127.0.0.1:1',
      KCD_LDAP_BIND_DN: 'CN=reader,DC=lab,DC=test',
      KCD_LDAP_BIND_PASSWORD: 'S3cret-Never-Shown',
      KCD_LDAP_TIMEOUT_MS: '2000',
    });
    expect(code).toBe(3);
    expect(stderr).toContain('ldaps://127.0.0.1:1');
    expect(stderr).not.toContain('S3cret-Never-Shown');
  });
});

describe('kcd host and kcd scan', () => {
  test('host --json lists peers both ways and findings in the same shape', async () => {
    const { code, stdout } = await cli(['host', 'gogo-4', '--json']);
    expect(code).toBe(1);
    const out = parsed<HostJson>(stdout);
    expect(out.host).toBe('GOGO-4');
    expect(out.peers.find((p) => p.peer === 'GOGO-2')).toMatchObject({ outbound: { ready: true } });
    for (const f of out.findings) expect(Object.keys(f)).toEqual(expect.arrayContaining(['rule', 'severity', 'subject', 'message', 'fix']));
  });

  test('scan --json has totals and per-host entries with findings', async () => {
    const { code, stdout } = await cli(['scan', '--json']);
    expect(code).toBe(1);
    const out = parsed<FleetJson>(stdout);
    expect(out.totals.hosts).toBe(out.hosts.length);
    const gogo3 = out.hosts.find((h) => h.host === 'GOGO-3');
    expect(gogo3?.ready).toBe(false);
    expect(gogo3?.findings.map((f) => f.rule)).toContain('KCD004');
  });
});

describe('kcd snapshot', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'kcd-cli-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a snapshot file answers exactly like the directory it was taken from', async () => {
    const file = join(dir, 'demo.json');
    expect((await cli(['snapshot', '--out', file])).code).toBe(0);
    const fromDemo = parsed<PairJson>((await cli(['check', 'GOGO-3', 'GOGO-4', '--storage', '--as', 'alice', '--json'])).stdout);
    const fromFile = parsed<PairJson>((await cli(['check', 'GOGO-3', 'GOGO-4', '--storage', '--as', 'alice', '--json', '--directory', file])).stdout);
    expect(fromFile.findings).toEqual(fromDemo.findings);
    expect(fromFile.directory).not.toBe('demo directory');
  });

  test("a customer's PowerShell export answers like kcd's own snapshot of it, and converts to it", async () => {
    const fixtures = join(__dirname, '..', 'fixtures', 'snapshots');
    const exportFiles = ['--directory', join(fixtures, 'powershell-export-lab.json'), '--directory', join(fixtures, 'powershell-users.json')];
    const args = ['check', 'GOGO-3', 'GOGO-4', '--storage', '--as', 'bob', '--json'];
    const fromExport = await cli([...args, ...exportFiles]);
    expect(fromExport.code).toBe(1);
    const exported = parsed<PairJson>(fromExport.stdout);
    expect(exported.findings.map((f) => f.rule)).toContain('KCD010');
    const converted = join(dir, 'converted.json');
    expect((await cli(['snapshot', '--out', converted, ...exportFiles])).code).toBe(0);
    const fromConverted = parsed<PairJson>((await cli([...args, '--directory', converted])).stdout);
    expect(fromConverted.findings).toEqual(exported.findings);
  });

  test('a malformed snapshot file exits 2 naming the file and the problem', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{"format": "kcd-snapshot", "version": 1, "computers": 7}');
    const { code, stderr } = await cli(['scan', '--directory', file]);
    expect(code).toBe(2);
    expect(stderr).toContain(file);
  });
});

describe('the kcd bin', () => {
  test('runs as a program with the documented exit codes', async () => {
    const ok = await run(process.execPath, [BIN, 'check', 'GOGO-4', 'GOGO-2', '--json'], { env: { PATH: process.env.PATH } });
    expect(parsed<PairJson>(ok.stdout).ready).toBe(true);
    await expect(run(process.execPath, [BIN, 'check', 'GOGO-3', 'GOGO-4'], { env: { PATH: process.env.PATH } })).rejects.toMatchObject({ code: 1 });
    await expect(run(process.execPath, [BIN, 'check', 'nope', 'GOGO-4'], { env: { PATH: process.env.PATH } })).rejects.toMatchObject({ code: 2 });
  });
});
