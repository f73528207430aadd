/**
 * Synthetic Active Directory data for the benchmark: N Hyper-V hosts in clusters of 8–32 (one OU per
 * cluster, so `KCD_MIGRATION_GROUP=parent-ou` groups them), each delegating to its peers as documented
 * (migration service and cifs, NetBIOS and FQDN forms, protocol transition), with a realistic share of
 * broken configuration. Deterministic: the same N always gives the same directory.
 *
 * The same plan feeds the evaluation benchmark (DirectoryData in memory) and the DC benchmark (LDIF for
 * the Samba lab), so both measure the same shape of data.
 */
import type { Computer, DirectoryData, Group, SpnAccount } from '../src/domain/model';
import { createInterner, internAll, internComputer } from '../src/domain/intern';
import { MIGRATION_SERVICE } from '../src/domain/spn';
import { UAC } from '../src/domain/uac';

export const BENCH_DOMAIN = 'lab.test';
export const BENCH_BASE_DN = 'DC=lab,DC=test';
/** Parent OU of the cluster OUs. */
export const HYPERV_OU = `OU=Hyper-V,${BENCH_BASE_DN}`;

const MEMBER = UAC.WORKSTATION_TRUST_ACCOUNT;
const PROTOCOL_TRANSITION = MEMBER | UAC.TRUSTED_TO_AUTH_FOR_DELEGATION;

const OS = [
  { operatingSystem: 'Windows Server 2019 Datacenter', operatingSystemVersion: '10.0 (17763)' },
  { operatingSystem: 'Windows Server 2022 Datacenter', operatingSystemVersion: '10.0 (20348)' },
  { operatingSystem: 'Windows Server 2016 Datacenter', operatingSystemVersion: '10.0 (14393)' },
  { operatingSystem: 'Windows Server 2025 Datacenter', operatingSystemVersion: '10.0 (26100)' },
];

/** What is wrong with a host (most hosts: nothing). */
export type Defect =
  | 'missing-migration-entries' // KCD001 on its outbound pairs
  | 'missing-cifs-entries' // KCD002 (storage moves)
  | 'kerberos-only' // KCD004
  | 'unconstrained' // KCD005
  | 'missing-fqdn-spn' // KCD007 for every peer that migrates to it
  | 'stale-entries' // KCD012
  | 'duplicate-spn'; // KCD008 (evaluation data only: Samba refuses duplicate SPNs on write)

/**
 * Share of hosts with each defect (a host can have two): about 13% of hosts have one. A missing SPN on one
 * host breaks every peer's migration to it, so about 18–20% of hosts end up with an error finding.
 */
export const DEFECT_RATES: ReadonlyArray<[Defect, number]> = [
  ['missing-migration-entries', 0.04],
  ['missing-cifs-entries', 0.03],
  ['kerberos-only', 0.02],
  ['unconstrained', 0.005],
  ['missing-fqdn-spn', 0.004],
  ['stale-entries', 0.03],
  ['duplicate-spn', 0.002],
];

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function hostName(i: number): string {
  return `HV${String(i).padStart(5, '0')}`;
}

export interface PlannedHost {
  name: string;
  /** Index of its cluster. */
  cluster: number;
  defects: Defect[];
  os: (typeof OS)[number];
}

export interface FleetPlan {
  hosts: PlannedHost[];
  /** Host indexes per cluster. */
  clusters: number[][];
}

export function clusterOu(cluster: number): string {
  return `OU=Cluster-${String(cluster).padStart(4, '0')},${HYPERV_OU}`;
}

/** Splits N hosts into clusters of 8–32 and picks each host's defects. */
export function planFleet(n: number, seed = 20240607): FleetPlan {
  const rnd = prng(seed + n);
  const clusters: number[][] = [];
  let next = 0;
  while (next < n) {
    let size = 8 + Math.floor(rnd() * 25);
    if (n - next - size < 8) size = n - next; // no runt cluster at the end
    clusters.push(Array.from({ length: size }, (_, k) => next + k));
    next += size;
  }
  const hosts: PlannedHost[] = [];
  clusters.forEach((members, cluster) => {
    for (const i of members) {
      const defects: Defect[] = [];
      for (const [defect, rate] of DEFECT_RATES) if (rnd() < rate) defects.push(defect);
      hosts.push({ name: hostName(i + 1), cluster, defects, os: OS[Math.floor(rnd() * OS.length)]! });
    }
  });
  return { hosts, clusters };
}

