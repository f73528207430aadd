import type { Computer, DirectoryData, Group, User } from './model';
import { CIFS, MIGRATION_SERVICE, parseSpnMappings } from './spn';
import { matchesJoined, SpnTable } from './spn-table';
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
  /** holdersOf(entry): who answers to it, directly or through the HOST/ alias. */
  readonly holders: readonly SpnHolder[];
  /** A domain controller among the holders (KCD015), if any. */
  readonly domainController?: Computer;
}

/** A computer's delegation list as target ids: in entry order (parallel to allowedToDelegateTo) and sorted. */
export interface DelegationIds {
  readonly inOrder: Int32Array;
  readonly sorted: Int32Array;
  /** Some entry names an SPN nobody holds (KCD012), or one a domain controller answers to (KCD015). */
  readonly anyUnheld: boolean;
  readonly anyDomainController: boolean;
}

/**
 * What createSnapshot learnt on the way about a computer's own `class/<form>` SPNs, for class migration
 * service (slots 0, 1) and cifs (2, 3), form name (0, 2) and FQDN (1, 3). Only positive answers: a fleet scan asks
 * these for every host, and the table lookups they save are cache misses in tables of 730k SPNs.
 */
export interface FormFacts {
  /** The delegation-target id of the slot's SPN; -1: not learnt (ask delegationTargets). */
  readonly ids: number[];
  /** Bit per slot: the computer answers to the slot's SPN (cifs: or to its sPNMappings alias); 0: not learnt. */
  held: number;
}

/** A case-insensitive lookup by SPN (spnKey equality), without lower-cased copies of the keys. */
export interface SpnLookup<V> {
  get(spn: string): V | undefined;
  /** get(`${prefix}/${rest.slice(from)}`) without building the string. */
  getJoined(prefix: string, rest: string, from?: number): V | undefined;
}

type DelegationTargetLookup = SpnLookup<DelegationTarget>;

const NO_DELEGATIONS: DelegationIds = { inOrder: new Int32Array(0), sorted: new Int32Array(0), anyUnheld: false, anyDomainController: false };

/**
 * DirectoryData plus the indexes every question needs, built once per snapshot (O(total SPNs + total
 * delegation entries)).
 * The checker reads only this; nothing here does I/O.
 */
export interface DirectorySnapshot {
  readonly data: DirectoryData;
  /** SPN (any case) → every account that holds it (more than one is KCD008). */
  readonly spnIndex: SpnLookup<readonly SpnHolder[]>;
  /** Service class alias → the class standing in for it (cifs → host). */
  readonly spnAliases: ReadonlyMap<string, string>;
  /** Computers with the migration SPN, sorted by name. */
  readonly hyperVHosts: readonly Computer[];
  /** Every computer, by lower-cased name, sAMAccountName (with and without $) and FQDN. */
  readonly computersByName: ReadonlyMap<string, Computer>;
  readonly computersByDn: ReadonlyMap<string, Computer>;
  readonly usersByName: ReadonlyMap<string, User>;
  readonly groupsByDn: ReadonlyMap<string, Group>;
  /** Every distinct delegation entry of the forest, by SPN (any case). */
  readonly delegationTargets: SpnLookup<DelegationTarget>;
  /** The same, by id. */
  readonly delegationTargetById: readonly DelegationTarget[];
  /** Each computer's delegation list as target ids (computers with an empty list are absent). */
  readonly delegationIds: ReadonlyMap<Computer, DelegationIds>;
  /** DNs (as stored) of the accounts that hold an SPN some other account holds too (KCD008). */
  readonly duplicateSpnHolders: ReadonlySet<string>;
  /** See FormFacts (computers with nothing learnt are absent). */
  readonly formFacts: ReadonlyMap<Computer, FormFacts>;
}

/** The service classes of the FormFacts slots. */
export const FORM_CLASSES: readonly string[] = [MIGRATION_SERVICE, CIFS];

function formFactsOf(all: Map<Computer, FormFacts>, c: Computer): FormFacts {
  let facts = all.get(c);
  if (!facts) all.set(c, (facts = { ids: [-1, -1, -1, -1], held: 0 }));
  return facts;
}

