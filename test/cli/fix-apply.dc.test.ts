/**
 * `kcd fix … --apply` as an admin's script runs it (the built bin, a child process) against the Samba DC: the plan
 * alone writes nothing; --apply writes exactly the plan through the write account, appends the audit record and
 * prints the fresh check (READY, exit 0); run again there is nothing to write; a wrong password exits 4 with
 * nothing written; a plan read from a snapshot file is never written to AD.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LdapDirectory } from '../../src/directory/ldap-directory';
import { addMembers, computerEntry, LAB_BASE_DN, labFacts, loadEntries, MIGRATION_SERVICE_CLASS as M, uniqueName, userEntry } from '../ad-lab/lab';
import { s4u2proxy } from '../support/kdc-s4u';
import { labCliEnv, labLdapOptions } from '../support/scenario-lab';

jest.setTimeout(300_000);

const run = promisify(execFile);
const BIN = join(__dirname, '..', '..', 'bin', 'kcd.js');
const facts = labFacts();
const PASSWORD = 'Cl1-Pa55word!-lab';
const userDn = (name: string) => `CN=${name},CN=Users,${LAB_BASE_DN}`;
const fqdn = (name: string) => `${name.toLowerCase()}.lab.test`;
const WRITER = uniqueName('CW');
const S4U_USER = uniqueName('CU');
const SRC = uniqueName('CFS');
const DST = uniqueName('CFD');
const dir = mkdtempSync(join(tmpdir(), 'kcd-fix-cli-'));
const passwordFile = join(dir, 'write-password');
const wrongFile = join(dir, 'wrong-password');

function env(passwordPath = passwordFile): Record<string, string> {
  return { ...labCliEnv(facts), KCD_WRITE_BIND_DN: userDn(WRITER), KCD_WRITE_BIND_PASSWORD_FILE: passwordPath, KCD_STATE_DIR: dir };
}

async function kcd(args: string[], environment = env()): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: environment, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

async function delegation(name: string): Promise<{ allowed: string[]; uac: number }> {
  const reader = new LdapDirectory(labLdapOptions(facts, { warn: () => undefined }));
  try {
    const c = (await reader.snapshot()).computersByName.get(name.toLowerCase())!;
    return { allowed: [...c.allowedToDelegateTo].sort(), uac: c.userAccountControl };
  } finally {
    await reader.close();
  }
}

beforeAll(async () => {
  writeFileSync(passwordFile, `${PASSWORD}\n`);
  writeFileSync(wrongFile, 'Not-the-Pa55word!\n');
  await loadEntries(facts, [
    userEntry({ name: WRITER, upn: `${WRITER}@lab.test`, password: PASSWORD }),
    userEntry({ name: S4U_USER, upn: `${S4U_USER}@lab.test`, password: PASSWORD }),
    computerEntry({ name: SRC, password: PASSWORD, hyperV: true }),
    computerEntry({ name: DST, password: PASSWORD, hyperV: true }),
  ]);
  await addMembers(facts, `CN=Domain Admins,CN=Users,${LAB_BASE_DN}`, [userDn(WRITER)]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the plan alone writes nothing; a wrong password exits 4 with nothing written; a snapshot-file plan is refused', async () => {
  const plan = await kcd(['fix', SRC, DST, '--storage']);
  expect(plan.code).toBe(1);
  expect(plan.stdout).toContain(`CN=${SRC},CN=Computers,${LAB_BASE_DN}`);
  expect(plan.stdout).toContain(`cifs/${fqdn(DST)}`);
  expect(await delegation(SRC)).toEqual({ allowed: [], uac: 0x1000 });

  const wrong = await kcd(['fix', SRC, DST, '--storage', '--apply'], env(wrongFile));
  expect(wrong.code).toBe(4);
  expect(`${wrong.stdout}${wrong.stderr}`).toMatch(/invalid-credentials|password/i);
  expect(`${wrong.stdout}${wrong.stderr}`).not.toContain('Not-the-Pa55word');
  expect(await delegation(SRC)).toEqual({ allowed: [], uac: 0x1000 });

  const snapshotFile = join(dir, 'lab.json');
  expect((await kcd(['snapshot', '--out', snapshotFile])).code).toBe(0);
  const fromFile = await kcd(['fix', SRC, DST, '--storage', '--apply', '--directory', snapshotFile]);
  expect(fromFile.code).toBe(2);
  expect(fromFile.stderr).toContain('a plan is written only to the directory it was read from');
  expect(await delegation(SRC)).toEqual({ allowed: [], uac: 0x1000 });
});

test('--apply writes exactly the plan, audits it and prints the fresh READY check; the KDC agrees; again: nothing to write', async () => {
  const applied = await kcd(['fix', SRC, DST, '--storage', '--apply']);
  expect(applied.stderr).toBe('');
  expect(applied.code).toBe(0);
  expect(applied.stdout).toContain('READY');
  expect(await delegation(SRC)).toEqual({ allowed: [`${M}/${DST}`, `${M}/${fqdn(DST)}`, `cifs/${DST}`, `cifs/${fqdn(DST)}`].sort(), uac: 0x1001000 });
  for (const spn of [`cifs/${DST}`, `cifs/${fqdn(DST)}`]) expect(await s4u2proxy(facts, SRC, S4U_USER, spn, PASSWORD)).toEqual({ granted: true, why: 'granted' });
  const audit = readFileSync(join(dir, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; actor?: { via?: string } });
  expect(audit.map((r) => [r.event, r.actor?.via])).toEqual([
    ['write-failed', 'cli'],
    ['written', 'cli'],
  ]);
  const again = await kcd(['fix', SRC, DST, '--storage', '--apply']);
  expect(again.code).toBe(0);
  expect(readFileSync(join(dir, 'audit.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
});