export function fqdnOf(name: string): string {
  return `${name.toLowerCase()}.${BENCH_DOMAIN}`;
}

function forms(serviceClass: string, name: string): string[] {
  return [`${serviceClass}/${name}`, `${serviceClass}/${fqdnOf(name)}`];
}

export interface SyntheticHost {
  name: string;
  dn: string;
  userAccountControl: number;
  spns: string[];
  delegateTo: string[];
  operatingSystem: string;
  operatingSystemVersion: string;
}

/** The attributes of every Hyper-V host of the plan (the same for the evaluation data and the DC). */
export function* syntheticHosts(plan: FleetPlan, opts: { duplicates: boolean }): Generator<SyntheticHost> {
  for (const [index, host] of plan.hosts.entries()) {
    const rnd = prng(index * 7919 + 17);
    const d = new Set(host.defects);
    const spns = [
      ...forms('HOST', host.name),
      ...forms('RestrictedKrbHost', host.name),
      ...forms('WSMAN', host.name),
      `${MIGRATION_SERVICE}/${host.name}`,
      ...(d.has('missing-fqdn-spn') ? [] : [`${MIGRATION_SERVICE}/${fqdnOf(host.name)}`]),
      ...forms('Microsoft Virtual Console Service', host.name),
      ...forms('Hyper-V Replica Service', host.name),
    ];
    // A SQL instance that was once installed under a service account and later as the machine: the SPN is on both.
    if (opts.duplicates && d.has('duplicate-spn')) spns.push(`MSSQLSvc/${fqdnOf(host.name)}:1433`);
    const delegateTo: string[] = [];
    for (const peerIndex of plan.clusters[host.cluster]!) {
      const peer = plan.hosts[peerIndex]!;
      if (peer === host) continue;
      let migration = forms(MIGRATION_SERVICE, peer.name);
      let cifs = forms('cifs', peer.name);
      if (d.has('missing-migration-entries') && rnd() < 0.3) migration = migration.slice(0, 1); // FQDN form forgotten
      if (d.has('missing-cifs-entries') && rnd() < 0.5) cifs = [];
      delegateTo.push(...migration, ...cifs);
    }
    if (d.has('stale-entries')) {
      // Delegation to a decommissioned host that nobody holds any more.
      const gone = `HVOLD${String(index).padStart(5, '0')}`;
      delegateTo.push(...forms(MIGRATION_SERVICE, gone), ...forms('cifs', gone));
    }
    let uac = PROTOCOL_TRANSITION;
    if (d.has('kerberos-only')) uac = MEMBER;
    if (d.has('unconstrained')) uac = MEMBER | UAC.TRUSTED_FOR_DELEGATION;
    yield {
      name: host.name,
      dn: `CN=${host.name},${clusterOu(host.cluster)}`,
      userAccountControl: uac,
      spns,
      delegateTo,
      ...host.os,
    };
  }
}

/**
 * Flat, independent strings, as a JSON or LDAP parser produces them (not the generator's cons strings), one
 * string object per value. syntheticDirectory then interns each object through src/domain/intern.ts as soon as
 * it is built, exactly as the real readers do (snapshot file, PowerShell export, LDAP).
 */
function flat<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * DirectoryData for N Hyper-V hosts, plus what a real forest also holds: two DCs, file servers and other
 * member servers, service accounts with SPNs (one holding each duplicate), a few groups.
 */
