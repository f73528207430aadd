/**
 * Small synthetic fleets for summary and scheduler tests: every host delegates to every other (both
 * name forms, migration service and cifs), so a fleet is healthy until a spec breaks something.
 */
import { checkFleet } from '../../src/checker';
import type { Computer, DirectoryData } from '../../src/domain/model';
import { createSnapshot, type DirectorySnapshot } from '../../src/domain/snapshot';
import { MIGRATION_SERVICE } from '../../src/domain/spn';
import { UAC } from '../../src/domain/uac';
import type { Directory } from '../../src/directory/port';

export interface HostSpec {
  name: string;
  /** OU name (for parent-ou groups); default "Hyper-V". */
  ou?: string;
  /** Peers this host has no delegation to (KCD001/KCD002 towards them). */
  missingTo?: string[];
  /** Kerberos only, no protocol transition (KCD004). */
  kerberosOnly?: boolean;
}

export const TAKEN_AT = '2026-03-02T06:00:00.000Z';

export function fleetData(specs: readonly HostSpec[], takenAt = TAKEN_AT): DirectoryData {
  const fqdn = (n: string) => `${n.toLowerCase()}.contoso.com`;
  const computers: Computer[] = specs.map((s) => {
    const ou = s.ou ?? 'Hyper-V';
    const peers = specs.filter((p) => p.name !== s.name && (p.ou ?? 'Hyper-V') === ou && !(s.missingTo ?? []).includes(p.name));
    return {
      name: s.name,
      samAccountName: `${s.name}$`,
      dnsHostName: fqdn(s.name),
      domain: 'contoso.com',
      distinguishedName: `CN=${s.name},OU=${ou},DC=contoso,DC=com`,
      userAccountControl: UAC.WORKSTATION_TRUST_ACCOUNT | (s.kerberosOnly ? 0 : UAC.TRUSTED_TO_AUTH_FOR_DELEGATION),
      servicePrincipalNames: [`HOST/${s.name}`, `HOST/${fqdn(s.name)}`, `${MIGRATION_SERVICE}/${s.name}`, `${MIGRATION_SERVICE}/${fqdn(s.name)}`],
      allowedToDelegateTo: peers.flatMap((p) => [MIGRATION_SERVICE, 'cifs'].flatMap((c) => [`${c}/${p.name}`, `${c}/${fqdn(p.name)}`])),
      allowedToActOnBehalfOf: [],
      operatingSystem: 'Windows Server 2022 Datacenter',
      operatingSystemVersion: '10.0 (20348)',
      memberOf: [],
    };
  });
  return {
    source: { kind: 'snapshot', label: 'test fleet', takenAt },
    domains: ['contoso.com'],
    computers,
    users: [],
    groups: [],
    spnAccounts: [],
    spnMappings: [],
  };
}

/** Scanned with parent-ou groups (the same as one group when every host is in the default OU). */
export function scanOf(specs: readonly HostSpec[], takenAt = TAKEN_AT) {
  const snapshot = createSnapshot(fleetData(specs, takenAt));
  return { snapshot, report: checkFleet(snapshot, { group: { kind: 'parent-ou' } }) };
}

export const names = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);

/** A directory whose content a test changes between scans; counts the snapshots taken. */
export class MutableDirectory implements Directory {
  snapshots = 0;
  failWith?: Error;
  constructor(
    public specs: HostSpec[],
    private readonly now: () => number = () => Date.parse(TAKEN_AT),
  ) {}
  describe() {
    return { kind: 'snapshot' as const, label: 'test fleet' };
  }
  snapshot(): Promise<DirectorySnapshot> {
    this.snapshots++;
    if (this.failWith) return Promise.reject(this.failWith);
    return Promise.resolve(createSnapshot(fleetData(this.specs, new Date(this.now()).toISOString())));
  }
  findUser() {
    return Promise.resolve(undefined);
  }
  async close() {}
}
