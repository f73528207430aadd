/**
 * Microsoft Entra Domain Services managed domains: member computers live in the `AADDC Computers` container
 * (OU=AADDC Computers,DC=…). Administrators there cannot set msDS-AllowedToDelegateTo nor "trusted to
 * authenticate for delegation" (account-based constrained delegation needs rights Microsoft keeps); resource-based
 * delegation, written on the target's own object, is what the service supports. Whether a computer's account can
 * be configured is told by its own DN; a domain with any such computer is one where fixes may differ by host.
 */
import type { Computer } from './model';
import type { DirectorySnapshot } from './snapshot';

const AADDC_COMPUTERS = /(^|,)\s*OU=AADDC Computers\s*,/i;

/** Whether `c` is a member computer of a managed domain (its account cannot get account-based delegation). */
export function inManagedDomain(c: Computer): boolean {
  return AADDC_COMPUTERS.test(c.distinguishedName);
}

const cache = new WeakMap<DirectorySnapshot, ReadonlySet<string>>();

/** The DNS names of the domains with a computer in AADDC Computers (computed once per snapshot). */
function managedDomains(snapshot: DirectorySnapshot): ReadonlySet<string> {
  let found = cache.get(snapshot);
  if (!found) {
    const domains = new Set<string>();
    for (const c of snapshot.data.computers) if (!domains.has(c.domain) && inManagedDomain(c)) domains.add(c.domain);
    cache.set(snapshot, (found = domains));
  }
  return found;
}

/** Whether some computer of `c`'s domain is in AADDC Computers: a pair rule's fix for DEST may then depend on SOURCE. */
export function domainHasManagedComputers(snapshot: DirectorySnapshot, c: Computer): boolean {
  const domains = managedDomains(snapshot);
  return domains.size > 0 && domains.has(c.domain);
}

export const MANAGED_DOMAIN_NOTE =
  'Microsoft Entra Domain Services (AADDC Computers): account-based constrained delegation cannot be configured in a ' +
  'managed domain, only resource-based delegation on the target. This replaces the target\'s list: keep its other principals.';
