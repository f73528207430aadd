/**
 * A case-insensitive set of SPNs that hands out dense ids (0…size-1), with the same notion of "equal" as
 * spnKey (trim + toLowerCase).
 *
 * Why not a Map keyed by spnKey(spn): a forest of 50,000 Hyper-V hosts holds about 730,000 SPNs, and nearly all
 * of them have capitals (HOST/…, Microsoft Virtual System Migration Service/…), so such a Map keeps a lower-cased
 * copy of every one: about 120 MB and a second of allocation and GC. This table stores the readers' own strings
 * (interned, see intern.ts) and hashes and compares them with ASCII case folding, so it allocates nothing per
 * plain-ASCII SPN. Anything else (surrounding whitespace, non-ASCII letters) is stored as its spnKey, which
 * keeps the equality exact.
 */
import { spnKey } from './spn';

/** FNV-1a over the ASCII-lower-cased UTF-16 code units. */
function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) c |= 32;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h | 0;
}

/** The normal form of the last SPN given to hashNormal (a module variable: no tuple per call). */
let normalised = '';

/**
 * Hashes the normal form of `spn` and leaves it in `normalised`: the readers' string itself when it is plain
 * printable ASCII without surrounding spaces (one pass, no allocation), else spnKey(spn).
 */
function hashNormal(spn: string): number {
  // SPNs built by concatenation (`cifs/${fqdn}`) are V8 cons strings, and reading one char by char is slow;
  // converting to a number flattens the string in place first (cheap: it fails at the first letter).
  Number(spn);
  const n = spn.length;
  if (n > 0 && spn.charCodeAt(0) > 32 && spn.charCodeAt(n - 1) > 32) {
    let h = 0x811c9dc5;
    let i = 0;
    for (; i < n; i++) {
      let c = spn.charCodeAt(i);
      if (c > 126) break;
      if (c >= 65 && c <= 90) c |= 32;
      h = Math.imul(h ^ c, 0x01000193);
    }
    if (i === n) {
      normalised = spn;
      return h | 0;
    }
  }
  normalised = spnKey(spn);
  return hashOf(normalised);
}

/** Equal after ASCII lower-casing (both sides are normal(), so this is spnKey(a) === spnKey(b)). */
function sameSpn(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 65 && x <= 90) x |= 32;
    if (y >= 65 && y <= 90) y |= 32;
    if (x !== y) return false;
  }
  return true;
}

/** `a.slice(i, i + length)` and `b.slice(j, j + length)` are equal after ASCII lower-casing. */
function sameSpnAt(a: string, i: number, b: string, j: number, length: number): boolean {
  for (let k = 0; k < length; k++) {
    let x = a.charCodeAt(i + k);
    let y = b.charCodeAt(j + k);
    if (x === y) continue;
    if (x >= 65 && x <= 90) x |= 32;
    if (y >= 65 && y <= 90) y |= 32;
    if (x !== y) return false;
  }
  return true;
}

/**
 * `spn` is `${prefix}/${rest}` up to ASCII case, position by position. That implies spnKey equality (the
 * strings differ only in ASCII letters' case), so a true answer is exact; false can be wrong only for
 * spellings that differ in whitespace or non-ASCII case, and callers treat false as "ask the table".
 */
export function matchesJoined(spn: string, prefix: string, rest: string): boolean {
  return (
    spn.length === prefix.length + 1 + rest.length &&
    spn.charCodeAt(prefix.length) === 47 &&
    sameSpnAt(spn, 0, prefix, 0, prefix.length) &&
    sameSpnAt(spn, prefix.length + 1, rest, 0, rest.length)
  );
}

export class SpnTable {
  /** normal() of the first spelling seen, by id. */
  private readonly spns: string[] = [];
  private hashes: Int32Array;
  /** Open addressing: id + 1, 0 for an empty slot. */
  private slots: Int32Array;
  private mask: number;

  /** `expected`: how many distinct SPNs are likely (sizes the table once; it grows if needed). */
  constructor(expected = 16) {
    let size = 16;
    while (size < expected * 2) size *= 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    this.hashes = new Int32Array(Math.max(16, expected));
  }

  get size(): number {
    return this.spns.length;
  }

  /** The id of `spn` (any case), or -1. */
  idOf(spn: string): number {
    const h = hashNormal(spn);
    const s = normalised;
    for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
      const slot = this.slots[i]!;
      if (slot === 0) return -1;
      const id = slot - 1;
      if (this.hashes[id] === h && sameSpn(this.spns[id]!, s)) return id;
    }
  }

  /**
   * The id of `${prefix}/${rest.slice(from)}` (any case), or -1, without building that string: the pair rules
   * ask about `class/<name form>` of every target, and a concatenated key would be allocated, flattened and
   * hashed in full each time.
   */
  idOfJoined(prefix: string, rest: string, from = 0): number {
    const n = prefix.length + 1 + rest.length - from;
    // Flattens concatenated (cons) strings in place, as in hashNormal: charCodeAt walks a cons string's tree.
    Number(prefix);
    Number(rest);
    // The plain-ASCII normal form of hashNormal, else the general path.
    if (prefix.length === 0 || prefix.charCodeAt(0) <= 32 || (from < rest.length ? rest.charCodeAt(rest.length - 1) : 47) <= 32) {
      return this.idOf(`${prefix}/${rest.slice(from)}`);
    }
    let h = 0x811c9dc5;
    for (let i = 0; i < prefix.length; i++) {
      let c = prefix.charCodeAt(i);
      if (c > 126) return this.idOf(`${prefix}/${rest.slice(from)}`);
      if (c >= 65 && c <= 90) c |= 32;
      h = Math.imul(h ^ c, 0x01000193);
    }
    h = Math.imul(h ^ 47, 0x01000193);
    for (let i = from; i < rest.length; i++) {
      let c = rest.charCodeAt(i);
      if (c > 126) return this.idOf(`${prefix}/${rest.slice(from)}`);
      if (c >= 65 && c <= 90) c |= 32;
      h = Math.imul(h ^ c, 0x01000193);
    }
    h |= 0;
    for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
      const slot = this.slots[i]!;
      if (slot === 0) return -1;
      const id = slot - 1;
      if (this.hashes[id] !== h) continue;
      const stored = this.spns[id]!;
      if (
        stored.length === n &&
        sameSpnAt(stored, 0, prefix, 0, prefix.length) &&
        stored.charCodeAt(prefix.length) === 47 &&
        sameSpnAt(stored, prefix.length + 1, rest, from, rest.length - from)
      ) {
        return id;
      }
    }
  }

  /** The id of `spn`, adding it when new (check `size` before and after to tell). */
  add(spn: string): number {
    const h = hashNormal(spn);
    const s = normalised;
    let i = h & this.mask;
    for (; ; i = (i + 1) & this.mask) {
      const slot = this.slots[i]!;
      if (slot === 0) break;
      const id = slot - 1;
      if (this.hashes[id] === h && sameSpn(this.spns[id]!, s)) return id;
    }
    const id = this.spns.length;
    this.spns.push(s);
    if (id >= this.hashes.length) {
      const grown = new Int32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[id] = h;
    this.slots[i] = id + 1;
    if (this.spns.length * 2 > this.slots.length) this.grow();
    return id;
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 0; id < this.spns.length; id++) {
      let i = this.hashes[id]! & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = id + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
