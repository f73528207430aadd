import type { Computer, DirectoryData, Group, SpnAccount, User } from './model';
import { MIGRATION_SERVICE, parseSpn, parseSpnMappings, spnKey } from './spn';
import { hasFlag } from './uac';

/** The well-known RID of the Protected Users group. */
export const PROTECTED_USERS_RID = 525;

/** Who holds an SPN: an account's sAMAccountName and DN. */
export interface SpnHolder {
  samAccountName: string;
  distinguishedName: string;
  isComputer: boolean;
}

/**
 * DirectoryData plus the indexes every question needs, built once per snapshot (O(total SPNs)).
 * The checker reads only this; nothing here does I/O.
 */
export interface DirectorySnapshot {
  readonly data: DirectoryData;
  /** Lower-cased SPN → every account that holds it (more than one is KCD008). */
  readonly spnIndex: ReadonlyMap<string, readonly SpnHolder[]>;
  /** Service class alias → the class standing in for it (cifs → host). */
  readonly spnAliases: ReadonlyMap<string, string>;
  /** Computers with the migration SPN, sorted by name. */
  readonly hyperVHosts: readonly Computer[];
  /** Every computer, by lower-cased name, sAMAccountName (with and without $) and FQDN. */
  readonly computersByName: ReadonlyMap<string, Computer>;
  readonly computersByDn: ReadonlyMap<string, Computer>;
  readonly usersByName: ReadonlyMap<string, User>;
  readonly groupsByDn: ReadonlyMap<string, Group>;
}

export function isHyperVHost(computer: Computer): boolean {
  const prefix = `${MIGRATION_SERVICE.toLowerCase()}/`;
  return computer.servicePrincipalNames.some((spn) => spn.toLowerCase().startsWith(prefix));
}

export function isDomainController(computer: Computer): boolean {
  return hasFlag(computer.userAccountControl, 'SERVER_TRUST_ACCOUNT');
}

/** "CN=GOGO-3,OU=Hyper-V,DC=contoso,DC=com" → "contoso.com". */
export function domainOfDn(dn: string): string {
  return dn
    .split(/,(?=\s*DC=)/i)
    .slice(1)
    .map((part) => part.replace(/^\s*DC=/i, '').trim())
    .join('.')
    .toLowerCase();
}

function addHolder(index: Map<string, SpnHolder[]>, spn: string, holder: SpnHolder): void {
  const key = spnKey(spn);
  const list = index.get(key);
  if (!list) index.set(key, [holder]);
  else if (!list.some((h) => h.distinguishedName === holder.distinguishedName)) list.push(holder);
}

export function createSnapshot(data: DirectoryData): DirectorySnapshot {
  const spnIndex = new Map<string, SpnHolder[]>();
  const computersByName = new Map<string, Computer>();
  const computersByDn = new Map<string, Computer>();
  for (const c of data.computers) {
    const holder: SpnHolder = { samAccountName: c.samAccountName, distinguishedName: c.distinguishedName, isComputer: true };
    for (const spn of c.servicePrincipalNames) addHolder(spnIndex, spn, holder);
    computersByDn.set(c.distinguishedName.toLowerCase(), c);
    for (const key of hostKeys(c)) if (!computersByName.has(key)) computersByName.set(key, c);
  }
  for (const a of data.spnAccounts as SpnAccount[]) {
    const holder: SpnHolder = { samAccountName: a.samAccountName, distinguishedName: a.distinguishedName, isComputer: false };
    for (const spn of a.servicePrincipalNames) addHolder(spnIndex, spn, holder);
  }
  const usersByName = new Map<string, User>();
  for (const u of data.users) {
    for (const key of userKeys(u)) if (!usersByName.has(key)) usersByName.set(key, u);
  }
  const groupsByDn = new Map<string, Group>();
  for (const g of data.groups) groupsByDn.set(g.distinguishedName.toLowerCase(), g);
  const hyperVHosts = data.computers.filter(isHyperVHost).sort((a, b) => compareNames(a.name, b.name));
  return {
    data,
    spnIndex,
    spnAliases: parseSpnMappings(data.spnMappings),
    hyperVHosts,
    computersByName,
    computersByDn,
    usersByName,
    groupsByDn,
  };
}

export function compareNames(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The lower-cased names a host answers to: GOGO-3, GOGO-3$, gogo-3.contoso.com. */
export function hostKeys(c: Computer): string[] {
  const sam = c.samAccountName.toLowerCase();
  const keys = [c.name.toLowerCase(), sam, sam.replace(/\$$/, '')];
  if (c.dnsHostName) keys.push(c.dnsHostName.toLowerCase());
  return [...new Set(keys)];
}

export function userKeys(u: User): string[] {
  const keys = [u.samAccountName.toLowerCase()];
  if (u.userPrincipalName) keys.push(u.userPrincipalName.toLowerCase());
  return keys;
}

/** Everyone who holds `spn`, directly or through the HOST/ alias (cifs/x is served by host/x). */
export function holdersOf(snapshot: DirectorySnapshot, spn: string): readonly SpnHolder[] {
  const direct = snapshot.spnIndex.get(spnKey(spn));
  if (direct && direct.length > 0) return direct;
  const parsed = parseSpn(spn);
  if (!parsed) return [];
  const alias = snapshot.spnAliases.get(parsed.serviceClass.toLowerCase());
  if (!alias) return [];
  return snapshot.spnIndex.get(spnKey(`${alias}/${parsed.host}${parsed.rest}`)) ?? [];
}

/** The DNs of every group `memberOf` reaches, following nesting (cycles are safe). */
export function transitiveGroups(snapshot: DirectorySnapshot, memberOf: readonly string[]): Group[] {
  const seen = new Set<string>();
  const out: Group[] = [];
  const queue = [...memberOf];
  while (queue.length > 0) {
    const dn = queue.shift()!.toLowerCase();
    if (seen.has(dn)) continue;
    seen.add(dn);
    const group = snapshot.groupsByDn.get(dn);
    if (!group) continue;
    out.push(group);
    queue.push(...group.memberOf);
  }
  return out;
}

export function isProtectedUsersGroup(group: Group): boolean {
  if (group.sid) return group.sid.endsWith(`-${PROTECTED_USERS_RID}`);
  return group.name.toLowerCase() === 'protected users';
}

/**
 * The chain of groups that puts a user in Protected Users ([] when not a member).
 * e.g. ["Tier0 Admins", "Protected Users"] for nested membership.
 */
export function protectedUsersPath(snapshot: DirectorySnapshot, user: User): string[] | undefined {
  const parents = new Map<string, string | undefined>();
  const queue: Array<[string, string | undefined]> = user.memberOf.map((dn) => [dn.toLowerCase(), undefined]);
  while (queue.length > 0) {
    const [dn, parent] = queue.shift()!;
    if (parents.has(dn)) continue;
    parents.set(dn, parent);
    const group = snapshot.groupsByDn.get(dn);
    if (!group) continue;
    if (isProtectedUsersGroup(group)) {
      const path: string[] = [];
      for (let at: string | undefined = dn; at !== undefined; at = parents.get(at)) {
        path.unshift(snapshot.groupsByDn.get(at)?.name ?? at);
      }
      return path;
    }
    for (const next of group.memberOf) queue.push([next.toLowerCase(), dn]);
  }
  if (user.protectedUsers) return ['Protected Users'];
  return undefined;
}
