/**
 * SpnTable against a plain Map keyed by spnKey (its contract: equal exactly when spnKey is equal; ids dense, in
 * first-seen order) on seeded random SPNs. The characters are chosen at the edges of what the table folds by hand
 * ('@' and '[' around A–Z, '`' and '{' around a–z, '~' and DEL at the end of plain ASCII, spaces at the ends,
 * letters that only toLowerCase folds), and every lookup is asked whole, joined at each '/', and from another table.
 */
import { spnKey } from '../../src/domain/spn';
import { matchesJoined, SpnTable } from '../../src/domain/spn-table';
import { pick, rngOf, type Rng } from '../support/seeded';


const CLASSES = ['HOST', 'host', 'cifs', 'CIFS', 'Microsoft Virtual System Migration Service', 'x', 'Ab', 'MSSQLSvc'];
const CHARS = ['A', 'Z', 'a', 'z', 'M', 'm', '@', '[', '`', '{', '~', '\u007f', '0', '9', '-', '.', ':', '/', ' ', 'Ä', 'ä', '\u212a', 'k', 'K', '\u00ff', '\u0130'];

/**
 * The same letters with their case flipped at random (ASCII and beyond: Ä/ä, ÿ/Ÿ, k/K/KELVIN SIGN), each only to a
 * character that lower-cases as it does: another spelling of the same SPN.
 */
function recase(rng: Rng, s: string): string {
  return [...s]
    .map((c) => {
      const spellings = [...new Set([c, c.toUpperCase(), c.toLowerCase(), ...(c.toLowerCase() === 'k' ? ['\u212a'] : [])])].filter(
        (x) => x.length === 1 && x.toLowerCase() === c.toLowerCase(),
      );
      return spellings.length > 1 && rng() < 0.5 ? pick(rng, spellings.filter((x) => x !== c)) : c;
    })
    .join('');
}

/** Non-letters one ASCII case bit apart ('@' and '`', '[' and '{') swapped one way: different SPNs of one length. */
const bitFlipped = (s: string, from: string, to: string) => [...s].map((c) => (from.includes(c) ? to[from.indexOf(c)] : c)).join('');

function randomSpn(rng: Rng): string {
  const rest = Array.from({ length: Math.floor(rng() * 12) }, () => pick(rng, CHARS)).join('');
  const spn = `${pick(rng, CLASSES)}/${rest}`;
  const r = rng();
  return r < 0.1 ? ` ${spn}` : r < 0.2 ? `${spn} ` : spn;
}

const asciiFold = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

describe.each([1, 2, 3, 4, 5, 6])('SpnTable against a Map of spnKey, seed %i', (seed) => {
  const rng = rngOf(seed * 2654435761);
  const added: string[] = [];
  for (let i = 0; i < 120; i++) added.push(rng() < 0.4 && added.length > 0 ? recase(rng, pick(rng, added)) : randomSpn(rng));
  const asked = [...added.map((s) => recase(rng, s)), ...Array.from({ length: 60 }, () => randomSpn(rng))];

  // Made by each test, not here: mutation testing runs a mutant only against the tests that reached it.
  const filled = () => {
    const table = new SpnTable(seed % 2 === 0 ? 2 : 200); // one that must grow, one sized ahead
    return { table, ids: added.map((s) => table.add(s)) };
  };
  const reference = new Map<string, number>();
  const expected = added.map((s) => {
    const key = spnKey(s);
    if (!reference.has(key)) reference.set(key, reference.size);
    return reference.get(key)!;
  });
  const refId = (s: string) => reference.get(spnKey(s)) ?? -1;

  test('add hands out the reference ids; size counts distinct keys', () => {
    const { table, ids } = filled();
    expect(ids).toEqual(expected);
    expect(table.size).toBe(reference.size);
    expect(added.map((s) => table.add(s))).toEqual(expected); // adding again changes nothing
    expect(table.size).toBe(reference.size);
  });

  test('idOf any spelling', () => {
    const { table } = filled();
    expect(asked.map((s) => [s, table.idOf(s)])).toEqual(asked.map((s) => [s, refId(s)]));
  });

  test('idOfJoined at every slash, from an offset too', () => {
    const { table } = filled();
    for (const s of asked) {
      for (let at = s.indexOf('/'); at >= 0; at = s.indexOf('/', at + 1)) {
        const [prefix, rest] = [s.slice(0, at), s.slice(at + 1)];
        expect([s, at, table.idOfJoined(prefix, rest)]).toEqual([s, at, refId(s)]);
        expect([s, at, table.idOfJoined(prefix, `~${rest}`, 1)]).toEqual([s, at, refId(s)]);
        expect([s, at, table.idOfJoined(prefix, `ab${rest}`, 2)]).toEqual([s, at, refId(s)]);
      }
    }
  });

  test('idOfEntry: an entry of another table, found by its first spelling there', () => {
    const { table } = filled();
    const other = new SpnTable(4);
    const otherIds = asked.map((s) => other.add(s));
    for (let k = 0; k < asked.length; k++) expect([asked[k], table.idOfEntry(other, otherIds[k]!)]).toEqual([asked[k], refId(asked[k]!)]);
  });

  test('matchesJoined: the same characters up to ASCII case, position by position', () => {
    for (const s of asked) {
      const at = s.indexOf('/');
      const [prefix, rest] = [s.slice(0, at), s.slice(at + 1)];
      for (const candidate of [recase(rng, s), s.trim(), spnKey(s), `${s}x`, s.slice(0, -1), s.replace('/', '.'), bitFlipped(s, '@[', '`{'), bitFlipped(s, '`{', '@[')]) {
        const joined = `${prefix}/${rest}`;
        const plain = candidate.length === joined.length && asciiFold(candidate) === asciiFold(joined);
        expect([candidate, prefix, rest, matchesJoined(candidate, prefix, rest)]).toEqual([candidate, prefix, rest, plain]);
      }
    }
  });
});
