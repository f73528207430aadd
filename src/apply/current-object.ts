/**
 * An object of a plan as the writer re-reads it from AD just before writing, compared with the values the plan
 * was made from (its basis). Pure: the LDAP reading is in ldap-writer.ts.
 */
import type { Entry } from 'ldapts';
import { asArray, asBuffers, asString, getAttribute, parseSecurityDescriptorAces } from '../directory/ldap/normalise';
import type { AttributeChange, BasisDifference, ObjectBasis, PlanAttribute, PlannedAce, PlanObject } from './types';

/** What the writer reads of each object (a base-scope search by DN). */
export const WRITER_ATTRIBUTES = [
  'sAMAccountName',
  'userAccountControl',
  'msDS-AllowedToDelegateTo',
  'msDS-SupportedEncryptionTypes',
  'msDS-AllowedToActOnBehalfOfOtherIdentity',
];
export const WRITER_BINARY_ATTRIBUTES = ['msDS-AllowedToActOnBehalfOfOtherIdentity'];

export interface CurrentObject {
  dn: string;
  samAccountName: string;
  allowedToDelegateTo: string[];
  /** As AD returns it (a signed decimal): the exact value a compare-and-swap modify deletes. */
  userAccountControl: string;
  /** As AD returns it; null: not set. */
  supportedEncryptionTypes: string | null;
  /** The descriptor's exact bytes as stored; null: none. */
  descriptor: Buffer | null;
  /** Its ACEs; null: no descriptor; 'unreadable': a descriptor the parser refuses (never matches a basis). */
  aces: PlannedAce[] | null | 'unreadable';
}

export function currentObjectOf(dn: string, entry: Entry): CurrentObject {
  const [descriptor] = asBuffers(getAttribute(entry, 'msDS-AllowedToActOnBehalfOfOtherIdentity'));
  let aces: CurrentObject['aces'] = null;
  if (descriptor) {
    try {
      aces = parseSecurityDescriptorAces(descriptor);
    } catch {
      aces = 'unreadable';
    }
  }
  return {
    dn,
    samAccountName: asString(getAttribute(entry, 'sAMAccountName')) ?? '',
    allowedToDelegateTo: asArray(getAttribute(entry, 'msDS-AllowedToDelegateTo')),
    userAccountControl: asString(getAttribute(entry, 'userAccountControl')) ?? '0',
    supportedEncryptionTypes: asString(getAttribute(entry, 'msDS-SupportedEncryptionTypes')) ?? null,
    descriptor: descriptor ?? null,
    aces,
  };
}

/** A 32-bit integer attribute as an unsigned number (AD stores it signed), for comparing. */
export function unsigned32(value: string | number): number {
  return Number(value) >>> 0;
}

/** The same value as AD's INTEGER syntax writes it: a signed 32-bit decimal. */
export function signed32(value: number): string {
  return String(value | 0);
}

function spnSet(values: readonly string[]): Set<string> {
  return new Set(values.map((v) => v.trim().toLowerCase()));
}

export function sameSpnSet(a: readonly string[], b: readonly string[]): boolean {
  const left = spnSet(a);
  const right = spnSet(b);
  return left.size === right.size && [...left].every((v) => right.has(v));
}

export function sameAces(a: readonly PlannedAce[], b: readonly PlannedAce[]): boolean {
  return a.length === b.length && a.every((ace, i) => ace.sid === b[i]!.sid && ace.type === b[i]!.type && ace.mask >>> 0 === b[i]!.mask >>> 0);
}

/** An ACE as the outcome and the audit show it: "A;0xf01ff;S-1-5-21-…" (D for deny). */
export function aceText(ace: PlannedAce): string {
  return `${ace.type === 'allow' ? 'A' : 'D'};0x${(ace.mask >>> 0).toString(16)};${ace.sid}`;
}

function acesText(aces: readonly PlannedAce[] | null | 'unreadable'): string {
  if (aces === null) return 'absent';
  if (aces === 'unreadable') return 'unreadable descriptor';
  return JSON.stringify(aces.map(aceText));
}

/** Every attribute where AD now differs from the plan's basis (the descriptor only when the basis holds one). */
export function basisDifferences(object: PlanObject, current: CurrentObject | undefined): BasisDifference[] {
  const { dn, basis } = object;
  if (!current) return [{ dn, attribute: 'object', planned: 'present', now: 'absent' }];
  const out: BasisDifference[] = [];
  if (!sameSpnSet(basis.allowedToDelegateTo, current.allowedToDelegateTo)) {
    out.push({ dn, attribute: 'msDS-AllowedToDelegateTo', planned: JSON.stringify(basis.allowedToDelegateTo), now: JSON.stringify(current.allowedToDelegateTo) });
  }
  if (unsigned32(basis.userAccountControl) !== unsigned32(current.userAccountControl)) {
    out.push({ dn, attribute: 'userAccountControl', planned: String(basis.userAccountControl), now: current.userAccountControl });
  }
  const plannedTypes = basis.supportedEncryptionTypes;
  const nowTypes = current.supportedEncryptionTypes;
  if ((plannedTypes === null) !== (nowTypes === null) || (plannedTypes !== null && nowTypes !== null && unsigned32(plannedTypes) !== unsigned32(nowTypes))) {
    out.push({ dn, attribute: 'msDS-SupportedEncryptionTypes', planned: plannedTypes === null ? 'absent' : String(plannedTypes), now: nowTypes ?? 'absent' });
  }
  if (basis.resourceBasedAces !== undefined && !sameDescriptor(basis.resourceBasedAces, current.aces)) {
    out.push({ dn, attribute: 'msDS-AllowedToActOnBehalfOfOtherIdentity', planned: acesText(basis.resourceBasedAces), now: acesText(current.aces) });
  }
  return out;
}

function sameDescriptor(planned: PlannedAce[] | null, now: CurrentObject['aces']): boolean {
  if (planned === null || now === null) return planned === now;
  return now !== 'unreadable' && sameAces(planned, now);
}

/** An attribute's values as the outcome and the audit show them (strings; [] when not set). */
export function attributeValues(current: CurrentObject, attribute: PlanAttribute): string[] {
  switch (attribute) {
    case 'msDS-AllowedToDelegateTo':
      return [...current.allowedToDelegateTo];
    case 'userAccountControl':
      return [current.userAccountControl];
    case 'msDS-SupportedEncryptionTypes':
      return current.supportedEncryptionTypes === null ? [] : [current.supportedEncryptionTypes];
    case 'msDS-AllowedToActOnBehalfOfOtherIdentity':
      return current.aces === null ? [] : current.aces === 'unreadable' ? ['unreadable descriptor'] : current.aces.map(aceText);
  }
}

/** The values of the attributes `changes` touch. */
export function valuesOf(current: CurrentObject, changes: readonly AttributeChange[]): Partial<Record<PlanAttribute, string[]>> {
  return Object.fromEntries(changes.map((c) => [c.attribute, attributeValues(current, c.attribute)]));
}

/** Whether the basis records the descriptor (needed to write one: its exact current value is deleted). */
export function basisHoldsDescriptor(basis: ObjectBasis): boolean {
  return basis.resourceBasedAces !== undefined;
}
