/**
 * The entry decoder (src/directory/ldap/entry-decoder.ts) against ldapts's own parser and toObject (with the
 * leaner Attribute.parse installed, as kcd runs it): crafted SearchResultEntry messages give the same DN and
 * attributes, and mutated ones are either declined (undefined: ldapts then parses them) or give exactly what
 * ldapts gives. The same comparison on whole searches of the Samba DC is in ldap-pages-ahead.dc.test.ts.
 */
import { MessageParser, type SearchEntry } from 'ldapts';
import { attributesOf, type EntryView } from '../../src/directory/ldap/entries';
import { decodeSearchEntry, EntryDecoder, type EntryRequest } from '../../src/directory/ldap/entry-decoder';
import { installFastAttributeParse } from '../../src/directory/ldap/fast-attribute-parse';
import { SequenceInterner } from '../../src/directory/ldap/sequence-interner';

beforeAll(() => {
  expect(installFastAttributeParse()).toBe(true);
});

/** BER: tag, definite length (short form, or long form with `lengthOctets` octets), contents. */
function tlv(tag: number, contents: Buffer, lengthOctets = 0): Buffer {
  const n = contents.length;
  let length: Buffer;
  if (lengthOctets === 0 && n < 0x80) length = Buffer.from([n]);
  else {
    const octets = Math.max(lengthOctets, n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 0x1000000 ? 3 : 4);
    length = Buffer.alloc(1 + octets);
    length[0] = 0x80 | octets;
    for (let i = 0, v = n; i < octets; i++, v = Math.floor(v / 256)) length[octets - i] = v % 256;
  }
  return Buffer.concat([Buffer.from([tag]), length, contents]);
}

const bytes = (v: string | Buffer): Buffer => (typeof v === 'string' ? Buffer.from(v, 'utf8') : v);

interface Shape {
  dn: string | Buffer;
  attributes: Array<[string | Buffer, Array<string | Buffer>]>;
  messageId?: number;
  /** Long-form lengths with this many octets everywhere (BER allows them; LDAP servers rarely send them). */
  lengthOctets?: number;
  /** Bytes after the entry, inside the message (controls). */
  trailer?: Buffer;
}

function entryMessage(shape: Shape): Buffer {
  const L = shape.lengthOctets ?? 0;
  const attributes = shape.attributes.map(([type, values]) =>
    tlv(0x30, Buffer.concat([tlv(0x04, bytes(type), L), tlv(0x31, Buffer.concat(values.map((v) => tlv(0x04, bytes(v), L))), L)]), L),
  );
  const op = tlv(0x64, Buffer.concat([tlv(0x04, bytes(shape.dn), L), tlv(0x30, Buffer.concat(attributes), L)]), L);
  const id = shape.messageId ?? 7;
  const idBytes = id < 0x80 ? Buffer.from([id]) : Buffer.from([(id >> 8) & 0xff, id & 0xff]);
  return tlv(0x30, Buffer.concat([tlv(0x02, idBytes), op, shape.trailer ?? Buffer.alloc(0)]), L);
}

/** What ldapts makes of the message: the entry's view, or undefined when it gives no SearchEntry. */
function reference(message: Buffer, request: EntryRequest): Pick<EntryView, 'dn' | 'attributes'> | undefined {
  const parser = new MessageParser();
  let entry: SearchEntry | undefined;
  parser.on('message', (m) => {
    if (m.constructor.name === 'SearchEntry') entry = m as SearchEntry;
  });
  parser.on('error', () => undefined);
  try {
    parser.read(message, new Map());
  } catch {
    return undefined;
  }
  if (!entry) return undefined;
  const object = entry.toObject([...request.attributes], [...request.explicitBufferAttributes]);
  return { dn: object.dn, attributes: attributesOf(object) };
}

function decoded(message: Buffer, request: EntryRequest): Pick<EntryView, 'dn' | 'attributes'> | undefined {
  const view = decodeSearchEntry(message, request);
  return view && { dn: view.dn, attributes: view.attributes };
}

