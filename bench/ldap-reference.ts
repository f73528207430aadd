/**
 * The reference LDAP reader: what LdapDirectory.readData did before it streamed its searches (commit c4c1b32),
 * kept as plain as possible — every search collected in full by ldapts's `search`, then normalised with the
 * generic helpers of ldap/normalise.ts. The equivalence check (test/directory/ldap-equivalence.dc.test.ts and
 * the dc bench) compares its DirectoryData with the adapter's: they must be deep-equal apart from takenAt.
 * Not used by kcd itself.
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { rootCertificates } from 'node:tls';
import { Client, type Entry } from 'ldapts';
import type { Computer, DirectoryData, Group, SpnAccount } from '../src/domain/model';
import { domainOfDn } from '../src/domain/snapshot';
import {
  BINARY_ATTRIBUTES,
  COMPUTER_ATTRIBUTES,
  COMPUTER_FILTER,
  dnsNameOfDn,
  DOMAIN_CROSSREF_FILTER,
  GROUP_ATTRIBUTES,
  GROUP_FILTER,
  MULTI_VALUED,
  SPN_ACCOUNT_ATTRIBUTES,
  SPN_ACCOUNT_FILTER,
} from '../src/directory/ldap-directory';
import { asArray, asBuffers, asNumber, asString, getAttribute, nextRangeStart, parseSecurityDescriptorSids, sidToString } from '../src/directory/ldap/normalise';

export interface ReferenceOptions {
  url: string;
  bindDN: string;
  bindPassword: string;
  baseDN?: string;
  caFile?: string;
  tlsServername?: string;
  pageSize?: number;
  timeoutMs?: number;
}

/** Reads the directory the old way; `warn` receives what the adapter would warn about. */
export async function referenceReadData(options: ReferenceOptions, warn: (msg: string) => void = () => undefined): Promise<DirectoryData> {
  const ca = options.caFile ? readFileSync(options.caFile, 'utf8') : undefined;
  const client = new Client({
    url: options.url,
    timeout: options.timeoutMs ?? 120_000,
    connectTimeout: options.timeoutMs ?? 120_000,
    tlsOptions: {
      ...(ca ? { ca: [...rootCertificates, ca] } : {}),
      ...(options.tlsServername ? { servername: options.tlsServername } : {}),
      rejectUnauthorized: true,
    },
  });
  const pageSize = options.pageSize ?? 500;
  const search = async (base: string, filter: string, attributes: string[], scope: 'base' | 'one' | 'sub' = 'sub'): Promise<Entry[]> => {
    const { searchEntries } = await client.search(base, {
      scope,
      filter,
      attributes,
      explicitBufferAttributes: BINARY_ATTRIBUTES.filter((a) => attributes.includes(a)),
      paged: { pageSize },
    });
    for (const entry of searchEntries) await completeRanges(client, entry, attributes);
    return searchEntries;
  };
  try {
    await client.bind(options.bindDN, options.bindPassword);
    const takenAt = new Date().toISOString();
    const [root] = await search('', '(objectClass=*)', ['defaultNamingContext', 'configurationNamingContext'], 'base');
    const baseDN = options.baseDN ?? asString(getAttribute(root!, 'defaultNamingContext'))!;
    const configNC = asString(getAttribute(root!, 'configurationNamingContext'));
    const [computerEntries, spnEntries, groupEntries, spnMappings, forestDomains] = await Promise.all([
      search(baseDN, COMPUTER_FILTER, COMPUTER_ATTRIBUTES),
      search(baseDN, SPN_ACCOUNT_FILTER, SPN_ACCOUNT_ATTRIBUTES),
      search(baseDN, GROUP_FILTER, GROUP_ATTRIBUTES),
      configNC
        ? search(`CN=Directory Service,CN=Windows NT,CN=Services,${configNC}`, '(objectClass=*)', ['sPNMappings'], 'base')
            .then(([e]) => (e ? asArray(getAttribute(e, 'sPNMappings')) : []))
            .catch(() => [] as string[])
        : Promise.resolve([] as string[]),
      configNC
        ? search(`CN=Partitions,${configNC}`, DOMAIN_CROSSREF_FILTER, ['dnsRoot', 'nETBIOSName'], 'one')
            .then((es) => es.map((e) => asString(getAttribute(e, 'dnsRoot'))?.toLowerCase()).filter((d): d is string => d !== undefined).sort())
            .catch(() => [] as string[])
        : Promise.resolve([] as string[]),
    ]);
    const sidNames = new Map<string, string>();
    for (const entry of [...computerEntries, ...spnEntries]) {
      const sid = entrySid(entry);
      const sam = asString(getAttribute(entry, 'sAMAccountName'));
      if (sid && sam) sidNames.set(sid, sam);
    }
    const computers = computerEntries.map((e) => toComputer(e, sidNames, warn));
    const spnAccounts = spnEntries.map(toSpnAccount).filter((a) => a.servicePrincipalNames.length > 0);
    const groups = groupEntries.map(toGroup);
    const domains = [...new Set([...forestDomains, dnsNameOfDn(baseDN)].filter((d) => d.length > 0))];
    return {
      source: { kind: 'ldap', label: options.url, takenAt },
      domains,
      computers,
      users: [],
      groups,
      spnAccounts,
      spnMappings,
    };
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/** Both readers' DirectoryData with takenAt blanked. */
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

async function completeRanges(client: Client, entry: Entry, attributes: readonly string[]): Promise<void> {
  for (const attribute of MULTI_VALUED) {
    if (!attributes.includes(attribute)) continue;
    let start = nextRangeStart(entry, attribute);
    if (start === undefined) continue;
    const values = getAttribute(entry, attribute);
    for (let pages = 0; start !== undefined && pages < 10_000; pages++) {
      const result = await client.search(entry.dn, { scope: 'base', filter: '(objectClass=*)', attributes: [`${attribute};range=${start}-*`] });
      const more = result.searchEntries[0];
      const page = more ? getAttribute(more, attribute) : [];
      if (!more || page.length === 0) break;
      values.push(...page);
      start = nextRangeStart(more, attribute);
    }
    for (const key of Object.keys(entry)) {
      const lower = key.toLowerCase();
      if (lower === attribute.toLowerCase() || lower.startsWith(`${attribute.toLowerCase()};range=`)) delete entry[key];
    }
    entry[attribute] = values as string[];
  }
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
  return computer;
}

export function toSpnAccount(entry: Entry): SpnAccount {
  return {
    samAccountName: asString(getAttribute(entry, 'sAMAccountName')) ?? '',
    distinguishedName: asString(getAttribute(entry, 'distinguishedName')) ?? entry.dn,
    servicePrincipalNames: asArray(getAttribute(entry, 'servicePrincipalName')),
  };
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
