import type { Computer } from '../domain/model';
import { delegationIdsOf, type DirectorySnapshot } from '../domain/snapshot';
import { UAC } from '../domain/uac';

/**
 * The host rules the screen speaks for: every host rule. A test compares this list with the catalogue, so a
 * new host rule cannot slip past the screen (the checker then runs every rule for every host).
 */
export const SCREENED_HOST_RULES: readonly string[] = ['KCD004', 'KCD005', 'KCD006', 'KCD008', 'KCD009', 'KCD012', 'KCD015', 'KCD017'];

/**
 * A conservative "no host rule has anything to say about HOST", in either role: each rule's own condition for
 * returning nothing, restated. When it says false the rules run, so a screen that is too cautious only costs time.
 *
 * Why: a fleet of 50,000 hosts asks 100,000 times (each host as source and as target), and most hosts are
 * clean; calling the eight rules each time costs a context, a call and an empty list per rule, and two
 * lookups of the same delegation ids (KCD012, KCD015). The screen reads the account once.
 */
export function hostSurelyClean(snapshot: DirectorySnapshot, host: Computer): boolean {
  const uac = host.userAccountControl;
  // KCD004: protocol transition is on. KCD005, KCD006: not trusted for unconstrained delegation. KCD009: enabled.
  if ((uac & UAC.TRUSTED_TO_AUTH_FOR_DELEGATION) === 0) return false;
  if ((uac & UAC.TRUSTED_FOR_DELEGATION) !== 0 || (uac & UAC.ACCOUNTDISABLE) !== 0) return false;
  // KCD017: it has a dNSHostName.
  if (!host.dnsHostName) return false;
  // KCD008: it holds no SPN another account holds too.
  if (snapshot.duplicateSpnHolders.has(host.distinguishedName)) return false;
  // KCD012: every entry has a holder; KCD015: none is a domain controller's.
  const ids = delegationIdsOf(snapshot, host);
  return !ids.anyUnheld && !ids.anyDomainController;
}
