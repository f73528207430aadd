/**
 * checkFleet against the rules run plainly: every host rule on each host, every pair rule (without the
 * reverse-direction hint) on each outbound pair of its group, no screens, no caches, no counting path. Where no
 * host has more than FLEET_FINDINGS_PER_RULE findings of one rule and subject, the reports must be equal; where
 * findings are summarised, the kept and counted findings must add up to the plain ones.
 */
import { checkFleet, FLEET_FINDINGS_PER_RULE, type FleetReport } from '../../src/checker';
import { PairFindingSummariser } from '../../src/checker/fleet-summariser';
import { CHECKS } from '../../src/checks';
import type { Finding } from '../../src/domain/finding';
import type { Computer } from '../../src/domain/model';
import { migrationPeers, resolvedFleetGroup, type MigrationGroup } from '../../src/domain/migration-group';
import { createSnapshot, type DirectorySnapshot } from '../../src/domain/snapshot';
import { demoData } from '../../src/directory/demo-directory';
import { syntheticDirectory } from '../../bench/synthetic';
import { loadScenarios, scenarioData } from '../support/scenario';
import { computer, forestOf } from '../support/small-forest';
import { MIGRATION_SERVICE } from '../../src/domain/spn';
import { fleetData, names } from '../summary/fleet';

const RANK = { error: 0, warning: 1, info: 2 } as const;

/** Distinct by rule, subject (any case) and data; errors first, then rule, subject and data. */
function distinctSorted(findings: readonly Finding[]): Finding[] {
  const key = (f: Finding) => [RANK[f.severity], f.rule, f.subject.toLowerCase(), JSON.stringify(f.data)] as const;
  const seen = new Map(findings.map((f) => [key(f).join('\u0000'), f] as const).reverse());
  return [...seen.values()].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
    return 0;
  });
}

interface PlainHost {
  host: Computer;
  peers: number;
  peersReady: number;
  own: Finding[];
  /** Pair findings in the order the pairs and rules give them. */
  pairs: Finding[];
}

function plainFleet(snapshot: DirectorySnapshot, asked: MigrationGroup, storage: boolean): PlainHost[] {
  const group = resolvedFleetGroup(snapshot, asked);
  const hostRules = CHECKS.flatMap((c) => (c.scope === 'host' ? [c] : []));
  const pairRules = CHECKS.flatMap((c) => (c.scope === 'pair' && c.id !== 'KCD016' ? [c] : []));
  const hostFindings = (host: Computer, role: 'source' | 'target') =>
    hostRules.filter((r) => r.roles.includes(role)).flatMap((r) => r.check({ snapshot, host, role }));
  const errors = (fs: readonly Finding[]) => fs.some((f) => f.severity === 'error');
  return snapshot.hyperVHosts.map((host) => {
    const source = hostFindings(host, 'source');
    const peers = migrationPeers(snapshot, host, group);
    const pairs: Finding[] = [];
    let peersReady = 0;
    for (const dest of peers) {
      const pair = pairRules.flatMap((r) => r.check({ snapshot, source: host, dest, storage, fileServers: [] }));
      if (!errors(source) && !errors(hostFindings(dest, 'target')) && !errors(pair)) peersReady++;
      pairs.push(...pair);
    }
    return { host, peers: peers.length, peersReady, own: [...source, ...hostFindings(host, 'target')], pairs };
  });
}

