/**
 * createSnapshot against a plain reading of what its indexes mean (src/domain/snapshot.ts), on seeded random
 * estates: SPNs in any case and with stray spaces, duplicates between computers and service accounts, entries
 * served through the HOST alias or by nobody, domain controllers, computers without a DNS name, and forests
 * with default, partial or no sPNMappings. The reference reads every account for every question; the snapshot's
 * guesses, pools, lazy sorts and learnt facts must give the same answers.
 */
import type { Computer, DirectoryData, Group, SpnAccount, User } from '../../src/domain/model';
import {
  compareNames,
  createSnapshot,
  delegationIdsOf,
  domainOfDn,
  FORM_CLASSES,
  hasId,
  holdersOf,
  hostKeys,
  isHyperVHost,
  isProtectedUsersGroup,
  protectedUsersPath,
  SnapshotBuilder,
  SpnIndex,
  transitiveGroups,
  type DirectorySnapshot,
} from '../../src/domain/snapshot';
import { MIGRATION_SERVICE, parseSpnMappings, spnKey } from '../../src/domain/spn';
import { UAC } from '../../src/domain/uac';
import { pick, rngOf, type Rng } from '../support/seeded';

const chance = (rng: Rng, p: number) => rng() < p;

function recase(rng: Rng, s: string): string {
  return [...s].map((c) => (chance(rng, 0.3) ? (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) : c)).join('');
}

const MAPPINGS: ReadonlyArray<readonly string[]> = [[], ['host=alerter,http,cifs,rpc'], ['host=alerter,http'], ['HOST = CIFS , http', 'www=cifs']];

/** `wide`: the computers also list 1,100 entries nobody holds between them, so over 1,024 distinct targets. */
function randomEstate(rng: Rng, wide = false): DirectoryData {
  const count = 4 + Math.floor(rng() * 18);
  // Now and then a name again in another case (another domain's host, say): name order must keep them as listed.
  const names: string[] = [];
  for (let i = 0; i < count; i++) names.push(i > 0 && chance(rng, 0.1) ? recase(rng, pick(rng, names)) : `${pick(rng, ['HV', 'hv', 'Node', 'FS', 'DC'])}${i + 1}`);
  const fqdn = (n: string) => `${n.toLowerCase()}.contoso.com`;
  const forms = (n: string, withDns: boolean) => (withDns ? [n, fqdn(n)] : [n]);
  const hasDns = names.map(() => chance(rng, 0.85));
  const computers: Computer[] = names.map((name, i) => {
    const spns: string[] = [];
    for (const form of forms(name, hasDns[i]!)) {
      if (chance(rng, 0.85)) spns.push(`${recase(rng, 'HOST')}/${recase(rng, form)}`);
      if (chance(rng, 0.6)) spns.push(`${recase(rng, MIGRATION_SERVICE)}/${recase(rng, form)}`);
      if (chance(rng, 0.2)) spns.push(`cifs/${form}`);
    }
    if (chance(rng, 0.15)) spns.push(`${recase(rng, 'HOST')}/${pick(rng, names)}`); // someone else's: a duplicate
    if (chance(rng, 0.1)) spns.push(` HOST/${name} `);
    if (chance(rng, 0.05)) spns.push(`${MIGRATION_SERVICE.replace('i', '\u0130')}/${name}`); // lower-cases to i + U+0307: not the migration SPN
    if (chance(rng, 0.1) && spns.length > 0) spns.push(recase(rng, spns[0]!)); // the same SPN twice on one account
    const entries: string[] = wide ? Array.from({ length: Math.ceil(1100 / count) }, (_, e) => `cifs/gone-${i}-${e}`) : [];
    for (let e = Math.floor(rng() * 8); e > 0; e--) {
      const j = Math.floor(rng() * count);
      const r = rng();
      if (r < 0.08) entries.push(pick(rng, ['cifs/ghost', 'http/nowhere.contoso.com', 'cifs/', '/x', 'noslash']));
      else entries.push(`${recase(rng, pick(rng, [MIGRATION_SERVICE, 'cifs', 'HOST', 'http', 'www']))}/${recase(rng, pick(rng, forms(names[j]!, true)))}${r > 0.95 ? ' ' : ''}`);
    }
    return {
      name,
      samAccountName: `${name.toUpperCase()}$`,
      ...(hasDns[i] ? { dnsHostName: fqdn(name) } : {}),
      domain: 'contoso.com',
      distinguishedName: `CN=${name},OU=${pick(rng, ['Hyper-V', 'Domain Controllers', 'Servers'])} ${i},DC=contoso,DC=com`,
      userAccountControl: name.startsWith('DC') && chance(rng, 0.7) ? UAC.SERVER_TRUST_ACCOUNT : UAC.WORKSTATION_TRUST_ACCOUNT,
      servicePrincipalNames: spns,
      allowedToDelegateTo: entries,
      allowedToActOnBehalfOf: [],
      memberOf: [],
    };
  });
  const spnAccounts: SpnAccount[] = Array.from({ length: Math.floor(rng() * 3) }, (_, i) => ({
    samAccountName: `svc${i}`,
    distinguishedName: `CN=svc${i},CN=Users,DC=contoso,DC=com`,
    servicePrincipalNames: [`${recase(rng, MIGRATION_SERVICE)}/${pick(rng, names)}`, `http/${fqdn(pick(rng, names))}`],
  }));
  const spnMappings = [...pick(rng, MAPPINGS)];
  // Users whose names may collide: a sAMAccountName written again in another case, or another user's UPN.
  const users: User[] = [];
  for (let i = Math.floor(rng() * 6); i > 0; i--) {
    const sam = chance(rng, 0.2) && users.length > 0 ? recase(rng, pick(rng, users).samAccountName) : `user${i}`;
    const upn = chance(rng, 0.2) && users.length > 0 ? pick(rng, users).samAccountName : `${sam}@Contoso.com`;
    users.push({ samAccountName: sam, ...(chance(rng, 0.8) ? { userPrincipalName: upn } : {}), distinguishedName: `CN=${sam} ${i},CN=Users,DC=contoso,DC=com`, domain: 'contoso.com', userAccountControl: 0x200, memberOf: [] });
  }
  return {
    source: { kind: 'snapshot', label: 'seeded estate', takenAt: '2026-12-07T00:00:00.000Z' },
    domains: ['contoso.com'],
    computers,
    users,
    groups: [],
    spnAccounts,
    spnMappings,
  };
}

