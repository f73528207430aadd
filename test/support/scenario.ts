/**
 * Scenario fixtures (test/fixtures/scenarios/*.json) describe a small directory and one question in a
 * compact, source-neutral form. Unit tests turn them into DirectoryData directly; the DC tests load the
 * same scenarios into the real Samba DC as LDIF, so both paths must reach the same rule ids.
 *
 * Host names are logical (SRC, DST, FS); `prefix` makes them unique per scenario on a shared DC.
 * Delegation entries are templates: {DST} → the NetBIOS name, {dst} → the FQDN; {DC}/{dc} → the lab's DC.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Computer, DirectoryData, Group, SpnAccount, User } from '../../src/domain/model';
import { MIGRATION_SERVICE } from '../../src/domain/spn';
import { UAC } from '../../src/domain/uac';

/** `2016-name-only`: operatingSystem recorded, operatingSystemVersion not (the year decides). */
export type OsSpec = '2012r2' | '2016' | '2016-name-only' | '2019' | '2022' | '2025' | '2025-name-only' | 'unknown';

export interface HostSpec {
  name: string;
  hyperV?: boolean;
  /** Migration-service SPN forms to register (default both when hyperV). */
  migrationSpnForms?: Array<'short' | 'fqdn'>;
  /** "member" (Kerberos only), "protocol-transition" (default), "unconstrained", "both". */
  delegation?: 'member' | 'protocol-transition' | 'unconstrained' | 'both';
  disabled?: boolean;
  os?: OsSpec;
  noDnsHostName?: boolean;
  /** No HOST/ SPNs (so nothing covers cifs). */
  noHostSpn?: boolean;
  delegateTo?: string[];
  /** Hosts allowed by resource-based delegation to act on behalf of users towards this host (full control each). */
  rbcdFrom?: string[];
  /**
   * The descriptor's ACEs in order, when it is more than rbcdFrom says: `from` a logical host, or "#deleted" for a
   * SID no account holds; `type` allow (default) or deny; `mask` default 0xF01FF.
   */
  rbcd?: RbcdAceSpec[];
  /** The container: "AADDC Computers" puts the host where Entra Domain Services keeps member computers. */
  container?: 'AADDC Computers';
  /** Domain other than the lab's (unit tests only). */
  domain?: string;
  /** msDS-SupportedEncryptionTypes (absent: not set). */
  encryptionTypes?: number;
}

export interface RbcdAceSpec {
  from: string;
  type?: 'allow' | 'deny';
  mask?: number;
}

/** The logical name of a descriptor entry whose account was deleted. */
export const DELETED_ACCOUNT = '#deleted';
/** Full control, what -PrincipalsAllowedToDelegateToAccount writes. */
export const RBCD_FULL = 0xf01ff;

/** A host's descriptor ACEs: `rbcd` as given, else one full-control allow per rbcdFrom host. */
export function rbcdAcesOf(h: HostSpec): Array<Required<RbcdAceSpec>> {
  const list: RbcdAceSpec[] = h.rbcd ?? (h.rbcdFrom ?? []).map((from) => ({ from }));
  return list.map((a) => ({ from: a.from, type: a.type ?? 'allow', mask: a.mask ?? RBCD_FULL }));
}

export interface UserSpec {
  name: string;
  sensitive?: boolean;
  /** userAccountControl bits besides NORMAL_ACCOUNT and NOT_DELEGATED (e.g. 0x10000 DONT_EXPIRE_PASSWORD). */
  otherUac?: number;
  groups?: string[];
  /** msDS-SupportedEncryptionTypes (absent: not set). */
  encryptionTypes?: number;
}

export interface GroupSpec {
  name: string;
  /** Groups this group is a member of; "Protected Users" is the built-in group. */
  memberOf?: string[];
}

export interface ServiceAccountSpec {
  name: string;
  spns: string[];
}

export interface Scenario {
  /** The file name without .json. */
  id: string;
  description: string;
  hosts: HostSpec[];
  users?: UserSpec[];
  groups?: GroupSpec[];
  serviceAccounts?: ServiceAccountSpec[];
  question: { source: string; destination: string; storage?: boolean; fileServers?: string[]; as?: string };
  /** Exactly the rule ids the pair question produces (each at least once; no other rule fires). */
  expect: string[];
  /** Whether the pair is ready (no error finding). */
  ready: boolean;
  /** Whether the real Samba DC can hold this scenario (a second domain or duplicate SPNs cannot be written there). */
  dc?: boolean;
  /** The domain's krbtgt (every scenario has one, as every domain does): sensitive is KCD020. */
  krbtgt?: { sensitive?: boolean };
}

export const LAB_DOMAIN = 'lab.test';
export const LAB_BASE_DN = 'DC=lab,DC=test';
export const LAB_DC = { name: 'DC1', fqdn: 'dc1.lab.test' };