export function syntheticDirectory(n: number): DirectoryData {
  const plan = planFleet(n);
  const intern = createInterner();
  const computers: Computer[] = [];
  for (const h of syntheticHosts(plan, { duplicates: true })) {
    computers.push(
      internComputer(
        flat<Computer>({
          name: h.name,
          samAccountName: `${h.name}$`,
          dnsHostName: fqdnOf(h.name),
          domain: BENCH_DOMAIN,
          distinguishedName: h.dn,
          userAccountControl: h.userAccountControl,
          servicePrincipalNames: h.spns,
          allowedToDelegateTo: h.delegateTo,
          allowedToActOnBehalfOf: [],
          operatingSystem: h.operatingSystem,
          operatingSystemVersion: h.operatingSystemVersion,
          memberOf: [`CN=Hyper-V Hosts,OU=Groups,${BENCH_BASE_DN}`],
        }),
        intern,
      ),
    );
  }
  const other = (name: string, ou: string, uac: number, extra: string[] = []): Computer =>
    internComputer(
      flat<Computer>({
        name,
        samAccountName: `${name}$`,
        dnsHostName: fqdnOf(name),
        domain: BENCH_DOMAIN,
        distinguishedName: `CN=${name},${ou}`,
        userAccountControl: uac,
        servicePrincipalNames: [...forms('HOST', name), ...forms('RestrictedKrbHost', name), ...extra],
        allowedToDelegateTo: [],
        allowedToActOnBehalfOf: [],
        operatingSystem: 'Windows Server 2022 Datacenter',
        operatingSystemVersion: '10.0 (20348)',
        memberOf: [],
      }),
      intern,
    );
  for (const dc of ['DC1', 'DC2']) {
    computers.push(
      other(dc, `OU=Domain Controllers,${BENCH_BASE_DN}`, UAC.SERVER_TRUST_ACCOUNT | UAC.TRUSTED_FOR_DELEGATION, [
        `ldap/${fqdnOf(dc)}`,
        `ldap/${fqdnOf(dc)}/${BENCH_DOMAIN}`,
        `GC/${fqdnOf(dc)}/${BENCH_DOMAIN}`,
      ]),
    );
  }
  for (let i = 1; i <= Math.max(2, Math.round(n / 100)); i++) {
    computers.push(other(`FS${String(i).padStart(4, '0')}`, `OU=File Servers,${BENCH_BASE_DN}`, MEMBER, forms('cifs', `FS${String(i).padStart(4, '0')}`)));
  }
  for (let i = 1; i <= Math.round(n / 5); i++) {
    computers.push(other(`SRV${String(i).padStart(5, '0')}`, `OU=Servers,${BENCH_BASE_DN}`, MEMBER));
  }
  const spnAccounts: SpnAccount[] = [
    flat({ samAccountName: 'krbtgt', distinguishedName: `CN=krbtgt,CN=Users,${BENCH_BASE_DN}`, servicePrincipalNames: ['kadmin/changepw'] }),
  ];
  for (const host of plan.hosts.filter((h) => h.defects.includes('duplicate-spn'))) {
    spnAccounts.push(
      flat({
        samAccountName: `svc-sql-${host.name.toLowerCase()}`,
        distinguishedName: `CN=svc-sql-${host.name.toLowerCase()},OU=Service Accounts,${BENCH_BASE_DN}`,
        servicePrincipalNames: [`MSSQLSvc/${fqdnOf(host.name)}:1433`],
      }),
    );
  }
  for (let i = 1; i <= Math.round(n / 200); i++) {
    spnAccounts.push(
      flat({
        samAccountName: `svc-app${i}`,
        distinguishedName: `CN=svc-app${i},OU=Service Accounts,${BENCH_BASE_DN}`,
        servicePrincipalNames: [`http/app${i}.${BENCH_DOMAIN}`],
      }),
    );
  }
  const groups: Group[] = [
    { distinguishedName: `CN=Hyper-V Hosts,OU=Groups,${BENCH_BASE_DN}`, name: 'Hyper-V Hosts', memberOf: [] },
    { distinguishedName: `CN=Protected Users,CN=Users,${BENCH_BASE_DN}`, name: 'Protected Users', sid: 'S-1-5-21-1-2-3-525', memberOf: [] },
    { distinguishedName: `CN=Domain Admins,CN=Users,${BENCH_BASE_DN}`, name: 'Domain Admins', sid: 'S-1-5-21-1-2-3-512', memberOf: [] },
  ];
  return {
    source: { kind: 'snapshot', label: `synthetic ${n} Hyper-V hosts`, takenAt: new Date(0).toISOString() },
    domains: [BENCH_DOMAIN],
    computers,
    users: [],
    groups,
    spnAccounts: spnAccounts.map((a) => ({ ...a, servicePrincipalNames: internAll(a.servicePrincipalNames, intern) })),
    spnMappings: [],
  };
}

/** Two random hosts of the same cluster (for chat questions). */
export function randomPair(plan: FleetPlan, rnd: () => number): [string, string] {
  for (;;) {
    const members = plan.clusters[Math.floor(rnd() * plan.clusters.length)]!;
    const a = members[Math.floor(rnd() * members.length)]!;
    const b = members[Math.floor(rnd() * members.length)]!;
    if (a !== b) return [plan.hosts[a]!.name, plan.hosts[b]!.name];
  }
}