const REQUEST: EntryRequest = {
  attributes: ['cn', 'servicePrincipalName', 'msDS-AllowedToDelegateTo', 'objectSid', 'memberOf', 'operatingSystem'],
  explicitBufferAttributes: ['objectSid'],
};

const SID = Buffer.from('010500000000000515000000dcf4dc3b833d2b46828ba62853040000', 'hex');

const SHAPES: Record<string, Shape> = {
  'a Hyper-V host': {
    dn: 'CN=GOGO-3,OU=Hyper-V,DC=contoso,DC=com',
    attributes: [
      ['cn', ['GOGO-3']],
      ['servicePrincipalName', ['Microsoft Virtual System Migration Service/GOGO-3', 'HOST/GOGO-3', 'HOST/gogo-3.contoso.com']],
      ['msDS-AllowedToDelegateTo', ['cifs/GOGO-4', 'cifs/gogo-4.contoso.com']],
      ['objectSid', [SID]],
    ],
  },
  'one value (a string, not a list) and an empty value': { dn: 'CN=x,DC=a', attributes: [['operatingSystem', ['Windows Server 2022']], ['description', ['']]] },
  'no values at all': { dn: 'CN=x,DC=a', attributes: [['memberOf', []]] },
  'no attributes (requested ones become empty lists)': { dn: 'CN=x,DC=a', attributes: [] },
  'an empty DN': { dn: '', attributes: [['cn', ['x']]] },
  'names spelled otherwise than requested': { dn: 'CN=x,DC=a', attributes: [['CN', ['x']], ['SERVICEPRINCIPALNAME', ['HOST/x', 'HOST/x.a']], ['OBJECTSID', [SID]]] },
  'UTF-8 beyond ASCII': { dn: 'CN=Zoë Größe,OU=Téléphonie,DC=a', attributes: [['cn', ['Zoë Größe', '日本語', '😀']]] },
  'a leading byte order mark (TextDecoder drops it)': { dn: 'CN=x,DC=a', attributes: [['cn', ['\ufeffbom', 'plain']]] },
  'a real U+FFFD': { dn: 'CN=x,DC=a', attributes: [['cn', ['a\ufffdb']]] },
  'a value that is not UTF-8 (the attribute becomes Buffers)': {
    dn: 'CN=x,DC=a',
    attributes: [['servicePrincipalName', ['HOST/x', Buffer.from([0xff, 0x41]), 'HOST/y']]],
  },
  'a DN that is not UTF-8': { dn: Buffer.from([0x43, 0x4e, 0x3d, 0xff]), attributes: [['cn', ['x']]] },
  'a binary attribute asked for as Buffers, with text in it': { dn: 'CN=x,DC=a', attributes: [['objectSid', ['S-1-5', SID]]] },
  'long values (two- and three-octet lengths)': {
    dn: 'CN=x,DC=a',
    attributes: [['msDS-AllowedToDelegateTo', ['x'.repeat(300), 'y'.repeat(70_000)]]],
  },
  'long-form lengths where short ones would do': { dn: 'CN=x,DC=a', attributes: [['cn', ['x', 'y']]], lengthOctets: 2 },
  'a two-byte message id': { dn: 'CN=x,DC=a', attributes: [['cn', ['x']]], messageId: 300 },
  'an attribute the request did not name': { dn: 'CN=x,DC=a', attributes: [['whenCreated', ['20260101000000.0Z']]] },
};

