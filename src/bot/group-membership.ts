/**
 * The group allow-list (KCD_ALLOWED_GROUPS): is the caller's on-premises AD account a member, directly or
 * through nested groups, of one of the allowed groups? In a hybrid tenant these are the groups Entra Connect
 * syncs to Entra ID; Entra-only (cloud) groups would need Microsoft Graph and are not supported.
 *
 * Resolution goes through the Directory port, so it works the same for LDAP, snapshot files and the demo:
 * findUser(upn) (the value reaches LDAP only as an escaped filter value) gives the account's direct groups,
 * and the snapshot's groups (every group with its memberOf) give the nesting. The account must match by its
 * userPrincipalName, not by sAMAccountName: the UPN is what Teams vouched for.
 *
 * Fail closed: when the directory cannot be read the answer is "unknown", which the handler refuses with a
 * card that says so. Definite answers are cached per UPN for a short TTL (bounded, least recently used first
 * out), so a chat does not cost a directory read per message and a removal takes effect within the TTL.
 */
import type { Group, User } from '../domain/model';
import { transitiveGroups, type DirectorySnapshot } from '../domain/snapshot';
import type { Directory } from '../directory/port';

export type MembershipResult =
  | { member: true; group: string }
  | { member: false; detail: string }
  | { member: 'unknown'; detail: string };

export interface GroupMembershipOptions {
  directory: Directory;
  /** Allowed groups: names (cn) or distinguished names, compared case-insensitively. */
  groups: readonly string[];
  /** How long a definite answer is reused (default 60 s). */
  ttlMs?: number;
  /** Most callers remembered at once (default 5,000). */
  maxEntries?: number;
  now?: () => number;
}

const norm = (s: string) => s.trim().toLowerCase();
/** A distinguished name rather than a group name: it has an attribute=value part. */
const isDn = (s: string) => /^\s*[A-Za-z][\w-]*\s*=/.test(s) && s.includes(',');
const UAC_ACCOUNTDISABLE = 0x2;
/** UPNs are name@domain, well under 1 KB, without control characters. */
// eslint-disable-next-line no-control-regex -- control characters are what this expression looks for
const PLAUSIBLE_UPN = /^[^@\s\u0000-\u001f\u007f]+@[^@\s\u0000-\u001f\u007f]+$/;

/** The allowed group the user reaches first (direct groups before nested ones), if any. Pure. */
export function allowedGroupOf(snapshot: DirectorySnapshot, user: User, allowed: readonly string[]): Group | undefined {
  const dns = new Set(allowed.filter(isDn).map(normDn));
  const names = new Set(allowed.filter((a) => !isDn(a)).map(norm));
  return transitiveGroups(snapshot, user.memberOf).find((g) => dns.has(normDn(g.distinguishedName)) || names.has(norm(g.name)));
}

/** "CN=KCD Users, OU=Groups" and "cn=kcd users,ou=groups" are one DN (spaces around separators are not part of values). */
function normDn(dn: string): string {
  return norm(dn).replace(/\s*(?<!\\)([,=])\s*/g, '$1');
}

interface Cached {
  result: MembershipResult;
  at: number;
}

export class GroupMembership {
  private readonly cache = new Map<string, Cached>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(private readonly options: GroupMembershipOptions) {
    this.ttlMs = Math.max(0, options.ttlMs ?? 60_000);
    this.maxEntries = Math.max(1, options.maxEntries ?? 5_000);
    this.now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.options.groups.length > 0;
  }

  get size(): number {
    return this.cache.size;
  }

  async check(upn: string | undefined): Promise<MembershipResult> {
    if (!upn) return { member: false, detail: 'the caller has no user principal name' };
    const value = upn.trim();
    if (value.length > 1024 || !PLAUSIBLE_UPN.test(value)) return { member: false, detail: 'the caller\'s user principal name is not a UPN' };
    const key = norm(value);
    const hit = this.cache.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit.result;
    }
    const result = await this.resolve(value);
    if (result.member === 'unknown') {
      this.cache.delete(key); // never remember "could not check"
    } else {
      this.cache.delete(key);
      this.cache.set(key, { result, at: this.now() });
      while (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    }
    return result;
  }

  private async resolve(upn: string): Promise<MembershipResult> {
    let user: User | undefined;
    let snapshot: DirectorySnapshot;
    try {
      [user, snapshot] = await Promise.all([this.options.directory.findUser(upn), this.options.directory.snapshot()]);
    } catch (err) {
      return { member: 'unknown', detail: `group membership could not be checked (${err instanceof Error ? err.message : String(err)})` };
    }
    if (!user || user.userPrincipalName === undefined || norm(user.userPrincipalName) !== norm(upn)) {
      return { member: false, detail: `no account with the user principal name ${upn} in the directory` };
    }
    if ((user.userAccountControl & UAC_ACCOUNTDISABLE) !== 0) return { member: false, detail: `the account ${user.samAccountName} is disabled` };
    const group = allowedGroupOf(snapshot, user, this.options.groups);
    return group
      ? { member: true, group: group.name }
      : { member: false, detail: `${upn} is not a member of an allowed group` };
  }
}
