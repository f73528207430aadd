/**
 * Each domain's krbtgt account, where its flags are known: the LDAP read has them (krbtgt holds
 * kadmin/changepw, so it is among the SPN holders), a PowerShell user export has them when it names krbtgt.
 */
import { domainOfDn, type DirectorySnapshot } from './snapshot';
import { hasFlag } from './uac';

export interface KrbtgtAccount {
  domain: string;
  distinguishedName: string;
  userAccountControl: number;
}

const KRBTGT = 'krbtgt';

/** Built once per snapshot: host rules ask it for every host of a fleet (Check.quiet). */
const known = new WeakMap<DirectorySnapshot, ReadonlyMap<string, KrbtgtAccount>>();

function krbtgtByDomain(snapshot: DirectorySnapshot): ReadonlyMap<string, KrbtgtAccount> {
  let map = known.get(snapshot);
  if (!map) {
    const found = new Map<string, KrbtgtAccount>();
    const add = (account: { samAccountName: string; distinguishedName: string; userAccountControl?: number }) => {
      if (account.samAccountName.toLowerCase() !== KRBTGT || account.userAccountControl === undefined) return;
      const domain = domainOfDn(account.distinguishedName);
      if (!found.has(domain)) found.set(domain, { domain, distinguishedName: account.distinguishedName, userAccountControl: account.userAccountControl });
    };
    for (const a of snapshot.data.spnAccounts) add(a);
    for (const u of snapshot.data.users) add(u);
    known.set(snapshot, (map = found));
  }
  return map;
}

/** The krbtgt of `domain` when it is marked "sensitive and cannot be delegated"; undefined when not, or not known. */
export function sensitiveKrbtgt(snapshot: DirectorySnapshot, domain: string): KrbtgtAccount | undefined {
  const map = krbtgtByDomain(snapshot);
  if (map.size === 0) return undefined;
  const krbtgt = map.get(domain);
  return krbtgt && hasFlag(krbtgt.userAccountControl, 'NOT_DELEGATED') ? krbtgt : undefined;
}
