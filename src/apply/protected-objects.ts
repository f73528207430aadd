/**
 * Defence in depth: whatever a plan says, the writer never changes a domain controller or krbtgt, and never adds
 * delegation to a DC's service (that would let the account impersonate anyone to the DC). The planner refuses
 * these fixes already; this re-checks them on what AD holds at write time.
 */
import { parseSpn } from '../domain/spn';
import type { CurrentObject } from './current-object';
import { isDomainControllerUac } from './modify-changes';

/** A domain controller as the writer reads it (computers with SERVER_TRUST_ACCOUNT). */
export interface DomainControllerNames {
  dnsHostName?: string;
  samAccountName: string;
  servicePrincipalNames: string[];
}

/** Why AD's current object must not be written, or undefined. */
export function protectedObjectReason(current: CurrentObject): string | undefined {
  if (isDomainControllerUac(current.userAccountControl)) return `${current.dn} is a domain controller`;
  // krbtgt, and the krbtgt_<n> accounts of read-only DCs.
  if (/^krbtgt(_\d+)?$/i.test(current.samAccountName)) return `${current.dn} is the domain's krbtgt account`;
  return undefined;
}

/** Whether `spn` names a service of one of `dcs`: by its host part (DNS or NetBIOS name) or as one of their SPNs. */
export function namesDomainControllerService(spn: string, dcs: readonly DomainControllerNames[]): boolean {
  const wanted = spn.trim().toLowerCase();
  const host = parseSpn(wanted)?.host;
  return dcs.some((dc) => {
    const names = [dc.dnsHostName, dc.samAccountName.replace(/\$$/, '')].filter((n): n is string => !!n).map((n) => n.toLowerCase());
    return (host !== undefined && names.includes(host)) || dc.servicePrincipalNames.some((s) => s.trim().toLowerCase() === wanted);
  });
}
