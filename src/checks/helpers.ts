import type { Computer } from '../domain/model';
import { holdersOf, type DirectorySnapshot } from '../domain/snapshot';
import { parseSpn, spnKey } from '../domain/spn';

/** The names a migration can be addressed by: NetBIOS (GOGO-4) and, when known, the FQDN. */
export function nameForms(c: Computer): string[] {
  return c.dnsHostName ? [c.name, c.dnsHostName] : [c.name];
}

const delegationSets = new WeakMap<Computer, Set<string>>();

/** SOURCE's msDS-AllowedToDelegateTo as a lower-cased set (built once per computer object). */
export function delegationSet(c: Computer): Set<string> {
  let set = delegationSets.get(c);
  if (!set) {
    set = new Set(c.allowedToDelegateTo.map(spnKey));
    delegationSets.set(c, set);
  }
  return set;
}

export function mayDelegateTo(source: Computer, spn: string): boolean {
  return delegationSet(source).has(spnKey(spn));
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
  const sam = source.samAccountName.toLowerCase();
  const bare = sam.replace(/\$$/, '');
  return dest.allowedToActOnBehalfOf.some((p) => {
    const x = p.toLowerCase().replace(/^[^\\]*\\/, '');
    return x === sam || x === bare;
  });
}

/** The delegation entries SOURCE is missing for `serviceClass` on `target` (one per name form). */
export function missingEntries(source: Computer, target: Computer, serviceClass: string): string[] {
  return nameForms(target)
    .map((form) => `${serviceClass}/${form}`)
    .filter((spn) => !mayDelegateTo(source, spn));
}

/** The entries of `c`'s delegation list that no account in the forest holds. */
export function unheldEntries(snapshot: DirectorySnapshot, c: Computer): string[] {
  return c.allowedToDelegateTo.filter((spn) => holdersOf(snapshot, spn).length === 0);
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
