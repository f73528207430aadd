/**
 * The one LDAP modify that writes an object's planned changes, as a compare-and-swap: multi-valued
 * msDS-AllowedToDelegateTo by adding and deleting single values (never a replace), single-valued attributes by
 * deleting the exact value read plus adding the new one, so that a value changed by someone else since the
 * re-read makes the modify fail (noSuchAttribute / attributeOrValueExists) instead of being overwritten.
 * Pure: built from the plan's object and the values just read (which equal its basis).
 */
import { Attribute, Change } from 'ldapts';
import { buildSecurityDescriptor } from '../directory/ldap/normalise';
import { UAC } from '../domain/uac';
import { sameAces, signed32, unsigned32, type CurrentObject } from './current-object';
import type { AttributeChange, PlanAttribute, PlanObject } from './types';

/** Bits that make an account a domain controller: a plan never sets them. */
const DC_BITS = UAC.SERVER_TRUST_ACCOUNT | 0x4000000; // PARTIAL_SECRETS_ACCOUNT (read-only DC)

export function isDomainControllerUac(userAccountControl: number | string): boolean {
  return (unsigned32(userAccountControl) & DC_BITS) !== 0;
}

/** Why a plan's object cannot be written as it stands (a plan that contradicts itself or its basis), or undefined. */
export function inconsistency(object: PlanObject): string | undefined {
  const seen = new Set<PlanAttribute>();
  for (const change of object.changes) {
    if (seen.has(change.attribute)) return `${change.attribute} is changed twice`;
    seen.add(change.attribute);
    const problem = changeInconsistency(object, change);
    if (problem) return problem;
  }
  return undefined;
}

function changeInconsistency(object: PlanObject, change: AttributeChange): string | undefined {
  const { basis } = object;
  switch (change.attribute) {
    case 'msDS-AllowedToDelegateTo': {
      const held = new Set(basis.allowedToDelegateTo.map((v) => v.trim().toLowerCase()));
      const present = change.add.find((v) => held.has(v.trim().toLowerCase()));
      if (present !== undefined) return `msDS-AllowedToDelegateTo already holds ${present}, which the plan adds`;
      const absent = change.remove.find((v) => !held.has(v.trim().toLowerCase()));
      if (absent !== undefined) return `msDS-AllowedToDelegateTo does not hold ${absent}, which the plan removes`;
      const empty = [...change.add, ...change.remove].find((v) => v.trim().length === 0);
      return empty !== undefined ? 'msDS-AllowedToDelegateTo: an empty value' : undefined;
    }
    case 'userAccountControl':
      if (unsigned32(change.before) !== unsigned32(basis.userAccountControl)) return 'userAccountControl: the change starts from another value than the basis';
      if (isDomainControllerUac(change.after) && !isDomainControllerUac(change.before)) return 'userAccountControl: the change would make the account a domain controller';
      return undefined;
    case 'msDS-SupportedEncryptionTypes': {
      const from = basis.supportedEncryptionTypes;
      const same = change.before === null || from === null ? change.before === from : unsigned32(change.before) === unsigned32(from);
      return same ? undefined : 'msDS-SupportedEncryptionTypes: the change starts from another value than the basis';
    }
    case 'msDS-AllowedToActOnBehalfOfOtherIdentity': {
      const from = basis.resourceBasedAces;
      if (from === undefined) return 'msDS-AllowedToActOnBehalfOfOtherIdentity: the basis does not record the descriptor the change starts from';
      const same = change.before === null || from === null ? change.before === from : sameAces(change.before, from);
      return same ? undefined : 'msDS-AllowedToActOnBehalfOfOtherIdentity: the change starts from another descriptor than the basis';
    }
  }
}

function change(operation: 'add' | 'delete', type: string, values: string[] | Buffer[]): Change {
  return new Change({ operation, modification: new Attribute({ type, values }) });
}

/** The changes of one modify that writes `object` over `current` (which agrees with its basis). */
export function modifyChanges(object: PlanObject, current: CurrentObject): Change[] {
  const out: Change[] = [];
  for (const planned of object.changes) {
    switch (planned.attribute) {
      case 'msDS-AllowedToDelegateTo': {
        // Deleted as stored (AD matches case-insensitively, but the stored spelling is what was read).
        const remove = new Set(planned.remove.map((v) => v.trim().toLowerCase()));
        const stored = current.allowedToDelegateTo.filter((v) => remove.has(v.trim().toLowerCase()));
        if (stored.length > 0) out.push(change('delete', planned.attribute, stored));
        if (planned.add.length > 0) out.push(change('add', planned.attribute, [...planned.add]));
        break;
      }
      case 'userAccountControl':
        out.push(change('delete', planned.attribute, [current.userAccountControl]), change('add', planned.attribute, [signed32(planned.after)]));
        break;
      case 'msDS-SupportedEncryptionTypes':
        if (current.supportedEncryptionTypes !== null) out.push(change('delete', planned.attribute, [current.supportedEncryptionTypes]));
        out.push(change('add', planned.attribute, [signed32(planned.after)]));
        break;
      case 'msDS-AllowedToActOnBehalfOfOtherIdentity':
        if (current.descriptor !== null) out.push(change('delete', planned.attribute, [current.descriptor]));
        out.push(change('add', planned.attribute, [buildSecurityDescriptor(planned.after)]));
        break;
    }
  }
  return out;
}

/** What a successful modify leaves in AD, for the outcome when the object cannot be read back. */
export function expectedAfter(object: PlanObject, current: CurrentObject): CurrentObject {
  const after: CurrentObject = { ...current, allowedToDelegateTo: [...current.allowedToDelegateTo] };
  for (const planned of object.changes) {
    switch (planned.attribute) {
      case 'msDS-AllowedToDelegateTo': {
        const remove = new Set(planned.remove.map((v) => v.trim().toLowerCase()));
        after.allowedToDelegateTo = [...after.allowedToDelegateTo.filter((v) => !remove.has(v.trim().toLowerCase())), ...planned.add];
        break;
      }
      case 'userAccountControl':
        after.userAccountControl = signed32(planned.after);
        break;
      case 'msDS-SupportedEncryptionTypes':
        after.supportedEncryptionTypes = signed32(planned.after);
        break;
      case 'msDS-AllowedToActOnBehalfOfOtherIdentity':
        after.descriptor = buildSecurityDescriptor(planned.after);
        after.aces = planned.after.map(({ sid, type, mask }) => ({ sid, type, mask }));
        break;
    }
  }
  return after;
}
