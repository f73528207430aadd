/**
 * Microsoft Entra Domain Services managed domains: member computers live in the `AADDC Computers` container
 * (OU=AADDC Computers,DC=…). Administrators there cannot set msDS-AllowedToDelegateTo nor "trusted to
 * authenticate for delegation" (account-based constrained delegation needs rights Microsoft keeps); resource-based
 * delegation, written on the target's own object, is what the service supports. A domain is taken as managed when
 * any of its computers is in that container (its domain controllers are not: they stay in OU=Domain Controllers).
 */
import type { Computer } from './model';
import type { DirectorySnapshot } from './snapshot';

const AADDC_COMPUTERS = /(^|,)\s*OU=AADDC Computers\s*,/i;

const cache = new WeakMap<DirectorySnapshot, ReadonlySet<string>>();

/** The DNS names of the snapshot's managed domains (computed once per snapshot). */
export function managedDomains(snapshot: DirectorySnapshot): ReadonlySet<string> {
  let found = cache.get(snapshot);
  if (!found) {
    const domains = new Set<string>();
    for (const c of snapshot.data.computers) if (!domains.has(c.domain) && AADDC_COMPUTERS.test(c.distinguishedName)) domains.add(c.domain);
    cache.set(snapshot, (found = domains));
  }
  return found;
}

/** Whether `c`'s domain is an Entra Domain Services managed domain. */
export function inManagedDomain(snapshot: DirectorySnapshot, c: Computer): boolean {
  const domains = managedDomains(snapshot);
  return domains.size > 0 && domains.has(c.domain);
}

export const MANAGED_DOMAIN_NOTE =
  'Microsoft Entra Domain Services (AADDC Computers): account-based constrained delegation cannot be configured in a ' +
  'managed domain, only resource-based delegation on the target. This replaces the target\'s list: keep its other principals.';