/** The FormFacts slots `spn` is for `c` (as a bit set): `spn` is one of `classes[k]`/<form> of `c`. */
function formBits(c: Computer, spn: string, classes: ReadonlyArray<readonly string[]>): number {
  let bits = 0;
  for (let f = 0; f < 2; f++) {
    const form = f === 0 ? c.name : c.dnsHostName;
    if (!form) continue; // as nameForms; and an empty form has no alias
    for (let k = 0; k < classes.length; k++) {
      for (const prefix of classes[k]!) if (matchesJoined(spn, prefix, form)) bits |= 1 << (k * 2 + f);
    }
  }
  return bits;
}

/**
 * A computer's ids with the sorted copy made on first use: a fleet scan screens most pairs with the in-order
 * ids and sorts only the lists of hosts whose pairs the rules look at.
 */
class LazilySortedIds implements DelegationIds {
  private sortedIds: Int32Array | undefined;
  /** Set by SnapshotBuilder.build, once every target's holders are known (readonly to everyone else). */
  anyUnheld = false;
  anyDomainController = false;
  constructor(readonly inOrder: Int32Array) {}

  get sorted(): Int32Array {
    return (this.sortedIds ??= ascending(this.inOrder) ? this.inOrder : this.inOrder.slice().sort());
  }
}

