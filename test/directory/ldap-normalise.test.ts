/** Unit tests (no DC) for the LDAP adapter's normalisation helpers and security-descriptor parsing. */
import {
  asArray,
  asBuffers,
  asNumber,
  asString,
  buildAllowSecurityDescriptor,
  buildSecurityDescriptor,
  getAttribute,
  nextRangeStart,
  parseSecurityDescriptorAces,
  parseSecurityDescriptorSids,
  readSid,
  sidToBuffer,
  sidToString,
} from '../../src/directory/ldap/normalise';

describe('asArray / asString / asNumber: what ldapts returns', () => {
  it('one value (a string), several (an array), absent ([] or missing)', () => {
    expect(asArray('HOST/GOGO-3')).toEqual(['HOST/GOGO-3']);
    expect(asArray(['HOST/GOGO-3', 'HOST/gogo-3.contoso.com'])).toEqual(['HOST/GOGO-3', 'HOST/gogo-3.contoso.com']);
    expect(asArray([])).toEqual([]);
    expect(asArray(undefined)).toEqual([]);
    expect(asArray(null)).toEqual([]);
    expect(asArray('')).toEqual([]);
    expect(asArray(Buffer.from('cifs/x', 'utf8'))).toEqual(['cifs/x']);
  });

  it('asString takes the first value, trimmed; undefined when absent or blank', () => {
    expect(asString('gogo-3.contoso.com')).toBe('gogo-3.contoso.com');
    expect(asString(['a', 'b'])).toBe('a');
    expect(asString([])).toBeUndefined();
    expect(asString(undefined)).toBeUndefined();
    expect(asString('   ')).toBeUndefined();
  });

  it('asNumber parses integers given as strings (userAccountControl), with a fallback', () => {
    expect(asNumber('4096')).toBe(4096);
    expect(asNumber(['16781312'])).toBe(0x1001000);
    expect(asNumber('-2147483646')).toBe(-2147483646); // groupType of a global security group
    expect(asNumber([])).toBeUndefined();
    expect(asNumber([], 0)).toBe(0);
    expect(asNumber('12abc', 7)).toBe(7);
    expect(asNumber('1e3', 7)).toBe(7);
    expect(asNumber('99999999999999999999', 5)).toBe(5);
    // Bitwise tests keep working on a negative (bit 31 set) value.
    expect(asNumber('-2147483648')! & 0x1000).toBe(0);
  });

  it('asBuffers returns binary values; a value ldapts decoded as UTF-8 is restored byte for byte', () => {
    const sid = sidToBuffer('S-1-5-21-1-2-3-500');
    expect(asBuffers(sid)).toEqual([sid]);
    expect(asBuffers([sid, sid])).toEqual([sid, sid]);
    const utf8 = Buffer.from([0x01, 0x02, 0x41, 0x42]);
    expect(asBuffers(utf8.toString('utf8'))[0]!.equals(utf8)).toBe(true);
    expect(asBuffers([])).toEqual([]);
    expect(asBuffers(undefined)).toEqual([]);
  });

  it('getAttribute looks names up case-insensitively and merges ranged values', () => {
    const entry = {
      dn: 'CN=X',
      servicePrincipalName: ['a', 'b'],
      'memberOf;range=0-1': ['g1', 'g2'],
      operatingsystem: 'Windows Server 2019',
    };
    expect(getAttribute(entry, 'servicePrincipalName')).toEqual(['a', 'b']);
    expect(getAttribute(entry, 'serviceprincipalname')).toEqual(['a', 'b']);
    expect(getAttribute(entry, 'operatingSystem')).toEqual(['Windows Server 2019']);
    expect(getAttribute(entry, 'memberOf')).toEqual(['g1', 'g2']);
    expect(getAttribute(entry, 'msDS-AllowedToDelegateTo')).toEqual([]);
    expect(nextRangeStart(entry, 'memberOf')).toBe(2);
    expect(nextRangeStart({ dn: 'x', 'memberOf;range=2-*': ['g3'] }, 'memberOf')).toBeUndefined();
    expect(nextRangeStart(entry, 'servicePrincipalName')).toBeUndefined();
  });
});

