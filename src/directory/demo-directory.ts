/**
 * The built-in demo directory: the lab of the source article (GOGO-2/3/4, file server FHOST1, VMHOST1/2,
 * management server MGMT1) in contoso.com, with a realistic mix of correct and broken configuration so
 * every rule fires somewhere. Used when nothing is configured; every output labels it "demo directory".
 */
import type { Computer, DirectoryData, Group, ResourceBasedAce, SpnAccount, User } from '../domain/model';
import { createSnapshot, type DirectorySnapshot } from '../domain/snapshot';
import { MIGRATION_SERVICE } from '../domain/spn';
import { UAC } from '../domain/uac';
import type { Directory, SnapshotOptions } from './port';

export const DEMO_LABEL = 'demo directory';

const WS2012R2 = { operatingSystem: 'Windows Server 2012 R2 Datacenter', operatingSystemVersion: '6.3 (9600)' };
const WS2016 = { operatingSystem: 'Windows Server 2016 Datacenter', operatingSystemVersion: '10.0 (14393)' };
const WS2019 = { operatingSystem: 'Windows Server 2019 Datacenter', operatingSystemVersion: '10.0 (17763)' };
const WS2022 = { operatingSystem: 'Windows Server 2022 Datacenter', operatingSystemVersion: '10.0 (20348)' };

const MEMBER = UAC.WORKSTATION_TRUST_ACCOUNT;
const PROTOCOL_TRANSITION = MEMBER | UAC.TRUSTED_TO_AUTH_FOR_DELEGATION;

interface HostSpec {
  name: string;
  domain?: string;
  ou?: string;
  uac?: number;
  os?: { operatingSystem: string; operatingSystemVersion: string };
  hyperV?: boolean;
  /** Leave dNSHostName out (KCD017). */
  noDnsHostName?: boolean;
  /** Register only these migration-service name forms (default: both). */
  migrationSpnForms?: Array<'short' | 'fqdn'>;
  delegateTo?: string[];
  actOnBehalfOf?: string[];
  /** The resource-based descriptor's ACEs (actOnBehalfOf then lists the accounts they allow). */
  descriptor?: ResourceBasedAce[];
  extraSpns?: string[];
  memberOf?: string[];
  /** msDS-SupportedEncryptionTypes (absent: not set). */
  encryptionTypes?: number;
  /** objectSid, where a descriptor names the account (the managed domain). */
  sid?: string;
}

function dnOfDomain(domain: string): string {
  return domain
    .split('.')
    .map((p) => `DC=${p}`)
    .join(',');
}

function computer(spec: HostSpec): Computer {
  const domain = spec.domain ?? 'contoso.com';
  const fqdn = `${spec.name.toLowerCase()}.${domain}`;
  const forms = (cls: string) => [`${cls}/${spec.name}`, `${cls}/${fqdn}`];
  const spns = [...forms('HOST'), ...forms('RestrictedKrbHost'), ...forms('WSMAN')];
  if (spec.hyperV) {
    const migrationForms = spec.migrationSpnForms ?? ['short', 'fqdn'];
    spns.push(
      ...migrationForms.map((f) => `${MIGRATION_SERVICE}/${f === 'short' ? spec.name : fqdn}`),
      ...forms('Microsoft Virtual Console Service'),
      ...forms('Hyper-V Replica Service'),
    );
  }
  spns.push(...(spec.extraSpns ?? []));
  return {
    name: spec.name,
    samAccountName: `${spec.name}$`,
    dnsHostName: spec.noDnsHostName ? undefined : fqdn,
    domain,
    distinguishedName: `CN=${spec.name},${spec.ou ?? 'OU=Hyper-V Hosts'},${dnOfDomain(domain)}`,
    ...(spec.sid !== undefined ? { sid: spec.sid } : {}),
    userAccountControl: spec.uac ?? PROTOCOL_TRANSITION,
    servicePrincipalNames: spns,
    allowedToDelegateTo: spec.delegateTo ?? [],
    allowedToActOnBehalfOf: spec.descriptor
      ? [...new Set(spec.descriptor.filter((a) => a.type === 'allow').map((a) => a.principal ?? a.sid))]
      : (spec.actOnBehalfOf ?? []),
    ...(spec.descriptor ? { resourceBasedAces: spec.descriptor } : {}),
    ...(spec.os ?? WS2019),
    ...(spec.encryptionTypes !== undefined ? { supportedEncryptionTypes: spec.encryptionTypes } : {}),
    memberOf: spec.memberOf ?? [],
  };
}

