/**
 * Decodes one SearchResultEntry message straight into what the readers use (its DN and its attributes by
 * lower-cased name), with the result ldapts 8.2.0 gives through its parser, `toObject` and `attributesOf`.
 *
 * Why: when kcd reads 5,000 Hyper-V hosts, the DC could send every page in ~0.75 s, yet the read took ~1.8 s:
 * kcd's own parsing set the pace (`node --cpu-prof`: ~1.0 s of the main thread for 5,000 entries, a fifth of it
 * ldapts's message objects, BER reader calls, Attribute objects and `toObject`'s result, plus the garbage they
 * leave). Here one pass over the message's bytes reads each length once, decodes ASCII values without a second
 * scan, and builds the attribute map directly.
 *
 * Same results, or none: the decoder accepts only the plain shape every directory sends (definite lengths, the
 * exact tags RFC 4511 gives, each element ending where its parent says, no controls on the entry, attribute
 * names without options or ranges, each named once) and returns undefined for anything else, which the caller
 * then hands to ldapts's parser as before. test/directory/ldap-entry-decoder.test.ts compares both on crafted and
 * mutated messages; the DC tests compare whole searches.
 */
import { isUtf8 } from 'node:buffer';
import { addAttribute, type Attributes, type EntryView } from './entries';
import type { RawValue } from './normalise';
import type { SequenceInterner } from './sequence-interner';

const SEQUENCE = 0x30;
const SET = 0x31;
const INTEGER = 0x02;
const OCTET_STRING = 0x04;
const SEARCH_RESULT_ENTRY = 0x64;
const BYTE_ORDER_MARK = 0xfeff;
const REPLACEMENT_CHARACTER = 0xfffd;

/** What of the search request shapes ldapts's `toObject`: the attributes asked for and those wanted as Buffers. */
export interface EntryRequest {
  readonly attributes: readonly string[];
  readonly explicitBufferAttributes: readonly string[];
}

/**
 * Attributes whose string values the decoder interns as it reads them (by lower-cased name, one
 * SequenceInterner each); the views it makes list them in `interned`.
 */
export type EntryInterning = ReadonlyMap<string, SequenceInterner>;

