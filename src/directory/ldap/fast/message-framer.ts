/**
 * Splits the byte stream of an LDAP connection into whole LDAPMessages, reading only each message's envelope
 * (its length, messageID and the tag of its protocolOp), so that the caller can decide per message what to do
 * with it before anything parses it (see pages-ahead.ts, which uses it to request the next page of a paged
 * search before the current page's entries are parsed).
 *
 * An LDAPMessage (RFC 4511 §4.1.1) is `SEQUENCE { messageID INTEGER, protocolOp CHOICE, controls [0] OPTIONAL }`
 * in BER with definite lengths: 0x30, a length (short form, or 0x81–0x84 and that many bytes), 0x02, the
 * messageID's length (1–4) and bytes, then the protocolOp's tag. That envelope is all this reads; the library's
 * own parser still decodes every message. Anything else at a message boundary (a server speaking something that
 * is not LDAP, a length form LDAP does not use) switches the framer to pass-through: the bytes from there on go
 * to `raw` as they arrive, for the library's parser to report.
 */

/** The protocolOp tags (application class, RFC 4511 §4.2–4.14) a search's responses carry. */
export const SEARCH_RESULT_ENTRY = 0x64;
export const SEARCH_RESULT_DONE = 0x65;
export const SEARCH_RESULT_REFERENCE = 0x73;

export interface MessageEnvelope {
  /** Bytes of the whole message, envelope included. */
  readonly length: number;
  readonly messageId: number;
  /** The protocolOp's BER tag (e.g. SEARCH_RESULT_ENTRY). */
  readonly operation: number;
}

export interface FramerSink {
  /** One whole message: `bytes` is exactly the message (a view of the received data where it came in one piece). */
  message(bytes: Buffer, envelope: MessageEnvelope): void;
  /** Bytes that are not framed as LDAP messages (after the framer gave up on the stream), in order. */
  raw(bytes: Buffer): void;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
/** Longest envelope: tag + 0x84 + 4 length bytes + INTEGER tag + length + 4 id bytes + protocolOp tag. */
const MAX_ENVELOPE = 13;

/**
 * Reads the envelope at `pos`. Returns undefined when more bytes are needed, null when the bytes there are not
 * an LDAPMessage envelope.
 */
export function readEnvelope(buf: Buffer, pos: number): MessageEnvelope | undefined | null {
  const end = buf.length;
  if (pos >= end) return undefined;
  if (buf[pos] !== SEQUENCE) return null;
  if (pos + 1 >= end) return undefined;
  const first = buf[pos + 1]!;
  let p = pos + 2;
  let contentLength: number;
  if (first < 0x80) contentLength = first;
  else {
    const octets = first & 0x7f;
    // 0x80 (indefinite) is not allowed in LDAP; more than 4 length octets would be a message over 4 GB.
    if (octets < 1 || octets > 4) return null;
    if (p + octets > end) return undefined;
    contentLength = 0;
    for (let i = 0; i < octets; i++) contentLength = contentLength * 256 + buf[p + i]!;
    p += octets;
  }
  if (p + 2 > end) return undefined;
  if (buf[p] !== INTEGER) return null;
  const idLength = buf[p + 1]!;
  if (idLength < 1 || idLength > 4) return null;
  if (p + 2 + idLength + 1 > end) return undefined;
  let messageId = 0;
  for (let i = 0; i < idLength; i++) messageId = messageId * 256 + buf[p + 2 + i]!;
  const length = p - pos + contentLength;
  // The envelope must fit in the message it announces.
  if (p + 2 + idLength + 1 > pos + length) return null;
  return { length, messageId, operation: buf[p + 2 + idLength]! };
}

export class LdapMessageFramer {
  readonly #sink: FramerSink;
  /** Pieces of the message being received (it started in an earlier chunk). */
  #parts: Buffer[] = [];
  #partsLength = 0;
  /** That message's envelope, once enough of it has arrived. */
  #pending: MessageEnvelope | undefined;
  #passThrough = false;

  constructor(sink: FramerSink) {
    this.#sink = sink;
  }

  /** Whether the framer has given up on the stream (everything now goes to `raw`). */
  get passThrough(): boolean {
    return this.#passThrough;
  }

  push(data: Buffer): void {
    if (this.#passThrough) {
      this.#sink.raw(data);
      return;
    }
    let pos = 0;
    while (pos < data.length) {
      if (this.#parts.length === 0) {
        const envelope = readEnvelope(data, pos);
        if (envelope === null) return this.#giveUp(data.subarray(pos));
        if (envelope !== undefined && pos + envelope.length <= data.length) {
          // The common case: the whole message is in this chunk; hand on a view, no copy.
          this.#sink.message(data.subarray(pos, pos + envelope.length), envelope);
          pos += envelope.length;
          continue;
        }
        this.#pending = envelope;
        this.#parts.push(data.subarray(pos));
        this.#partsLength = data.length - pos;
        return;
      }
      if (this.#pending === undefined) {
        // The envelope itself was cut: join what we have with the start of this chunk.
        const head = Buffer.concat([...this.#parts, data.subarray(pos, pos + MAX_ENVELOPE)]);
        const envelope = readEnvelope(head, 0);
        if (envelope === null) return this.#giveUp(Buffer.concat([...this.#parts, data.subarray(pos)]));
        if (envelope === undefined) {
          this.#parts.push(data.subarray(pos));
          this.#partsLength += data.length - pos;
          return;
        }
        this.#pending = envelope;
      }
      const take = Math.min(this.#pending.length - this.#partsLength, data.length - pos);
      this.#parts.push(data.subarray(pos, pos + take));
      this.#partsLength += take;
      pos += take;
      if (this.#partsLength === this.#pending.length) {
        const envelope = this.#pending;
        const bytes = Buffer.concat(this.#parts, this.#partsLength);
        this.#parts = [];
        this.#partsLength = 0;
        this.#pending = undefined;
        this.#sink.message(bytes, envelope);
      }
    }
  }

  #giveUp(rest: Buffer): void {
    this.#passThrough = true;
    this.#parts = [];
    this.#partsLength = 0;
    this.#pending = undefined;
    this.#sink.raw(rest);
  }
}
