/** The one modify per object: values added and deleted one by one, single values swapped (delete old + add new). */
import type { Change } from 'ldapts';
import { expectedAfter, inconsistency, isDomainControllerUac, modifyChanges } from '../../src/apply/modify-changes';
import type { CurrentObject } from '../../src/apply/current-object';
import type { AttributeChange, ObjectBasis, PlanObject } from '../../src/apply/types';
import { buildSecurityDescriptor, parseSecurityDescriptorAces } from '../../src/directory/ldap/normalise';

const DN = 'CN=HV01,OU=Hyper-V,DC=contoso,DC=com';
const SID = 'S-1-5-21-1004336348-1177238915-682003330-1105';
const M = 'Microsoft Virtual System Migration Service';

function object(changes: AttributeChange[], basis: Partial<ObjectBasis> = {}): PlanObject {
  return {
    dn: DN,
    name: 'HV01$',
    kind: 'computer',
    basis: { allowedToDelegateTo: [], userAccountControl: 4096, supportedEncryptionTypes: null, ...basis },
    changes,
    rules: ['KCD001'],
  };
}

function current(values: Partial<CurrentObject> = {}): CurrentObject {
  return { dn: DN, samAccountName: 'HV01$', allowedToDelegateTo: [], userAccountControl: '4096', supportedEncryptionTypes: null, descriptor: null, aces: null, ...values };
}

/** A change as [operation, attribute, values], binary values as hex. */
const shape = (changes: Change[]) =>
  changes.map((c) => [c.operation, c.modification.type, c.modification.values.map((v) => (Buffer.isBuffer(v) ? v.toString('hex') : v))]);

describe('modifyChanges', () => {
  it('adds the missing delegation entries and deletes the removed ones as AD stores them; never a replace', () => {
    const plan = object([{ attribute: 'msDS-AllowedToDelegateTo', add: [`${M}/HV02`, 'cifs/hv02.contoso.com'], remove: ['cifs/hv09'] }], {
      allowedToDelegateTo: ['CIFS/HV09', 'cifs/HV03'],
    });
    const changes = modifyChanges(plan, current({ allowedToDelegateTo: ['CIFS/HV09', 'cifs/HV03'] }));
    expect(shape(changes)).toEqual([
      ['delete', 'msDS-AllowedToDelegateTo', ['CIFS/HV09']],
      ['add', 'msDS-AllowedToDelegateTo', [`${M}/HV02`, 'cifs/hv02.contoso.com']],
    ]);
    expect(changes.some((c) => c.operation === 'replace')).toBe(false);
  });

  it('swaps userAccountControl: delete of the value read, add of the new one (signed, as AD stores it)', () => {
    expect(shape(modifyChanges(object([{ attribute: 'userAccountControl', before: 4096, after: 4096 | 0x1000000 }]), current()))).toEqual([
      ['delete', 'userAccountControl', ['4096']],
      ['add', 'userAccountControl', ['16781312']],
    ]);
    expect(shape(modifyChanges(object([{ attribute: 'userAccountControl', before: 4096, after: 0x80001000 }]), current()))[1]).toEqual([
      'add',
      'userAccountControl',
      [String(0x80001000 | 0)],
    ]);
  });

  it('swaps encryption types, or only adds them when not set', () => {
    const plan = (before: number | null) => object([{ attribute: 'msDS-SupportedEncryptionTypes', before, after: 24 }], { supportedEncryptionTypes: before });
    expect(shape(modifyChanges(plan(4), current({ supportedEncryptionTypes: '4' })))).toEqual([
      ['delete', 'msDS-SupportedEncryptionTypes', ['4']],
      ['add', 'msDS-SupportedEncryptionTypes', ['24']],
    ]);
    expect(shape(modifyChanges(plan(null), current()))).toEqual([['add', 'msDS-SupportedEncryptionTypes', ['24']]]);
  });

  it('deletes the exact descriptor bytes read and adds the new descriptor', () => {
    const old = buildSecurityDescriptor([{ sid: SID, type: 'deny', mask: 0xf01ff }]);
    const after = [{ sid: SID, type: 'allow' as const, mask: 0xf01ff }];
    const plan = object([{ attribute: 'msDS-AllowedToActOnBehalfOfOtherIdentity', before: [{ sid: SID, type: 'deny', mask: 0xf01ff }], after }], {
      resourceBasedAces: [{ sid: SID, type: 'deny', mask: 0xf01ff }],
    });
    const changes = modifyChanges(plan, current({ descriptor: old, aces: parseSecurityDescriptorAces(old) }));
    expect(shape(changes)).toEqual([
      ['delete', 'msDS-AllowedToActOnBehalfOfOtherIdentity', [old.toString('hex')]],
      ['add', 'msDS-AllowedToActOnBehalfOfOtherIdentity', [buildSecurityDescriptor(after).toString('hex')]],
    ]);
    expect(parseSecurityDescriptorAces(changes[1]!.modification.values[0] as Buffer)).toEqual(after);
  });

  it('puts every attribute of the object into the one list of changes', () => {
    const plan = object([
      { attribute: 'msDS-AllowedToDelegateTo', add: ['cifs/HV02'], remove: [] },
      { attribute: 'userAccountControl', before: 4096, after: 16781312 },
    ]);
    expect(shape(modifyChanges(plan, current())).map(([op, type]) => `${String(op)} ${String(type)}`)).toEqual([
      'add msDS-AllowedToDelegateTo',
      'delete userAccountControl',
      'add userAccountControl',
    ]);
  });
});