/** Per rule and subject, how many pair findings the plain run gives. */
function countsByKey(findings: readonly Finding[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(`${f.rule}|${f.subject}`, (counts.get(`${f.rule}|${f.subject}`) ?? 0) + 1);
  return counts;
}

/** Compares one fleet report with the plain run; returns how many hosts were compared finding by finding. */
function expectPlain(snapshot: DirectorySnapshot, group: MigrationGroup, storage: boolean, where: string): number {
  const report: FleetReport = checkFleet(snapshot, { group, storage });
  const plain = plainFleet(snapshot, group, storage);
  expect(report.hosts.map((h) => h.host)).toEqual(plain.map((p) => p.host));
  let exact = 0;
  const totals = { errors: 0, warnings: 0, infos: 0, byRule: {} as Record<string, number> };
  report.hosts.forEach((h, i) => {
    const p = plain[i]!;
    const at = { where, storage, host: h.host.name };
    expect({ ...at, peersTotal: h.peersTotal, peersReady: h.peersReady }).toEqual({ ...at, peersTotal: p.peers, peersReady: p.peersReady });
    const counts = countsByKey(p.pairs);
    const summarised = [...counts.values()].some((n) => n > FLEET_FINDINGS_PER_RULE);
    if (!summarised) {
      const expected = distinctSorted([...p.own, ...p.pairs]);
      expect({ ...at, findings: h.findings }).toEqual({ ...at, findings: expected });
      expect(h.ready).toBe(!expected.some((f) => f.severity === 'error'));
      exact++;
    } else {
      // The host's own subject: FLEET_FINDINGS_PER_RULE kept (the first pairs'), one summary counting the rest.
      for (const [key, n] of counts) {
        const [rule, subject] = key.split('|') as [string, string];
        if (subject !== h.host.name) continue;
        const mine = h.findings.filter((f) => f.rule === rule && f.subject === subject);
        const kept = mine.filter((f) => f.data.more === undefined);
        const more = mine.find((f) => f.data.more !== undefined)?.data.more ?? 0;
        const ofKey = p.pairs.filter((f) => f.rule === rule && f.subject === subject);
        const firstKept = distinctSorted(ofKey.slice(0, FLEET_FINDINGS_PER_RULE));
        // Two peers of one name (in two domains) need the same NetBIOS-form entry: one finding, as a report without
        // summaries would show it. So the count is of distinct findings (n when every finding differs).
        expect({ ...at, key, kept: kept.length + (more as number) }).toEqual({ ...at, key, kept: distinctSorted(ofKey).length });
        expect(distinctSorted(ofKey).length).toBeLessThanOrEqual(n);
        if (n > FLEET_FINDINGS_PER_RULE) expect({ ...at, key, kept }).toEqual({ ...at, key, kept: firstKept });
      }
      // And exactly what the summariser makes of the plain findings (every pair's findings built and added, none
      // counted): the counting path must fill the summaries as adding the findings would (words, peers, fix).
      const resolved = resolvedFleetGroup(snapshot, group);
      const members = [h.host, ...migrationPeers(snapshot, h.host, resolved)];
      const distinctNames = new Set(members.map((m) => m.name)).size === members.length;
      const reference = new PairFindingSummariser(snapshot, h.host, resolved, storage, p.peers, distinctNames);
      reference.add(p.pairs);
      expect({ ...at, findings: h.findings }).toEqual({ ...at, findings: distinctSorted([...p.own, ...reference.findings()]) });
    }
    for (const f of h.findings) {
      totals.byRule[f.rule] = (totals.byRule[f.rule] ?? 0) + 1;
      totals[f.severity === 'error' ? 'errors' : f.severity === 'warning' ? 'warnings' : 'infos']++;
    }
  });
  expect(report.totals).toEqual({
    hosts: plain.length,
    hostsWithErrors: report.hosts.filter((h) => !h.ready).length,
    pairsExpected: plain.reduce((n, p) => n + p.peers, 0),
    pairsReady: plain.reduce((n, p) => n + p.peersReady, 0),
    ...totals,
  });
  return exact;
}

describe('checkFleet gives what the rules give when run plainly on every pair', () => {
  const groups: MigrationGroup[] = [{ kind: 'auto' }, { kind: 'parent-ou' }, { kind: 'delegation' }];

  test.each([true, false])('the demo directory in every group kind, storage %s', (storage) => {
    const snapshot = createSnapshot(demoData(new Date(0)));
    for (const group of [...groups, { kind: 'domain' } as const]) expect(expectPlain(snapshot, group, storage, `demo ${group.kind}`)).toBe(snapshot.hyperVHosts.length);
  });

  test('every scenario, storage on and off', () => {
    for (const scenario of loadScenarios()) {
      const snapshot = createSnapshot(scenarioData(scenario));
      for (const storage of [true, false]) expect(expectPlain(snapshot, { kind: 'auto' }, storage, scenario.id)).toBe(snapshot.hyperVHosts.length);
    }
  });

  test('a synthetic fleet with every kind of defect, by OU and as one domain group (summaries and counted pairs)', () => {
    const snapshot = createSnapshot(syntheticDirectory(160));
    expect(expectPlain(snapshot, { kind: 'parent-ou' }, true, 'synthetic parent-ou')).toBeGreaterThan(100);
    // One domain group: most hosts' missing entries are summarised, many pairs counted without being built.
    expect(expectPlain(snapshot, { kind: 'domain' }, false, 'synthetic domain')).toBeLessThan(160);
  });

  test('the synthetic fleet as one domain group with storage: the migration and cifs entries both summarised and counted', () => {
    const snapshot = createSnapshot(syntheticDirectory(160));
    expect(expectPlain(snapshot, { kind: 'domain' }, true, 'synthetic domain, storage')).toBeLessThan(160);
  });

  test('one domain group of 40 unconfigured hosts, the last ten without a dNSHostName: counted pairs into hosts of one name form', () => {
    const hosts = Array.from({ length: 40 }, (_, i) => {
      const name = `HV${String(i).padStart(2, '0')}`;
      const fqdn = i < 30 ? `${name.toLowerCase()}.contoso.com` : undefined;
      return computer({
        name,
        samAccountName: `${name}$`,
        distinguishedName: `CN=${name},OU=Hyper-V,DC=contoso,DC=com`,
        ...(fqdn ? { dnsHostName: fqdn } : {}),
        servicePrincipalNames: [`${MIGRATION_SERVICE}/${name}`, `HOST/${name}`, ...(fqdn ? [`${MIGRATION_SERVICE}/${fqdn}`, `HOST/${fqdn}`] : [])],
      });
    });
    const snapshot = createSnapshot(forestOf(hosts));
    expect(snapshot.hyperVHosts).toHaveLength(40);
    for (const storage of [true, false]) expect(expectPlain(snapshot, { kind: 'domain' }, storage, 'one name form')).toBe(0);
  });

  test('a meshed domain group with RC4-only peers (warnings) and a DES-only peer (an error of its own): readiness by the peer, also on the rules\' path', () => {
    // HV5 allows DES only (an error of its own as a destination) and lists another account for resource-based
    // delegation, so pairs into it take the rules' path: their entries are complete, HV5's own error blocks them.
    const data = fleetData(names('HV', 30).map((name) => ({ name, ...(name === 'HV1' ? { missingTo: ['HV2'] } : {}) })));
    for (const c of data.computers) {
      const n = Number(c.name.slice(2));
      if (n >= 10) c.supportedEncryptionTypes = 0x4;
      if (n === 5) {
        c.supportedEncryptionTypes = 0x1;
        // Resource-based delegation for another account: every pair into HV5 takes the rules' path.
        c.allowedToActOnBehalfOf = ['CONTOSO\\BACKUP01$'];
      }
    }
    const snapshot = createSnapshot(data);
    for (const storage of [true, false]) expectPlain(snapshot, { kind: 'domain' }, storage, 'rc4 and des peers');
    const hosts = checkFleet(snapshot, { group: { kind: 'domain' } }).hosts;
    // HV1: every peer but HV2 (its missing entries) and HV5 (DES only); HV3: every peer but HV5.
    expect(hosts.find((h) => h.host.name === 'HV1')).toMatchObject({ peersTotal: 29, peersReady: 27 });
    expect(hosts.find((h) => h.host.name === 'HV3')).toMatchObject({ peersTotal: 29, peersReady: 28 });
  });

  test('an AD group of two domains, one name in both, and a host in no group: cross-domain pairs are never counted', () => {
    const group = 'CN=Hyper-V Hosts,OU=Groups,DC=contoso,DC=com';
    const host = (i: number, domain: string, inGroup = true) => {
      const name = `HV${String(i).padStart(2, '0')}`;
      const fqdn = `${name.toLowerCase()}.${domain}`;
      const dc = domain
        .split('.')
        .map((p) => `DC=${p}`)
        .join(',');
      return computer({
        name,
        samAccountName: `${name}$`,
        domain,
        dnsHostName: fqdn,
        distinguishedName: `CN=${name},OU=Hyper-V,${dc}`,
        servicePrincipalNames: [`${MIGRATION_SERVICE}/${name}`, `HOST/${name}`, `${MIGRATION_SERVICE}/${fqdn}`, `HOST/${fqdn}`],
        memberOf: inGroup ? [group] : [],
      });
    };
    // 30 of contoso.com, 20 of eu.contoso.com (HV00 is in both), HV99 of contoso.com in no group; none delegates.
    const hosts = [
      ...Array.from({ length: 30 }, (_, i) => host(i, 'contoso.com')),
      ...Array.from({ length: 20 }, (_, i) => host(i === 0 ? 0 : 40 + i, 'eu.contoso.com')),
      host(99, 'contoso.com', false),
    ];
    const snapshot = createSnapshot(
      forestOf(hosts, {
        domains: ['contoso.com', 'eu.contoso.com'],
        groups: [{ distinguishedName: group, name: 'Hyper-V Hosts', memberOf: [] }],
      }),
    );
    expect(snapshot.hyperVHosts).toHaveLength(51);
    for (const storage of [true, false]) expect(expectPlain(snapshot, { kind: 'group', name: 'Hyper-V Hosts' }, storage, 'two domains')).toBe(1);
    // KCD013 (other domain) is found for every cross-domain pair, not lost to the counting path.
    const report = checkFleet(snapshot, { group: { kind: 'group', name: 'Hyper-V Hosts' } });
    const hv01 = report.hosts.find((h) => h.host.name === 'HV01')!;
    const crossDomain = hv01.findings.filter((f) => f.rule === 'KCD013');
    expect(crossDomain.length).toBeGreaterThan(0);
    expect(report.hosts.find((h) => h.host.name === 'HV99')).toMatchObject({ peersTotal: 0, peersReady: 0 });
  });
});
