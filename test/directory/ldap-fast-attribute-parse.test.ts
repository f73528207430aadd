/**
 * The leaner Attribute.parse (src/directory/ldap/fast-attribute-parse.ts) gives exactly what ldapts's own gives:
 * the same values (string or Buffer, same content), the same parsedBuffers bytes, the same SearchEntry.toObject.
 * ldapts's own parse is captured before the patch is installed (each jest file has its own module registry).
 */
import { Attribute, BerReader, BerWriter, SearchEntry } from 'ldapts';
import {
  installedLdaptsVersion,
  installFastAttributeParse,
  PATCHED_LDAPTS_VERSION,
} from '../../src/directory/ldap/fast-attribute-parse';
import { prng } from '../../bench/synthetic';

type Parse = (this: Attribute, reader: BerReader) => void;
const proto = Attribute.prototype as unknown as { parse: Parse };
const originalParse = proto.parse;
const originalBuffers = Object.getOwnPropertyDescriptor(Attribute.prototype, 'parsedBuffers')!.get!;

/** One encoded attribute: SEQUENCE { type, SET OF OCTET STRING }. */
function encode(type: string, values: Buffer[]): Buffer {
  const writer = new BerWriter();
  writer.startSequence();
  writer.writeString(type);
  writer.startSequence(0x31);
  for (const v of values) writer.writeBuffer(v, 0x04);
  writer.endSequence();
  writer.endSequence();
  return writer.buffer;
}

function parseWith(parse: Parse, bytes: Buffer): Attribute {
  const attribute = new Attribute();
  parse.call(attribute, new BerReader(bytes));
  return attribute;
}

interface Seen {
  type: string;
  values: Array<{ buffer: boolean; value: string }>;
  parsedBuffers: string[];
}

function observe(a: Attribute, buffers: (this: Attribute) => Buffer[]): Seen {
  return {
    type: a.type,
    values: (a.values as Array<string | Buffer>).map((v) => (Buffer.isBuffer(v) ? { buffer: true, value: v.toString('hex') } : { buffer: false, value: v })),
    parsedBuffers: buffers.call(a).map((b) => b.toString('hex')),
  };
}

const b = (...bytes: number[]) => Buffer.from(bytes);
const utf8 = (s: string) => Buffer.from(s, 'utf8');

/** Values that take every path: ASCII, non-ASCII, empty, a real U+FFFD, a BOM, invalid UTF-8 of each kind. */
const CASES: Array<[string, Buffer[]]> = [
  ['servicePrincipalName', [utf8('Microsoft Virtual System Migration Service/GOGO-3'), utf8('cifs/gogo-3.contoso.com')]],
  ['cn', [utf8('Jürgen-Hyper-V-Ümlaut'), utf8('中文主机'), utf8('host 🚀 emoji')]],
  ['description', [Buffer.alloc(0), utf8('')]],
  ['description', [utf8('a real \uFFFD replacement character')]],
  ['description', [b(0xef, 0xbb, 0xbf, 0x41, 0x42), b(0xef, 0xbb, 0xbf)]],
  ['objectSid', [b(0x01, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x15, 0x00, 0x00, 0x00, 0xff, 0xfe, 0x10, 0x80)]],
  ['objectSid', [b(0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x12, 0x00, 0x00, 0x00)]],
  ['x', [b(0xff), b(0xc0, 0x80), b(0xed, 0xa0, 0x80), b(0xe2, 0x82), b(0x80), b(0xf4, 0x90, 0x80, 0x80), b(0x41, 0xff, 0x42)]],
  ['userCertificate;binary', [utf8('looks like text'), b(0x30, 0x82, 0x01, 0x0a)]],
  ['USERCERTIFICATE;BINARY', [utf8('abc')]],
  ['member', []],
];

function randomValue(next: () => number): Buffer {
  const kind = next();
  const length = Math.floor(next() * 40);
  if (kind < 0.4) return Buffer.from(Array.from({ length }, () => Math.floor(next() * 256)));
  if (kind < 0.7) return Buffer.from(Array.from({ length }, () => String.fromCodePoint(Math.floor(next() * 0x2ffff) % 0x10ffff)).join('').replace(/[\uD800-\uDFFF]/g, 'x'), 'utf8');
  // Mostly ASCII with a stray high byte now and then.
  return Buffer.from(Array.from({ length }, () => (next() < 0.05 ? 0x80 + Math.floor(next() * 128) : 0x20 + Math.floor(next() * 95))));
}