describe('SIDs', () => {
  it('converts the binary form (MS-DTYP 2.4.2) to S-1-…', () => {
    // BUILTIN\Administrators: revision 1, 2 sub-authorities, authority 5, 32, 544.
    const admins = Buffer.from('01020000000000052000000020020000', 'hex');
    expect(sidToString(admins)).toBe('S-1-5-32-544');
    // Protected Users of a Samba domain whose provision printed DOMAIN SID S-1-5-21-523360339-2857371709-1974353171
    // (objectSid as ldapsearch showed it, base64); sub-authorities are little-endian.
    const protectedUsers = Buffer.from('AQUAAAAAAAUVAAAAU9gxHz0IUKoTPa51DQIAAA==', 'base64');
    expect(sidToString(protectedUsers)).toBe('S-1-5-21-523360339-2857371709-1974353171-525');
    expect(sidToString(Buffer.from('010100000000000100000000', 'hex'))).toBe('S-1-1-0'); // Everyone
  });

  it('writes an identifier authority of 2^32 or more in hex', () => {
    const odd = Buffer.from('0101123456789abc00000000', 'hex');
    expect(sidToString(odd)).toBe('S-1-0x123456789abc-0');
    expect(sidToBuffer('S-1-0x123456789abc-0').equals(odd)).toBe(true);
  });

  it('round-trips through sidToBuffer', () => {
    for (const sid of ['S-1-5-32-544', 'S-1-5-21-1-2-3-4444', 'S-1-5-21-4013952339-2857371709-1974353171-525', 'S-1-5-18']) {
      expect(sidToString(sidToBuffer(sid))).toBe(sid);
    }
  });

  it('rejects what is not a SID', () => {
    expect(sidToString(Buffer.alloc(0))).toBeUndefined();
    expect(sidToString(Buffer.from('0105000000000005', 'hex'))).toBeUndefined(); // says 5 sub-authorities, has none
    expect(sidToString(Buffer.from('020100000000000100000000', 'hex'))).toBeUndefined(); // revision 2
    expect(readSid(Buffer.from('01', 'hex'), 0)).toBeUndefined();
    expect(() => sidToBuffer('S-1-5-x')).toThrow(/not a SID/);
    expect(() => sidToBuffer('G-1-5')).toThrow(/not a SID/);
  });
});

/** A hand-assembled self-relative security descriptor, independent of buildAllowSecurityDescriptor. */
function handMadeSd(): Buffer {
  const sid = (s: string) => sidToBuffer(s);
  const ace = (type: number, body: Buffer) => {
    const header = Buffer.alloc(4);
    header[0] = type;
    header[1] = 0x02; // CONTAINER_INHERIT_ACE: flags must not matter
    header.writeUInt16LE(4 + body.length, 2);
    return Buffer.concat([header, body]);
  };
  const mask = (m: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(m, 0);
    return b;
  };
  const guid = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
  const objectFlags = (f: number) => mask(f);
  const aces = [
    ace(0x00, Buffer.concat([mask(0x000f01ff), sid('S-1-5-21-10-20-30-1105')])), // ACCESS_ALLOWED
    ace(0x01, Buffer.concat([mask(0x000f01ff), sid('S-1-5-21-10-20-30-1106')])), // ACCESS_DENIED
    // ACCESS_ALLOWED_OBJECT with ObjectType and InheritedObjectType GUIDs before the SID.
    ace(0x05, Buffer.concat([mask(0x100), objectFlags(0x3), guid, guid, sid('S-1-5-21-10-20-30-1107')])),
    // ACCESS_ALLOWED_OBJECT with only InheritedObjectType.
    ace(0x05, Buffer.concat([mask(0x100), objectFlags(0x2), guid, sid('S-1-5-21-10-20-30-1108')])),
    // SYSTEM_AUDIT (type 2) in a DACL is ignored.
    ace(0x02, Buffer.concat([mask(0x1), sid('S-1-1-0')])),
    // The same SID twice is listed once.
    ace(0x00, Buffer.concat([mask(0x1), sid('S-1-5-21-10-20-30-1105')])),
  ];
  const body = Buffer.concat(aces);
  const acl = Buffer.alloc(8);
  acl[0] = 4; // ACL_REVISION_DS (object ACEs)
  acl.writeUInt16LE(8 + body.length, 2);
  acl.writeUInt16LE(aces.length, 4);
  const owner = sid('S-1-5-32-544');
  const group = sid('S-1-5-18');
  const header = Buffer.alloc(20);
  header[0] = 1;
  header.writeUInt16LE(0x8004, 2);
  // Layout: header, DACL, owner, group (the DACL first, to check offsets are followed, not assumed).
  header.writeUInt32LE(20 + 8 + body.length, 4); // owner
  header.writeUInt32LE(20 + 8 + body.length + owner.length, 8); // group
  header.writeUInt32LE(0, 12); // no SACL
  header.writeUInt32LE(20, 16); // DACL
  return Buffer.concat([header, acl, body, owner, group]);
}