const FIXTURES = join(__dirname, '..', 'fixtures', 'scenarios');

export function loadScenarios(): Scenario[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ id: f.replace(/\.json$/, ''), ...JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) }) as Scenario);
}

export function loadScenario(id: string): Scenario {
  const found = loadScenarios().find((s) => s.id === id);
  if (!found) throw new Error(`no scenario ${id}`);
  return found;
}

/** The real names of a scenario's logical names. */
export class ScenarioNames {
  constructor(
    readonly prefix: string,
    readonly domain = LAB_DOMAIN,
  ) {}
  host(logical: string): string {
    return `${this.prefix}${logical}`.toUpperCase();
  }
  fqdn(logical: string, domain = this.domain): string {
    return `${this.host(logical).toLowerCase()}.${domain}`;
  }
  user(logical: string): string {
    return `${this.prefix}${logical}`.toLowerCase();
  }
  group(logical: string): string {
    return logical === 'Protected Users' ? logical : `${this.prefix}${logical}`;
  }
  /** Expands {NAME} and {name} templates. */
  expand(template: string, hosts: readonly HostSpec[]): string {
    return template.replace(/\{([A-Za-z0-9-]+)\}/g, (_, name: string) => {
      if (name === 'DC') return LAB_DC.name;
      if (name === 'dc') return LAB_DC.fqdn;
      const upper = name === name.toUpperCase();
      const spec = hosts.find((h) => h.name.toLowerCase() === name.toLowerCase());
      return upper ? this.host(name) : this.fqdn(name, spec?.domain ?? this.domain);
    });
  }
}

export function uacOf(h: HostSpec): number {
  const base = {
    member: UAC.WORKSTATION_TRUST_ACCOUNT,
    'protocol-transition': UAC.WORKSTATION_TRUST_ACCOUNT | UAC.TRUSTED_TO_AUTH_FOR_DELEGATION,
    unconstrained: UAC.WORKSTATION_TRUST_ACCOUNT | UAC.TRUSTED_FOR_DELEGATION,
    both: UAC.WORKSTATION_TRUST_ACCOUNT | UAC.TRUSTED_FOR_DELEGATION | UAC.TRUSTED_TO_AUTH_FOR_DELEGATION,
  }[h.delegation ?? 'protocol-transition'];
  return base | (h.disabled ? UAC.ACCOUNTDISABLE : 0);
}

/** NORMAL_ACCOUNT, plus NOT_DELEGATED when sensitive, plus whatever other bits the fixture names. */
export function userUacOf(u: UserSpec): number {
  return 0x200 | (u.sensitive ? UAC.NOT_DELEGATED : 0) | (u.otherUac ?? 0);
}

export function osOf(h: HostSpec): { operatingSystem?: string; operatingSystemVersion?: string } {
  switch (h.os ?? '2019') {
    case '2012r2':
      return { operatingSystem: 'Windows Server 2012 R2 Datacenter', operatingSystemVersion: '6.3 (9600)' };
    case '2016':
      return { operatingSystem: 'Windows Server 2016 Datacenter', operatingSystemVersion: '10.0 (14393)' };
    case '2016-name-only':
      return { operatingSystem: 'Windows Server 2016 Standard' };
    case '2019':
      return { operatingSystem: 'Windows Server 2019 Datacenter', operatingSystemVersion: '10.0 (17763)' };
    case '2022':
      return { operatingSystem: 'Windows Server 2022 Datacenter', operatingSystemVersion: '10.0 (20348)' };
    case '2025':
      return { operatingSystem: 'Windows Server 2025 Datacenter', operatingSystemVersion: '10.0 (26100)' };
    case '2025-name-only':
      return { operatingSystem: 'Windows Server 2025 Standard' };
    case 'unknown':
      return {};
  }
}

export function spnsOf(h: HostSpec, names: ScenarioNames): string[] {
  const short = names.host(h.name);
  const fqdn = names.fqdn(h.name, h.domain);
  const spns = h.noHostSpn ? [] : [`HOST/${short}`, `HOST/${fqdn}`];
  if (h.hyperV) {
    for (const form of h.migrationSpnForms ?? ['short', 'fqdn']) spns.push(`${MIGRATION_SERVICE}/${form === 'short' ? short : fqdn}`);
  }
  return spns;
}

function dnOfDomain(domain: string): string {
  return domain
    .split('.')
    .map((p) => `DC=${p}`)
    .join(',');
}

/** The lab domain's krbtgt as the LDAP read sees it: a disabled normal account holding kadmin/changepw. */
export function krbtgtAccount(sensitive: boolean): SpnAccount {
  return {
    samAccountName: 'krbtgt',
    distinguishedName: `CN=krbtgt,CN=Users,${LAB_BASE_DN}`,
    servicePrincipalNames: ['kadmin/changepw'],
    userAccountControl: 0x200 | UAC.ACCOUNTDISABLE | (sensitive ? UAC.NOT_DELEGATED : 0),
  };
}

