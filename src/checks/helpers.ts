import type { Computer } from '../domain/model';
import { delegationIdsOf, hasId, holdersOf, type DirectorySnapshot } from '../domain/snapshot';
import { parseSpn, spnKey } from '../domain/spn';

/** The names a migration can be addressed by: NetBIOS (GOGO-4) and, when known, the FQDN. */
export function nameForms(c: Computer): string[] {
  return c.dnsHostName ? [c.name, c.dnsHostName] : [c.name];
}

const spnSets = new WeakMap<Computer, Set<string>>();

function ownSpnSet(c: Computer): Set<string> {
  let set = spnSets.get(c);
  if (!set) {
    set = new Set(c.servicePrincipalNames.map(spnKey));
    spnSets.set(c, set);
  }
  return set;
}

/** Whether `c` itself answers to `spn`, directly or through the sPNMappings alias (cifs/x ← host/x). */
export function holdsSpn(snapshot: DirectorySnapshot, c: Computer, spn: string): boolean {
  const own = ownSpnSet(c);
  if (own.has(spnKey(spn))) return true;
  const parsed = parseSpn(spn);
  if (!parsed) return false;
  const alias = snapshot.spnAliases.get(parsed.serviceClass.toLowerCase());
  return alias !== undefined && own.has(spnKey(`${alias}/${parsed.host}${parsed.rest}`));
}

/** Resource-based delegation: DEST's msDS-AllowedToActOnBehalfOfOtherIdentity names SOURCE. */
export function resourceBasedAllows(source: Computer, dest: Computer): boolean {
  if (dest.allowedToActOnBehalfOf.length === 0) return false;
  const sam = source.samAccountName.toLowerCase();
  const bare = sam.replace(/\$$/, '');
  return dest.allowedToActOnBehalfOf.some((p) => {
    const x = p.toLowerCase().replace(/^[^\\]*\\/, '');
    return x === sam || x === bare;
  });
}

/** `serviceClass/<form>` for each name form of a target, with its delegation-target id (-1: nobody lists it). */
interface FormTarget {
  spn: string;
  id: number;
}

const formTargetCache = new WeakMap<DirectorySnapshot, WeakMap<Computer, Map<string, FormTarget[]>>>();

function formTargets(snapshot: DirectorySnapshot, target: Computer, serviceClass: string): FormTarget[] {
  let perSnapshot = formTargetCache.get(snapshot);
  if (!perSnapshot) formTargetCache.set(snapshot, (perSnapshot = new WeakMap()));
  let perTarget = perSnapshot.get(target);
  if (!perTarget) perSnapshot.set(target, (perTarget = new Map()));
  let forms = perTarget.get(serviceClass);
  if (!forms) {
    forms = nameForms(target).map((form) => {
      const spn = `${serviceClass}/${form}`;
      return { spn, id: snapshot.delegationTargets.get(spnKey(spn))?.id ?? -1 };
    });
    perTarget.set(serviceClass, forms);
  }
  return forms;
}

const NONE: readonly string[] = Object.freeze([]);

/** The delegation entries SOURCE is missing for `serviceClass` on `target` (one per name form). */
export function missingEntries(snapshot: DirectorySnapshot, source: Computer, target: Computer, serviceClass: string): string[] {
  const sorted = delegationIdsOf(snapshot, source).sorted;
  let missing: string[] | undefined;
  for (const f of formTargets(snapshot, target, serviceClass)) {
    if (f.id < 0 || !hasId(sorted, f.id)) (missing ??= []).push(f.spn);
  }
  return missing ?? (NONE as string[]);
}

/** The entries of `c`'s delegation list that no account in the forest holds. */
export function unheldEntries(snapshot: DirectorySnapshot, c: Computer): string[] {
  const ids = delegationIdsOf(snapshot, c).inOrder;
  const out: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (snapshot.delegationTargetById[ids[i]!]!.holders.length === 0) out.push(c.allowedToDelegateTo[i]!);
  }
  return out;
}

/** The entries of `c`'s delegation list that a domain controller answers to (KCD015), with that DC. */
export function entriesHeldByDomainControllers(snapshot: DirectorySnapshot, c: Computer): Array<{ spn: string; dc: Computer }> {
  const ids = delegationIdsOf(snapshot, c).inOrder;
  const out: Array<{ spn: string; dc: Computer }> = [];
  for (let i = 0; i < ids.length; i++) {
    const dc = snapshot.delegationTargetById[ids[i]!]!.domainController;
    if (dc) out.push({ spn: c.allowedToDelegateTo[i]!, dc });
  }
  return out;
}

const missingSpnCache = new WeakMap<DirectorySnapshot, WeakMap<Computer, Map<string, string[]>>>();

/** `serviceClass/<form>` SPNs that `target` does not answer to (KCD007), computed once per target and class. */
export function missingSpns(snapshot: DirectorySnapshot, target: Computer, serviceClass: string): readonly string[] {
  let perSnapshot = missingSpnCache.get(snapshot);
  if (!perSnapshot) missingSpnCache.set(snapshot, (perSnapshot = new WeakMap()));
  let perTarget = perSnapshot.get(target);
  if (!perTarget) perSnapshot.set(target, (perTarget = new Map()));
  let missing = perTarget.get(serviceClass);
  if (!missing) {
    missing = nameForms(target)
      .map((form) => `${serviceClass}/${form}`)
      .filter((spn) => !holdsSpn(snapshot, target, spn));
    perTarget.set(serviceClass, missing);
  }
  return missing;
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

export function fqdnOrGuess(c: Computer): string {
  return c.dnsHostName ?? `${c.name.toLowerCase()}.${c.domain}`;
}