describe('inconsistency', () => {
  it('accepts a plan that agrees with its basis', () => {
    expect(inconsistency(object([{ attribute: 'msDS-AllowedToDelegateTo', add: ['cifs/HV02'], remove: ['cifs/HV03'] }], { allowedToDelegateTo: ['CIFS/hv03'] }))).toBeUndefined();
  });

  it.each([
    ['an attribute changed twice', object([{ attribute: 'userAccountControl', before: 4096, after: 16781312 }, { attribute: 'userAccountControl', before: 4096, after: 4096 }]), /changed twice/],
    ['adding an entry already held', object([{ attribute: 'msDS-AllowedToDelegateTo', add: ['CIFS/HV02'], remove: [] }], { allowedToDelegateTo: ['cifs/hv02'] }), /already holds/],
    ['removing an entry not held', object([{ attribute: 'msDS-AllowedToDelegateTo', add: [], remove: ['cifs/HV02'] }]), /does not hold/],
    ['an empty entry', object([{ attribute: 'msDS-AllowedToDelegateTo', add: [' '], remove: [] }]), /empty value/],
    ['a userAccountControl swap from another value', object([{ attribute: 'userAccountControl', before: 4098, after: 16781312 }]), /another value/],
    ['turning the account into a DC', object([{ attribute: 'userAccountControl', before: 4096, after: 0x2000 }]), /domain controller/],
    ['turning it into a read-only DC', object([{ attribute: 'userAccountControl', before: 4096, after: 0x4001000 }]), /domain controller/],
    ['encryption types from another value', object([{ attribute: 'msDS-SupportedEncryptionTypes', before: 4, after: 24 }]), /another value/],
    ['a descriptor without its basis', object([{ attribute: 'msDS-AllowedToActOnBehalfOfOtherIdentity', before: null, after: [] }]), /does not record/],
    [
      'a descriptor from another one',
      object([{ attribute: 'msDS-AllowedToActOnBehalfOfOtherIdentity', before: null, after: [] }], { resourceBasedAces: [{ sid: SID, type: 'allow', mask: 1 }] }),
      /another descriptor/,
    ],
  ])('refuses %s', (_what, plan, problem) => {
    expect(inconsistency(plan)).toMatch(problem);
  });

  it('knows the DC bits', () => {
    expect([0x2000, 0x4001000, 0x1000, 0x1001000].map(isDomainControllerUac)).toEqual([true, true, false, false]);
  });
});

describe('expectedAfter', () => {
  it('is what the modify leaves when it succeeds', () => {
    const plan = object(
      [
        { attribute: 'msDS-AllowedToDelegateTo', add: ['cifs/HV02'], remove: ['cifs/hv03'] },
        { attribute: 'userAccountControl', before: 4096, after: 16781312 },
        { attribute: 'msDS-SupportedEncryptionTypes', before: null, after: 24 },
        { attribute: 'msDS-AllowedToActOnBehalfOfOtherIdentity', before: null, after: [{ sid: SID, type: 'allow', mask: 0xf01ff, principal: 'HV02$' }] },
      ],
      { allowedToDelegateTo: ['CIFS/HV03', 'cifs/HV04'], resourceBasedAces: null },
    );
    expect(expectedAfter(plan, current({ allowedToDelegateTo: ['CIFS/HV03', 'cifs/HV04'] }))).toMatchObject({
      allowedToDelegateTo: ['cifs/HV04', 'cifs/HV02'],
      userAccountControl: '16781312',
      supportedEncryptionTypes: '24',
      aces: [{ sid: SID, type: 'allow', mask: 0xf01ff }],
    });
  });
});