/** The scenario as DirectoryData (what an adapter would produce), for unit tests. */
export function scenarioData(s: Scenario, names = new ScenarioNames('')): DirectoryData {
  const groupDn = (g: string) =>
    g === 'Protected Users' ? `CN=Protected Users,CN=Users,${LAB_BASE_DN}` : `CN=${names.group(g)},CN=Users,${LAB_BASE_DN}`;
  // Hosts' SIDs for the descriptors (the DC assigns its own; the rules compare names, never these numbers).
  const sidOf = (logical: string) =>
    logical === DELETED_ACCOUNT ? 'S-1-5-21-1-2-3-99999' : `S-1-5-21-1-2-3-${1100 + s.hosts.findIndex((x) => x.name === logical)}`;
  const computers: Computer[] = s.hosts.map((h) => {
    const domain = h.domain ?? LAB_DOMAIN;
    const aces = rbcdAcesOf(h).map((a) => ({
      sid: sidOf(a.from),
      ...(a.from === DELETED_ACCOUNT ? {} : { principal: `${names.host(a.from)}$` }),
      type: a.type,
      mask: a.mask,
    }));
    const allowed = [...new Set(aces.filter((a) => a.type === 'allow').map((a) => a.principal ?? a.sid))];
    return {
      name: names.host(h.name),
      samAccountName: `${names.host(h.name)}$`,
      dnsHostName: h.noDnsHostName ? undefined : names.fqdn(h.name, domain),
      domain,
      distinguishedName: `CN=${names.host(h.name)},${h.container ? `OU=${h.container},` : 'CN=Computers,'}${dnOfDomain(domain)}`,
      sid: sidOf(h.name),
      userAccountControl: uacOf(h),
      servicePrincipalNames: spnsOf(h, names),
      allowedToDelegateTo: (h.delegateTo ?? []).map((t) => names.expand(t, s.hosts)),
      allowedToActOnBehalfOf: allowed,
      ...(aces.length > 0 ? { resourceBasedAces: aces } : {}),
      ...osOf(h),
      ...(h.encryptionTypes !== undefined ? { supportedEncryptionTypes: h.encryptionTypes } : {}),
      memberOf: [],
    };
  });
  computers.push({
    name: LAB_DC.name,
    samAccountName: `${LAB_DC.name}$`,
    dnsHostName: LAB_DC.fqdn,
    domain: LAB_DOMAIN,
    distinguishedName: `CN=${LAB_DC.name},OU=Domain Controllers,${LAB_BASE_DN}`,
    userAccountControl: UAC.SERVER_TRUST_ACCOUNT | UAC.TRUSTED_FOR_DELEGATION,
    servicePrincipalNames: [`HOST/${LAB_DC.name}`, `HOST/${LAB_DC.fqdn}`, `ldap/${LAB_DC.fqdn}`, `ldap/${LAB_DC.name}`],
    allowedToDelegateTo: [],
    allowedToActOnBehalfOf: [],
    memberOf: [],
  });
  const users: User[] = (s.users ?? []).map((u) => ({
    samAccountName: names.user(u.name),
    userPrincipalName: `${names.user(u.name)}@${LAB_DOMAIN}`,
    distinguishedName: `CN=${names.user(u.name)},CN=Users,${LAB_BASE_DN}`,
    domain: LAB_DOMAIN,
    userAccountControl: userUacOf(u),
    memberOf: (u.groups ?? []).map(groupDn),
    ...(u.encryptionTypes !== undefined ? { supportedEncryptionTypes: u.encryptionTypes } : {}),
  }));
  const groups: Group[] = [
    { distinguishedName: groupDn('Protected Users'), name: 'Protected Users', sid: 'S-1-5-21-1-2-3-525', memberOf: [] },
    ...(s.groups ?? []).map((g, i) => ({
      distinguishedName: groupDn(g.name),
      name: names.group(g.name),
      sid: `S-1-5-21-1-2-3-${2000 + i}`,
      memberOf: (g.memberOf ?? []).map(groupDn),
    })),
  ];
  return {
    source: { kind: 'snapshot', label: `scenario ${s.id}`, takenAt: '2026-01-01T00:00:00.000Z' },
    domains: [...new Set([LAB_DOMAIN, ...computers.map((c) => c.domain)])],
    computers,
    users,
    groups,
    spnAccounts: [
      krbtgtAccount(s.krbtgt?.sensitive ?? false),
      ...(s.serviceAccounts ?? []).map((a) => ({
        samAccountName: names.user(a.name),
        distinguishedName: `CN=${names.user(a.name)},CN=Users,${LAB_BASE_DN}`,
        servicePrincipalNames: a.spns.map((t) => names.expand(t, s.hosts)),
      })),
    ],
    spnMappings: [],
  };
}
