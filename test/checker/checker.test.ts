import { checkFleet, checkHost, checkPair, FLEET_FINDINGS_PER_RULE, FLEET_MAX_LISTED } from '../../src/checker';
import { InputError } from '../../src/domain/errors';
import { migrationPeers } from '../../src/domain/migration-group';
import { resolveHost } from '../../src/domain/names';
import { createSnapshot } from '../../src/domain/snapshot';
import { MIGRATION_SERVICE } from '../../src/domain/spn';
import { demoData } from '../../src/directory/demo-directory';
import { loadScenario, scenarioData } from '../support/scenario';
import { fleetData, names } from '../summary/fleet';

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('the checker', () => {
  const snapshot = createSnapshot(demoData(new Date(0)));

  test('is deterministic whatever order the directory returns objects in', () => {
    const data = demoData(new Date(0));
    const reordered = createSnapshot({
      ...data,
      computers: shuffled(data.computers, 7).map((c) => ({ ...c, allowedToDelegateTo: shuffled(c.allowedToDelegateTo, 3) })),
      spnAccounts: shuffled(data.spnAccounts, 5),
    });
    const a = checkFleet(snapshot);
    const b = checkFleet(reordered);
    const strip = (r: typeof a) => r.hosts.map((h) => [h.host.name, h.findings.map((f) => [f.rule, f.subject, f.data])]);
    expect(strip(b)).toEqual(strip(a));
    expect(b.totals).toEqual(a.totals);
  });

  test('findings are sorted errors first, then by rule id', () => {
    const report = checkPair(snapshot, resolveHost(snapshot, 'VMHOST2'), resolveHost(snapshot, 'VMHOST1'), { storage: true });
    const order = { error: 0, warning: 1, info: 2 };
    const keys = report.findings.map((f) => `${order[f.severity]}${f.rule}`);
    expect(keys).toEqual([...keys].sort());
  });

  test('the same host as source and destination is an input error that names it and says what to give', () => {
    const host = resolveHost(snapshot, 'GOGO-3');
    let thrown: unknown;
    try {
      checkPair(snapshot, host, host);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).message).toBe('Source and destination are the same host (GOGO-3).');
    expect((thrown as InputError).remediation).toMatch(/^Name two different Hyper-V hosts/);
  });

  test('fleet: told after each Hyper-V host, in order, with the total (the CLI draws its progress with it)', () => {
    const calls: Array<[number, number]> = [];
    const report = checkFleet(snapshot, { onHost: (done, total) => calls.push([done, total]) });
    const n = snapshot.hyperVHosts.length;
    expect(n).toBeGreaterThan(5);
    // After each host: the last call says n of n.
    expect(calls).toEqual(Array.from({ length: n }, (_, i) => [i + 1, n]));
    expect(report.hosts).toHaveLength(n);
  });

  test('host: both directions with every peer, readiness per direction', () => {
    const report = checkHost(snapshot, resolveHost(snapshot, 'GOGO-3'));
    const toGogo4 = report.peers.find((p) => p.peer.name === 'GOGO-4')!;
    expect(toGogo4.outbound.ready).toBe(false);
    expect(toGogo4.outbound.blockers).toEqual(expect.arrayContaining(['KCD001', 'KCD004']));
    // GOGO-4 is configured by the book towards GOGO-3.
    expect(toGogo4.inbound).toEqual({ ready: true, blockers: [] });
    expect(report.findings.some((f) => f.rule === 'KCD016')).toBe(false);
  });

  test('a healthy scenario pair is ready both ways as a host question', () => {
    const snap = createSnapshot(scenarioData(loadScenario('healthy-pair')));
    const report = checkHost(snap, resolveHost(snap, 'SRC'));
    expect(report.peers).toHaveLength(1);
    expect(report.ready).toBe(true);
    expect(report.findings).toEqual([]);
  });

  test('migration groups: by domain, by parent OU, by OU, by AD group', () => {
    const gogo4 = resolveHost(snapshot, 'GOGO-4');
    const names = (group: Parameters<typeof migrationPeers>[2]) => migrationPeers(snapshot, gogo4, group).map((h) => h.name);
    expect(names({ kind: 'domain' })).not.toContain('EU-HV1');
    expect(names({ kind: 'parent-ou' })).toEqual(['GOGO-2', 'GOGO-3', 'GOGO-5', 'HV-OLD']);
    expect(names({ kind: 'ou', dn: 'OU=Lab Hosts,DC=contoso,DC=com' })).toEqual([]);
    expect(migrationPeers(snapshot, resolveHost(snapshot, 'VMHOST1'), { kind: 'ou', dn: 'OU=Lab Hosts,DC=contoso,DC=com' }).map((h) => h.name)).toEqual([
      'VMHOST2',
    ]);
    expect(names({ kind: 'group', name: 'Hyper-V Hosts' })).toEqual(['GOGO-2', 'GOGO-3', 'GOGO-5']);
    expect(names({ kind: 'group', name: 'CN=Hyper-V Hosts,OU=Groups,DC=contoso,DC=com' })).toEqual(['GOGO-2', 'GOGO-3', 'GOGO-5']);
  });

  test('fleet: totals add up and pairs are counted per group, not across the forest', () => {
    const report = checkFleet(snapshot, { group: { kind: 'parent-ou' } });
    const sum = report.hosts.reduce((n, h) => n + h.peersTotal, 0);
    expect(report.totals.pairsExpected).toBe(sum);
    // One group per parent OU (e.g. 5 in OU=Hyper-V Hosts: 5·4 directions), counted from the demo's data.
    const perOu = new Map<string, number>();
    for (const h of snapshot.hyperVHosts) {
      const ou = h.distinguishedName.slice(h.distinguishedName.indexOf(',') + 1);
      perOu.set(ou, (perOu.get(ou) ?? 0) + 1);
    }
    expect(perOu.get('OU=Hyper-V Hosts,DC=contoso,DC=com')).toBe(5);
    expect(sum).toBe([...perOu.values()].reduce((n, hosts) => n + hosts * (hosts - 1), 0));
    expect(report.hosts.find((h) => h.host.name === 'GOGO-4')!.findings.some((f) => f.rule === 'KCD007')).toBe(true);
    expect(report.totals.hostsWithErrors).toBe(report.hosts.filter((h) => !h.ready).length);
  });

  test('storage is on by default for host and fleet questions and off by default for pairs', () => {
    const snap = createSnapshot(scenarioData(loadScenario('missing-cifs')));
    const src = resolveHost(snap, 'SRC');
    expect(checkPair(snap, src, resolveHost(snap, 'DST')).ready).toBe(true);
    expect(checkHost(snap, src).ready).toBe(false);
    expect(checkHost(snap, src, { storage: false }).ready).toBe(true);
  });
});

