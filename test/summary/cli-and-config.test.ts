/** `kcd scan --summary [--json] [--state FILE]` (cron and mail) and the daily summary settings. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program';
import { readSummaryConfig } from '../../src/config';
import { ConfigError } from '../../src/domain/errors';
import { serializeSnapshot } from '../../src/directory/snapshot-format';
import type { FleetSummary } from '../../src/summary/model';
import { DEMO_DIRECTIONS_READY, DEMO_HOSTS_WITH_ERRORS, demoSize } from '../render/cards/support';
import { fleetData, names } from './fleet';

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), env: {} });
  return { code, stdout, stderr };
}

describe('kcd scan --summary', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kcd-cli-summary-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('text: totals, misconfigured hosts with top rule ids, the matrix; exit 1 when hosts have errors', async () => {
    const { code, stdout } = await cli(['scan', '--summary']);
    expect(code).toBe(1);
    const size = demoSize();
    expect(stdout).toContain(`${DEMO_HOSTS_WITH_ERRORS} of ${size.hyperVHosts} Hyper-V hosts not ready.`);
    expect(stdout).toContain(
      `Hyper-V hosts: ${size.hyperVHosts} · hosts with errors: ${DEMO_HOSTS_WITH_ERRORS} · migration directions ready: ${DEMO_DIRECTIONS_READY} of ${size.directions}`,
    );
    expect(stdout).toMatch(/GOGO-3\s+22 errors\s+can migrate to 0 of 6\s+KCD002, KCD001, KCD004, KCD007/);
    expect(stdout).toContain('Readiness matrix, contoso.com');
    expect(stdout).toContain('First summary');
  });

  test('--json prints the summary model (the card\'s content) as one JSON object', async () => {
    const { stdout } = await cli(['scan', '--summary', '--json']);
    const out = JSON.parse(stdout) as FleetSummary;
    expect(out).toMatchObject({
      format: 'kcd-summary',
      version: 1,
      directory: 'demo directory',
      totals: {
        hosts: demoSize().hyperVHosts,
        hostsWithErrors: DEMO_HOSTS_WITH_ERRORS,
        pairsReady: DEMO_DIRECTIONS_READY,
        pairsExpected: demoSize().directions,
      },
    });
    expect(out.hosts[0]).toEqual(expect.objectContaining({ host: 'HV-OLD', errors: 25, top: expect.any(Array) as unknown }));
    expect(out.matrices.find((m) => m.label === 'contoso.com')?.hosts).toHaveLength(7);
    expect(out.changes).toBeUndefined();
  });

  test('--state FILE: the next run says what changed since the previous run, and the file is rewritten atomically', async () => {
    const day1 = join(dir, 'day1.json');
    const day2 = join(dir, 'day2.json');
    const state = join(dir, 'state', 'summary.json');
    writeFileSync(day1, serializeSnapshot(fleetData(names('HV', 4).map((name) => ({ name })), '2026-03-01T06:00:00.000Z')));
    writeFileSync(day2, serializeSnapshot(fleetData([{ name: 'HV1', missingTo: ['HV2'] }, { name: 'HV2' }, { name: 'HV3' }, { name: 'HV5' }], '2026-03-02T06:00:00.000Z')));
    mkdirSync(join(dir, 'state'));

    const first = await cli(['scan', '--summary', '--state', state, '--directory', day1]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('All 4 Hyper-V hosts ready.');
    expect(JSON.parse(readFileSync(state, 'utf8'))).toMatchObject({ format: 'kcd-scan-summary', takenAt: '2026-03-01T06:00:00.000Z' });

    const second = await cli(['scan', '--summary', '--state', state, '--directory', day2, '--json']);
    expect(second.code).toBe(1);
    const out = JSON.parse(second.stdout) as FleetSummary;
    expect(out.changes).toMatchObject({
      since: '2026-03-01T06:00:00.000Z',
      newProblems: [expect.objectContaining({ host: 'HV1', rule: 'KCD001', count: 2 }), expect.objectContaining({ host: 'HV1', rule: 'KCD002', count: 2 })],
      hostsAdded: [{ host: 'HV5', ready: true, problems: 0 }],
      hostsGone: ['HV4'],
      nowNotReady: ['HV1'],
    });

    const third = await cli(['scan', '--summary', '--state', state, '--directory', day2]);
    expect(third.stdout).toContain('No changes since the previous summary (data read 2026-03-02 06:00 UTC).');
  });

  test('--state without --summary, and a state file that is not one, are input errors (exit 2)', async () => {
    const wrong = await cli(['scan', '--state', join(dir, 's.json')]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--state works with --summary only');
    const bogus = join(dir, 'bogus.json');
    writeFileSync(bogus, '{"hello": 1}');
    const bad = await cli(['scan', '--summary', '--state', bogus]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not a summary state file');
    expect(readFileSync(bogus, 'utf8')).toBe('{"hello": 1}');
  });
});

describe('readSummaryConfig', () => {
  test('defaults: ./data, 08:00 UTC, scheduler on', () => {
    expect(readSummaryConfig({})).toEqual({ store: { kind: 'file' }, stateDir: './data', defaultTime: '08:00', timeZone: 'UTC', schedulerEnabled: true, maxSubscriptionsPerTenant: 50 });
    expect(readSummaryConfig({ KCD_STATE_DIR: '', KCD_SCHEDULER_ENABLED: ' ' })).toEqual(readSummaryConfig({}));
  });

  test('reads and normalises every variable', () => {
    expect(
      readSummaryConfig({ KCD_STATE_DIR: '/var/lib/kcd', KCD_SUMMARY_DEFAULT_TIME: '7pm', KCD_SUMMARY_TIME_ZONE: 'europe/berlin', KCD_SCHEDULER_ENABLED: 'false', KCD_MAX_SUBSCRIPTIONS_PER_TENANT: '7' }),
    ).toEqual({ store: { kind: 'file' }, stateDir: '/var/lib/kcd', defaultTime: '19:00', timeZone: 'Europe/Berlin', schedulerEnabled: false, maxSubscriptionsPerTenant: 7 });
  });

  test('lists every problem at once', () => {
    try {
      readSummaryConfig({ KCD_SUMMARY_DEFAULT_TIME: '25:00', KCD_SUMMARY_TIME_ZONE: 'Mars/Olympus_Mons', KCD_SCHEDULER_ENABLED: 'sometimes', KCD_MAX_SUBSCRIPTIONS_PER_TENANT: '0' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([
        expect.stringMatching(/^KCD_SUMMARY_DEFAULT_TIME: .*"25:00"/),
        expect.stringMatching(/^KCD_SUMMARY_TIME_ZONE: .*"Mars\/Olympus_Mons"/),
        expect.stringMatching(/^KCD_SCHEDULER_ENABLED: .*"sometimes"/),
        expect.stringMatching(/^KCD_MAX_SUBSCRIPTIONS_PER_TENANT: .*"0"/),
      ]);
    }
  });

  test('azure-blob state: the connection string is required, never quoted back; container and lease checked; defaults kcd-bot, 30 s', () => {
    const key = 'AccountKey=c2VjcmV0LWtleQ==';
    expect(readSummaryConfig({ KCD_STATE_STORE: 'azure-blob', AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' }).store).toEqual({
      kind: 'azure-blob',
      connectionString: 'UseDevelopmentStorage=true',
      container: 'kcd-bot',
      leaseSeconds: 30,
    });
    expect(
      readSummaryConfig({ KCD_STATE_STORE: 'azure-blob', AZURE_STORAGE_CONNECTION_STRING: `DefaultEndpointsProtocol=https;AccountName=kcd;${key}`, KCD_STATE_CONTAINER: 'kcd-prod-2', KCD_LEADER_LEASE_SECONDS: '15' }).store,
    ).toMatchObject({ container: 'kcd-prod-2', leaseSeconds: 15 });
    // Only used with azure-blob: a file store ignores them.
    expect(readSummaryConfig({ KCD_STATE_CONTAINER: 'Not_Valid', KCD_LEADER_LEASE_SECONDS: '5' }).store).toEqual({ kind: 'file' });
    const problems = (env: Record<string, string>) => {
      try {
        readSummaryConfig(env);
      } catch (error) {
        return (error as ConfigError).problems;
      }
      throw new Error('expected a ConfigError');
    };
    expect(problems({ KCD_STATE_STORE: 'azure-blob' })).toEqual([expect.stringMatching(/^AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_CONNECTION_STRING_FILE: one of them is required when KCD_STATE_STORE=azure-blob/)]);
    expect(problems({ KCD_STATE_STORE: 'blob' })).toEqual([expect.stringMatching(/^KCD_STATE_STORE: expected one of file, azure-blob, got "blob"/)]);
    const all = problems({ KCD_STATE_STORE: 'azure-blob', AZURE_STORAGE_CONNECTION_STRING: `nonsense;${key}`, KCD_STATE_CONTAINER: 'Kcd--Bot', KCD_LEADER_LEASE_SECONDS: '90' });
    expect(all).toEqual([
      expect.stringMatching(/^AZURE_STORAGE_CONNECTION_STRING: expected a storage connection string/),
      expect.stringMatching(/^KCD_STATE_CONTAINER: .*"Kcd--Bot"/),
      expect.stringMatching(/^KCD_LEADER_LEASE_SECONDS: .*"90"/),
    ]);
    expect(all.join('\n')).not.toContain('c2VjcmV0');
  });
});