// Declined (ldapts parses them), with what ldapts makes of each being whatever it is.
const DECLINED: Record<string, Shape> = {
  'a ranged attribute': { dn: 'CN=x,DC=a', attributes: [['memberOf;range=0-1', ['CN=a', 'CN=b']]] },
  'an attribute option': { dn: 'CN=x,DC=a', attributes: [['memberOf;binary', ['CN=a']]] },
  'the same attribute twice': { dn: 'CN=x,DC=a', attributes: [['cn', ['a']], ['CN', ['b']]] },
  'an attribute named dn': { dn: 'CN=x,DC=a', attributes: [['dn', ['CN=y']]] },
  'an attribute named __proto__': { dn: 'CN=x,DC=a', attributes: [['__proto__', ['x']]] },
  'an attribute named like an array index': { dn: 'CN=x,DC=a', attributes: [['2', ['x']], ['cn', ['y']]] },
  'an attribute name beyond ASCII': { dn: 'CN=x,DC=a', attributes: [['İ', ['x']]] },
  'controls after the entry': { dn: 'CN=x,DC=a', attributes: [['cn', ['x']]], trailer: tlv(0xa0, Buffer.alloc(0)) },
};

describe('EntryDecoder gives what ldapts gives', () => {
  it.each(Object.entries(SHAPES))('%s', (_, shape) => {
    const message = entryMessage(shape);
    const expected = reference(message, REQUEST);
    expect(expected).toBeDefined();
    expect(decoded(message, REQUEST)).toEqual(expected);
  });

  it.each(Object.entries(DECLINED))('declines %s (ldapts parses it)', (_, shape) => {
    expect(decoded(entryMessage(shape), REQUEST)).toBeUndefined();
  });

  it('declines every entry of a search that asks for an attribute toObject treats in its own way', () => {
    const message = entryMessage(SHAPES['a Hyper-V host']!);
    expect(decoded(message, { ...REQUEST, attributes: [...REQUEST.attributes, 'memberOf;binary'] })).toBeUndefined();
    expect(decoded(message, { ...REQUEST, attributes: [...REQUEST.attributes, 'DN'] })).toBeUndefined();
    // `dn` itself is where toObject keeps the DN: nothing to add.
    expect(decoded(message, { ...REQUEST, attributes: [...REQUEST.attributes, 'dn'] })).toEqual(reference(message, { ...REQUEST, attributes: [...REQUEST.attributes, 'dn'] }));
  });

  it('declines what is not one whole SearchResultEntry', () => {
    const message = entryMessage(SHAPES['a Hyper-V host']!);
    expect(decodeSearchEntry(message.subarray(0, message.length - 1), REQUEST)).toBeUndefined();
    expect(decodeSearchEntry(Buffer.concat([message, Buffer.from([0x30, 0x00])]), REQUEST)).toBeUndefined();
    const done = Buffer.from(message);
    done[message.indexOf(0x64)] = 0x65;
    expect(decodeSearchEntry(done, REQUEST)).toBeUndefined();
    expect(decodeSearchEntry(Buffer.alloc(0), REQUEST)).toBeUndefined();
  });

  it('mutated messages: declined, or exactly what ldapts makes of them', () => {
    // A fixed-seed generator, so a failure can be replayed.
    let seed = 12345;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const messages = Object.values(SHAPES).map(entryMessage).filter((m) => m.length < 1000);
    let accepted = 0;
    let declined = 0;
    for (let round = 0; round < 4000; round++) {
      const original = messages[random(messages.length)]!;
      const m = Buffer.from(original);
      const kind = random(3);
      if (kind === 0) m[random(m.length)] = random(256);
      else if (kind === 1) m[random(m.length)] ^= 1 << random(8);
      else {
        const at = random(m.length);
        m[at] = m[at]! + (random(2) ? 1 : -1);
      }
      const got = decoded(m, REQUEST);
      if (got === undefined) {
        declined++;
        continue;
      }
      accepted++;
      expect({ round, view: got }).toEqual({ round, view: reference(m, REQUEST) });
    }
    // Both outcomes happen (value bytes change freely; lengths and tags do not).
    expect(accepted).toBeGreaterThan(500);
    expect(declined).toBeGreaterThan(500);
  });

  it('one decoder for a search: attribute names carried from entry to entry do not leak into the next', () => {
    const decoder = new EntryDecoder(REQUEST);
    const shapes = [SHAPES['a Hyper-V host']!, SHAPES['names spelled otherwise than requested']!, SHAPES['a Hyper-V host']!, DECLINED['the same attribute twice']!, SHAPES['UTF-8 beyond ASCII']!];
    for (const shape of shapes) {
      const message = entryMessage(shape);
      const view = decoder.decode(message);
      const expected = decodeSearchEntry(message, REQUEST);
      expect(view && { dn: view.dn, attributes: view.attributes }).toEqual(expected && { dn: expected.dn, attributes: expected.attributes });
    }
  });
});

