import type { Fix } from '../domain/finding';
import { inManagedDomain, MANAGED_DOMAIN_NOTE } from '../domain/managed-domain';
import type { Computer } from '../domain/model';
import { correctedPrincipals } from '../domain/resource-based';

/**
 * The fix for SOURCE's missing delegation entries towards TARGET: add them to SOURCE's msDS-AllowedToDelegateTo;
 * in an Entra Domain Services managed domain, where that cannot be configured, allow SOURCE in TARGET's
 * resource-based descriptor instead (keeping the principals it already allows).
 */
export function delegationFix(source: Computer, target: Computer, spns: string[]): Fix {
  if (inManagedDomain(source)) {
    return { kind: 'resource-based', host: target.name, principals: correctedPrincipals(target, source), note: MANAGED_DOMAIN_NOTE };
  }
  return { kind: 'computer', host: source.name, addDelegation: spns };
}
