/**
 * LdapMessageFramer (src/directory/ldap/fast/message-framer.ts) cuts a connection's byte stream into whole LDAP
 * messages however the stream is chunked, reads each one's messageID and protocolOp tag, and hands anything that
 * is not LDAP on untouched.
 */
import { BerWriter } from 'ldapts';
import {
  LdapMessageFramer,
  type MessageEnvelope,
  readEnvelope,
  SEARCH_RESULT_DONE,
  SEARCH_RESULT_ENTRY,
  SEARCH_RESULT_REFERENCE,
} from '../../src/directory/ldap/fast/message-framer';
import { prng } from '../../bench/synthetic';

/** An LDAPMessage: SEQUENCE { INTEGER id, [APPLICATION op] { OCTET STRING payload }, controls [0] (optional) }. */
function message(id: number, operation: number, payloadBytes: number, withControls = false): Buffer {
  const w = new BerWriter();
  w.startSequence();
  w.writeInt(id);
  w.startSequence(operation);
  w.writeString('x'.repeat(payloadBytes));
  w.endSequence();
  if (withControls) {
    w.startSequence(0xa0);
    w.startSequence();
    w.writeString('1.2.840.113556.1.4.319');
    w.writeString('cookie');
    w.endSequence();
    w.endSequence();
  }
  w.endSequence();
  return w.buffer;
}

interface Seen {
  messages: Array<{ hex: string; envelope: MessageEnvelope }>;
  raw: Buffer[];
}

function framerCollecting(): { framer: LdapMessageFramer; seen: Seen } {
  const seen: Seen = { messages: [], raw: [] };
  const framer = new LdapMessageFramer({
    message: (bytes, envelope) => seen.messages.push({ hex: bytes.toString('hex'), envelope }),
    raw: (bytes) => seen.raw.push(Buffer.from(bytes)),
  });
  return { framer, seen };
}

function feed(stream: Buffer, cuts: number[]): Seen {
  const { framer, seen } = framerCollecting();
  let from = 0;
  for (const cut of [...cuts, stream.length]) {
    framer.push(stream.subarray(from, cut));
    from = cut;
  }
  return seen;
}

// Short (< 128), 0x81, 0x82 and 0x83 length forms; 1- to 4-byte message ids; entries, references and a Done.
const MESSAGES = [
  { id: 1, operation: 0x61, bytes: 5 },
  { id: 2, operation: SEARCH_RESULT_ENTRY, bytes: 150 },
  { id: 200, operation: SEARCH_RESULT_ENTRY, bytes: 40_000 },
  { id: 70_000, operation: SEARCH_RESULT_REFERENCE, bytes: 300 },
  { id: 2 ** 31 - 1, operation: SEARCH_RESULT_ENTRY, bytes: 70_000 },
  { id: 3, operation: SEARCH_RESULT_DONE, bytes: 0, controls: true },
];
const encoded = MESSAGES.map((m) => message(m.id, m.operation, m.bytes, m.controls));
const stream = Buffer.concat(encoded);
const expected = MESSAGES.map((m, i) => ({
  hex: encoded[i]!.toString('hex'),
  envelope: { length: encoded[i]!.length, messageId: m.id, operation: m.operation },
}));