describe('parseSecurityDescriptorSids (msDS-AllowedToActOnBehalfOfOtherIdentity)', () => {
  it('lists the SIDs of allowed ACEs (plain and object ACEs) and of denied ones', () => {
    expect(parseSecurityDescriptorSids(handMadeSd())).toEqual({
      allowed: ['S-1-5-21-10-20-30-1105', 'S-1-5-21-10-20-30-1107', 'S-1-5-21-10-20-30-1108'],
      denied: ['S-1-5-21-10-20-30-1106'],
    });
  });

  it('reads descriptors as Windows AD stores them (O:BAD:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;SID)…)', () => {
    // Two values seen in published LDAP dumps of Windows DCs (msDS-GroupMSAMembership, the same
    // security-descriptor format as msDS-AllowedToActOnBehalfOfOtherIdentity): owner BA, DACL rev. 4.
    const twoAces = Buffer.from(
      'AQAEgBQAAAAAAAAAAAAAACQAAAABAgAAAAAABSAAAAAgAgAABABQAAIAAAAAACQA/wEPAAEFAAAAAAAFFQAAAEaG8fp0Fw3KRmPkzOgDAAAAACQA/wEPAAEFAAAAAAAFFQAAAEaG8fp0Fw3KRmPkzHYEAAA=',
      'base64',
    );
    expect(parseSecurityDescriptorSids(twoAces)).toEqual({
      allowed: ['S-1-5-21-4210132550-3389855604-3437519686-1000', 'S-1-5-21-4210132550-3389855604-3437519686-1142'],
      denied: [],
    });
    const oneAce = Buffer.from(
      'AQAEgBQAAAAAAAAAAAAAACQAAAABAgAAAAAABSAAAAAgAgAABAAsAAEAAAAAACQA/wEPAAEFAAAAAAAFFQAAAM73+aI0MYUbsDx0CFQEAAA=',
      'base64',
    );
    expect(parseSecurityDescriptorSids(oneAce).allowed).toEqual(['S-1-5-21-2734290894-461713716-141835440-1108']);
    // The lab's builder writes exactly this layout.
    expect(buildAllowSecurityDescriptor(['S-1-5-21-2734290894-461713716-141835440-1108']).equals(oneAce)).toBe(true);
  });

  it('builds descriptors with several principals', () => {
    const sids = ['S-1-5-21-1-2-3-1001', 'S-1-5-21-1-2-3-1002', 'S-1-5-21-1-2-3-1003'];
    expect(parseSecurityDescriptorSids(buildAllowSecurityDescriptor(sids))).toEqual({ allowed: sids, denied: [] });
    expect(parseSecurityDescriptorSids(buildAllowSecurityDescriptor([]))).toEqual({ allowed: [], denied: [] });
  });

  it('returns nothing when there is no DACL', () => {
    const sd = Buffer.alloc(20);
    sd[0] = 1;
    sd.writeUInt16LE(0x8000, 2); // self-relative, DACL not present
    expect(parseSecurityDescriptorSids(sd)).toEqual({ allowed: [], denied: [] });
  });

  it('throws on malformed descriptors instead of reading out of bounds', () => {
    const good = buildAllowSecurityDescriptor(['S-1-5-21-1-2-3-1001']);
    expect(() => parseSecurityDescriptorSids(Buffer.alloc(3))).toThrow(/too short/);
    const badRevision = Buffer.from(good);
    badRevision[0] = 9;
    expect(() => parseSecurityDescriptorSids(badRevision)).toThrow(/revision/);
    const badOffset = Buffer.from(good);
    badOffset.writeUInt32LE(5000, 16);
    expect(() => parseSecurityDescriptorSids(badOffset)).toThrow(/DACL/);
    expect(() => parseSecurityDescriptorSids(good.subarray(0, good.length - 4))).toThrow();
    const badAceSize = Buffer.from(good);
    const daclAt = badAceSize.readUInt32LE(16);
    badAceSize.writeUInt16LE(2, daclAt + 8 + 2); // first ACE claims 2 bytes
    expect(() => parseSecurityDescriptorSids(badAceSize)).toThrow(/bad size/);
    const tooManyAces = Buffer.from(good);
    tooManyAces.writeUInt16LE(5, daclAt + 4);
    expect(() => parseSecurityDescriptorSids(tooManyAces)).toThrow(/beyond the end/);
  });
});