/** Both name forms of the migration service (and cifs when `storage`) for each target. */
function entries(targets: string[], classes: string[] = [MIGRATION_SERVICE, 'cifs']): string[] {
  return targets.flatMap((t) => classes.flatMap((c) => [`${c}/${t.toUpperCase()}`, `${c}/${t.toLowerCase()}.contoso.com`]));
}

const CONTOSO = 'DC=contoso,DC=com';
/** The managed domain (Microsoft Entra Domain Services) and its domain SID. */
const AADDS = 'aadds.contoso.com';
const AADDS_SID = 'S-1-5-21-3623811015-3361044348-30300820';
const PROTECTED_USERS_DN = `CN=Protected Users,CN=Users,${CONTOSO}`;
const TIER0_DN = `CN=Tier0 Admins,OU=Groups,${CONTOSO}`;
const HYPERV_GROUP_DN = `CN=Hyper-V Hosts,OU=Groups,${CONTOSO}`;

function demoComputers(): Computer[] {
  const inGroup = [HYPERV_GROUP_DN];
  return [
    computer({
      name: 'DC1',
      ou: 'OU=Domain Controllers',
      uac: UAC.SERVER_TRUST_ACCOUNT | UAC.TRUSTED_FOR_DELEGATION,
      os: WS2022,
      extraSpns: ['ldap/DC1', 'ldap/dc1.contoso.com', 'ldap/dc1.contoso.com/contoso.com', 'GC/dc1.contoso.com/contoso.com', 'DNS/dc1.contoso.com'],
    }),
    // The article's GOGO-3: migration entries in NetBIOS form only, and "Kerberos only" on 2016.
    computer({
      name: 'GOGO-3',
      hyperV: true,
      uac: MEMBER,
      os: WS2016,
      delegateTo: [`${MIGRATION_SERVICE}/GOGO-4`, `${MIGRATION_SERVICE}/GOGO-3`, `${MIGRATION_SERVICE}/GOGO-2`],
      memberOf: inGroup,
    }),
    // GOGO-4: done by the book (both forms, cifs, the file server, protocol transition).
    computer({
      name: 'GOGO-4',
      hyperV: true,
      os: WS2019,
      delegateTo: [...entries(['GOGO-2', 'GOGO-3']), ...entries(['FHOST1'], ['cifs'])],
      memberOf: inGroup,
    }),
    // GOGO-2: correct towards GOGO-4, but still delegates to the decommissioned GOGO-1 (stale entry).
    computer({
      name: 'GOGO-2',
      hyperV: true,
      os: WS2019,
      delegateTo: [...entries(['GOGO-4']), `${MIGRATION_SERVICE}/GOGO-1`, `${MIGRATION_SERVICE}/gogo-1.contoso.com`],
      memberOf: inGroup,
    }),
    // GOGO-5: newly built; VMMS registered only the NetBIOS form of its SPN (event 14050).
    computer({
      name: 'GOGO-5',
      hyperV: true,
      os: WS2022,
      migrationSpnForms: ['short'],
      delegateTo: entries(['GOGO-4']),
      memberOf: inGroup,
    }),
    // The article's second lab: VMHOST1 was "trusted for delegation to any service".
    computer({ name: 'VMHOST1', hyperV: true, os: WS2019, uac: MEMBER | UAC.TRUSTED_FOR_DELEGATION, ou: 'OU=Lab Hosts' }),
    // VMHOST2: both delegation flags, a delegation to the DC's LDAP service, and RBCD from VMHOST1.
    computer({
      name: 'VMHOST2',
      hyperV: true,
      os: WS2019,
      uac: PROTOCOL_TRANSITION | UAC.TRUSTED_FOR_DELEGATION,
      ou: 'OU=Lab Hosts',
      delegateTo: [...entries(['VMHOST1']), 'ldap/dc1.contoso.com'],
      actOnBehalfOf: ['VMHOST1$'],
    }),
    // An old 2012 R2 host: "Kerberos only" is right there, but the account is disabled and lacks dNSHostName.
    computer({
      name: 'HV-OLD',
      hyperV: true,
      os: WS2012R2,
      uac: MEMBER | UAC.ACCOUNTDISABLE,
      noDnsHostName: true,
      delegateTo: [`${MIGRATION_SERVICE}/GOGO-4`],
    }),
    computer({ name: 'FHOST1', ou: 'OU=File Servers', uac: MEMBER, os: WS2022, extraSpns: ['cifs/fhost1.contoso.com'] }),
    // An old NAS head set to RC4 only by a GPO years ago: it works until the DCs stop issuing RC4 (KCD018).
    computer({ name: 'NAS1', ou: 'OU=File Servers', uac: MEMBER, os: WS2016, encryptionTypes: 0x4, extraSpns: ['cifs/nas1.contoso.com'] }),
    computer({ name: 'MGMT1', ou: 'OU=Servers', uac: MEMBER, os: WS2022 }),
    // A Hyper-V host in the child domain: classic delegation cannot reach it from contoso.com.
    computer({ name: 'EU-HV1', domain: 'eu.contoso.com', hyperV: true, os: WS2022, delegateTo: [] }),
    ...managedDomainComputers(),
  ];
}