/** Every account, computers first, in the order the directory lists them. */
function accounts(data: DirectoryData) {
  return [
    ...data.computers.map((c) => ({ dn: c.distinguishedName, sam: c.samAccountName, spns: c.servicePrincipalNames, computer: c })),
    ...data.spnAccounts.map((a) => ({ dn: a.distinguishedName, sam: a.samAccountName, spns: a.servicePrincipalNames, computer: undefined })),
  ];
}

/** DNs of the accounts holding an SPN equal to `spn` by spnKey, first holder first. */
function plainDirect(data: DirectoryData, spn: string): string[] {
  return accounts(data)
    .filter((a) => a.spns.some((s) => spnKey(s) === spnKey(spn)))
    .map((a) => a.dn);
}

function plainHolders(data: DirectoryData, spn: string): string[] {
  const direct = plainDirect(data, spn);
  if (direct.length > 0) return direct;
  const slash = spn.indexOf('/');
  if (slash <= 0 || slash === spn.length - 1) return [];
  const alias = parseSpnMappings(data.spnMappings).get(spn.slice(0, slash).toLowerCase());
  return alias === undefined ? [] : plainDirect(data, `${alias}/${spn.slice(slash + 1)}`);
}

/** The distinct delegation entries of the forest (by spnKey), first spelling, in first-seen order. */
function plainTargets(data: DirectoryData): string[] {
  const seen = new Map<string, string>();
  for (const c of data.computers) for (const e of c.allowedToDelegateTo) if (!seen.has(spnKey(e))) seen.set(spnKey(e), e);
  return [...seen.values()];
}

const dns = (holders: readonly { distinguishedName: string }[] | undefined) => holders?.map((h) => h.distinguishedName);

/**
 * How the snapshot is made: createSnapshot, or SnapshotBuilder fed one computer at a time as the LDAP read does —
 * the sPNMappings after half the computers (those before wait for them), or other sPNMappings or the computers
 * in another order than build() is given (it starts over from the data then).
 */