/** Peers list each other in the same order and ids are given in first-seen order, so some lists already are. */
function ascending(ids: Int32Array): boolean {
  for (let i = 1; i < ids.length; i++) if (ids[i - 1]! > ids[i]!) return false;
  return true;
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
  return computer.servicePrincipalNames.some(startsWithMigrationService);
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

/**
 * Case-insensitive SPN → the accounts that hold it (more than one is KCD008). Built on SpnTable, so it keeps
 * no lower-cased copy of the forest's SPNs; an account's SPNs all share one holder list unless duplicated.
 */
export class SpnIndex {
  private readonly table: SpnTable;
  /**
   * Per SPN id: the account whose holder list it is (an index into `owners`), or -1 - k for `shared[k]`, a
   * list of several holders. A typed array rather than 730k references: the GC neither copies nor scans it.
   */
  private owner: Int32Array;
  private readonly owners: Array<readonly SpnHolder[]> = [];
  private readonly shared: Array<readonly SpnHolder[]> = [];

  constructor(expected: number) {
    this.table = new SpnTable(expected);
    this.owner = new Int32Array(Math.max(16, expected));
  }

  get size(): number {
    return this.table.size;
  }

  /** Who holds `spn` (any case, surrounding spaces ignored), or undefined. */
  get(spn: string): readonly SpnHolder[] | undefined {
    const id = this.table.idOf(spn);
    return id < 0 ? undefined : this.listOf(id);
  }

  getJoined(prefix: string, rest: string, from = 0): readonly SpnHolder[] | undefined {
    const id = this.table.idOfJoined(prefix, rest, from);
    return id < 0 ? undefined : this.listOf(id);
  }

  /** get() of `table`'s entry `id` (another SpnTable's), without hashing it again. */
  getEntry(table: SpnTable, id: number): readonly SpnHolder[] | undefined {
    const own = this.table.idOfEntry(table, id);
    return own < 0 ? undefined : this.listOf(own);
  }

  private listOf(id: number): readonly SpnHolder[] {
    const o = this.owner[id]!;
    return o >= 0 ? this.owners[o]! : this.shared[-1 - o]!;
  }

  /**
   * Adds `holder` (whose single-holder list is `own`) for `spn`; an account listed twice for one SPN counts once.
   * Records every holder of an SPN held by several accounts in `duplicates`.
   */
  add(spn: string, own: readonly SpnHolder[], duplicates: Set<string>): void {
    const before = this.table.size;
    const id = this.table.add(spn);
    if (id === before) {
      // An account's SPNs are added one after another: its list is the last one, or new.
      if (this.owners[this.owners.length - 1] !== own) this.owners.push(own);
      if (id >= this.owner.length) {
        const grown = new Int32Array(this.owner.length * 2);
        grown.set(this.owner);
        this.owner = grown;
      }
      this.owner[id] = this.owners.length - 1;
      return;
    }
    const holder = own[0]!;
    const list = this.listOf(id);
    if (list.some((h) => h.distinguishedName === holder.distinguishedName)) return;
    const grown = [...list, holder];
    const o = this.owner[id]!;
    if (o >= 0) {
      this.shared.push(grown);
      this.owner[id] = -this.shared.length;
    } else this.shared[-1 - o] = grown;
    for (const h of grown) duplicates.add(h.distinguishedName);
  }
}

/** Lower-cased migration-service prefix, for a case-insensitive startsWith without allocating. */
const MIGRATION_PREFIX = `${MIGRATION_SERVICE.toLowerCase()}/`;

function startsWithMigrationService(spn: string): boolean {
  if (spn.length < MIGRATION_PREFIX.length) return false;
  for (let i = 0; i < MIGRATION_PREFIX.length; i++) {
    let c = spn.charCodeAt(i);
    if (c >= 65 && c <= 90) c |= 32;
    // No other character lower-cases to one of these (outside ASCII only U+212A KELVIN SIGN does, to k).
    if (c !== MIGRATION_PREFIX.charCodeAt(i)) return false;
  }
  return true;
}

/** A Map built on first use: `kcd scan` never looks hosts up by name, the bot and `kcd check` do. */
function lazy<K, V>(build: () => Map<K, V>): () => Map<K, V> {
  let built: Map<K, V> | undefined;
  return () => (built ??= build());
}

export function createSnapshot(data: DirectoryData): DirectorySnapshot {
  // Indexed loops: this runs once per snapshot, mostly before V8 optimises it, and for…of would then allocate
  // an iterator result per computer (60,000 of them, three times).
  const { computers } = data;
  let spnCount = 0;
  let entryCount = 0;
  for (let i = 0; i < computers.length; i++) {
    spnCount += computers[i]!.servicePrincipalNames.length;
    entryCount += computers[i]!.allowedToDelegateTo.length;
  }
  for (const a of data.spnAccounts) spnCount += a.servicePrincipalNames.length;
  const builder = new SnapshotBuilder({ spns: spnCount, computers: computers.length, delegationEntries: entryCount });
  builder.setSpnMappings(data.spnMappings);
  for (let i = 0; i < computers.length; i++) builder.addComputer(computers[i]!);
  return builder.build(data);
}

/**
 * Builds a snapshot while the computers are still arriving: a reader hands each computer over as soon as it
 * is read (addComputer), and build() does only what needs every account (the holders of each delegation
 * target, the SPNs of non-computer accounts, the name lists). The LDAP read waits for the domain controller
 * between pages, so indexing 5,000 hosts' SPNs and 440,000 delegation entries costs no time there.
 *
 * Same result as createSnapshot(data) by construction: createSnapshot is this builder fed all at once, and
 * build() starts over from `data` when the computers it was given are not exactly data.computers in order
 * or the sPNMappings differ. Contract: a computer's names, SPNs and delegation list do not change after
 * addComputer.
 */
export class SnapshotBuilder {
  private readonly spnIndex: SpnIndex;
  private readonly duplicateSpnHolders = new Set<string>();
  /** The computer behind each computer holder (domain controllers for KCD015, FormFacts). */
  private readonly computerOf = new Map<SpnHolder, Computer>();
  private readonly formFacts = new Map<Computer, FormFacts>();
  private readonly added: Computer[] = [];
  /** The added computers that are Hyper-V hosts, in order: told while their SPNs are at hand (in cache). */
  private readonly hyperV: Computer[] = [];
  /** Computers whose own class/<form> SPNs wait for the sPNMappings (the aliases decide what they hold). */
  private waiting: Computer[] = [];
  private spnMappings?: readonly string[];
  private spnAliases?: ReadonlyMap<string, string>;
  /** Own SPNs that hold class/<form> directly or through the class's alias, as holdsSpn asks. */
  private heldAs?: ReadonlyArray<readonly string[]>;
  // Delegation entries → target ids, in first-seen order. Holders are looked up in build(), once every SPN is in.
  private readonly targetTable: SpnTable;
  /** Per target id: the first spelling seen. */
  private readonly rawById: string[] = [];
  /**
   * At 2 × (id + 1): 1 + the id that followed target `id` last in some computer's list, and at 2 × (id + 1) + 1
   * the one that followed it before that (0: none yet); at 0 and 1 the same for the first entry of a list.
   */
  private follow: Int32Array;
  /** The snapshot's delegationIds, made as the computers come (build() sets their flags). */
  private readonly delegationIds = new Map<Computer, LazilySortedIds>();
  // Every computer's ids (in entry order) live in a few large buffers: 50,000 small typed arrays, each with
  // its own backing store, cost more to allocate and collect than the ids themselves.
  private pool: Int32Array;
  private used = 0;

  constructor(expected: { spns?: number; computers?: number; delegationEntries?: number } = {}) {
    this.spnIndex = new SpnIndex(expected.spns ?? 4096);
    // Sized for a few distinct entries per computer (their class/<form> SPNs), so it rarely has to grow.
    const computers = expected.computers ?? 1024;
    this.targetTable = new SpnTable(computers * 4);
    this.follow = new Int32Array(Math.max(2048, computers * 8));
    this.pool = new Int32Array(expected.delegationEntries ?? 64 * 1024);
  }

  /** The forest's sPNMappings (which service classes HOST/ stands in for); computers may come before it. */
  setSpnMappings(spnMappings: readonly string[]): this {
    if (this.spnMappings) return this;
    this.spnMappings = spnMappings;
    const aliases = parseSpnMappings(spnMappings);
    this.spnAliases = aliases;
    this.heldAs = FORM_CLASSES.map((k) => {
      const alias = aliases.get(k.toLowerCase());
      return alias === undefined ? [k] : [k, alias];
    });
    const waiting = this.waiting;
    this.waiting = [];
    for (const c of waiting) this.learnHeldForms(c);
    return this;
  }

  addComputer(c: Computer): void {
    this.added.push(c);
    const holder: SpnHolder = { samAccountName: c.samAccountName, distinguishedName: c.distinguishedName, isComputer: true };
    this.computerOf.set(holder, c);
    const own = [holder];
    for (const spn of c.servicePrincipalNames) this.spnIndex.add(spn, own, this.duplicateSpnHolders);
    if (isHyperVHost(c)) this.hyperV.push(c);
    if (this.heldAs) this.learnHeldForms(c);
    else this.waiting.push(c);
    this.addDelegationEntries(c);
  }

  private learnHeldForms(c: Computer): void {
    let held = 0;
    for (const spn of c.servicePrincipalNames) held |= formBits(c, spn, this.heldAs!);
    if (held !== 0) formFactsOf(this.formFacts, c).held = held;
  }

  private addDelegationEntries(c: Computer): void {
    const entries = c.allowedToDelegateTo;
    if (entries.length === 0) return;
    if (this.used + entries.length > this.pool.length) {
      this.pool = new Int32Array(Math.max(64 * 1024, entries.length));
      this.used = 0;
    }
    const inOrder = this.pool.subarray(this.used, this.used + entries.length);
    this.used += entries.length;
    const { rawById } = this;
    let follow = this.follow;
    let previous = -1;
    for (let i = 0; i < entries.length; i++) {
      const raw = entries[i]!;
      // Peers list one another in the same order, so the entry that follows X in one host's list nearly
      // always followed X in the previous host's list (first guess), or in the one before (second guess: past
      // the peer that is the previous host itself, which lists every peer but itself), or comes a few entries
      // after the first guess (past the current host's own entries). Guesses are checked by string equality
      // (interned strings: mostly identity) before the table; a guess that fails reads a string header, so
      // few of them are made.
      const at = 2 * (previous + 1);
      let id = follow[at]! - 1;
      if (id >= 0 && rawById[id] !== raw) {
        const first = id;
        id = follow[at + 1]! - 1;
        if (id < 0 || rawById[id] !== raw) {
          id = follow[2 * (first + 1)]! - 1;
          for (let step = 0; id >= 0 && rawById[id] !== raw; step++) id = step < 3 ? follow[2 * (id + 1)]! - 1 : -1;
        }
      }
      if (id < 0) {
        // About 5% of the entries: nearly all new ones. A Map by raw string would only save hashing the few
        // others; the table hashes without allocating and is needed anyway for new entries.
        id = this.targetTable.add(raw);
        if (id === rawById.length) {
          rawById.push(raw);
          if (2 * (id + 2) > follow.length) this.follow = follow = grownInt32(follow);
        }
      }
      if (follow[at] !== id + 1) {
        follow[at + 1] = follow[at]!;
        follow[at] = id + 1;
      }
      inOrder[i] = previous = id;
    }
    this.delegationIds.set(c, new LazilySortedIds(inOrder));
  }

  /** The snapshot of `data`, whose computers are the ones added, in the same order. */
  build(data: DirectoryData): DirectorySnapshot {
    if (!this.matches(data)) return createSnapshot(data);
    this.setSpnMappings(data.spnMappings);
    const { spnIndex, duplicateSpnHolders, computerOf, formFacts } = this;
    const spnAliases = this.spnAliases!;
    for (const a of data.spnAccounts) {
      const own = [{ samAccountName: a.samAccountName, distinguishedName: a.distinguishedName, isComputer: false }];
      for (const spn of a.servicePrincipalNames) spnIndex.add(spn, own, duplicateSpnHolders);
    }
    const computersByName = lazy(() => {
      const map = new Map<string, Computer>();
      for (const c of data.computers) for (const key of hostKeys(c)) if (!map.has(key)) map.set(key, c);
      return map;
    });
    const computersByDn = lazy(() => {
      const map = new Map<string, Computer>();
      for (const c of data.computers) map.set(c.distinguishedName.toLowerCase(), c);
      return map;
    });
    const usersByName = new Map<string, User>();
    for (const u of data.users) {
      for (const key of userKeys(u)) if (!usersByName.has(key)) usersByName.set(key, u);
    }
    const groupsByDn = new Map<string, Group>();
    for (const g of data.groups) groupsByDn.set(g.distinguishedName.toLowerCase(), g);
    // data.computers.filter(isHyperVHost): the computers are the ones added, in the same order (matches).
    const hyperVHosts = sortByName(this.hyperV);
    const { targetTable } = this;
    const holdersOfTarget = targetHolders(spnIndex, spnAliases, targetTable);
    // Each target's holders, in id (first-seen) order: one lookup per holder for both a domain controller
    // among them (KCD015, the first one) and what the entry is for its holder (usually class/<form> of it:
    // learn that target's id).
    const listedAs = FORM_CLASSES.map((k) => [k]);
    const delegationTargetById: DelegationTarget[] = [];
    const flagsById = new Uint8Array(this.rawById.length);
    for (let id = 0; id < this.rawById.length; id++) {
      const raw = this.rawById[id]!;
      const holders = holdersOfTarget(id, raw);
      let domainController: Computer | undefined;
      for (const h of holders) {
        const holderComputer = h.isComputer ? computerOf.get(h) : undefined;
        if (!holderComputer) continue;
        if (!domainController && isDomainController(holderComputer)) domainController = holderComputer;
        const bits = formBits(holderComputer, raw, listedAs);
        if (bits !== 0) {
          const facts = formFactsOf(formFacts, holderComputer);
          for (let slot = 0; slot < 4; slot++) if ((bits >>> slot) & 1) facts.ids[slot] = id;
        }
      }
      delegationTargetById.push(domainController ? { id, holders, domainController } : { id, holders });
      flagsById[id] = (holders.length === 0 ? UNHELD : 0) | (domainController ? DC : 0);
    }
    const { delegationIds } = this;
    for (const ids of delegationIds.values()) {
      const inOrder = ids.inOrder;
      let flags = 0;
      for (let i = 0; i < inOrder.length; i++) flags |= flagsById[inOrder[i]!]!;
      ids.anyUnheld = (flags & UNHELD) !== 0;
      ids.anyDomainController = (flags & DC) !== 0;
    }
    const delegationTargets: DelegationTargetLookup = {
      get: (spn) => {
        const id = targetTable.idOf(spn);
        return id < 0 ? undefined : delegationTargetById[id];
      },
      getJoined: (prefix, rest, from) => {
        const id = targetTable.idOfJoined(prefix, rest, from);
        return id < 0 ? undefined : delegationTargetById[id];
      },
    };
    return {
      data,
      spnIndex,
      spnAliases,
      hyperVHosts,
      get computersByName() {
        return computersByName();
      },
      get computersByDn() {
        return computersByDn();
      },
      usersByName,
      groupsByDn,
      delegationTargets,
      delegationTargetById,
      delegationIds,
      duplicateSpnHolders,
      formFacts,
    };
  }

  /** Whether `data` is what was added: the same computers in the same order, the same sPNMappings. */
  private matches(data: DirectoryData): boolean {
    const { computers } = data;
    if (computers.length !== this.added.length) return false;
    for (let i = 0; i < computers.length; i++) if (computers[i] !== this.added[i]) return false;
    const used = this.spnMappings;
    if (used === undefined || used === data.spnMappings) return true;
    return used.length === data.spnMappings.length && used.every((m, i) => m === data.spnMappings[i]);
  }
}

const UNHELD = 1;
const DC = 2;

/** A copy twice as long. */
function grownInt32(a: Int32Array): Int32Array {
  const grown = new Int32Array(a.length * 2);
  grown.set(a);
  return grown;
}

/** Sorted by compareNames (stable), lower-casing each name once rather than on every comparison. */
function sortByName(computers: Computer[]): Computer[] {
  const keyed = computers.map((c) => ({ c, key: c.name.toLowerCase() }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.c);
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

/**
 * holdersOf for the delegation targets of `targets` while building: the direct lookup reuses the target
 * table's hash (no second pass over the characters), and the alias of the entry's service class is looked up
 * again only when the class is spelt differently from the last entry that needed it (nearly all of those
 * are cifs/…: no lower-cased copy and Map lookup per entry).
 */
function targetHolders(spnIndex: SpnIndex, spnAliases: ReadonlyMap<string, string>, targets: SpnTable) {
  let lastClass = '';
  let lastAlias: string | undefined;
  return (id: number, spn: string): readonly SpnHolder[] => {
    // An SpnIndex list is never empty: an SPN is in it because an account holds it.
    const direct = spnIndex.getEntry(targets, id);
    if (direct) return direct;
    const slash = spn.indexOf('/');
    if (slash <= 0 || slash === spn.length - 1) return [];
    // The same spelling of the class (exact) has the same toLowerCase, so the same alias.
    if (slash !== lastClass.length || !spn.startsWith(lastClass)) {
      lastClass = spn.slice(0, slash);
      lastAlias = spnAliases.get(lastClass.toLowerCase());
    }
    if (!lastAlias) return [];
    return spnIndex.getJoined(lastAlias, spn, slash + 1) ?? [];
  };
}

/** Everyone who holds `spn`, directly or through the HOST/ alias (cifs/x is served by host/x). */
export function holdersOf(snapshot: Pick<DirectorySnapshot, 'spnIndex' | 'spnAliases'>, spn: string): readonly SpnHolder[] {
  const direct = snapshot.spnIndex.get(spn);
  if (direct) return direct;
  // parseSpn without its regex: the alias SPN is `${alias}/` + everything after the class (host and rest).
  const slash = spn.indexOf('/');
  if (slash <= 0 || slash === spn.length - 1) return [];
  const alias = snapshot.spnAliases.get(spn.slice(0, slash).toLowerCase());
  if (!alias) return [];
  return snapshot.spnIndex.getJoined(alias, spn, slash + 1) ?? [];
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
 * The chain of groups that puts a user in Protected Users (undefined when not a member).
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
