/**
 * `kcd scan` through the bin against the Samba DC, where the environment is the plain case that starts the read
 * before the CLI loads (src/cli/early-read.ts): the same report as the CLI reading the usual way (runCli, which
 * never reads early), the same exit code, and the same answer for a wrong password.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { promisify } from 'node:util';
import { earlyReadOptions } from '../../src/cli/early-read';
import { runCli } from '../../src/cli/program';
import { labFacts, loadEntries, ringClusterEntries, uniqueName } from '../ad-lab/lab';
import { labCliEnv } from '../support/scenario-lab';

jest.setTimeout(120_000);

const run = promisify(execFile);
const BIN = join(__dirname, '..', '..', 'bin', 'kcd.js');
const facts = labFacts();

async function viaBin(env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  const result = await run(process.execPath, [BIN, 'scan', '--json'], { env, timeout: 90_000, maxBuffer: 256 << 20 }).catch(
    (e: { code?: number; stdout?: string }) => e,
  );
  return { code: (result as { code?: number }).code ?? 0, stdout: String(result.stdout) };
}

async function viaRunCli(env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const code = await runCli(['scan', '--json'], { stdout: (s) => (stdout += s), stderr: () => undefined, env });
  return { code, stdout };
}

describe('kcd scan, reading early (the bin) and the usual way, on the Samba DC', () => {
  const env = labCliEnv(facts);
  const ou = uniqueName('EARLY');
  const names = Array.from({ length: 4 }, (_, i) => `${ou.slice(-9)}H${i}`.slice(0, 15));

  // A small cluster, each host delegating to the next only: the report has ready and broken pairs.
  beforeAll(() => loadEntries(facts, ringClusterEntries(ou, names)));

  it('is the plain case, and gives the same report and exit code', async () => {
    expect(earlyReadOptions(['scan', '--json'], env)).toBeDefined();
    const early = await viaBin(env);
    const usual = await viaRunCli(env);
    const a = JSON.parse(early.stdout);
    const b = JSON.parse(usual.stdout);
    expect(a.hosts.map((h: { host: string }) => h.host)).toEqual(expect.arrayContaining(names));
    expect(a).toEqual(b);
    expect(early.code).toBe(usual.code);
  });

  // The early read's connection is opened before ldapts loads (connect-ahead.ts): its failures must read as the
  // usual connection's do.
  it('a CA that did not sign the DC\'s certificate: the same error, exit 3', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kcd-early-ca-'));
    try {
      const caFile = join(dir, 'other-ca.pem');
      writeFileSync(caFile, rootCertificates[0]!);
      const otherCa = { ...env, KCD_LDAP_CA_FILE: caFile };
      const early = await viaBin(otherCa);
      const usual = await viaRunCli(otherCa);
      expect(early.code).toBe(3);
      expect(JSON.parse(early.stdout)).toEqual(JSON.parse(usual.stdout));
      expect(JSON.parse(early.stdout).error.message).toMatch(/certificate/i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('nothing listening on the port: the same error, exit 3', async () => {
    const closed = { ...env, KCD_LDAP_URL: 'ldaps://127.0.0.1:1', KCD_LDAP_TIMEOUT_MS: '5000' };
    expect(earlyReadOptions(['scan', '--json'], closed)).toBeDefined();
    const early = await viaBin(closed);
    const usual = await viaRunCli(closed);
    expect(early.code).toBe(3);
    expect(JSON.parse(early.stdout)).toEqual(JSON.parse(usual.stdout));
  });

  it('a wrong password: the same error, exit 3, the password never shown', async () => {
    const wrong = { ...env, KCD_LDAP_BIND_PASSWORD: 'Not-The-Password-1' };
    const early = await viaBin(wrong);
    const usual = await viaRunCli(wrong);
    expect(early.code).toBe(3);
    expect(JSON.parse(early.stdout)).toEqual(JSON.parse(usual.stdout));
    expect(early.stdout).not.toContain('Not-The-Password-1');
  });
});