type Making =
  | 'createSnapshot'
  | 'builder, mappings half way'
  | 'builder, other mappings'
  | 'builder, computers in another order'
  | 'builder, one computer more'
  | 'builder told too little';

/** sPNMappings that differ from the estate's: of two, the first alone or the first and another; else another one. */
function otherMappings(data: DirectoryData): string[] {
  const mappings = data.spnMappings;
  if (mappings.length !== 2) return ['host=http'];
  return data.computers.length % 2 === 0 ? [mappings[0]!] : [mappings[0]!, 'host=http'];
}

function made(data: DirectoryData, making: Making): DirectorySnapshot {
  if (making === 'createSnapshot') return createSnapshot(data);
  // Expecting one SPN, computer and entry: every table, buffer and follow list must grow.
  const builder = making === 'builder told too little' ? new SnapshotBuilder({ spns: 1, computers: 1, delegationEntries: 1 }) : new SnapshotBuilder();
  const half = Math.floor(data.computers.length / 2);
  const order = making === 'builder, computers in another order' ? [...data.computers].reverse() : data.computers;
  order.forEach((c, i) => {
    if (i === half) builder.setSpnMappings(making === 'builder, other mappings' ? otherMappings(data) : data.spnMappings);
    builder.addComputer(c);
  });
  if (making === 'builder, one computer more') {
    // Fed a computer build() is not given (it holds the first one's SPNs too): build() must start over.
    const first = data.computers[0]!;
    builder.addComputer({ ...first, name: 'EXTRA', samAccountName: 'EXTRA$', distinguishedName: 'CN=EXTRA,DC=contoso,DC=com', servicePrincipalNames: [...first.servicePrincipalNames, 'HOST/EXTRA'] });
  }
  return builder.build(data);
}

/*
 * Each test makes its own snapshot (a few milliseconds): mutation testing runs, for a mutant, only the tests that
 * reached it, and code run while a describe block is collected belongs to no test, so a snapshot made there would
 * be checked by none of the tests below.
 */
const MAKINGS: Array<[number, Making]> = [
  ...Array.from({ length: 40 }, (_, i): [number, Making] => [i + 1, 'createSnapshot']),
  ...Array.from({ length: 8 }, (_, i): [number, Making] => [i + 1, 'builder, mappings half way']),
  ...Array.from({ length: 16 }, (_, i): [number, Making] => [i + 1, 'builder, other mappings']),
  ...Array.from({ length: 3 }, (_, i): [number, Making] => [i + 1, 'builder, one computer more']),
  ...Array.from({ length: 3 }, (_, i): [number, Making] => [i + 1, 'builder, computers in another order']),
  ...Array.from({ length: 3 }, (_, i): [number, Making] => [i + 1, 'builder told too little']),
  // Wide estates (over 1,024 distinct entries), one by each making.
  [101, 'createSnapshot'],
  [102, 'builder told too little'],
  [103, 'builder, mappings half way'],
];