describe('the leaner ldapts Attribute.parse', () => {
  beforeAll(() => {
    expect(installFastAttributeParse()).toBe(true);
  });

  test('is written against the installed ldapts (when ldapts changes, compare its Attribute.parse again)', () => {
    expect(installedLdaptsVersion()).toBe(PATCHED_LDAPTS_VERSION);
    expect(proto.parse).not.toBe(originalParse);
  });

  test('is not installed on another ldapts version', () => {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fresh = require('../../src/directory/ldap/fast-attribute-parse') as typeof import('../../src/directory/ldap/fast-attribute-parse');
      expect(fresh.installFastAttributeParse('9.0.0')).toBe(false);
    });
  });

  test.each(CASES)('%s: same values and bytes as ldapts', (type, values) => {
    const bytes = encode(type, values);
    const theirs = observe(parseWith(originalParse, bytes), originalBuffers);
    const ours = observe(parseWith(proto.parse, bytes), Object.getOwnPropertyDescriptor(Attribute.prototype, 'parsedBuffers')!.get!);
    expect(ours).toEqual(theirs);
  });

  test('2,000 random attributes: same values and bytes as ldapts', () => {
    const next = prng(20261127);
    const oursBuffers = Object.getOwnPropertyDescriptor(Attribute.prototype, 'parsedBuffers')!.get!;
    let strings = 0;
    let buffers = 0;
    for (let i = 0; i < 2000; i++) {
      const values = Array.from({ length: Math.floor(next() * 5) }, () => randomValue(next));
      const bytes = encode(next() < 0.1 ? 'thing;binary' : 'thing', values);
      const theirs = observe(parseWith(originalParse, bytes), originalBuffers);
      const ours = observe(parseWith(proto.parse, bytes), oursBuffers);
      expect(ours).toEqual(theirs);
      for (const v of theirs.values) if (v.buffer) buffers++;
      else strings++;
    }
    // The random values exercised both outcomes.
    expect(strings).toBeGreaterThan(500);
    expect(buffers).toBeGreaterThan(500);
  });

  test('SearchEntry.toObject gives the same entry (explicit binary attributes, invalid UTF-8, missing attributes)', () => {
    const attrs: Array<[string, Buffer[]]> = [
      ['sAMAccountName', [utf8('GOGO-3$')]],
      ['objectSid', [b(0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x12, 0x00, 0x00, 0x00)]],
      ['msDS-AllowedToActOnBehalfOfOtherIdentity', [b(0x01, 0x00, 0x04, 0x80, 0x14, 0x00)]],
      ['description', [b(0xef, 0xbb, 0xbf, 0x41), b(0xff, 0x00)]],
      ['servicePrincipalName', [utf8('HOST/gogo-3'), utf8('HOST/gogo-3.contoso.com')]],
    ];
    const entry = (parse: Parse) =>
      new SearchEntry({ messageId: 1, name: 'CN=GOGO-3,OU=Hyper-V,DC=contoso,DC=com', attributes: attrs.map(([t, v]) => parseWith(parse, encode(t, v))) });
    const requested = ['sAMAccountName', 'objectSid', 'msDS-AllowedToActOnBehalfOfOtherIdentity', 'description', 'servicePrincipalName', 'dNSHostName'];
    const binary = ['objectSid', 'msDS-AllowedToActOnBehalfOfOtherIdentity'];
    const theirs = withParsedBuffers(originalBuffers, () => entry(originalParse).toObject(requested, binary));
    const ours = entry(proto.parse).toObject(requested, binary);
    expect(ours).toEqual(theirs);
    expect(Buffer.isBuffer(ours.objectSid)).toBe(true);
  });
});

/** Runs `fn` with ldapts's own parsedBuffers getter (toObject reads it through the prototype). */
function withParsedBuffers<T>(getter: (this: Attribute) => Buffer[], fn: () => T): T {
  const mine = Object.getOwnPropertyDescriptor(Attribute.prototype, 'parsedBuffers')!;
  Object.defineProperty(Attribute.prototype, 'parsedBuffers', { configurable: true, get: getter });
  try {
    return fn();
  } finally {
    Object.defineProperty(Attribute.prototype, 'parsedBuffers', mine);
  }
}
