/**
 * Interns the values of one multi-valued attribute straight from their bytes, by predicting each value from the
 * one before it.
 *
 * Why: Hyper-V hosts list their peers' SPNs in msDS-AllowedToDelegateTo in the same order (the same script, or
 * the same GUI steps, set them all), so in a fleet of 5,000 hosts ~440,000 values are ~20,000 distinct ones
 * arriving in runs that repeat from host to host, though the hosts themselves come in no useful order. Decoding
 * every value and interning it through a Map costed ~0.25 µs of hashing and a cache miss or two each: a quarter
 * of kcd's CPU while reading the computers, and the read's pace is kcd's CPU (`node --cpu-prof` of `kcd scan` on
 * the benchmark DC). Here the value that followed the previous one last time (or the time before, or a few steps
 * further, past a host's own entries, which it does not list) is compared with the incoming bytes; when they
 * match, that string is the value, with no decoding, no hashing and no new string. Anything else is decoded by
 * the caller and looked up in the interner's own table (`next`), which keeps one string per distinct value, as
 * the read's interner (domain/intern.ts) does for the other attributes.
 *
 * Exact: a prediction is taken only when the bytes equal the predicted string's characters one for one and that
 * string is ASCII, so the bytes are that string's UTF-8.
 */

/** Successor slot for "the start of a list". */
const START = 0;
/** How many successors past the first guess a prediction walks (a host skips its own entries: 4 per peer). */
const WALK = 4;

export class SequenceInterner {
  /** Value id (from 1; 0 is START) by string, for values seen at least once. */
  readonly #ids = new Map<string, number>();
  /** Per id: the string (ASCII ones only are ever predicted), its length, whether it is ASCII. */
  #strings: string[] = [''];
  #lengths = new Int32Array(1024);
  #ascii = new Uint8Array(1024);
  /** Per id: 1 + the id that followed it last time, and the time before (0: none). */
  #next1 = new Int32Array(1024);
  #next2 = new Int32Array(1024);
  /** The id of the previous value of the list being read. */
  #previous = START;
  /** Values taken from a prediction, and decoded by the caller (for tests and the benchmark's notes). */
  predictedCount = 0;
  decodedCount = 0;

  /** Distinct values held. */
  get size(): number {
    return this.#ids.size;
  }

  /** A new list starts (the next entry's values of the attribute). */
  startList(): void {
    this.#previous = START;
  }

  /**
   * The value whose UTF-8 bytes are bytes[start, end), when it is one of the predicted ones (the list then moves
   * past it); undefined otherwise: the caller decodes the bytes and hands the string to `next`.
   */
  predicted(bytes: Buffer, start: number, end: number): string | undefined {
    const previous = this.#previous;
    const first = this.#next1[previous]! - 1;
    if (first < 1) return undefined;
    let id = first;
    if (!this.#matches(id, bytes, start, end)) {
      const second = this.#next2[previous]! - 1;
      if (second >= 1 && this.#matches(second, bytes, start, end)) id = second;
      else {
        id = -1;
        for (let k = 0, at = first; k < WALK; k++) {
          at = this.#next1[at]! - 1;
          if (at < 1) break;
          if (this.#matches(at, bytes, start, end)) {
            id = at;
            break;
          }
        }
        if (id < 0) return undefined;
      }
    }
    this.#follow(previous, id);
    this.predictedCount++;
    return this.#strings[id]!;
  }

  /** Interns `value` (the caller decoded it) as the list's next value. */
  next(value: string): string {
    this.decodedCount++;
    let id = this.#ids.get(value);
    let interned: string;
    if (id === undefined) {
      interned = value;
      id = this.#strings.length;
      this.#strings.push(interned);
      if (id >= this.#lengths.length) this.#grow();
      this.#lengths[id] = interned.length;
      this.#ascii[id] = isAscii(interned) ? 1 : 0;
      this.#ids.set(interned, id);
    } else interned = this.#strings[id]!;
    this.#follow(this.#previous, id);
    return interned;
  }

  #follow(previous: number, id: number): void {
    if (this.#next1[previous] !== id + 1) {
      this.#next2[previous] = this.#next1[previous]!;
      this.#next1[previous] = id + 1;
    }
    this.#previous = id;
  }

  #matches(id: number, bytes: Buffer, start: number, end: number): boolean {
    const length = end - start;
    if (this.#lengths[id] !== length || this.#ascii[id] === 0) return false;
    const s = this.#strings[id]!;
    // The end first: values of one list differ mostly in their host name, at the end.
    for (let i = length - 1; i >= 0; i--) if (bytes[start + i] !== s.charCodeAt(i)) return false;
    return true;
  }

  #grow(): void {
    const size = this.#lengths.length * 2;
    const grown = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.#lengths = grown(this.#lengths, (n) => new Int32Array(n));
    this.#ascii = grown(this.#ascii, (n) => new Uint8Array(n));
    this.#next1 = grown(this.#next1, (n) => new Int32Array(n));
    this.#next2 = grown(this.#next2, (n) => new Int32Array(n));
  }
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}
