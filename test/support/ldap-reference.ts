/**
 * Oracles for the LDAP reader's tests: the generic conversions of ldap/normalise.ts (what the reader did before it
 * streamed: getAttribute, asArray, …, no interning), which ldap/entries.ts must match, and a comparison of two
 * DirectoryData that names the first difference (used by the dc tests and the bench to compare the reader with
 * and without the fast path).
 */
import { isDeepStrictEqual } from 'node:util';
import type { Entry } from 'ldapts';
import type { Computer, DirectoryData, Group, SpnAccount } from '../../src/domain/model';
import { domainOfDn } from '../../src/domain/snapshot';
import { asArray, asBuffers, asNumber, asString, getAttribute, parseSecurityDescriptorSids, sidToString } from '../../src/directory/ldap/normalise';

/** A DirectoryData with takenAt blanked. */
export function withoutTakenAt(data: DirectoryData): DirectoryData {
  return { ...data, source: { ...data.source, takenAt: '' } };
}

/** Describes the first difference between two DirectoryData (undefined when deep-equal apart from takenAt). */
export function firstDifference(a: DirectoryData, b: DirectoryData): string | undefined {
  const x = withoutTakenAt(a);
  const y = withoutTakenAt(b);
  if (isDeepStrictEqual(x, y)) return undefined;
  for (const key of Object.keys(x) as (keyof DirectoryData)[]) {
    const u = x[key];
    const v = y[key];
    if (isDeepStrictEqual(u, v)) continue;
    if (Array.isArray(u) && Array.isArray(v)) {
      if (u.length !== v.length) return `${key}: ${u.length} vs ${v.length} items`;
      const i = u.findIndex((item, n) => !isDeepStrictEqual(item, v[n]));
      return `${key}[${i}]: ${JSON.stringify(u[i])} vs ${JSON.stringify(v[i])}`;
    }
    return `${key}: ${JSON.stringify(u)} vs ${JSON.stringify(v)}`;
  }
  return 'differs (prototype or key order)';
}

function entrySid(entry: Entry): string | undefined {
  const [buf] = asBuffers(getAttribute(entry, 'objectSid'));
  return buf ? sidToString(buf) : undefined;
}

export function toComputer(entry: Entry, sidNames: ReadonlyMap<string, string>, warn: (msg: string) => void): Computer {
  const dn = asString(getAttribute(entry, 'distinguishedName')) ?? entry.dn;
  const sam = asString(getAttribute(entry, 'sAMAccountName')) ?? '';
  const name = asString(getAttribute(entry, 'cn')) ?? sam.replace(/\$$/, '');
  const rbcd: string[] = [];
  for (const sd of asBuffers(getAttribute(entry, 'msDS-AllowedToActOnBehalfOfOtherIdentity'))) {
    try {
      for (const sid of parseSecurityDescriptorSids(sd).allowed) {
        const principal = sidNames.get(sid) ?? sid;
        if (!rbcd.includes(principal)) rbcd.push(principal);
      }
    } catch (err) {
      warn(`${name}: cannot parse msDS-AllowedToActOnBehalfOfOtherIdentity (${(err as Error).message}); ignored.`);
    }
  }
  const computer: Computer = {
    name,
    samAccountName: sam || `${name}$`,
    domain: domainOfDn(dn),
    distinguishedName: dn,
    userAccountControl: asNumber(getAttribute(entry, 'userAccountControl'), 0),
    servicePrincipalNames: asArray(getAttribute(entry, 'servicePrincipalName')),
    allowedToDelegateTo: asArray(getAttribute(entry, 'msDS-AllowedToDelegateTo')),
    allowedToActOnBehalfOf: rbcd,
    memberOf: asArray(getAttribute(entry, 'memberOf')),
  };
  const dnsHostName = asString(getAttribute(entry, 'dNSHostName'));
  if (dnsHostName) computer.dnsHostName = dnsHostName;
  const os = asString(getAttribute(entry, 'operatingSystem'));
  if (os) computer.operatingSystem = os;
  const osVersion = asString(getAttribute(entry, 'operatingSystemVersion'));
  if (osVersion) computer.operatingSystemVersion = osVersion;
  const encryptionTypes = asNumber(getAttribute(entry, 'msDS-SupportedEncryptionTypes'));
  if (encryptionTypes !== undefined) computer.supportedEncryptionTypes = encryptionTypes >>> 0;
  const sid = entrySid(entry);
  if (sid) computer.sid = sid;
  return computer;
}

export function toSpnAccount(entry: Entry): SpnAccount {
  const account: SpnAccount = {
    samAccountName: asString(getAttribute(entry, 'sAMAccountName')) ?? '',
    distinguishedName: asString(getAttribute(entry, 'distinguishedName')) ?? entry.dn,
    servicePrincipalNames: asArray(getAttribute(entry, 'servicePrincipalName')),
  };
  const userAccountControl = asNumber(getAttribute(entry, 'userAccountControl'));
  if (userAccountControl !== undefined) account.userAccountControl = userAccountControl;
  return account;
}

export function toGroup(entry: Entry): Group {
  const dn = asString(getAttribute(entry, 'distinguishedName')) ?? entry.dn;
  const group: Group = {
    distinguishedName: dn,
    name: asString(getAttribute(entry, 'cn')) ?? dn,
    memberOf: asArray(getAttribute(entry, 'memberOf')),
  };
  const sid = entrySid(entry);
  if (sid) group.sid = sid;
  return group;
}
