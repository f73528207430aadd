import { checkFleet, checkHost, checkPair } from '../../src/checker';
import { CHECKS } from '../../src/checks';
import { resolveHost } from '../../src/domain/names';
import { DemoDirectory, DEMO_LABEL } from '../../src/directory/demo-directory';

describe('the built-in demo directory', () => {
  const directory = new DemoDirectory();

  test('is labelled "demo directory"', () => {
    expect(directory.describe()).toEqual({ kind: 'demo', label: DEMO_LABEL });
    expect(DEMO_LABEL).toBe('demo directory');
  });

  test('holds the lab of the article', async () => {
    const snapshot = await directory.snapshot();
    for (const name of ['GOGO-2', 'GOGO-3', 'GOGO-4', 'FHOST1', 'VMHOST1', 'VMHOST2', 'MGMT1']) {
      expect(resolveHost(snapshot, name).name).toBe(name);
    }
    expect(snapshot.hyperVHosts.map((h) => h.name)).toEqual(expect.arrayContaining(['GOGO-2', 'GOGO-3', 'GOGO-4', 'VMHOST1', 'VMHOST2']));
    expect(await directory.findUser('labadmin')).toBeDefined();
    expect(await directory.findUser('nobody')).toBeUndefined();
  });

  test('every rule fires somewhere in it', async () => {
    const snapshot = await directory.snapshot();
    const fired = new Set<string>();
    const fileServers = [resolveHost(snapshot, 'FHOST1'), resolveHost(snapshot, 'NAS1'), resolveHost(snapshot, 'AZ-FS1')];
    const users = snapshot.data.users;
    for (const source of snapshot.hyperVHosts) {
      for (const dest of snapshot.hyperVHosts) {
        if (source === dest) continue;
        for (const user of users) {
          for (const f of checkPair(snapshot, source, dest, { storage: true, fileServers, user }).findings) fired.add(f.rule);
        }
      }
    }
    // Not in the demo, because they would change the answers it gives today (their scenario fixtures show them):
    // KCD020 (krbtgt marked sensitive) blocks every pair of its domain; KCD021 needs a Windows Server 2025 Hyper-V
    // host, and a new Hyper-V host joins the migration group of every host of its domain; so would KCD022's host
    // with no delegation at all.
    const notInDemo = ['KCD020', 'KCD021', 'KCD022'];
    expect([...fired].sort()).toEqual(CHECKS.map((c) => c.id).filter((id) => !notInDemo.includes(id)));
  });

  test("GOGO-3 → GOGO-4 is the article's case: FQDN entry missing and Kerberos only", async () => {
    const snapshot = await directory.snapshot();
    const report = checkPair(snapshot, resolveHost(snapshot, 'GOGO-3'), resolveHost(snapshot, 'GOGO-4'));
    expect(report.ready).toBe(false);
    expect(report.findings.filter((f) => f.severity === 'error').map((f) => f.rule)).toEqual(['KCD001', 'KCD004']);
    expect(report.findings.find((f) => f.rule === 'KCD001')!.data.spn).toBe(
      'Microsoft Virtual System Migration Service/gogo-4.contoso.com',
    );
  });

  test('GOGO-4 → GOGO-2 is a healthy pair, with storage and a delegable admin', async () => {
    const snapshot = await directory.snapshot();
    const report = checkPair(snapshot, resolveHost(snapshot, 'GOGO-4'), resolveHost(snapshot, 'GOGO-2'), {
      storage: true,
      user: await directory.findUser('labadmin'),
    });
    expect(report.ready).toBe(true);
  });

  test('host and fleet questions answer for every Hyper-V host', async () => {
    const snapshot = await directory.snapshot();
    const host = checkHost(snapshot, resolveHost(snapshot, 'GOGO-4'));
    expect(host.peers.map((p) => p.peer.name)).toEqual(['GOGO-2', 'GOGO-3', 'GOGO-5', 'HV-OLD', 'VMHOST1', 'VMHOST2']);
    const fleet = checkFleet(snapshot);
    expect(fleet.totals.hosts).toBe(snapshot.hyperVHosts.length);
    expect(fleet.totals.hostsWithErrors).toBeGreaterThan(0);
    expect(fleet.totals.pairsReady).toBeLessThan(fleet.totals.pairsExpected);
  });
});
