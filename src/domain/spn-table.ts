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

/**
 * The hash: FNV-1a over the ASCII-lower-cased UTF-16 code units, in two lanes (even positions, odd positions)
 * mixed at the end. One lane is a chain of dependent multiplications, one per character; two independent
 * chains let the CPU run both at once, and a forest's 730,000 SPNs of ~40 characters are hashed on every scan.
 * Ids never depend on the hash (they are dense, in insertion order), only the table's speed does.
 *
 * The lanes live in module variables (no tuple per call); `feed` adds a run of characters at a position.
 */
let laneA = 0;
let laneB = 0;
const PRIME = 0x01000193;

function startHash(): void {
  laneA = 0x811c9dc5 | 0;
  laneB = 0x050c5d1f;
}

/**
 * Feeds `s[from, to)` (at stream position `at`, for the lane parity) into the lanes. `asciiOnly`: stop and
 * return false at the first code unit above 126 (the caller then hashes the spnKey form instead).
 */
function feed(s: string, from: number, to: number, at: number, asciiOnly: boolean): boolean {
  let a = laneA;
  let b = laneB;
  let i = from;
  if ((at & 1) === 1 && i < to) {
    let c = s.charCodeAt(i++);
    if (c > 126 && asciiOnly) return false;
    if (c >= 65 && c <= 90) c |= 32;
    b = Math.imul(b ^ c, PRIME);
  }
  for (; i + 1 < to; i += 2) {
    let c = s.charCodeAt(i);
    let d = s.charCodeAt(i + 1);
    if ((c > 126 || d > 126) && asciiOnly) return false;
    if (c >= 65 && c <= 90) c |= 32;
    if (d >= 65 && d <= 90) d |= 32;
    a = Math.imul(a ^ c, PRIME);
    b = Math.imul(b ^ d, PRIME);
  }
  if (i < to) {
    let c = s.charCodeAt(i);
    if (c > 126 && asciiOnly) return false;
    if (c >= 65 && c <= 90) c |= 32;
    // A character left after the pairs is always at an even stream position: the odd start went to lane B first.
    a = Math.imul(a ^ c, PRIME);
  }
  laneA = a;
  laneB = b;
  return true;
}

/** The lanes mixed into one 32-bit hash (murmur3's finaliser: the table indexes by the low bits). */
function finishHash(): number {
  let h = laneA ^ Math.imul(laneB, 0x5bd1e995);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

function hashOf(s: string): number {
  startHash();
  feed(s, 0, s.length, 0, false);
  return finishHash();
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
    startHash();
    if (feed(spn, 0, n, 0, true)) {
      normalised = spn;
      return finishHash();
    }
  }
  normalised = spnKey(spn);
  return hashOf(normalised);
}

/**
 * The table's 32-bit hash of an SPN (equal for spellings spnKey calls equal). Exported for the tests, which search
 * for SPNs whose hashes collide: only then are the string comparisons after a hash match ever decisive.
 */
export function spnHash(spn: string): number {
  return hashNormal(spn);
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

/** Equal after ASCII lower-casing (both sides are normal(), so this is spnKey(a) === spnKey(b)). */
function sameSpn(a: string, b: string): boolean {
  return a === b || (a.length === b.length && sameSpnAt(a, 0, b, 0, a.length));
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
  /**
   * normal() of the first spelling seen, by id (0…count-1). Allocated at the expected size: pushed one by one,
   * the 640,000 SPNs of 50,000 hosts regrew this array ~30 times, each time a new copy in fresh pages.
   */
  private spns: string[];
  private count = 0;
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
    this.spns = new Array<string>(Math.max(16, expected));
  }

  get size(): number {
    return this.count;
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
    startHash();
    if (!feed(prefix, 0, prefix.length, 0, true)) return this.idOf(`${prefix}/${rest.slice(from)}`);
    feed('/', 0, 1, prefix.length, true);
    if (!feed(rest, from, rest.length, prefix.length + 1, true)) return this.idOf(`${prefix}/${rest.slice(from)}`);
    const h = finishHash();
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

  /**
   * The id here of `other`'s entry `otherId` (the same SPN up to spnKey), or -1. Both tables keep each entry's
   * normal form and hash, so a snapshot resolving its ~200,000 delegation targets against the forest's SPNs
   * neither reads the strings' characters again nor hashes them a second time.
   */
  idOfEntry(other: SpnTable, otherId: number): number {
    const h = other.hashes[otherId]!;
    const s = other.spns[otherId]!;
    for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
      const slot = this.slots[i]!;
      if (slot === 0) return -1;
      const id = slot - 1;
      if (this.hashes[id] === h && sameSpn(this.spns[id]!, s)) return id;
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
    const id = this.count++;
    // Past the expected size, the array grows as push would grow it.
    this.spns[id] = s;
    if (id >= this.hashes.length) {
      const grown = new Int32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[id] = h;
    this.slots[i] = id + 1;
    if (this.count * 2 > this.slots.length) this.grow();
    return id;
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 0; id < this.count; id++) {
      let i = this.hashes[id]! & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = id + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
