/**
 * Entry → model conversion for the streamed reads of LdapDirectory.readData, one page at a time.
 *
 * Why not the generic helpers of normalise.ts: `getAttribute` walks every key of the entry for every attribute
 * it is asked for, and `asArray` maps and filters into new arrays; at 5,000 computers with ~100 values each
 * that churn was a visible share of the read. Here each entry's keys are walked once, values are copied once,
 * and every string value is interned (one string object per distinct value, see domain/intern.ts). The output
 * is the same as the generic helpers' (test/support/ldap-reference.ts keeps that conversion as the oracle;
 * test/directory/ldap-entries.test.ts compares both).
 */
import type { Entry } from 'ldapts';
import type { Interner } from '../../domain/intern';
import type { Computer, Group, SpnAccount } from '../../domain/model';
import { domainOfDn } from '../../domain/snapshot';
import { sidToString, type RawValue } from './normalise';

/** An entry's attributes by lower-cased name; ranged keys (`member;range=0-1499`) merged into their attribute. */
export type Attributes = Map<string, RawValue | RawValue[]>;

/** True when the entry holds a ranged attribute (AD's MaxValRange): the caller must complete it first. */
export function hasRangedAttribute(entry: Entry): boolean {
  for (const key in entry) if (key.toLowerCase().includes(';range=')) return true;
  return false;
}

/** One pass over the entry's keys (getAttribute's matching rules: exact name, or name;range=…). */
export function attributesOf(entry: Entry): Attributes {
  const out: Attributes = new Map();
  for (const key in entry) addAttribute(out, key, entry[key]);
  return out;
}

/**
 * Files one key of an ldapts entry (`toObject`'s result) under its attribute's lower-cased name: `dn` and names
 * with options other than a range (`memberOf;binary`) are left out, a ranged part is merged into its attribute.
 */
export function addAttribute(out: Attributes, key: string, value: unknown): void {
  if (key === 'dn') return;
  let lower = key.toLowerCase();
  const semicolon = lower.indexOf(';');
  if (semicolon >= 0) {
    if (!lower.startsWith(';range=', semicolon)) return;
    lower = lower.slice(0, semicolon);
  }
  if (value === undefined || value === null) return;
  const known = out.get(lower);
  if (known === undefined) {
    out.set(lower, value as RawValue | RawValue[]);
    return;
  }
  // A second key for the same attribute (ranges): merge in key order, as getAttribute does.
  const merged = Array.isArray(known) ? [...known] : [known];
  for (const v of Array.isArray(value) ? value : [value]) merged.push(v as RawValue);
  out.set(lower, merged);
}

/** An entry as the streamed reader takes it: its DN, its attributes (attributesOf) and the ldapts entry itself. */
export interface EntryView {
  dn: string;
  attributes: Attributes;
  /** Kept for completing ranged attributes. */
  entry?: Entry;
}

/** The view of an entry ldapts parsed. */
export function viewOf(entry: Entry): EntryView {
  return { dn: entry.dn, attributes: attributesOf(entry), entry };
}

function isValue(v: unknown): v is RawValue {
  return typeof v === 'string' || Buffer.isBuffer(v);
}

/** For values that are not worth interning (see toReadComputer). */
const asRead: Interner = (value) => value;

/** asArray's result (strings, empty ones dropped), interned. */
export function stringsOf(attrs: Attributes, name: string, intern: Interner): string[] {
  const raw = attrs.get(name);
  if (raw === undefined) return [];
  if (Array.isArray(raw) && nonEmptyStrings(raw)) {
    // The usual case: the view's own list is the result (a view is converted once and then dropped), interned in
    // place; at 5,000 hosts that spares ~10,000 copies of lists of ~90 values.
    if (intern !== asRead) for (let i = 0; i < raw.length; i++) raw[i] = intern(raw[i] as string);
    return raw as string[];
  }
  const out: string[] = [];
  if (!Array.isArray(raw)) {
    const s = typeof raw === 'string' ? raw : isValue(raw) ? raw.toString('utf8') : undefined;
    if (s !== undefined && s.length > 0) out.push(intern(s));
    return out;
  }
  for (const v of raw) {
    const s = typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('utf8') : undefined;
    if (s !== undefined && s.length > 0) out.push(intern(s));
  }
  return out;
}

function nonEmptyStrings(values: readonly RawValue[]): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'string' || v.length === 0) return false;
  }
  return true;
}

/** asString's result: the first non-empty value, trimmed; undefined when absent or blank. */
export function stringOf(attrs: Attributes, name: string): string | undefined {
  const raw = attrs.get(name);
  if (raw === undefined) return undefined;
  const list = Array.isArray(raw) ? raw : [raw];
  for (const v of list) {
    const s = typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('utf8') : undefined;
    if (s === undefined || s.length === 0) continue;
    const trimmed = s.trim();
    return trimmed.length > 0 ? trimmed : undefined;
  }
  return undefined;
}

/** asNumber's result. */
export function numberOf(attrs: Attributes, name: string, fallback: number): number {
  const text = stringOf(attrs, name);
  if (text === undefined || !/^[-+]?\d+$/.test(text)) return fallback;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : fallback;
}

