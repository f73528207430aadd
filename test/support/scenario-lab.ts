/**
 * Loads scenario fixtures (test/fixtures/scenarios/*.json) into the real Samba DC, so the DC tests ask the
 * same questions as the unit tests, through the LDAP adapter.
 */
import { LdapDirectory, type LdapDirectoryOptions } from '../../src/directory/ldap-directory';
import { buildSecurityDescriptor } from '../../src/directory/ldap/normalise';
import {
  addMembers,
  computerEntry,
  groupEntry,
  loadEntries,
  ouEntry,
  readSid,
  userEntry,
  type LabEntry,
  type LabFacts,
} from '../ad-lab/lab';
import { DELETED_ACCOUNT, LAB_BASE_DN, osOf, rbcdAcesOf, spnsOf, uacOf, userUacOf, ScenarioNames, type Scenario } from './scenario';

export const PROTECTED_USERS_DN = `CN=Protected Users,CN=Users,${LAB_BASE_DN}`;

export interface LoadOptions {
  /** Give computer accounts this password (needed for kinit as the host). */
  password?: string;
}

/** A host whose descriptor names other accounts: added once their SIDs exist (the DC refuses a later modify). */
interface DeferredDescriptor {
  entry: LabEntry;
  aces: Array<{ dn?: string; type: 'allow' | 'deny'; mask: number }>;
}

/** The LDAP entries of a scenario, plus the group memberships to add once everything exists. */
export function scenarioEntries(s: Scenario, names: ScenarioNames, options: LoadOptions = {}) {
  const entries: LabEntry[] = [];
  /** OUs the hosts live in, added before everything else (parents first, one at a time). */
  const ous: LabEntry[] = [];
  const deferred: DeferredDescriptor[] = [];
  // Samba lets only the system modify msDS-AllowedToActOnBehalfOfOtherIdentity: it is written when the host is added.
  const containers = new Map<string, string>();
  const containerOf = (h: Scenario['hosts'][number]) => {
    if (!h.container) return `CN=Computers,${LAB_BASE_DN}`;
    let dn = containers.get(h.container);
    if (!dn) {
      const parent = ouEntry(names.prefix.replace(/-$/, ''));
      const ou = ouEntry(h.container, parent.dn);
      ous.push(parent, ou);
      containers.set(h.container, (dn = ou.dn));
    }
    return dn;
  };
  const hostDn = (logical: string) => `CN=${names.host(logical)},${containerOf(s.hosts.find((x) => x.name === logical)!)}`;
  for (const h of s.hosts) {
    if (h.domain) throw new Error(`scenario ${s.id} cannot be written to the lab DC`);
    const entry = computerEntry({
        name: names.host(h.name),
        container: containerOf(h),
        dnsHostName: h.noDnsHostName ? null : names.fqdn(h.name),
        hostSpns: false,
        hyperV: false,
        spns: spnsOf(h, names),
        userAccountControl: uacOf(h),
        delegateTo: (h.delegateTo ?? []).map((t) => names.expand(t, s.hosts)),
        ...osOf(h),
        supportedEncryptionTypes: h.encryptionTypes,
        password: options.password,
      });
    const aces = rbcdAcesOf(h);
    if (aces.length === 0) entries.push(entry);
    else deferred.push({ entry, aces: aces.map((a) => ({ ...(a.from === DELETED_ACCOUNT ? {} : { dn: hostDn(a.from) }), type: a.type, mask: a.mask })) });
  }
  for (const u of s.users ?? []) {
    // A user without a password is "password expired" to the KDC, which then refuses S4U2Self for it.
    entries.push(
      userEntry({
        name: names.user(u.name),
        upn: `${names.user(u.name)}@lab.test`,
        userAccountControl: userUacOf(u),
        supportedEncryptionTypes: u.encryptionTypes,
        password: options.password,
      }),
    );
  }
  for (const a of s.serviceAccounts ?? []) {
    entries.push(userEntry({ name: names.user(a.name), spns: a.spns.map((t) => names.expand(t, s.hosts)) }));
  }
  const groupDn = (g: string) => (g === 'Protected Users' ? PROTECTED_USERS_DN : `CN=${names.group(g)},CN=Users,${LAB_BASE_DN}`);
  for (const g of s.groups ?? []) entries.push(groupEntry({ name: names.group(g.name) }));
  const memberships: Array<{ group: string; member: string }> = [];
  for (const u of s.users ?? []) {
    for (const g of u.groups ?? []) memberships.push({ group: groupDn(g), member: `CN=${names.user(u.name)},CN=Users,${LAB_BASE_DN}` });
  }
  for (const g of s.groups ?? []) {
    for (const parent of g.memberOf ?? []) memberships.push({ group: groupDn(parent), member: groupDn(g.name) });
  }
  return { ous, entries, memberships, deferred };
}

export async function loadScenarios(facts: LabFacts, list: ReadonlyArray<{ scenario: Scenario; names: ScenarioNames }>, options: LoadOptions = {}) {
  const all = list.map(({ scenario, names }) => scenarioEntries(scenario, names, options));
  const ous = all.flatMap((a) => a.ous);
  if (ous.length > 0) await loadEntries(facts, ous, { concurrency: 1 });
  await loadEntries(
    facts,
    all.flatMap((a) => a.entries),
    { concurrency: 2 },
  );
  const deferred = all.flatMap((a) => a.deferred);
  if (deferred.length > 0) {
    // A SID of the lab's domain that no account holds: the domain's SID with a RID far above any the DC assigns.
    const deleted = `${await readSid(facts, LAB_BASE_DN)}-${900000 + Math.floor(Math.random() * 90000)}`;
    for (const d of deferred) {
      const aces = [];
      for (const a of d.aces) aces.push({ sid: a.dn ? await readSid(facts, a.dn) : deleted, type: a.type, mask: a.mask });
      d.entry.attributes['msDS-AllowedToActOnBehalfOfOtherIdentity'] = buildSecurityDescriptor(aces);
    }
    await loadEntries(
      facts,
      deferred.map((d) => d.entry),
      { concurrency: 2 },
    );
  }
  for (const { group, member } of all.flatMap((a) => a.memberships)) await addMembers(facts, group, [member]);
}

/** LDAP adapter options for the lab DC: its read-only account, TLS verified against the lab's CA. */
export function labLdapOptions(facts: LabFacts, overrides: Partial<LdapDirectoryOptions> = {}): LdapDirectoryOptions {
  return {
    url: facts.url,
    bindDN: facts.readerBindDN,
    bindPassword: facts.readerPassword,
    caFile: facts.caFile,
    tlsServername: facts.tlsServername,
    timeoutMs: 20_000,
    ...overrides,
  };
}

/** The LDAP adapter as the product configures it, bound with the lab's read-only account, TLS verified. */
export function labDirectory(facts: LabFacts): LdapDirectory {
  return new LdapDirectory(labLdapOptions(facts));
}

/** Environment for the `kcd` CLI to read the lab DC. */
export function labCliEnv(facts: LabFacts): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    KCD_LDAP_URL: facts.url,
    KCD_LDAP_BIND_DN: facts.readerBindDN,
    KCD_LDAP_BIND_PASSWORD: facts.readerPassword,
    KCD_LDAP_CA_FILE: facts.caFile,
    KCD_LDAP_TLS_SERVERNAME: facts.tlsServername,
    KCD_LDAP_TIMEOUT_MS: '20000',
  };
}
