/**
 * A customer's export (`Get-ADComputer … | ConvertTo-Json`) of more Hyper-V hosts than AD can configure as one
 * mesh, all in one OU, built as clusters of 16 (bench/export.ts): `kcd scan --json --directory <file>` checks
 * each cluster as its own group by default, says so, and the report stays linear in hosts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportedEstate } from '../../bench/export';
import { runCli } from '../../src/cli/program';

const HOSTS = 330; // more than AUTO_FULL_MESH_MAX_HOSTS: 20 clusters of 16 and one of 10

describe('kcd scan of a one-OU export with the default group', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kcd-export-test-'));
    file = join(dir, 'computers.json');
    writeFileSync(file, JSON.stringify(exportedEstate(HOSTS).computers, null, 2));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('the clusters are found from delegation: pairs only inside them, the groups named in the report', async () => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(['scan', '--json', '--directory', file], { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), env: {} });
    expect(stderr).toBe('');
    expect(code).toBe(1); // about 10% of the hosts have a fault
    const report = JSON.parse(stdout) as {
      migrationGroup: string;
      totals: { hosts: number; pairsExpected: number };
      advice?: Array<{ kind: string; groups?: Array<{ name: string; hosts: number }>; withoutPeers?: number }>;
    };
    expect(report.migrationGroup).toBe('the Hyper-V hosts connected by delegation');
    expect(report.totals.hosts).toBe(HOSTS);
    expect(report.totals.pairsExpected).toBe(20 * 16 * 15 + 10 * 9);
    const note = report.advice?.find((a) => a.kind === 'inferred-groups');
    expect(note?.groups).toHaveLength(21);
    expect(note?.groups?.[0]).toEqual({ name: 'HV00001', hosts: 16 });
    expect(note?.groups?.[20]).toEqual({ name: 'HV00321', hosts: 10 });
    expect(note?.withoutPeers).toBe(0);
    // Linear in hosts: a few KB per host, not a mesh of misses.
    expect(stdout.length / HOSTS).toBeLessThan(4096);
  });

  test('KCD_MIGRATION_GROUP=domain still checks the whole domain as one group, as asked', async () => {
    let stdout = '';
    await runCli(['scan', '--json', '--directory', file], { stdout: (s) => (stdout += s), stderr: () => undefined, env: { KCD_MIGRATION_GROUP: 'domain' } });
    const report = JSON.parse(stdout) as { migrationGroup: string; totals: { pairsExpected: number } };
    expect(report.migrationGroup).toBe('all Hyper-V hosts of the same domain');
    expect(report.totals.pairsExpected).toBe(HOSTS * (HOSTS - 1));
  });
});