describe('fleet scans of large, unconfigured groups', () => {
  test('findings per host stay bounded (summarised), totals still count every pair', () => {
    const hosts = Array.from({ length: 120 }, (_, i) => `HV${String(i).padStart(3, '0')}`);
    const data = scenarioData({
      id: 'big-domain',
      description: '120 Hyper-V hosts in one domain, no delegation configured',
      hosts: hosts.map((name) => ({ name, hyperV: true })),
      question: { source: 'HV000', destination: 'HV001' },
      expect: [],
      ready: false,
    });
    const report = checkFleet(createSnapshot(data));
    expect(report.totals.pairsExpected).toBe(120 * 119);
    expect(report.totals.pairsReady).toBe(0);
    for (const h of report.hosts) {
      const kcd001 = h.findings.filter((f) => f.rule === 'KCD001');
      // 20 kept + 1 summary, instead of 238 (119 peers × 2 name forms).
      expect(kcd001.length).toBeLessThanOrEqual(21);
      const summary = kcd001.find((f) => typeof f.data.more === 'number');
      expect(summary?.data.more).toBe(119 * 2 - 20);
      // The summary's fix still adds every missing entry: too many to list (> FLEET_MAX_LISTED), so as a loop
      // over the group's peers that adds what is missing of the migration service, in both name forms.
      expect(summary?.fix).toEqual({
        kind: 'delegate-to-peers',
        host: h.host.name,
        services: [MIGRATION_SERVICE],
        peers: { domain: h.host.domain, scope: 'subtree', label: `all Hyper-V hosts of ${h.host.domain}` },
        missing: 119 * 2 - 20,
        peerCount: 119,
      });
      expect((summary?.data.peers as string[]).length).toBe(FLEET_MAX_LISTED);
      expect(summary?.data.peersOmitted).toBe(119 - 10 - FLEET_MAX_LISTED); // 10 peers' findings are kept
    }
  });

  test('a summary with at most FLEET_MAX_LISTED missing entries lists them literally', () => {
    const hosts = Array.from({ length: 30 }, (_, i) => `HV${String(i).padStart(3, '0')}`);
    const data = scenarioData({
      id: 'mid-domain',
      description: '30 Hyper-V hosts in one domain, no delegation configured',
      hosts: hosts.map((name) => ({ name, hyperV: true })),
      question: { source: 'HV000', destination: 'HV001' },
      expect: [],
      ready: false,
    });
    for (const h of checkFleet(createSnapshot(data)).hosts) {
      const summary = h.findings.find((f) => f.rule === 'KCD001' && typeof f.data.more === 'number');
      expect(summary?.fix?.kind).toBe('computer');
      const listed = summary?.fix?.kind === 'computer' ? summary.fix.addDelegation! : [];
      expect(listed).toHaveLength(29 * 2 - 20);
      // Exactly the entries of the dropped findings: those of the peers after the first 10.
      const kept = h.findings.filter((f) => f.rule === 'KCD001' && f.data.more === undefined).map((f) => f.data.spn);
      const all = h.findings.length > 0 ? hosts.filter((n) => n !== h.host.name) : [];
      expect(new Set([...kept, ...listed]).size).toBe(all.length * 2);
      expect(summary?.data.peersOmitted).toBeUndefined();
    }
  });

  test('findings about peers (KCD007) stay bounded too: per rule, FLEET_FINDINGS_PER_RULE peers, the rest counted', () => {
    // 100 hosts delegating to each other; 40 of them lack their FQDN migration SPN, so every other host gets KCD007.
    const data = fleetData(names('HV', 100).map((name) => ({ name })));
    const broken = new Set(data.computers.slice(0, 40).map((c) => c.name));
    for (const c of data.computers) {
      if (broken.has(c.name)) c.servicePrincipalNames = c.servicePrincipalNames.filter((spn) => spn !== `${MIGRATION_SERVICE}/${c.dnsHostName}`);
    }
    const snapshot = createSnapshot(data);
    const report = checkFleet(snapshot, { group: { kind: 'domain' } });
    for (const h of report.hosts) {
      const kcd007 = h.findings.filter((f) => f.rule === 'KCD007');
      const kept = kcd007.filter((f) => f.data.more === undefined);
      const summary = kcd007.find((f) => f.data.more !== undefined);
      const peersBroken = [...broken].filter((n) => n !== h.host.name).length;
      expect(new Set(kept.map((f) => f.subject)).size).toBe(FLEET_FINDINGS_PER_RULE);
      expect(summary).toMatchObject({ subject: h.host.name, severity: 'error', data: { more: peersBroken - FLEET_FINDINGS_PER_RULE } });
      expect(summary?.message).toContain(`about ${peersBroken - FLEET_FINDINGS_PER_RULE} more peers of ${h.host.name}`);
      // Kept and counted together are what the rules give for the host's outbound pairs.
      const full = checkHost(snapshot, h.host, { group: { kind: 'domain' } });
      expect(h.peersReady).toBe(full.peers.filter((p) => p.outbound.ready).length);
      expect(h.peersReady).toBe(99 - peersBroken);
      const all = full.findings.filter((f) => f.rule === 'KCD007' && broken.has(f.subject) && f.subject !== h.host.name);
      expect(kept.length + (summary!.data.more as number)).toBe(all.length);
      expect([...kept.map((f) => f.subject), ...(summary!.data.peers as string[])].sort()).toEqual(all.map((f) => f.subject).sort());
    }
  });
});