/**
 * A Microsoft Entra Domain Services managed domain (its own domain here, so the contoso.com answers stay as they
 * were): computers in OU=AADDC Computers, "Kerberos only" (protocol transition cannot be set there), delegation
 * resource-based only, with the descriptor faults of KCD024-KCD026, and a DES-only file server (KCD023).
 */
function managedDomainComputers(): Computer[] {
  const domain = AADDS;
  const ou = 'OU=AADDC Computers';
  const sid = (rid: number) => `${AADDS_SID}-${rid}`;
  const allow = (principal: string, rid: number, mask = 0xf01ff): ResourceBasedAce => ({ sid: sid(rid), principal, type: 'allow', mask });
  return [
    computer({ name: 'AZ-HV1', domain, ou, hyperV: true, uac: MEMBER, os: WS2022, sid: sid(1601) }),
    // Allows AZ-HV1, and still names AZ-HV0, deleted last year (KCD025).
    computer({
      name: 'AZ-HV2',
      domain,
      ou,
      sid: sid(1602),
      hyperV: true,
      uac: MEMBER,
      os: WS2022,
      descriptor: [allow('AZ-HV1$', 1601), { sid: sid(1599), type: 'allow', mask: 0xf01ff }],
    }),
    // Written by a script with SDDL "GA": AZ-HV1 gets GENERIC_ALL (KCD024); AZ-HV2 is denied before it is allowed (KCD026).
    computer({
      name: 'AZ-HV3',
      domain,
      ou,
      sid: sid(1603),
      hyperV: true,
      uac: MEMBER,
      os: WS2022,
      descriptor: [allow('AZ-HV1$', 1601, 0x10000000), { sid: sid(1602), principal: 'AZ-HV2$', type: 'deny', mask: 0xf01ff }, allow('AZ-HV2$', 1602)],
    }),
    // A file server restored from an old image, set to DES only (KCD023).
    computer({ name: 'AZ-FS1', domain, ou, sid: sid(1604), uac: MEMBER, os: WS2016, encryptionTypes: 0x3, extraSpns: [`cifs/az-fs1.${AADDS}`] }),
  ];
}

