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