/** asBuffers's result. */
export function buffersOf(attrs: Attributes, name: string): Buffer[] {
  const raw = attrs.get(name);
  if (raw === undefined) return [];
  const out: Buffer[] = [];
  for (const v of Array.isArray(raw) ? raw : [raw]) {
    const b = Buffer.isBuffer(v) ? v : typeof v === 'string' ? Buffer.from(v, 'utf8') : undefined;
    if (b && b.length > 0) out.push(b);
  }
  return out;
}

/** The entry's objectSid as a string, if it has a valid one. */
export function sidOf(attrs: Attributes): string | undefined {
  const [buf] = buffersOf(attrs, 'objectsid');
  return buf ? sidToString(buf) : undefined;
}

/** A computer as read; its resource-based delegation is resolved once every SID is known (`rbcd`). */
export interface ReadComputer {
  computer: Computer;
  sid?: string;
  /** The sAMAccountName as read (computer.samAccountName falls back to cn$). */
  sam?: string;
  /** The raw msDS-AllowedToActOnBehalfOfOtherIdentity descriptors (empty for nearly every computer). */
  rbcd: Buffer[];
}

/** Memoises domainOfDn by the DN's DC= suffix (every computer of a domain shares it). */
export function createDomainOfDn(): (dn: string) => string {
  const cache = new Map<string, string>();
  return (dn) => {
    // domainOfDn splits at each "," followed by DC=: its result depends only on the DN from the first such comma.
    const at = dn.search(/,(?=\s*DC=)/i);
    if (at < 0) return domainOfDn(dn);
    const suffix = dn.slice(at);
    let domain = cache.get(suffix);
    if (domain === undefined) {
      domain = domainOfDn(suffix);
      cache.set(suffix, domain);
    }
    return domain;
  };
}

export function toReadComputer(entry: EntryView, intern: Interner, domainOf: (dn: string) => string): ReadComputer {
  const attrs = entry.attributes;
  const dn = stringOf(attrs, 'distinguishedname') ?? entry.dn;
  const sam = stringOf(attrs, 'samaccountname') ?? '';
  const name = stringOf(attrs, 'cn') ?? sam.replace(/\$$/, '');
  const computer: Computer = {
    name,
    samAccountName: sam || `${name}$`,
    domain: intern(domainOf(dn)),
    distinguishedName: dn,
    userAccountControl: numberOf(attrs, 'useraccountcontrol', 0),
    // An account's SPNs are its own (HOST/<name>, …): interning them would fill the interner with values that never
    // recur (60,000 of the 70,000 distinct values of the benchmark's 5,000 hosts) and slow every other lookup.
    servicePrincipalNames: stringsOf(attrs, 'serviceprincipalname', asRead),
    allowedToDelegateTo: stringsOf(attrs, 'msds-allowedtodelegateto', intern),
    allowedToActOnBehalfOf: [],
    memberOf: stringsOf(attrs, 'memberof', intern),
  };
  const dnsHostName = stringOf(attrs, 'dnshostname');
  if (dnsHostName) computer.dnsHostName = dnsHostName;
  const os = stringOf(attrs, 'operatingsystem');
  if (os) computer.operatingSystem = intern(os);
  const osVersion = stringOf(attrs, 'operatingsystemversion');
  if (osVersion) computer.operatingSystemVersion = intern(osVersion);
  // A signed 32-bit integer in AD: read as the bit set it is.
  const encryptionTypes = numberOf(attrs, 'msds-supportedencryptiontypes', Number.NaN);
  if (!Number.isNaN(encryptionTypes)) computer.supportedEncryptionTypes = encryptionTypes >>> 0;
  const read: ReadComputer = { computer, rbcd: buffersOf(attrs, 'msds-allowedtoactonbehalfofotheridentity') };
  const sid = sidOf(attrs);
  if (sid) {
    read.sid = sid;
    computer.sid = sid;
  }
  if (sam) read.sam = sam;
  return read;
}

/** A non-computer SPN holder, with its SID (to name resource-based delegation principals). */
export function toReadSpnAccount(entry: EntryView, intern: Interner): { account: SpnAccount; sid?: string } {
  const attrs = entry.attributes;
  const account: SpnAccount = {
    samAccountName: stringOf(attrs, 'samaccountname') ?? '',
    distinguishedName: stringOf(attrs, 'distinguishedname') ?? entry.dn,
    servicePrincipalNames: stringsOf(attrs, 'serviceprincipalname', intern),
  };
  const userAccountControl = numberOf(attrs, 'useraccountcontrol', Number.NaN);
  if (!Number.isNaN(userAccountControl)) account.userAccountControl = userAccountControl;
  const sid = sidOf(attrs);
  return sid ? { account, sid } : { account };
}

export function toGroup(entry: EntryView, intern: Interner): Group {
  const attrs = entry.attributes;
  const dn = stringOf(attrs, 'distinguishedname') ?? entry.dn;
  const group: Group = {
    distinguishedName: dn,
    name: stringOf(attrs, 'cn') ?? dn,
    memberOf: stringsOf(attrs, 'memberof', intern),
  };
  const sid = sidOf(attrs);
  if (sid) group.sid = sid;
  return group;
}
