import { spnKey } from '../../src/domain/spn';
import { SpnTable, spnHash } from '../../src/domain/spn-table';
import { createSnapshot, holdersOf } from '../../src/domain/snapshot';
import { demoData } from '../../src/directory/demo-directory';

describe('SpnTable', () => {
  it('treats SPNs as equal exactly when spnKey does', () => {
    const spns = [
      'HOST/GOGO-3',
      'host/gogo-3',
      ' HOST/gogo-3 ',
      'HOST/GOGO-3.contoso.com',
      'Microsoft Virtual System Migration Service/GOGO-3',
      'MICROSOFT VIRTUAL SYSTEM MIGRATION SERVICE/gogo-3',
      'cifs/ÄRGER',
      'cifs/ärger',
      'cifs/\u212Aelvin', // KELVIN SIGN lower-cases to ASCII k
      'cifs/kelvin',
      'cifs/Kelvin',
      'MSSQLSvc/sql1:1433',
      'mssqlsvc/SQL1:1433',
      'mssqlsvc/SQL1:1434',
      '',
    ];
    const table = new SpnTable(2); // small on purpose: it must grow
    const ids = spns.map((s) => table.add(s));
    for (let i = 0; i < spns.length; i++) {
      for (let j = 0; j < spns.length; j++) {
        expect([spns[i], spns[j], ids[i] === ids[j]]).toEqual([spns[i], spns[j], spnKey(spns[i]!) === spnKey(spns[j]!)]);
      }
      expect(table.idOf(spns[i]!.toUpperCase().toLowerCase())).toBe(table.idOf(spnKey(spns[i]!)));
    }
    expect(table.size).toBe(new Set(spns.map(spnKey)).size);
    expect(table.idOf('HOST/nobody')).toBe(-1);
  });

  it('finds joined SPNs (class, rest from an offset) exactly as idOf finds the whole string', () => {
    const spns = ['HOST/GOGO-3', 'cifs/ärger', 'cifs/\u212Aelvin', 'MSSQLSvc/sql1:1433', ' HOST/spaced ', 'HOST/'];
    const table = new SpnTable(4);
    for (const s of spns) table.add(s);
    const asked = [
      ['host', 'gogo-3'],
      ['HOST', 'GOGO-3.contoso.com'],
      ['CIFS', 'ÄRGER'],
      ['cifs', 'kelvin'],
      ['mssqlsvc', 'SQL1:1433'],
      [' host', 'spaced '],
      ['host', 'spaced'],
      ['host', ''],
      ['host', 'gogo-'],
    ] as const;
    for (const [prefix, rest] of asked) {
      expect([prefix, rest, table.idOfJoined(prefix, rest)]).toEqual([prefix, rest, table.idOf(`${prefix}/${rest}`)]);
      expect(table.idOfJoined(prefix, `xx/${rest}`, 3)).toBe(table.idOf(`${prefix}/${rest}`));
    }
    expect(table.idOfJoined('host', 'gogo-3')).toBe(0);
  });

  it('finds an SPN split anywhere (class of any length, rest from any offset) as idOf does', () => {
    // The hash runs in two lanes by character position: every split must feed each character to the same lane.
    const spns = ['Microsoft Virtual System Migration Service/hv00001.lab.test', 'cifs/HV2', 'HOST/a', 'x/yz', 'ab/cdef:1433'];
    const table = new SpnTable(4);
    for (const s of spns) table.add(s);
    for (const spn of spns) {
      const slash = spn.indexOf('/');
      const [prefix, rest] = [spn.slice(0, slash), spn.slice(slash + 1)];
      for (let pad = 0; pad < 3; pad++) {
        expect([spn, pad, table.idOfJoined(prefix.toUpperCase(), `${'-'.repeat(pad)}${rest}`, pad)]).toEqual([spn, pad, table.idOf(spn)]);
      }
      expect(table.idOfJoined(prefix, rest.slice(0, -1))).toBe(table.idOf(`${prefix}/${rest.slice(0, -1)}`));
    }
  });

  it('keeps ids dense and stable while growing', () => {
    const table = new SpnTable(4);
    for (let i = 0; i < 5000; i++) expect(table.add(`HOST/HV${i}`)).toBe(i);
    for (let i = 0; i < 5000; i++) expect(table.idOf(`host/hv${i}`)).toBe(i);
  });
});