describe('LdapMessageFramer', () => {
  it('reads the envelope of each length form and id size', () => {
    expect(new Set(encoded.map((b) => b[1]! < 0x80 ? 0 : b[1]! & 0x7f))).toEqual(new Set([0, 1, 2, 3]));
    for (const [i, bytes] of encoded.entries()) expect(readEnvelope(bytes, 0)).toEqual(expected[i]!.envelope);
  });

  it('frames the stream in one piece', () => {
    expect(feed(stream, [])).toEqual({ messages: expected, raw: [] });
  });

  it('frames the stream cut at any single byte (envelopes cut anywhere included)', () => {
    // Every cut in the small messages and around each boundary; a stride through the big ones.
    const cuts = new Set<number>();
    let offset = 0;
    for (const bytes of encoded) {
      for (let i = 0; i <= Math.min(bytes.length, 200); i++) cuts.add(offset + i);
      for (let i = Math.max(0, bytes.length - 20); i <= bytes.length; i++) cuts.add(offset + i);
      for (let i = 0; i < bytes.length; i += 997) cuts.add(offset + i);
      offset += bytes.length;
    }
    for (const cut of cuts) expect(feed(stream, cut > 0 && cut < stream.length ? [cut] : [])).toEqual({ messages: expected, raw: [] });
  });

  it('frames the stream in TLS-record-sized and random chunks, byte by byte too', () => {
    const byRecords = Array.from({ length: Math.floor(stream.length / 917) }, (_, i) => (i + 1) * 917);
    expect(feed(stream, byRecords)).toEqual({ messages: expected, raw: [] });
    const random = prng(7);
    for (let round = 0; round < 50; round++) {
      const cuts: number[] = [];
      for (let at = 1 + Math.floor(random() * 40); at < stream.length; at += 1 + Math.floor(random() * 3000)) cuts.push(at);
      expect(feed(stream, cuts)).toEqual({ messages: expected, raw: [] });
    }
    const small = Buffer.concat(encoded.slice(0, 2));
    expect(feed(small, Array.from({ length: small.length - 1 }, (_, i) => i + 1)).messages).toEqual(expected.slice(0, 2));
  });

  it('hands a message that arrived in one chunk on as a view of that chunk (no copy)', () => {
    const chunk = Buffer.concat(encoded.slice(0, 2));
    const views: Buffer[] = [];
    new LdapMessageFramer({ message: (bytes) => views.push(bytes), raw: () => undefined }).push(chunk);
    expect(views.map((v) => v.buffer === chunk.buffer)).toEqual([true, true]);
  });

  it('passes everything through untouched once the stream is not LDAP', () => {
    const junk = Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n');
    const { framer, seen } = framerCollecting();
    framer.push(Buffer.concat([encoded[0]!, junk.subarray(0, 10)]));
    framer.push(junk.subarray(10));
    framer.push(encoded[1]!);
    expect(seen.messages).toEqual([expected[0]]);
    expect(Buffer.concat(seen.raw)).toEqual(Buffer.concat([junk, encoded[1]!]));
  });

  it('gives up on length forms LDAP does not use and on an envelope without an INTEGER id', () => {
    const indefinite = Buffer.from([0x30, 0x80, 0x02, 0x01, 0x01, 0x61, 0x00, 0x00, 0x00]);
    const fiveOctets = Buffer.from([0x30, 0x85, 0, 0, 0, 0, 5, 0x02, 0x01, 0x01, 0x61]);
    const noId = Buffer.from([0x30, 0x03, 0x04, 0x01, 0x41]);
    const idTooLong = Buffer.from([0x30, 0x08, 0x02, 0x05, 1, 2, 3, 4, 5, 0x61]);
    const opOutside = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01, 0x61]);
    for (const bad of [indefinite, fiveOctets, noId, idTooLong, opOutside]) {
      expect(readEnvelope(bad, 0)).toBeNull();
      // Also when the bad envelope arrives in pieces after a good message.
      const seen = feed(Buffer.concat([encoded[0]!, bad]), [encoded[0]!.length + 1, encoded[0]!.length + 3]);
      expect(seen.messages).toEqual([expected[0]]);
      expect(Buffer.concat(seen.raw)).toEqual(bad);
    }
  });

  it('waits for the rest of an envelope it cannot read yet', () => {
    for (let n = 0; n < 8; n++) expect(readEnvelope(encoded[2]!.subarray(0, n), 0)).toBeUndefined();
    const { framer, seen } = framerCollecting();
    framer.push(encoded[2]!.subarray(0, 3));
    expect(seen).toEqual({ messages: [], raw: [] });
    expect(framer.passThrough).toBe(false);
    framer.push(encoded[2]!.subarray(3));
    expect(seen.messages).toEqual([expected[2]]);
  });
});