describe('values interned as they are decoded (SequenceInterner)', () => {
  const DELEGATE = 'msDS-AllowedToDelegateTo';
  const peers = (host: number, of: number[]) =>
    of.filter((p) => p !== host).flatMap((p) => [`Microsoft Virtual System Migration Service/HV${p}`, `Microsoft Virtual System Migration Service/hv${p}.lab.test`, `cifs/HV${p}`, `cifs/hv${p}.lab.test`]);

  it('gives the same values, keeping each distinct value once, predicting most of them', () => {
    const sequence = new SequenceInterner();
    const decoder = new EntryDecoder(REQUEST, new Map([['msds-allowedtodelegateto', sequence]]));
    const cluster = [11, 12, 13, 14, 15, 16, 17, 18];
    // Hosts in no useful order, as a DC returns them; one host lists its peers in another order, one with a typo.
    const hosts = [14, 11, 18, 12, 17, 13, 16, 15];
    const distinct = new Set<string>();
    for (const host of hosts) {
      let values = peers(host, cluster);
      if (host === 17) values = [...values].reverse();
      if (host === 13) values = values.map((v) => v.replace('HV15', 'HV1S'));
      const message = entryMessage({ dn: `CN=HV${host},OU=C1,DC=lab,DC=test`, attributes: [['cn', [`HV${host}`]], [DELEGATE, values]] });
      const view = decoder.decode(message)!;
      expect(view.attributes.get('msds-allowedtodelegateto')).toEqual(values);
      expect(view.interned?.has('msds-allowedtodelegateto')).toBe(true);
      for (const v of values) distinct.add(v);
    }
    expect(sequence.size).toBe(distinct.size);
    expect(sequence.predictedCount).toBeGreaterThan(sequence.decodedCount);
    expect(sequence.predictedCount + sequence.decodedCount).toBe(hosts.length * 7 * 4);
  });

  it('predicts only on equal bytes: same length, one byte different anywhere, is decoded', () => {
    const sequence = new SequenceInterner();
    const decoder = new EntryDecoder(REQUEST, new Map([['msds-allowedtodelegateto', sequence]]));
    const base = ['cifs/HV1', 'cifs/HV2', 'cifs/HV3'];
    const take = (values: string[]) => decoder.decode(entryMessage({ dn: 'CN=x,DC=a', attributes: [[DELEGATE, values]] }))!.attributes.get('msds-allowedtodelegateto');
    take(base);
    expect(take(base)).toEqual(base);
    for (const variant of [['cifs/HV1', 'Cifs/HV2', 'cifs/HV3'], ['cifs/HV1', 'cifs/HV4', 'cifs/HV3'], ['cifs/HV1', 'cifs/HV2', 'cifs/HV3x']]) {
      expect(take(variant)).toEqual(variant);
    }
  });

  it('values beyond ASCII and values that are not UTF-8 come out as without interning', () => {
    const sequence = new SequenceInterner();
    const decoder = new EntryDecoder(REQUEST, new Map([['msds-allowedtodelegateto', sequence]]));
    const lists: Array<Array<string | Buffer>> = [
      ['cifs/Größe', 'cifs/b'],
      ['cifs/Größe', 'cifs/b'],
      ['cifs/a', Buffer.from([0xc3, 0x28]), 'cifs/b'],
      ['\ufeffcifs/bom', 'cifs/b'],
    ];
    for (const values of lists) {
      const message = entryMessage({ dn: 'CN=x,DC=a', attributes: [[DELEGATE, values]] });
      const view = decoder.decode(message)!;
      expect({ dn: view.dn, attributes: view.attributes }).toEqual(reference(message, REQUEST));
    }
  });
});