/** Node's Buffer decoders without toString's argument handling (a few hundred thousand calls per read). */
interface SliceDecoders {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

/** ldapts's string decoding of names (DN, attribute types): `toString('utf8')`. */
function text(buf: Buffer, start: number, end: number): string {
  return start === end ? '' : (buf as unknown as SliceDecoders).utf8Slice(start, end);
}

/**
 * A value as the leaner Attribute.parse leaves it (fast-attribute-parse.ts): the string for valid UTF-8 (a
 * leading BOM removed, as TextDecoder does), undefined where ldapts keeps the Buffer (not UTF-8).
 */
function valueText(buf: Buffer, start: number, end: number): string | undefined {
  let ascii = true;
  for (let i = start; i < end; i++) {
    if (buf[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  const decoders = buf as unknown as SliceDecoders;
  if (ascii) return start === end ? '' : decoders.latin1Slice(start, end);
  const s = decoders.utf8Slice(start, end);
  let suspect = s.charCodeAt(0) === BYTE_ORDER_MARK;
  for (let i = 0; !suspect && i < s.length; i++) if (s.charCodeAt(i) === REPLACEMENT_CHARACTER) suspect = true;
  if (!suspect) return s;
  if (!isUtf8(buf.subarray(start, end))) return undefined;
  return s.charCodeAt(0) === BYTE_ORDER_MARK ? s.slice(1) : s;
}

/** Attribute names whose handling in `toObject`/`attributesOf` is not the plain one: left to ldapts. */
function plainName(type: string): boolean {
  if (type.length === 0 || type.includes(';')) return false;
  // toObject's result is a plain object: `dn` is taken, `__proto__` sets the prototype, an array index sorts first.
  if (/^\d+$/.test(type)) return false;
  const lower = type.toLowerCase();
  if (lower === 'dn' || lower === '__proto__') return false;
  // toObject lower-cases with toLocaleLowerCase, attributesOf with toLowerCase: the same only for ASCII.
  for (let i = 0; i < type.length; i++) if (type.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** What the decoder knows about an attribute name (the entries of a search name theirs in the same order). */
interface AttributeName {
  /** The name's bytes as the server sent them. */
  readonly bytes: Buffer;
  readonly type: string;
  readonly lower: string;
  readonly plain: boolean;
  /** In the request's explicitBufferAttributes: its values are Buffers. */
  readonly binary: boolean;
  readonly sequence: SequenceInterner | undefined;
}

/**
 * Decodes the entries of one search (see the module comment). Keeps what repeats from entry to entry: the
 * attribute names, in the order the server sends them, and a cursor.
 */
export class EntryDecoder {
  readonly #request: EntryRequest;
  readonly #interning: EntryInterning | undefined;
  /** The requested attribute names not to be checked against `dn`, and their lower-cased forms. */
  readonly #requested: ReadonlyArray<readonly [string, string]>;
  /** The request names an attribute toObject treats in its own way: every entry goes to ldapts. */
  readonly #oddRequest: boolean;
  /** The names met at each position of the attribute list, by the entry before. */
  readonly #names: AttributeName[] = [];
  // The cursor: the position in the message being decoded, and whether it is malformed.
  #buf: Buffer = Buffer.alloc(0);
  #pos = 0;
  #failed = false;

  constructor(request: EntryRequest, interning?: EntryInterning) {
    this.#request = request;
    this.#interning = interning;
    // toObject keeps the entry's DN under `dn`.
    const requested = request.attributes.filter((a) => a !== 'dn');
    this.#oddRequest = !requested.every(plainName);
    this.#requested = requested.map((a) => [a, a.toLowerCase()] as const);
  }

  /**
   * The entry in `message` (one whole LDAPMessage, as LdapMessageFramer cuts them), or undefined when it is not
   * a plain SearchResultEntry (see the module comment) and ldapts must parse it.
   */
  decode(message: Buffer): EntryView | undefined {
    if (this.#oddRequest) return undefined;
    this.#buf = message;
    this.#pos = 0;
    this.#failed = false;
    const messageEnd = this.#enter(SEQUENCE, message.length);
    if (messageEnd !== message.length) return undefined;
    const idEnd = this.#enter(INTEGER, messageEnd);
    if (this.#failed || idEnd - this.#pos < 1 || idEnd - this.#pos > 4) return undefined;
    this.#pos = idEnd;
    const opEnd = this.#enter(SEARCH_RESULT_ENTRY, messageEnd);
    // Controls after the entry: ldapts parses (and may reject) them; rare enough to leave to it.
    if (this.#failed || opEnd !== messageEnd) return undefined;
    const dnEnd = this.#enter(OCTET_STRING, opEnd);
    if (this.#failed) return undefined;
    const dn = text(message, this.#pos, dnEnd);
    this.#pos = dnEnd;
    const listEnd = this.#enter(SEQUENCE, opEnd);
    if (this.#failed || listEnd !== opEnd) return undefined;

    const attributes: Attributes = new Map();
    for (let index = 0; this.#pos < listEnd; index++) {
      const attributeEnd = this.#enter(SEQUENCE, listEnd);
      const typeEnd = this.#enter(OCTET_STRING, attributeEnd);
      if (this.#failed) return undefined;
      const name = this.#nameAt(index, this.#pos, typeEnd);
      this.#pos = typeEnd;
      if (!name.plain || attributes.has(name.lower)) return undefined;
      const setEnd = this.#enter(SET, attributeEnd);
      if (this.#failed || setEnd !== attributeEnd) return undefined;
      const values = this.#values(name, setEnd);
      if (values === undefined) return undefined;
      attributes.set(name.lower, values);
    }
    if (this.#pos !== listEnd) return undefined;
    for (const [requested, lower] of this.#requested) {
      // toObject gives a requested attribute the entry lacks an empty list, filed under its lower-cased name.
      if (!attributes.has(lower)) addAttribute(attributes, requested, []);
    }
    const interning = this.#interning;
    return interning ? { dn, attributes, interned: interning } : { dn, attributes };
  }

  /** The values of the SET that starts at pos and ends at setEnd, as toObject gives them; undefined if malformed. */
  #values(name: AttributeName, setEnd: number): RawValue | RawValue[] | undefined {
    const buf = this.#buf;
    const setStart = this.#pos;
    if (!name.binary) {
      const sequence = name.sequence;
      sequence?.startList();
      const strings: string[] = [];
      while (this.#pos < setEnd) {
        const valueEnd = this.#enter(OCTET_STRING, setEnd);
        if (this.#failed) return undefined;
        let s = sequence?.predicted(buf, this.#pos, valueEnd);
        if (s === undefined) {
          s = valueText(buf, this.#pos, valueEnd);
          // Not UTF-8: toObject then gives every value of the attribute as a Buffer.
          if (s === undefined) break;
          if (sequence) s = sequence.next(s);
        }
        strings.push(s);
        this.#pos = valueEnd;
      }
      if (this.#pos === setEnd) return strings.length === 1 ? strings[0]! : strings;
    }
    this.#pos = setStart;
    const buffers: Buffer[] = [];
    while (this.#pos < setEnd) {
      const valueEnd = this.#enter(OCTET_STRING, setEnd);
      if (this.#failed) return undefined;
      buffers.push(buf.subarray(this.#pos, valueEnd));
      this.#pos = valueEnd;
    }
    return buffers.length === 1 ? buffers[0]! : buffers;
  }

  /** The name at the list's position `index`: the previous entry's when the bytes are the same. */
  #nameAt(index: number, start: number, end: number): AttributeName {
    const buf = this.#buf;
    const known = this.#names[index];
    if (known !== undefined && known.bytes.length === end - start) {
      const bytes = known.bytes;
      let i = 0;
      while (i < bytes.length && bytes[i] === buf[start + i]) i++;
      if (i === bytes.length) return known;
    }
    const type = text(buf, start, end);
    const lower = type.toLowerCase();
    const binary = this.#request.explicitBufferAttributes.includes(type);
    const name: AttributeName = {
      bytes: Buffer.from(buf.subarray(start, end)),
      type,
      lower,
      plain: plainName(type),
      binary,
      sequence: binary ? undefined : this.#interning?.get(lower),
    };
    this.#names[index] = name;
    return name;
  }

  /** Reads the tag (must be `tag`) and the definite length at pos; returns the end of the element's contents. */
  #enter(tag: number, limit: number): number {
    const buf = this.#buf;
    let p = this.#pos;
    if (this.#failed || p + 2 > limit || buf[p] !== tag) return this.#fail();
    const first = buf[p + 1]!;
    p += 2;
    let length: number;
    if (first < 0x80) length = first;
    else {
      const octets = first & 0x7f;
      if (octets < 1 || octets > 4 || p + octets > limit) return this.#fail();
      length = 0;
      for (let i = 0; i < octets; i++) length = length * 256 + buf[p + i]!;
      p += octets;
    }
    if (length > limit - p) return this.#fail();
    this.#pos = p;
    return p + length;
  }

  #fail(): number {
    this.#failed = true;
    return -1;
  }
}

/** One entry decoded on its own (EntryDecoder.decode without what it keeps between entries). */
export function decodeSearchEntry(message: Buffer, request: EntryRequest, interning?: EntryInterning): EntryView | undefined {
  return new EntryDecoder(request, interning).decode(message);
}