describe.each(MAKINGS)('a snapshot against a plain reading, estate %i, by %s', (seed, making) => {
  const data = randomEstate(rngOf(seed * 40503), seed > 100);
  const every = accounts(data);
  const allSpns = every.flatMap((a) => a.spns);
  const targets = plainTargets(data);
  const entries = data.computers.flatMap((c) => c.allowedToDelegateTo);
  const asked = [...allSpns, ...entries, ...allSpns.map((s) => s.toUpperCase()), 'cifs/ghost', 'HOST/nobody'];

  test('spnIndex: every holder of an SPN, once each, in directory order; the duplicates are exactly the shared ones', () => {
    const snapshot = made(data, making);
    for (const spn of asked) {
      const plain = plainDirect(data, spn);
      expect([spn, dns(snapshot.spnIndex.get(spn))]).toEqual([spn, plain.length > 0 ? plain : undefined]);
    }
    const shared = new Set(allSpns.map((s) => plainDirect(data, s)).filter((h) => h.length > 1).flat());
    expect(new Set(snapshot.duplicateSpnHolders)).toEqual(shared);
    const computerDns = new Set(data.computers.map((c) => c.distinguishedName));
    for (const spn of allSpns) for (const h of snapshot.spnIndex.get(spn)!) expect([h.distinguishedName, h.isComputer]).toEqual([h.distinguishedName, computerDns.has(h.distinguishedName)]);
    expect([...snapshot.spnAliases]).toEqual([...parseSpnMappings(data.spnMappings)]);
  });

  test('holdersOf: direct holders, else the holders of the alias class', () => {
    const snapshot = made(data, making);
    for (const spn of asked) expect([spn, dns(holdersOf(snapshot, spn))]).toEqual([spn, plainHolders(data, spn)]);
  });

  test('delegation targets: one per distinct entry, in first-seen order, with its holders and first domain controller', () => {
    const snapshot = made(data, making);
    expect(snapshot.delegationTargetById.map((t) => t.id)).toEqual(targets.map((_, i) => i));
    expect(targets.length > 1024).toBe(seed > 100); // the wide estates are wide
    for (const [i, raw] of targets.entries()) {
      const target = snapshot.delegationTargetById[i]!;
      const holders = plainHolders(data, raw);
      const dc = holders.map((dn) => data.computers.find((c) => c.distinguishedName === dn)).find((c) => c !== undefined && (c.userAccountControl & UAC.SERVER_TRUST_ACCOUNT) !== 0);
      expect([raw, dns(target.holders), target.domainController?.distinguishedName]).toEqual([raw, holders, dc?.distinguishedName]);
      expect(snapshot.delegationTargets.get(raw.toUpperCase())).toBe(target);
      const slash = raw.indexOf('/');
      if (slash > 0) expect(snapshot.delegationTargets.getJoined(raw.slice(0, slash), raw, slash + 1)).toBe(target);
    }
    expect(snapshot.delegationTargets.get('cifs/not-an-entry')).toBeUndefined();
  });

  test('each computer\'s delegation ids: in entry order, sorted, and whether an entry is unheld or a DC\'s', () => {
    const snapshot = made(data, making);
    const idOf = (e: string) => targets.findIndex((t) => spnKey(t) === spnKey(e));
    for (const c of data.computers) {
      const ids = delegationIdsOf(snapshot, c);
      const inOrder = c.allowedToDelegateTo.map(idOf);
      const holders = c.allowedToDelegateTo.map((e) => snapshot.delegationTargetById[idOf(e)]!);
      expect([c.name, [...ids.inOrder], [...ids.sorted], ids.anyUnheld, ids.anyDomainController]).toEqual([
        c.name,
        inOrder,
        [...inOrder].sort((a, b) => a - b),
        holders.some((t) => t.holders.length === 0),
        holders.some((t) => t.domainController !== undefined),
      ]);
      expect([c.name, [...ids.inOrder]]).toEqual([c.name, inOrder]); // sorting made a copy
      expect(snapshot.delegationIds.has(c)).toBe(inOrder.length > 0);
      for (const id of targets.keys()) expect([c.name, id, hasId(ids.sorted, id)]).toEqual([c.name, id, inOrder.includes(id)]);
    }
  });

  test('learnt form facts are true: a held slot is held (directly or through the alias), a learnt id is that SPN\'s target', () => {
    const snapshot = made(data, making);
    const aliases = parseSpnMappings(data.spnMappings);
    for (const [c, facts] of snapshot.formFacts) {
      for (let slot = 0; slot < 4; slot++) {
        const cls = FORM_CLASSES[slot >> 1]!;
        const form = slot & 1 ? c.dnsHostName : c.name;
        const spn = `${cls}/${form}`;
        if ((facts.held >>> slot) & 1) {
          const alias = aliases.get(cls.toLowerCase());
          const held = [spn, ...(alias ? [`${alias}/${form}`] : [])].some((s) => c.servicePrincipalNames.some((own) => spnKey(own) === spnKey(s)));
          expect([c.name, slot, form !== undefined && held]).toEqual([c.name, slot, true]);
        }
        if (facts.ids[slot]! >= 0) expect([c.name, slot, targets[facts.ids[slot]!]!.toLowerCase().trim()]).toEqual([c.name, slot, spnKey(spn)]);
      }
    }
  });

  test('Hyper-V hosts by name; every computer by each of its names, the first one listed winning', () => {
    const snapshot = made(data, making);
    const hyperV = data.computers.filter((c) => c.servicePrincipalNames.some((s) => s.toLowerCase().startsWith(`${MIGRATION_SERVICE.toLowerCase()}/`)));
    const byName = [...hyperV].sort((a, b) => compareNames(a.name, b.name)); // stable: one name's hosts as listed
    expect(snapshot.hyperVHosts.map((c) => c.distinguishedName)).toEqual(byName.map((c) => c.distinguishedName));
    for (const c of data.computers) {
      for (const key of hostKeys(c)) expect(snapshot.computersByName.get(key)).toBe(data.computers.find((o) => hostKeys(o).includes(key)));
      expect(snapshot.computersByDn.get(c.distinguishedName.toLowerCase())).toBe(c);
    }
  });

  test('every user by sAMAccountName and UPN in lower case, the first one listed winning', () => {
    const snapshot = made(data, making);
    const keys = data.users.flatMap((u) => [u.samAccountName, u.userPrincipalName ?? u.samAccountName].map((k) => k.toLowerCase()));
    expect(new Set(snapshot.usersByName.keys())).toEqual(new Set(keys));
    for (const key of keys) expect(snapshot.usersByName.get(key)).toBe(data.users.find((u) => [u.samAccountName, u.userPrincipalName].some((k) => k?.toLowerCase() === key)));
  });
});