describe('SpnIndex', () => {
  it('finds holders in any case, through the HOST alias, and records duplicates', () => {
    const snapshot = createSnapshot(demoData());
    const gogo3 = snapshot.spnIndex.get('host/gogo-3.contoso.com');
    expect(gogo3?.map((h) => h.samAccountName)).toEqual(['GOGO-3$']);
    expect(snapshot.spnIndex.get('HOST/GOGO-3.CONTOSO.COM')).toBe(gogo3);
    expect(holdersOf(snapshot, 'cifs/GOGO-3.contoso.com').map((h) => h.samAccountName)).toEqual(['GOGO-3$']);
    const dup = snapshot.spnIndex.get('microsoft virtual system migration service/vmhost2');
    expect(dup?.map((h) => h.samAccountName).sort()).toEqual(['VMHOST2$', 'svc-scvmm']);
    for (const h of dup ?? []) expect(snapshot.duplicateSpnHolders.has(h.distinguishedName)).toBe(true);
  });
});

const split = (spn: string): [string, string] => [spn.slice(0, spn.indexOf('/')), spn.slice(spn.indexOf('/') + 1)];

/**
 * Two different SPNs of one length whose 32-bit hashes are equal, found by a birthday search over `nameOf(0…)`
 * (about 80,000 names on average).
 */
function birthdayPair(nameOf: (i: number) => string): [string, string] {
  const seen = new Map<number, string>();
  for (let i = 0; i < 1_000_000; i++) {
    const spn = nameOf(i);
    const h = spnHash(spn);
    const earlier = seen.get(h);
    if (earlier !== undefined) return [earlier, spn];
    seen.set(h, spn);
  }
  throw new Error('no two of a million SPNs collide: has the hash changed? widen the search');
}

/*
 * Only SPNs whose hashes collide show that every lookup compares the strings after the hashes match. The hash
 * has no length in it, so an SPN and the same SPN with two characters more can hash alike too: the two lanes after
 * `HOST/hv-` and four characters each were matched meet-in-the-middle (36⁴ states a lane) for an `ac` that leaves
 * the mixed value where it was; that pair shows that the lookups compare lengths, not just the characters both
 * strings have. (If the hash changes, search a new pair.)
 */