describe('parseSecurityDescriptorAces: type and access mask of each ACE, in DACL order', () => {
  it('keeps what the descriptor rules read: allow or deny, the mask (GENERIC_ALL too), the order', () => {
    const aces = [
      { sid: 'S-1-5-21-1-2-3-1001', type: 'deny' as const, mask: 0xf01ff },
      { sid: 'S-1-5-21-1-2-3-1001', type: 'allow' as const, mask: 0xf01ff },
      { sid: 'S-1-5-21-1-2-3-1002', type: 'allow' as const, mask: 0x10000000 },
      { sid: 'S-1-5-21-1-2-3-1003', type: 'allow' as const, mask: 0xf0000000 },
    ];
    expect(parseSecurityDescriptorAces(buildSecurityDescriptor(aces))).toEqual(aces);
    // The SID view still lists each SID once per kind.
    expect(parseSecurityDescriptorSids(buildSecurityDescriptor(aces))).toEqual({
      allowed: ['S-1-5-21-1-2-3-1001', 'S-1-5-21-1-2-3-1002', 'S-1-5-21-1-2-3-1003'],
      denied: ['S-1-5-21-1-2-3-1001'],
    });
  });

  it('reads object ACEs and skips audit ACEs (the hand-made descriptor)', () => {
    expect(parseSecurityDescriptorAces(handMadeSd()).map((a) => [a.type, a.sid, a.mask])).toEqual([
      ['allow', 'S-1-5-21-10-20-30-1105', 0xf01ff],
      ['deny', 'S-1-5-21-10-20-30-1106', 0xf01ff],
      ['allow', 'S-1-5-21-10-20-30-1107', 0x100],
      ['allow', 'S-1-5-21-10-20-30-1108', 0x100],
      ['allow', 'S-1-5-21-10-20-30-1105', 0x1],
    ]);
  });

  it('refuses an allow ACE too short to hold its mask', () => {
    const good = buildSecurityDescriptor([{ sid: 'S-1-5-21-1-2-3-1001', type: 'allow', mask: 0xf01ff }]);
    const daclAt = good.readUInt32LE(16);
    const short = Buffer.from(good);
    short.writeUInt16LE(4, daclAt + 8 + 2);
    expect(() => parseSecurityDescriptorAces(short)).toThrow(/no access mask/);
  });
});
