/**
 * Normalisation of what ldapts returns. ldapts gives an attribute with one value as a string (or Buffer), several
 * as an array, an absent requested attribute as [] (or not at all), and numbers as strings. Everything the LDAP
 * adapter reads goes through these helpers, so the rest of the code sees arrays, strings or numbers only.
 */

/** One attribute value as ldapts hands it over. */
export type RawValue = string | Buffer;
/** One attribute as ldapts hands it over (or undefined when the key is missing). */
export type RawAttribute = RawValue | RawValue[] | undefined | null;

function valueToString(value: RawValue): string {
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

/** Every value as a string: [] for absent, one-element array for a single value. Empty strings are dropped. */
export function asArray(raw: RawAttribute): string[] {
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map(valueToString).filter((v) => v.length > 0);
}

/** The first value as a string, or undefined when the attribute is absent or empty. */
export function asString(raw: RawAttribute): string | undefined {
  const values = asArray(raw);
  if (values.length === 0) return undefined;
  const trimmed = values[0]!.trim();
  return trimmed.length > 0 ? trimmed : undefined;
}

/**
 * The first value as an integer, or `fallback` when absent or not a number. userAccountControl is a signed
 * 32-bit integer in AD: negative values (bit 31 set) are kept as they are, bitwise tests still work on them.
 */
export function asNumber(raw: RawAttribute): number | undefined;
export function asNumber(raw: RawAttribute, fallback: number): number;
export function asNumber(raw: RawAttribute, fallback?: number): number | undefined {
  const text = asString(raw);
  if (text === undefined || !/^[-+]?\d+$/.test(text)) return fallback;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : fallback;
}

/**
 * Every value as a Buffer, for binary attributes (objectSid, security descriptors). Request these with ldapts's
 * `explicitBufferAttributes`; a value that still arrives as a string was valid UTF-8, and converting it back
 * with Buffer.from(…, 'utf8') restores the original bytes exactly.
 */
export function asBuffers(raw: RawAttribute): Buffer[] {
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((v) => (Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8'))).filter((b) => b.length > 0);
}

/**
 * An attribute from an ldapts entry, looked up case-insensitively (servers answer with the schema's spelling,
 * which may differ from the requested one). Ranged values (`member;range=0-1499`) are merged in.
 */
export function getAttribute(entry: Readonly<Record<string, unknown>>, name: string): RawValue[] {
  const wanted = name.toLowerCase();
  const out: RawValue[] = [];
  for (const [key, value] of Object.entries(entry)) {
    const lower = key.toLowerCase();
    if (lower !== wanted && !lower.startsWith(`${wanted};range=`)) continue;
    if (value === undefined || value === null) continue;
    const list = Array.isArray(value) ? value : [value];
    for (const v of list) if (typeof v === 'string' || Buffer.isBuffer(v)) out.push(v);
  }
  return out;
}

/** The next range to fetch for a ranged attribute (`member;range=0-1499` → 1500), or undefined when complete. */
export function nextRangeStart(entry: Readonly<Record<string, unknown>>, name: string): number | undefined {
  const wanted = `${name.toLowerCase()};range=`;
  for (const key of Object.keys(entry)) {
    const lower = key.toLowerCase();
    if (!lower.startsWith(wanted)) continue;
    const match = /^(\d+)-(\d+|\*)$/.exec(lower.slice(wanted.length));
    if (!match || match[2] === '*') return undefined;
    return Number(match[2]) + 1;
  }
  return undefined;
}

/**
 * A binary SID (MS-DTYP 2.4.2) as its string form, e.g. S-1-5-21-1004336348-1177238915-682003330-512.
 * Returns undefined for a buffer too short or malformed to be a SID.
 */
export function sidToString(buf: Buffer, offset = 0): string | undefined {
  const parsed = readSid(buf, offset);
  return parsed?.sid;
}

/** Reads a SID at `offset`; returns its string form and its length in bytes. */
export function readSid(buf: Buffer, offset: number): { sid: string; length: number } | undefined {
  if (offset < 0 || offset + 8 > buf.length) return undefined;
  const revision = buf[offset]!;
  const count = buf[offset + 1]!;
  if (revision !== 1 || count > 15) return undefined;
  const length = 8 + 4 * count;
  if (offset + length > buf.length) return undefined;
  const high = buf.readUInt16BE(offset + 2);
  const low = buf.readUInt32BE(offset + 4);
  const authority = high === 0 ? String(low) : `0x${buf.subarray(offset + 2, offset + 8).toString('hex')}`;
  const parts = [`S-1-${authority}`];
  for (let i = 0; i < count; i++) parts.push(String(buf.readUInt32LE(offset + 8 + 4 * i)));
  return { sid: parts.join('-'), length };
}

/** ACE types whose SID is granted access (MS-DTYP 2.4.4.1): allowed, allowed-object, allowed-callback(-object). */
const ALLOWED_ACE_TYPES = new Set([0x00, 0x05, 0x09, 0x0b]);
/** ACE types whose SID is denied access: denied, denied-object, denied-callback(-object). */
const DENIED_ACE_TYPES = new Set([0x01, 0x06, 0x0a, 0x0c]);
/** ACE types that carry object-type GUIDs between the mask and the SID. */
const OBJECT_ACE_TYPES = new Set([0x05, 0x06, 0x07, 0x08, 0x0b, 0x0c, 0x0f, 0x10]);
const SE_DACL_PRESENT = 0x0004;

export interface DaclSids {
  /** SIDs of access-allowed ACEs, in DACL order, without duplicates. */
  allowed: string[];
  /** SIDs of access-denied ACEs. */
  denied: string[];
}

/** One allow or deny ACE of a DACL, as parseSecurityDescriptorAces reads it. */
export interface DaclAce {
  sid: string;
  type: 'allow' | 'deny';
  mask: number;
}

/**
 * Parses a self-relative security descriptor (MS-DTYP 2.4.6), as stored in msDS-AllowedToActOnBehalfOfOtherIdentity,
 * and returns the SIDs its DACL allows and denies. Throws on a malformed descriptor.
 */
export function parseSecurityDescriptorSids(sd: Buffer): DaclSids {
  const result: DaclSids = { allowed: [], denied: [] };
  for (const ace of parseSecurityDescriptorAces(sd)) {
    const list = ace.type === 'allow' ? result.allowed : result.denied;
    if (!list.includes(ace.sid)) list.push(ace.sid);
  }
  return result;
}

/** The allow and deny ACEs of a self-relative security descriptor's DACL, in order (audit and other ACEs skipped). */
export function parseSecurityDescriptorAces(sd: Buffer): DaclAce[] {
  const result: DaclAce[] = [];
  if (sd.length < 20) throw new Error(`security descriptor too short (${sd.length} bytes)`);
  if (sd[0] !== 1) throw new Error(`unsupported security descriptor revision ${sd[0]}`);
  const control = sd.readUInt16LE(2);
  const daclOffset = sd.readUInt32LE(16);
  if ((control & SE_DACL_PRESENT) === 0 || daclOffset === 0) return result;
  if (daclOffset + 8 > sd.length) throw new Error('DACL offset beyond the end of the security descriptor');
  const aclSize = sd.readUInt16LE(daclOffset + 2);
  const aceCount = sd.readUInt16LE(daclOffset + 4);
  const aclEnd = daclOffset + aclSize;
  if (aclSize < 8 || aclEnd > sd.length) throw new Error('DACL size beyond the end of the security descriptor');
  let at = daclOffset + 8;
  for (let i = 0; i < aceCount; i++) {
    if (at + 4 > aclEnd) throw new Error(`ACE ${i} starts beyond the end of the DACL`);
    const type = sd[at]!;
    const aceSize = sd.readUInt16LE(at + 2);
    if (aceSize < 4 || at + aceSize > aclEnd) throw new Error(`ACE ${i} has a bad size (${aceSize})`);
    let sidAt = at + 8; // header (4) + access mask (4)
    if (OBJECT_ACE_TYPES.has(type)) {
      if (at + 12 > aclEnd) throw new Error(`object ACE ${i} is truncated`);
      const flags = sd.readUInt32LE(at + 8);
      sidAt = at + 12 + (flags & 0x1 ? 16 : 0) + (flags & 0x2 ? 16 : 0);
    }
    const isAllowed = ALLOWED_ACE_TYPES.has(type);
    const isDenied = DENIED_ACE_TYPES.has(type);
    if (isAllowed || isDenied) {
      if (aceSize < 8) throw new Error(`ACE ${i} has no access mask`);
      const sid = readSid(sd.subarray(0, at + aceSize), sidAt);
      if (!sid) throw new Error(`ACE ${i} holds no valid SID`);
      result.push({ sid: sid.sid, type: isAllowed ? 'allow' : 'deny', mask: sd.readUInt32LE(at + 4) });
    }
    at += aceSize;
  }
  return result;
}

/** The inverse of sidToString, for tests and for writing security descriptors in the lab. */
export function sidToBuffer(sid: string): Buffer {
  const match = /^S-1-(\d+|0x[0-9a-f]{12})((?:-\d+)*)$/i.exec(sid.trim());
  if (!match) throw new Error(`not a SID: ${sid}`);
  const subs = match[2] ? match[2].slice(1).split('-').map(Number) : [];
  if (subs.length > 15 || subs.some((s) => !Number.isInteger(s) || s < 0 || s > 0xffffffff)) {
    throw new Error(`not a SID: ${sid}`);
  }
  const buf = Buffer.alloc(8 + 4 * subs.length);
  buf[0] = 1;
  buf[1] = subs.length;
  const authority = match[1]!;
  if (authority.toLowerCase().startsWith('0x')) Buffer.from(authority.slice(2), 'hex').copy(buf, 2);
  else {
    const value = Number(authority);
    buf.writeUInt16BE(Math.floor(value / 0x100000000), 2);
    buf.writeUInt32BE(value % 0x100000000, 4);
  }
  subs.forEach((s, i) => buf.writeUInt32LE(s, 8 + 4 * i));
  return buf;
}

/** One ACE of a security descriptor to write (buildSecurityDescriptor): allow or deny `mask` to `sid`. */
export interface AceSpec {
  sid: string;
  type: 'allow' | 'deny';
  mask: number;
}

/** The full-control mask Windows writes for resource-based delegation (CCDCLCSWRPWPDTLOCRSDRCWDWO). */
export const RBCD_FULL_CONTROL_MASK = 0x000f01ff;

/**
 * A minimal self-relative security descriptor granting each SID full control, the shape Windows writes for
 * resource-based delegation (O:BAD:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;SID)…). Used by the lab and the tests.
 */
export function buildAllowSecurityDescriptor(sids: readonly string[], ownerSid = 'S-1-5-32-544'): Buffer {
  return buildSecurityDescriptor(
    sids.map((sid) => ({ sid, type: 'allow', mask: RBCD_FULL_CONTROL_MASK })),
    ownerSid,
  );
}

/** A self-relative security descriptor with these ACEs in this order (the lab writes odd descriptors with it). */
export function buildSecurityDescriptor(aces: readonly AceSpec[], ownerSid = 'S-1-5-32-544'): Buffer {
  const bodies = aces.map(({ sid, type, mask }) => {
    const sidBuf = sidToBuffer(sid);
    const ace = Buffer.alloc(8 + sidBuf.length);
    ace[0] = type === 'allow' ? 0x00 : 0x01; // ACCESS_ALLOWED_ACE_TYPE / ACCESS_DENIED_ACE_TYPE
    ace[1] = 0x00;
    ace.writeUInt16LE(ace.length, 2);
    ace.writeUInt32LE(mask >>> 0, 4);
    sidBuf.copy(ace, 8);
    return ace;
  });
  const aclBody = Buffer.concat(bodies);
  const acl = Buffer.alloc(8);
  acl[0] = 4; // ACL_REVISION_DS, as AD stores it
  acl.writeUInt16LE(8 + aclBody.length, 2);
  acl.writeUInt16LE(bodies.length, 4);
  const owner = sidToBuffer(ownerSid);
  const header = Buffer.alloc(20);
  header[0] = 1;
  header.writeUInt16LE(0x8004, 2); // SE_SELF_RELATIVE | SE_DACL_PRESENT
  header.writeUInt32LE(20, 4); // owner right after the header
  header.writeUInt32LE(20 + owner.length, 16); // DACL after the owner
  return Buffer.concat([header, owner, acl, aclBody]);
}