describe.each<[string, () => [string, string], number]>([
  ['two SPNs differing in the rest', () => birthdayPair((i) => `cifs/HV${String(i).padStart(7, '0')}.lab.test`), 0],
  ['two SPNs differing in the service class', () => birthdayPair((i) => `SVC${String(i).padStart(7, '0')}/hv1.lab.test`), 0],
  ['an SPN and its own extension', () => ['HOST/hv-ua1bejo8', 'HOST/hv-ua1bejo8ac'], 2],
])('SpnTable where the hash cannot decide: %s', (_pair, pairOf, longerBy) => {
  const [first, second] = pairOf();

  test('the pair collides, in any case, and is two SPNs (of one length, or the second the first and two more)', () => {
    expect(spnHash(first)).toBe(spnHash(second));
    expect(spnHash(first.toLowerCase())).toBe(spnHash(second.toUpperCase()));
    expect(spnKey(first)).not.toBe(spnKey(second));
    expect(second.length).toBe(first.length + longerBy);
    if (longerBy > 0) expect(second.startsWith(first)).toBe(true);
  });

  test.each([
    ['the first added', first, second],
    ['the second added', second, first],
  ])('%s alone: the other is not in the table, whichever way it is asked', (_label, added, absent) => {
    const table = new SpnTable(0);
    expect(table.add(added)).toBe(0);
    const [prefix, rest] = split(absent);
    for (const spelling of [absent, absent.toLowerCase(), absent.toUpperCase()]) expect(table.idOf(spelling)).toBe(-1);
    expect(table.idOfJoined(prefix.toUpperCase(), rest)).toBe(-1);
    expect(table.idOfJoined(prefix, `x${rest}`, 1)).toBe(-1);
    const other = new SpnTable(4);
    expect(table.idOfEntry(other, other.add(absent))).toBe(-1);
    // And the one added is found every way.
    const [addedPrefix, addedRest] = split(added);
    expect(table.idOf(added.toUpperCase())).toBe(0);
    expect(table.idOfJoined(addedPrefix.toLowerCase(), addedRest.toUpperCase())).toBe(0);
    expect(table.idOfEntry(other, other.add(added.toLowerCase()))).toBe(0);
  });

  test('both added: two ids, each found by any spelling', () => {
    const table = new SpnTable(0);
    expect([table.add(first), table.add(second), table.add(second.toLowerCase()), table.add(first.toUpperCase())]).toEqual([0, 1, 1, 0]);
    expect(table.size).toBe(2);
    expect([table.idOf(second.toUpperCase()), table.idOfJoined(...split(second)), table.idOfJoined(...split(first.toLowerCase()))]).toEqual([1, 1, 0]);
    const other = new SpnTable(1);
    expect([table.idOfEntry(other, other.add(second)), table.idOfEntry(other, other.add(first))]).toEqual([1, 0]);
  });
});

describe('SpnTable sizes and non-ASCII letters', () => {
  test.each([0, 1, 3])('expected %i: grows from any size, ids dense', (expected) => {
    const table = new SpnTable(expected);
    for (let i = 0; i < 100; i++) expect(table.add(`HOST/HV${i}`)).toBe(i);
    for (let i = 0; i < 100; i++) expect(table.idOf(`host/hv${i}`)).toBe(i);
    expect(table.size).toBe(100);
  });

  // Slot i holds id + 1, so an empty slot reads 0; the hash array past the last id reads 0 too. An SPN whose
  // hash is 0 (found meet-in-the-middle, as the extension pair above) probes slot 0 first: asked right after a
  // growth, it shows that the regrown slots hold the ids there are and no phantom one after them.
  test.each([
    [0, 9], // 16 slots: the 9th add makes the table more than half full
    [20, 33], // 64 slots
  ])('an SPN hashed to 0, asked right after the table grew (expected %i, %i added)', (expected, added) => {
    const zero = 'HOST/hv-ha9aso2c';
    expect(spnHash(zero)).toBe(0);
    const table = new SpnTable(expected);
    for (let i = 0; i < added; i++) expect(table.add(`HOST/HV${i}`)).toBe(i);
    expect(table.idOf(zero)).toBe(-1);
    expect(table.idOfJoined('host', 'HV-HA9ASO2C')).toBe(-1);
    expect(table.add(zero.toUpperCase())).toBe(added);
    expect([table.idOf(zero), table.idOf('host/hv0'), table.size]).toEqual([added, 0, added + 1]);
  });

  // The fast path hashes plain ASCII as given; an SPN with a non-ASCII character anywhere must take spnKey's
  // path, or two spellings of one SPN hash apart. Characters are read in pairs: one here only at even positions,
  // one only at odd positions, one left after the pairs.
  test.each([
    ['cifs/xÄy', 'CIFS/XäY'],
    ['cÄfÄ/Ä', 'CäFä/ä'],
    ['cifs/xyzÄ', 'CIFS/XYZä'],
    ['HOST/\u212Aelvin', 'host/kelvin'],
  ])('%s and %s are one SPN', (a, b) => {
    const table = new SpnTable(4);
    expect([table.add(a), table.idOf(b), table.add(b), table.size]).toEqual([0, 0, 0, 1]);
    expect(spnHash(a)).toBe(spnHash(b));
  });
});