describe('the parts on their own', () => {
  const withSpns = (...servicePrincipalNames: string[]) => ({ servicePrincipalNames }) as Computer;
  const computer = (name: string, spns: string[], entries: string[]): Computer => ({ name, samAccountName: `${name}$`, dnsHostName: `${name.toLowerCase()}.contoso.com`, domain: 'contoso.com', distinguishedName: `CN=${name},DC=contoso,DC=com`, userAccountControl: UAC.WORKSTATION_TRUST_ACCOUNT, servicePrincipalNames: spns, allowedToDelegateTo: entries, allowedToActOnBehalfOf: [], memberOf: [] });

  test('isHyperVHost: an SPN of the migration service in any ASCII case, and nothing that only looks like one', () => {
    const prefix = `${MIGRATION_SERVICE}/`;
    for (const spn of [`${prefix}HV1`, `${prefix.toUpperCase()}HV1`, `${prefix.toLowerCase()}hv1.contoso.com`, prefix]) expect([spn, isHyperVHost(withSpns('HOST/HV1', spn))]).toEqual([spn, true]);
    const lookalikes = [
      `HOST/${'a-very-long-host-name-that-is-longer-than-the-prefix'}.contoso.com`,
      prefix.slice(0, -1), // no slash
      prefix.replace('/', '\x0f') + 'HV1', // a control character that is '/' with the case bit set
      prefix.replace(/ /g, '\0') + 'HV1', // NUL, which is ' ' with the case bit set
      prefix.replace('i', '\u0130') + 'HV1',
      `x${prefix}HV1`,
    ];
    for (const spn of lookalikes) expect([spn, isHyperVHost(withSpns(spn))]).toEqual([spn, false]);
    expect(isHyperVHost(withSpns())).toBe(false);
  });

  test('Hyper-V hosts in compareNames order for names with characters that sort between Z and a (_ [ ^)', () => {
    const names = ['HVA1', 'hv_1', 'HV[1', 'HV^1', 'hvb1', 'HV1'];
    const data: DirectoryData = { source: { kind: 'snapshot', label: 'names', takenAt: '2026-12-08T00:00:00.000Z' }, domains: ['contoso.com'], computers: names.map((name) => computer(name, [`${MIGRATION_SERVICE}/${name}`], [])), users: [], groups: [], spnAccounts: [], spnMappings: [] };
    // Lower-cased, '_' (95), '[' (91) and '^' (94) sort before the letters; upper-cased they would sort after them.
    expect(createSnapshot(data).hyperVHosts.map((c) => c.name)).toEqual(['HV1', 'HV[1', 'HV^1', 'hv_1', 'HVA1', 'hvb1']);
    expect([...names].sort(compareNames)).toEqual(['HV1', 'HV[1', 'HV^1', 'hv_1', 'HVA1', 'hvb1']);
  });

  /*
   * A delegation entry that is not `class/host` (an empty host part, a bare name) has no holders, even when an
   * account holds what the alias would make of it; the alias of an entry's class is the one of exactly that
   * class, not of an earlier class the entry happens to end with.
   */
  test.each<[string, Making]>([
    ['createSnapshot', 'createSnapshot'],
    ['a builder', 'builder, mappings half way'],
  ])('malformed entries and look-alike classes get no holders through the alias (%s)', (_label, making) => {
    const entries = ['cifs/', 'http2', 'cifs/hv9', 'abcd/xcifs', 'cifs/hv1', '/hv1', 'cifs'];
    const data: DirectoryData = {
      source: { kind: 'snapshot', label: 'malformed entries', takenAt: '2026-12-08T00:00:00.000Z' },
      domains: ['contoso.com'],
      computers: [computer('HV1', ['HOST/', 'HOST/http2', 'HOST/xcifs', 'HOST/hv1'], []), computer('FS1', ['HOST/fs1'], entries)],
      users: [],
      groups: [],
      spnAccounts: [],
      spnMappings: [],
    };
    const snapshot = made(data, making);
    const expected = [[], [], [], [], ['CN=HV1,DC=contoso,DC=com'], [], []];
    expect(entries.map((e) => dns(snapshot.delegationTargets.get(e)?.holders))).toEqual(expected);
    expect(entries.map((e) => dns(holdersOf(snapshot, e)))).toEqual(expected);
    expect(entries.map((e) => plainHolders(data, e))).toEqual(expected);
  });

  test('a builder that was told only the first of the sPNMappings build() is given starts over with all of them', () => {
    const data = { ...randomEstate(rngOf(7)), spnMappings: ['host=alerter,http', 'www=cifs'] };
    for (const told of [['host=alerter,http'], ['host=alerter,http', 'www=cifs', 'x=y'], []]) {
      const builder = new SnapshotBuilder().setSpnMappings(told);
      for (const c of data.computers) builder.addComputer(c);
      expect([told, [...builder.build(data).spnAliases]]).toEqual([told, [...parseSpnMappings(data.spnMappings)]]);
    }
  });

  test('SpnIndex sized for nothing grows: every SPN keeps its holders, an account listed twice for one SPN counts once', () => {
    const holder = (i: number) => [{ samAccountName: `H${i}$`, distinguishedName: `CN=H${i},DC=lab,DC=test`, isComputer: true }];
    for (const expected of [0, 1]) {
      const index = new SpnIndex(expected);
      const duplicates = new Set<string>();
      const owners = Array.from({ length: 40 }, (_, i) => holder(i));
      owners.forEach((own, i) => {
        index.add(`HOST/h${i}`, own, duplicates);
        index.add(`cifs/h${i}`, own, duplicates);
      });
      index.add('host/H0', owners[0]!, duplicates); // the first account again: still one holder
      index.add('HOST/h0', owners[7]!, duplicates); // a second account: both hold it
      index.add('HOST/h0', owners[9]!, duplicates);
      expect(index.size).toBe(80);
      for (let i = 1; i < 40; i++) expect([i, index.get(`host/H${i}`)]).toEqual([i, owners[i]]);
      expect(index.get('cifs/h0')).toEqual(owners[0]);
      expect(index.get('HOST/h0')?.map((h) => h.samAccountName)).toEqual(['H0$', 'H7$', 'H9$']);
      expect([...duplicates].sort()).toEqual(['CN=H0,DC=lab,DC=test', 'CN=H7,DC=lab,DC=test', 'CN=H9,DC=lab,DC=test']);
      expect(index.get('HOST/h40')).toBeUndefined();
    }
  });
});