function demoUsers(): User[] {
  const user = (sam: string, uac: number, memberOf: string[]): User => ({
    samAccountName: sam,
    userPrincipalName: `${sam}@contoso.com`,
    distinguishedName: `CN=${sam},OU=Admins,${CONTOSO}`,
    domain: 'contoso.com',
    userAccountControl: uac,
    memberOf,
  });
  const normal = 0x200; // NORMAL_ACCOUNT
  return [
    user('labadmin', normal, [`CN=Domain Admins,CN=Users,${CONTOSO}`]),
    user('alice', normal | UAC.NOT_DELEGATED, [`CN=Domain Admins,CN=Users,${CONTOSO}`]),
    user('bob-t0', normal, [TIER0_DN]),
    user('carol', normal, [PROTECTED_USERS_DN]),
    // An old admin account set to RC4 only (KCD019).
    { ...user('dave', normal, [`CN=Domain Admins,CN=Users,${CONTOSO}`]), supportedEncryptionTypes: 0x4 },
  ];
}

function demoGroups(): Group[] {
  return [
    { distinguishedName: PROTECTED_USERS_DN, name: 'Protected Users', sid: 'S-1-5-21-1004336348-1177238915-682003330-525', memberOf: [] },
    { distinguishedName: TIER0_DN, name: 'Tier0 Admins', sid: 'S-1-5-21-1004336348-1177238915-682003330-1107', memberOf: [PROTECTED_USERS_DN] },
    { distinguishedName: `CN=Domain Admins,CN=Users,${CONTOSO}`, name: 'Domain Admins', sid: 'S-1-5-21-1004336348-1177238915-682003330-512', memberOf: [] },
    { distinguishedName: HYPERV_GROUP_DN, name: 'Hyper-V Hosts', sid: 'S-1-5-21-1004336348-1177238915-682003330-1108', memberOf: [] },
  ];
}

/**
 * krbtgt as every domain has it: a disabled normal account. Not marked sensitive (KCD020) anywhere in the demo:
 * that stops every delegation of its domain, so it would change the answers the demo gives today.
 */
const KRBTGT = 0x200 | UAC.ACCOUNTDISABLE;

function demoSpnAccounts(): SpnAccount[] {
  return [
    { samAccountName: 'krbtgt', distinguishedName: `CN=krbtgt,CN=Users,${CONTOSO}`, servicePrincipalNames: ['kadmin/changepw'], userAccountControl: KRBTGT },
    // SCVMM's service account once had the migration SPN of VMHOST2 set by hand: a duplicate (KCD008).
    {
      samAccountName: 'svc-scvmm',
      distinguishedName: `CN=svc-scvmm,OU=Service Accounts,${CONTOSO}`,
      servicePrincipalNames: [`${MIGRATION_SERVICE}/VMHOST2`, 'SCVMM/mgmt1.contoso.com'],
    },
  ];
}

export function demoData(now: Date = new Date()): DirectoryData {
  return {
    source: { kind: 'demo', label: DEMO_LABEL, takenAt: now.toISOString() },
    domains: ['contoso.com', 'eu.contoso.com', AADDS],
    computers: demoComputers(),
    users: demoUsers(),
    groups: demoGroups(),
    spnAccounts: demoSpnAccounts(),
    spnMappings: [],
  };
}

export class DemoDirectory implements Directory {
  private cached?: DirectorySnapshot;
  /** `now`: when a read happens (tests move it); the snapshot's takenAt is the time of the read. */
  constructor(private readonly now: () => Date = () => new Date()) {}
  describe() {
    return { kind: 'demo' as const, label: DEMO_LABEL };
  }
  /** The same snapshot every time, except when asked for a fresh read: a new one, read now (its time is now). */
  snapshot(options: SnapshotOptions = {}): Promise<DirectorySnapshot> {
    if (options.fresh) return Promise.resolve((this.cached = createSnapshot(demoData(this.now()))));
    return Promise.resolve((this.cached ??= createSnapshot(demoData(this.now()))));
  }
  async findUser(name: string): Promise<User | undefined> {
    const snapshot = await this.snapshot();
    return snapshot.usersByName.get(name.trim().toLowerCase());
  }
  async close(): Promise<void> {}
}
