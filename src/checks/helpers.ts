import type { Computer } from '../domain/model';
import { delegationIdsOf, FORM_CLASSES, hasId, type DirectorySnapshot, type SpnHolder } from '../domain/snapshot';
import { CIFS, MIGRATION_SERVICE } from '../domain/spn';
import type { Finding } from '../domain/finding';
import type { PairNeeds } from './types';

/** The names a migration can be addressed by: NetBIOS (GOGO-4) and, when known, the FQDN. */
export function nameForms(c: Computer): string[] {
  return c.dnsHostName ? [c.name, c.dnsHostName] : [c.name];
}

/** nameForms(c)[f] without building the list (the per-target facts of a fleet scan ask for every target). */
function nameFormAt(c: Computer, f: number): string | undefined {
  return f === 0 ? c.name : f === 1 ? c.dnsHostName || undefined : undefined;
}

/**
 * Whether `c` itself answers to `spn`, directly or through the sPNMappings alias (cifs/x ← host/x): the SPN
 * index (case-insensitive, no lower-cased copies) lists `c` among the SPN's holders.
 */
export function holdsSpn(snapshot: DirectorySnapshot, c: Computer, spn: string): boolean {
  const slash = spn.indexOf('/');
  if (slash <= 0) return isHeldBy(snapshot.spnIndex.get(spn), c);
  return holdsJoined(snapshot, c, spn.slice(0, slash), spn, slash + 1);
}

/** holdsSpn(`${serviceClass}/${rest.slice(from)}`) without building the SPN (nor its alias). */
function holdsJoined(snapshot: DirectorySnapshot, c: Computer, serviceClass: string, rest: string, from = 0): boolean {
  if (isHeldBy(snapshot.spnIndex.getJoined(serviceClass, rest, from), c)) return true;
  // As parseSpn, without its regex: the alias SPN is `${alias}/` + everything after the class (host and rest).
  if (from === rest.length) return false;
  const alias = snapshot.spnAliases.get(serviceClass.toLowerCase());
  return alias !== undefined && isHeldBy(snapshot.spnIndex.getJoined(alias, rest, from), c);
}

function isHeldBy(holders: readonly SpnHolder[] | undefined, c: Computer): boolean {
  if (!holders) return false;
  for (const h of holders) if (h.isComputer && h.distinguishedName === c.distinguishedName) return true;
  return false;
}

const NONE: readonly string[] = Object.freeze([]);

/**
 * What the pair rules ask about one target computer, per service class, computed once per snapshot: the
 * delegation-target id of `class/<form>` for each name form (-1: nobody lists it), and the SPNs of those forms
 * the target does not answer to (KCD007). Only ids are kept; SPN strings are built when something is missing.
 */
interface ClassFacts {
  ids: number[];
  missingSpns?: readonly string[];
}

interface TargetFacts {
  migration?: ClassFacts;
  cifs?: ClassFacts;
  other?: Map<string, ClassFacts>;
}

const factsCache = new WeakMap<DirectorySnapshot, Map<Computer, TargetFacts>>();
/** The last snapshot asked about (weakly): a fleet scan asks millions of times about one snapshot. */
let lastSnapshot: WeakRef<DirectorySnapshot> | undefined;
let lastFacts: Map<Computer, TargetFacts> | undefined;
/** And the last target: every pair rule asks about the same destination in turn. */
let lastTarget: Computer | undefined;
let lastTargetFacts: TargetFacts | undefined;

function classFacts(snapshot: DirectorySnapshot, target: Computer, serviceClass: string): ClassFacts {
  let perSnapshot: Map<Computer, TargetFacts> | undefined;
  if (lastSnapshot?.deref() === snapshot) perSnapshot = lastFacts!;
  else {
    perSnapshot = factsCache.get(snapshot);
    if (!perSnapshot) factsCache.set(snapshot, (perSnapshot = new Map<Computer, TargetFacts>()));
    lastSnapshot = new WeakRef(snapshot);
    lastFacts = perSnapshot;
    lastTarget = undefined;
  }
  let facts: TargetFacts | undefined;
  if (target === lastTarget) facts = lastTargetFacts!;
  else {
    facts = perSnapshot.get(target);
    if (!facts) perSnapshot.set(target, (facts = {}));
    lastTarget = target;
    lastTargetFacts = facts;
  }
  if (serviceClass === MIGRATION_SERVICE) return (facts.migration ??= newClassFacts(snapshot, target, serviceClass));
  if (serviceClass === CIFS) return (facts.cifs ??= newClassFacts(snapshot, target, serviceClass));
  const other = (facts.other ??= new Map<string, ClassFacts>());
  let found = other.get(serviceClass);
  if (!found) other.set(serviceClass, (found = newClassFacts(snapshot, target, serviceClass)));
  return found;
}

function newClassFacts(snapshot: DirectorySnapshot, target: Computer, serviceClass: string): ClassFacts {
  const slot = FORM_CLASSES.indexOf(serviceClass) * 2;
  const learnt = slot >= 0 ? snapshot.formFacts.get(target) : undefined;
  const ids: number[] = [];
  for (let f = 0, form = nameFormAt(target, 0); form !== undefined; form = nameFormAt(target, ++f)) {
    const id = learnt ? learnt.ids[slot + f]! : -1;
    ids.push(id >= 0 ? id : (snapshot.delegationTargets.getJoined(serviceClass, form)?.id ?? -1));
  }
  return { ids };
}

/** The delegation-target ids of `serviceClass/<form>` for each name form of `target` (-1: nobody lists it). */
export function classIds(snapshot: DirectorySnapshot, target: Computer, serviceClass: string): readonly number[] {
  return classFacts(snapshot, target, serviceClass).ids;
}

