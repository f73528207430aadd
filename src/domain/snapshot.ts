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
 * One distinct msDS-AllowedToDelegateTo value of the forest (case-insensitive), resolved once per snapshot:
 * every computer that lists it shares this object, so per-host and per-pair checks never lower-case or look up
 * the same SPN again.
 */
export interface DelegationTarget {
  /** Dense index, 0…n-1, for the per-computer sorted id arrays. */
  readonly id: number;
  /** spnKey of the entry. */
  readonly key: string;
  /** holdersOf(entry): who answers to it, directly or through the HOST/ alias. */
  readonly holders: readonly SpnHolder[];
  /** A domain controller among the holders (KCD015), if any. */
  readonly domainController?: Computer;
}

/** A computer's delegation list as target ids: in entry order (parallel to allowedToDelegateTo) and sorted. */
export interface DelegationIds {
  readonly inOrder: Int32Array;
  readonly sorted: Int32Array;
}

const NO_DELEGATIONS: DelegationIds = { inOrder: new Int32Array(0), sorted: new Int32Array(0) };

/**
 * DirectoryData plus the indexes every question needs, built once per snapshot (O(total SPNs + total
 * delegation entries)).
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
  /** Every distinct delegation entry of the forest, by spnKey. */
  readonly delegationTargets: ReadonlyMap<string, DelegationTarget>;
  /** The same, by id. */
  readonly delegationTargetById: readonly DelegationTarget[];
  /** Each computer's delegation list as target ids (computers with an empty list are absent). */
  readonly delegationIds: ReadonlyMap<Computer, DelegationIds>;
  /** DNs (as stored) of the accounts that hold an SPN some other account holds too (KCD008). */
  readonly duplicateSpnHolders: ReadonlySet<string>;
}

/** Insertion sort: the lists are short and nearly sorted already (ids are given in first-seen order). */
function sortedCopy(ids: Int32Array): Int32Array {
  const out = Int32Array.from(ids);
  for (let i = 1; i < out.length; i++) {
    const v = out[i]!;
    let j = i - 1;
    while (j >= 0 && out[j]! > v) {
      out[j + 1] = out[j]!;
      j--;
    }
    out[j + 1] = v;
  }
  return out;
}

/** A computer's delegation ids (empty when it delegates to nothing). */
export function delegationIdsOf(snapshot: DirectorySnapshot, c: Computer): DelegationIds {
  return snapshot.delegationIds.get(c) ?? NO_DELEGATIONS;
}

/** Whether `ids` (sorted) contains `id`: binary search, no allocation. */
export function hasId(sorted: Int32Array, id: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (v === id) return true;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
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

function addHolder(index: Map<string, SpnHolder[]>, spn: string, holder: SpnHolder, duplicates: Set<string>): void {
  const key = spnKey(spn);
  const list = index.get(key);
  if (!list) index.set(key, [holder]);
  else if (!list.some((h) => h.distinguishedName === holder.distinguishedName)) {
    list.push(holder);
    for (const h of list) duplicates.add(h.distinguishedName);
  }
}

export function createSnapshot(data: DirectoryData): DirectorySnapshot {
  const spnIndex = new Map<string, SpnHolder[]>();
  const duplicateSpnHolders = new Set<string>();
  const computersByName = new Map<string, Computer>();
  const computersByDn = new Map<string, Computer>();
  for (const c of data.computers) {
    const holder: SpnHolder = { samAccountName: c.samAccountName, distinguishedName: c.distinguishedName, isComputer: true };
    for (const spn of c.servicePrincipalNames) addHolder(spnIndex, spn, holder, duplicateSpnHolders);
    computersByDn.set(c.distinguishedName.toLowerCase(), c);
    for (const key of hostKeys(c)) if (!computersByName.has(key)) computersByName.set(key, c);
  }
  for (const a of data.spnAccounts as SpnAccount[]) {
    const holder: SpnHolder = { samAccountName: a.samAccountName, distinguishedName: a.distinguishedName, isComputer: false };
    for (const spn of a.servicePrincipalNames) addHolder(spnIndex, spn, holder, duplicateSpnHolders);
  }
  const usersByName = new Map<string, User>();
  for (const u of data.users) {
    for (const key of userKeys(u)) if (!usersByName.has(key)) usersByName.set(key, u);
  }
  const groupsByDn = new Map<string, Group>();
  for (const g of data.groups) groupsByDn.set(g.distinguishedName.toLowerCase(), g);
  const hyperVHosts = data.computers.filter(isHyperVHost).sort((a, b) => compareNames(a.name, b.name));
  const spnAliases = parseSpnMappings(data.spnMappings);
  const partial = { spnIndex, spnAliases };
  // Delegation entries: one spnKey + holdersOf per distinct value (raw spellings repeat across peers, so a
  // Map by the raw string finds most of them without lower-casing again).
  const delegationTargets = new Map<string, DelegationTarget>();
  const delegationTargetById: DelegationTarget[] = [];
  const byRaw = new Map<string, DelegationTarget>();
  const delegationIds = new Map<Computer, DelegationIds>();
  for (const c of data.computers) {
    const entries = c.allowedToDelegateTo;
    if (entries.length === 0) continue;
    const inOrder = new Int32Array(entries.length);
    for (let i = 0; i < entries.length; i++) {
      const raw = entries[i]!;
      let target = byRaw.get(raw);
      if (!target) {
        const key = spnKey(raw);
        target = delegationTargets.get(key);
        if (!target) {
          const holders = holdersOf(partial, raw);
          let domainController: Computer | undefined;
          for (const h of holders) {
            const holder = computersByDn.get(h.distinguishedName.toLowerCase());
            if (holder && isDomainController(holder)) {
              domainController = holder;
              break;
            }
          }
          target = { id: delegationTargetById.length, key, holders, ...(domainController ? { domainController } : {}) };
          delegationTargets.set(key, target);
          delegationTargetById.push(target);
        }
        byRaw.set(raw, target);
      }
      inOrder[i] = target.id;
    }
    delegationIds.set(c, { inOrder, sorted: sortedCopy(inOrder) });
  }
  return {
    data,
    spnIndex,
    spnAliases,
    hyperVHosts,
    computersByName,
    computersByDn,
    usersByName,
    groupsByDn,
    delegationTargets,
    delegationTargetById,
    delegationIds,
    duplicateSpnHolders,
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
export function holdersOf(snapshot: Pick<DirectorySnapshot, 'spnIndex' | 'spnAliases'>, spn: string): readonly SpnHolder[] {
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
