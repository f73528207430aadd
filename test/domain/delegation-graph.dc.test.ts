/**
 * Migration groups inferred from delegation, read from the real Samba DC through the bin: two clusters of three
 * hosts in one container and a new host with no delegation at all.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { labCliEnv } from '../support/scenario-lab';
import { computerEntry, labFacts, loadEntries, MIGRATION_SERVICE_CLASS, UAC_TRUSTED_TO_AUTH_FOR_DELEGATION, UAC_WORKSTATION_TRUST_ACCOUNT, uniqueName } from '../ad-lab/lab';

jest.setTimeout(180_000);

const facts = labFacts();
const BIN = join(__dirname, '..', '..', 'bin', 'kcd.js');

interface ScanJson {
  hosts: Array<{ host: string; peersTotal: number; peersReady: number; findings: Array<{ rule: string }> }>;
  advice?: Array<{ kind: string; bridges?: Array<{ host: string; groups: string[] }> }>;
}

function scan(env: Record<string, string>): Promise<ScanJson> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'scan', '--json', '--directory', 'ldap'], { env: { ...labCliEnv(facts), ...env } });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve(JSON.parse(stdout) as ScanJson);
      } catch (error) {
        reject(new Error(`not JSON (exit ${code}): ${stdout.slice(0, 500)}`, { cause: error }));
      }
    });
  });
}

describe('inferred migration groups on the lab DC', () => {
  const prefix = uniqueName('IG').slice(-7);
  const a = [1, 2, 3].map((n) => `${prefix}A${n}`.slice(0, 15));
  const b = [1, 2, 3].map((n) => `${prefix}B${n}`.slice(0, 15));
  const lonely = `${prefix}N`.slice(0, 15);
  const fqdn = (n: string) => `${n.toLowerCase()}.${facts.domain}`;
  const toAll = (names: string[], self: string) =>
    names.filter((n) => n !== self).flatMap((n) => [MIGRATION_SERVICE_CLASS, 'cifs'].flatMap((c) => [`${c}/${n}`, `${c}/${fqdn(n)}`]));

  beforeAll(async () => {
    const uac = UAC_WORKSTATION_TRUST_ACCOUNT | UAC_TRUSTED_TO_AUTH_FOR_DELEGATION;
    await loadEntries(facts, [
      ...a.map((n) => computerEntry({ name: n, hyperV: true, userAccountControl: uac, delegateTo: toAll(a, n) })),
      ...b.map((n) => computerEntry({ name: n, hyperV: true, userAccountControl: uac, delegateTo: toAll(b, n) })),
      computerEntry({ name: lonely, hyperV: true, userAccountControl: uac }),
    ]);
  });

  test('KCD_MIGRATION_GROUP=delegation: each cluster is its own group; the new host has no peers configured (KCD022)', async () => {
    const report = await scan({ KCD_MIGRATION_GROUP: 'delegation' });
    const host = (name: string) => report.hosts.find((h) => h.host === name)!;
    for (const n of [...a, ...b]) expect(host(n)).toMatchObject({ peersTotal: 2, peersReady: 2 });
    expect(host(lonely).findings.map((f) => f.rule)).toContain('KCD022');
    expect(host(a[0]!).findings.map((f) => f.rule)).not.toContain('KCD022');
  });
});
