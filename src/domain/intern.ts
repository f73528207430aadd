import type { Computer, DirectoryData } from './model';

/**
 * One string object per distinct value while reading a directory.
 *
 * Why: in a Hyper-V fleet every member of a cluster lists the same msDS-AllowedToDelegateTo SPNs for its
 * peers, so each value recurs about as often as the cluster has members. Readers (LDAP, snapshot file,
 * PowerShell export) decode each occurrence into a new string; keeping one copy per distinct value halves
 * the directory data at 50,000 hosts and shortens every full GC. Use one interner per read and drop it
 * afterwards (it holds every distinct value it has seen).
 */
export type Interner = (value: string) => string;

export function createInterner(): Interner {
  const seen = new Map<string, string>();
  return (value) => {
    const known = seen.get(value);
    if (known !== undefined) return known;
    seen.set(value, value);
    return value;
  };
}

/** Interns every value of a list in place and returns it (the readers' arrays are their own). */
export function internAll(values: string[], intern: Interner): string[] {
  for (let i = 0; i < values.length; i++) values[i] = intern(values[i]!);
  return values;
}

/**
 * Interns the values that recur across a computer's peers (SPN lists, delegation lists, group DNs, domain
 * and OS strings) in place. Readers call it on each computer as soon as it is built, so the duplicates
 * become garbage at once instead of piling up for the whole read.
 */
export function internComputer(c: Computer, intern: Interner): Computer {
  c.domain = intern(c.domain);
  internAll(c.servicePrincipalNames, intern);
  internAll(c.allowedToDelegateTo, intern);
  internAll(c.allowedToActOnBehalfOf, intern);
  internAll(c.memberOf, intern);
  if (c.operatingSystem !== undefined) c.operatingSystem = intern(c.operatingSystem);
  if (c.operatingSystemVersion !== undefined) c.operatingSystemVersion = intern(c.operatingSystemVersion);
  return c;
}

/** internComputer for every computer, and the group lists of users and groups, SPNs of service accounts. */
export function internDirectoryData(data: DirectoryData, intern: Interner = createInterner()): DirectoryData {
  for (const c of data.computers) internComputer(c, intern);
  for (const u of data.users) {
    u.domain = intern(u.domain);
    internAll(u.memberOf, intern);
  }
  for (const g of data.groups) internAll(g.memberOf, intern);
  for (const a of data.spnAccounts) internAll(a.servicePrincipalNames, intern);
  return data;
}
