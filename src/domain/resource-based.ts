/**
 * Resource-based constrained delegation: DEST's msDS-AllowedToActOnBehalfOfOtherIdentity is a security descriptor
 * whose DACL says which accounts may act for users towards DEST. What the KDC makes of it, as far as it is known:
 * - an ACE applies to the account it names (by sAMAccountName here, as the rest of the checker compares);
 * - ACEs are read in order, and the first that applies and carries rights decides (AccessCheck: a deny before
 *   the allow refuses, an allow before the deny grants);
 * - generic rights (GENERIC_ALL 0x10000000) in a stored ACE are not mapped to the object's rights, so an ACE
 *   holding only generic rights grants nothing; such ACEs have been reported refused (KDC_ERR_BADOPTION),
 *   where the full-control mask 0xF01FF that -PrincipalsAllowedToDelegateToAccount writes works;
 * - a SID that belongs to no account (a deleted one) allows nobody.
 */
import type { Computer, ResourceBasedAce } from './model';

export const GENERIC_ALL = 0x10000000;
/** What Set-ADComputer -PrincipalsAllowedToDelegateToAccount writes (CCDCLCSWRPWPDTLOCRSDRCWDWO). */
export const FULL_CONTROL = 0x000f01ff;
/** The generic bits (GENERIC_READ/WRITE/EXECUTE/ALL), and the specific and standard ones below them. */
const GENERIC_BITS = 0xf0000000;
const OBJECT_RIGHTS = 0x00ffffff;

/** A SID of a domain account or group (S-1-5-21-<domain>-<RID>), as opposed to well-known SIDs (S-1-1-0). */
const DOMAIN_SID = /^S-1-5-21-\d+-\d+-\d+-\d+$/i;

/** "CONTOSO\GOGO-3$" and "GOGO-3$" and "GOGO-3" name the same account. */
export function accountKey(principal: string): string {
  return principal.toLowerCase().replace(/^[^\\]*\\/, '').replace(/\$$/, '');
}

export function namesAccount(principal: string | undefined, account: Computer): boolean {
  return principal !== undefined && accountKey(principal) === accountKey(account.samAccountName);
}

/** An ACE whose rights are generic only (GENERIC_ALL instead of 0xF01FF): it grants nothing when checked. */
export function onlyGenericRights(mask: number): boolean {
  return (mask & OBJECT_RIGHTS) === 0 && (mask & GENERIC_BITS) !== 0;
}

/** An ACE naming a domain SID that no account or group of the directory holds (a deleted account). */
export function isDangling(ace: ResourceBasedAce): boolean {
  return ace.principal === undefined && DOMAIN_SID.test(ace.sid);
}

/** How DEST's descriptor treats SOURCE, by the rules above. */
export type DescriptorVerdict =
  | { kind: 'allowed'; ace: ResourceBasedAce }
  | { kind: 'denied'; ace: ResourceBasedAce }
  /** Named only in ACEs with generic rights (and no deny before them). */
  | { kind: 'generic-only'; ace: ResourceBasedAce }
  | { kind: 'not-named' };

export function descriptorVerdict(aces: readonly ResourceBasedAce[], source: Computer): DescriptorVerdict {
  let generic: ResourceBasedAce | undefined;
  for (const ace of aces) {
    if (!namesAccount(ace.principal, source)) continue;
    if ((ace.mask & OBJECT_RIGHTS) === 0) {
      if (ace.type === 'allow' && onlyGenericRights(ace.mask)) generic ??= ace;
      continue;
    }
    return ace.type === 'allow' ? { kind: 'allowed', ace } : { kind: 'denied', ace };
  }
  return generic ? { kind: 'generic-only', ace: generic } : { kind: 'not-named' };
}

/**
 * Whether DEST's resource-based delegation lets SOURCE act for users towards it: by the ACEs when the adapter kept
 * them, else by the principals' names (snapshot files written before the ACEs were kept).
 */
export function resourceBasedAllows(source: Computer, dest: Computer): boolean {
  if (dest.allowedToActOnBehalfOf.length === 0) return false;
  if (dest.resourceBasedAces) return descriptorVerdict(dest.resourceBasedAces, source).kind === 'allowed';
  return dest.allowedToActOnBehalfOf.some((p) => accountKey(p) === accountKey(source.samAccountName));
}

/**
 * The principals a corrected descriptor on DEST lists: every account its allow ACEs name (in order, once,
 * without domain prefix), none of the dangling SIDs, and `add` at the end when it is not among them.
 * Well-known SIDs without a name are kept as SIDs (-PrincipalsAllowedToDelegateToAccount takes SIDs too).
 */
export function correctedPrincipals(dest: Computer, add?: Computer): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const push = (p: string) => {
    const key = accountKey(p);
    if (seen.has(key)) return;
    seen.add(key);
    out.push(p.replace(/^[^\\]*\\/, ''));
  };
  if (dest.resourceBasedAces) {
    for (const ace of dest.resourceBasedAces) if (ace.type === 'allow' && !isDangling(ace)) push(ace.principal ?? ace.sid);
  } else {
    for (const p of dest.allowedToActOnBehalfOf) if (!DOMAIN_SID.test(p)) push(p);
  }
  if (add) push(add.samAccountName);
  return out;
}

export function hexMask(mask: number): string {
  return `0x${(mask >>> 0).toString(16).toUpperCase()}`;
}