/** The delegation entries SOURCE is missing for `serviceClass` on `target` (one per name form). */
export function missingEntries(snapshot: DirectorySnapshot, source: Computer, target: Computer, serviceClass: string): string[] {
  const sorted = delegationIdsOf(snapshot, source).sorted;
  const ids = classFacts(snapshot, target, serviceClass).ids;
  let missing: string[] | undefined;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id < 0 || !hasId(sorted, id)) (missing ??= []).push(`${serviceClass}/${nameForms(target)[i]}`);
  }
  return missing ?? (NONE as string[]);
}

/** The entries of `c`'s delegation list that no account in the forest holds. */
export function unheldEntries(snapshot: DirectorySnapshot, c: Computer): string[] {
  const delegation = delegationIdsOf(snapshot, c);
  if (!delegation.anyUnheld) return NONE as string[];
  const ids = delegation.inOrder;
  let out: string[] | undefined;
  for (let i = 0; i < ids.length; i++) {
    if (snapshot.delegationTargetById[ids[i]!]!.holders.length === 0) (out ??= []).push(c.allowedToDelegateTo[i]!);
  }
  return out ?? (NONE as string[]);
}

/** The entries of `c`'s delegation list that a domain controller answers to (KCD015), with that DC. */
export function entriesHeldByDomainControllers(snapshot: DirectorySnapshot, c: Computer): Array<{ spn: string; dc: Computer }> {
  const delegation = delegationIdsOf(snapshot, c);
  if (!delegation.anyDomainController) return [];
  const ids = delegation.inOrder;
  let out: Array<{ spn: string; dc: Computer }> | undefined;
  for (let i = 0; i < ids.length; i++) {
    const dc = snapshot.delegationTargetById[ids[i]!]!.domainController;
    if (dc) (out ??= []).push({ spn: c.allowedToDelegateTo[i]!, dc });
  }
  return out ?? [];
}

/** `serviceClass/<form>` SPNs that `target` does not answer to (KCD007), computed once per target and class. */
export function missingSpns(snapshot: DirectorySnapshot, target: Computer, serviceClass: string): readonly string[] {
  const facts = classFacts(snapshot, target, serviceClass);
  if (!facts.missingSpns) {
    const slot = FORM_CLASSES.indexOf(serviceClass) * 2;
    const held = slot >= 0 ? (snapshot.formFacts.get(target)?.held ?? 0) >>> slot : 0;
    let missing: string[] | undefined;
    for (let f = 0, form = nameFormAt(target, 0); form !== undefined; form = nameFormAt(target, ++f)) {
      if (((held >>> f) & 1) === 0 && !holdsJoined(snapshot, target, serviceClass, form)) (missing ??= []).push(`${serviceClass}/${form}`);
    }
    facts.missingSpns = missing ?? NONE;
  }
  return facts.missingSpns;
}

/**
 * Whether `target` answers to `serviceClass/<form>` for every name form (missingSpns is empty), from what
 * createSnapshot learnt when it learnt it: fleet screens ask for every host without building its facts.
 */
export function answersToEvery(snapshot: DirectorySnapshot, target: Computer, serviceClass: string): boolean {
  const slot = FORM_CLASSES.indexOf(serviceClass) * 2;
  if (slot >= 0) {
    const forms = target.dnsHostName ? 0b11 : 0b01; // as nameFormAt
    if ((((snapshot.formFacts.get(target)?.held ?? 0) >>> slot) & forms) === forms) return true;
  }
  return missingSpns(snapshot, target, serviceClass).length === 0;
}

/** PairNeeds: the rule has nothing to say for any source (shared: asked once per host of a fleet). */
export const QUIET: PairNeeds = Object.freeze({ kind: 'findings', findings: Object.freeze<Finding[]>([]) });
/** PairNeeds: only the rule's check can tell. */
export const PER_PAIR: PairNeeds = Object.freeze({ kind: 'per-pair' });
/** PairNeeds: SOURCE's missing entries of these classes on DEST, one finding each. */
export function entriesOf(...serviceClasses: string[]): PairNeeds {
  return Object.freeze({ kind: 'entries', serviceClasses: Object.freeze(serviceClasses) });
}

/** Windows Server 2016 is NT 10.0; 2012 R2 is 6.3. Unknown (absent) is treated as 2016 or later. */
export function runs2016OrLater(c: Computer): boolean {
  const version = c.operatingSystemVersion?.match(/^\s*(\d+)\.(\d+)/);
  if (version) return Number(version[1]) >= 10;
  const os = c.operatingSystem;
  if (!os) return true;
  const year = os.match(/\b(2003|2008|2012|2016|2019|2022|2025)\b/);
  if (year) return Number(year[1]) >= 2016;
  return !/\b(Windows (7|8|8\.1|Vista|XP))\b/i.test(os);
}

/** The first build of Windows Server 2025 (operatingSystemVersion "10.0 (26100)"). */
export const WINDOWS_SERVER_2025_BUILD = 26100;

/**
 * Windows Server 2025 or later, by the build in operatingSystemVersion ("10.0 (26100)"), else by the name
 * when only operatingSystem is recorded. Unknown is not 2025: the rules that ask make errors of it.
 */
export function runs2025OrLater(c: Computer): boolean {
  const build = c.operatingSystemVersion?.match(/\((\d+)\)/);
  if (build) return Number(build[1]) >= WINDOWS_SERVER_2025_BUILD;
  const year = c.operatingSystem?.match(/\b(20\d\d)\b/);
  return year !== null && year !== undefined && Number(year[1]) >= 2025;
}

export function fqdnOrGuess(c: Computer): string {
  return c.dnsHostName ?? `${c.name.toLowerCase()}.${c.domain}`;
}
