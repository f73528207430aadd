/**
 * Loads scenario fixtures (test/fixtures/scenarios/*.json) into the real Samba DC, so the DC tests ask the
 * same questions as the unit tests, through the LDAP adapter.
 */
import { LdapDirectory, type LdapDirectoryOptions } from '../../src/directory/ldap-directory';
import {
  addMembers,
  computerEntry,
  groupEntry,
  loadEntries,
  userEntry,
  type LabEntry,
  type LabFacts,
} from '../ad-lab/lab';
import { LAB_BASE_DN, osOf, spnsOf, uacOf, userUacOf, ScenarioNames, type Scenario } from './scenario';

export const PROTECTED_USERS_DN = `CN=Protected Users,CN=Users,${LAB_BASE_DN}`;

export interface LoadOptions {
  /** Give computer accounts this password (needed for kinit as the host). */
  password?: string;
}

/** The LDAP entries of a scenario, plus the group memberships to add once everything exists. */
export function scenarioEntries(s: Scenario, names: ScenarioNames, options: LoadOptions = {}) {
  const entries: LabEntry[] = [];
  for (const h of s.hosts) {
    if (h.rbcdFrom?.length || h.domain) throw new Error(`scenario ${s.id} cannot be written to the lab DC`);
    entries.push(
      computerEntry({
        name: names.host(h.name),
        dnsHostName: h.noDnsHostName ? null : names.fqdn(h.name),
        hostSpns: false,
        hyperV: false,
        spns: spnsOf(h, names),
        userAccountControl: uacOf(h),
        delegateTo: (h.delegateTo ?? []).map((t) => names.expand(t, s.hosts)),
        ...osOf(h),
        supportedEncryptionTypes: h.encryptionTypes,
        password: options.password,
      }),
    );
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
  return { entries, memberships };
}

export async function loadScenarios(facts: LabFacts, list: ReadonlyArray<{ scenario: Scenario; names: ScenarioNames }>, options: LoadOptions = {}) {
  const all = list.map(({ scenario, names }) => scenarioEntries(scenario, names, options));
  await loadEntries(
    facts,
    all.flatMap((a) => a.entries),
    { concurrency: 2 },
  );
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