describe('names, DNs and groups', () => {
  test('hostKeys: name, account name with and without $, DNS name, lower case and once each', () => {
    const c = { name: 'GOGO-3', samAccountName: 'GOGO-3$', dnsHostName: 'Gogo-3.Contoso.com' } as Computer;
    expect(hostKeys(c)).toEqual(['gogo-3', 'gogo-3$', 'gogo-3.contoso.com']);
    expect(hostKeys({ name: 'A', samAccountName: 'B$' } as Computer)).toEqual(['a', 'b$', 'b']);
    // Only a trailing $ is the computer account's: one inside the name stays.
    expect(hostKeys({ name: 'X', samAccountName: 'A$B$' } as Computer)).toEqual(['x', 'a$b$', 'a$b']);
  });

  test('compareNames ignores letter case', () => {
    expect(['b', 'C', 'a', 'B'].sort(compareNames)).toEqual(['a', 'b', 'B', 'C']);
    expect(compareNames('HV1', 'hv1')).toBe(0);
    expect(compareNames('hv2', 'HV10')).toBe(1);
    expect(compareNames('HV10', 'hv2')).toBe(-1);
  });

  test('domainOfDn: the DC= parts, in any case and spacing, and nothing of the rest', () => {
    expect(domainOfDn('CN=GOGO-3,OU=Hyper-V,DC=contoso,DC=com')).toBe('contoso.com');
    expect(domainOfDn('CN=x, ou=DC Servers , dc=EU ,  DC=Contoso,DC=com')).toBe('eu.contoso.com');
    expect(domainOfDn('CN=DC=odd\\,name,DC=lab,DC=test')).toBe('lab.test');
    expect(domainOfDn('CN=nobody')).toBe('');
  });

  test('hasId: binary search over a sorted list', () => {
    const sorted = Int32Array.from([1, 3, 5, 8, 13, 21]);
    for (let id = 0; id <= 22; id++) expect([id, hasId(sorted, id)]).toEqual([id, [1, 3, 5, 8, 13, 21].includes(id)]);
    expect(hasId(new Int32Array(0), 0)).toBe(false);
  });

  const group = (name: string, memberOf: string[] = [], sid?: string): Group => ({ distinguishedName: `CN=${name},OU=Groups,DC=contoso,DC=com`, name, memberOf, ...(sid ? { sid } : {}) });
  const dnOf = (name: string) => `CN=${name},OU=Groups,DC=contoso,DC=com`;
  const withGroups = (groups: Group[], users: User[] = []): DirectorySnapshot =>
    createSnapshot({ source: { kind: 'demo', label: 'x', takenAt: '2026-12-07T00:00:00Z' }, domains: ['contoso.com'], computers: [], users, groups, spnAccounts: [], spnMappings: [] });

  test('Protected Users is told by its RID when the SID is known, else by its name', () => {
    expect(isProtectedUsersGroup(group('Renamed', [], 'S-1-5-21-1-2-3-525'))).toBe(true);
    expect(isProtectedUsersGroup(group('Protected Users', [], 'S-1-5-21-1-2-3-1525'))).toBe(false);
    expect(isProtectedUsersGroup(group('protected users'))).toBe(true);
    expect(isProtectedUsersGroup(group('Protected Users Old'))).toBe(false);
  });

  test('transitiveGroups follows nesting once per group, in breadth-first order, through cycles and unknown DNs', () => {
    const snapshot = withGroups([group('A', [dnOf('B'), dnOf('C')]), group('B', [dnOf('D')]), group('C', [dnOf('A')]), group('D')]);
    expect(transitiveGroups(snapshot, [dnOf('A').toUpperCase(), 'CN=Gone,DC=contoso,DC=com']).map((g) => g.name)).toEqual(['A', 'B', 'C', 'D']);
    expect(transitiveGroups(snapshot, [])).toEqual([]);
  });

  test('protectedUsersPath: the shortest chain of group names, the export\'s own answer, or undefined', () => {
    const pu = group('Protected Users', [], 'S-1-5-21-1-2-3-525');
    const snapshot = withGroups([group('Tier0', [dnOf('Admins')]), group('Admins', [dnOf('Protected Users')]), pu, group('Loop', [dnOf('Loop')])]);
    const user = (memberOf: string[], protectedUsers?: boolean): User => ({
      samAccountName: 'alice', distinguishedName: 'CN=alice,DC=contoso,DC=com', domain: 'contoso.com', userAccountControl: 0x200, memberOf, ...(protectedUsers === undefined ? {} : { protectedUsers }),
    });
    expect(protectedUsersPath(snapshot, user([dnOf('Tier0')]))).toEqual(['Tier0', 'Admins', 'Protected Users']);
    expect(protectedUsersPath(snapshot, user([dnOf('Tier0'), dnOf('Protected Users')]))).toEqual(['Protected Users']);
    expect(protectedUsersPath(snapshot, user([dnOf('Loop')]))).toBeUndefined();
    expect(protectedUsersPath(snapshot, user([dnOf('Loop')], true))).toEqual(['Protected Users']);
    expect(protectedUsersPath(snapshot, user([], false))).toBeUndefined();
  });
});
