/** The writer's comparison of AD's current values with a plan's basis (pure; the DC test covers the reading). */
import { buildSecurityDescriptor } from '../../src/directory/ldap/normalise';
import { aceText, attributeValues, basisDifferences, currentObjectOf, type CurrentObject } from '../../src/apply/current-object';
import type { ObjectBasis, PlanObject } from '../../src/apply/types';
import { containing } from '../support/typed-matchers';

const DN = 'CN=HV01,OU=Hyper-V,DC=contoso,DC=com';
const SID = 'S-1-5-21-1004336348-1177238915-682003330-1105';
const OTHER_SID = 'S-1-5-21-1004336348-1177238915-682003330-1106';

function objectWith(basis: Partial<ObjectBasis>): PlanObject {
  return {
    dn: DN,
    name: 'HV01$',
    kind: 'computer',
    basis: { allowedToDelegateTo: [], userAccountControl: 4096, supportedEncryptionTypes: null, ...basis },
    changes: [{ attribute: 'msDS-AllowedToDelegateTo', add: ['cifs/HV02'], remove: [] }],
    rules: ['KCD002'],
  };
}

function current(values: Partial<CurrentObject>): CurrentObject {
  return { dn: DN, samAccountName: 'HV01$', allowedToDelegateTo: [], userAccountControl: '4096', supportedEncryptionTypes: null, descriptor: null, aces: null, ...values };
}

describe('basisDifferences', () => {
  it('finds none when AD holds what the plan was made from (delegation entries as a case-insensitive set, in any order)', () => {
    const object = objectWith({ allowedToDelegateTo: ['cifs/HV02', 'Microsoft Virtual System Migration Service/HV02'] });
    expect(basisDifferences(object, current({ allowedToDelegateTo: ['microsoft virtual system migration service/hv02', 'CIFS/hv02'] }))).toEqual([]);
  });

  it('names an entry added or removed since the plan', () => {
    const object = objectWith({ allowedToDelegateTo: ['cifs/HV02'] });
    expect(basisDifferences(object, current({ allowedToDelegateTo: ['cifs/HV02', 'cifs/HV03'] }))).toEqual([
      { dn: DN, attribute: 'msDS-AllowedToDelegateTo', planned: '["cifs/HV02"]', now: '["cifs/HV02","cifs/HV03"]' },
    ]);
    expect(basisDifferences(object, current({ allowedToDelegateTo: [] }))).toEqual([
      { dn: DN, attribute: 'msDS-AllowedToDelegateTo', planned: '["cifs/HV02"]', now: '[]' },
    ]);
  });

  it('counts a duplicate in another letter case as the same entry, but not a set of another size', () => {
    const object = objectWith({ allowedToDelegateTo: ['cifs/HV02', 'CIFS/hv02'] });
    expect(basisDifferences(object, current({ allowedToDelegateTo: ['cifs/hv02'] }))).toEqual([]);
    expect(basisDifferences(objectWith({ allowedToDelegateTo: ['cifs/HV02'] }), current({ allowedToDelegateTo: ['cifs/HV02', 'cifs/HV02x'] }))).toHaveLength(1);
  });

  it('names a changed userAccountControl, comparing AD\'s signed value with the plan\'s unsigned one', () => {
    expect(basisDifferences(objectWith({ userAccountControl: 4096 }), current({ userAccountControl: '16781312' }))).toEqual([
      { dn: DN, attribute: 'userAccountControl', planned: '4096', now: '16781312' },
    ]);
    expect(basisDifferences(objectWith({ userAccountControl: 0x80001000 }), current({ userAccountControl: String(0x80001000 | 0) }))).toEqual([]);
  });

  it('names encryption types set, cleared or changed', () => {
    expect(basisDifferences(objectWith({ supportedEncryptionTypes: null }), current({ supportedEncryptionTypes: '24' }))).toEqual([
      { dn: DN, attribute: 'msDS-SupportedEncryptionTypes', planned: 'absent', now: '24' },
    ]);
    expect(basisDifferences(objectWith({ supportedEncryptionTypes: 24 }), current({ supportedEncryptionTypes: null }))).toEqual([
      { dn: DN, attribute: 'msDS-SupportedEncryptionTypes', planned: '24', now: 'absent' },
    ]);
    expect(basisDifferences(objectWith({ supportedEncryptionTypes: 24 }), current({ supportedEncryptionTypes: '28' }))).toHaveLength(1);
    expect(basisDifferences(objectWith({ supportedEncryptionTypes: 24 }), current({ supportedEncryptionTypes: '24' }))).toEqual([]);
  });

  it('compares the descriptor ACE by ACE, in order (sid, type, mask; the principal\'s name does not count), only when the basis records it', () => {
    const aces = [
      { sid: SID, type: 'allow' as const, mask: 0xf01ff },
      { sid: OTHER_SID, type: 'deny' as const, mask: 0xf01ff },
    ];
    const withAces = current({ aces });
    expect(basisDifferences(objectWith({ resourceBasedAces: aces.map((a) => ({ ...a, principal: 'HV02$' })) }), withAces)).toEqual([]);
    expect(basisDifferences(objectWith({}), withAces)).toEqual([]);
    const reordered = basisDifferences(objectWith({ resourceBasedAces: [aces[1]!, aces[0]!] }), withAces);
    expect(reordered).toEqual([
      {
        dn: DN,
        attribute: 'msDS-AllowedToActOnBehalfOfOtherIdentity',
        planned: JSON.stringify([`D;0xf01ff;${OTHER_SID}`, `A;0xf01ff;${SID}`]),
        now: JSON.stringify([`A;0xf01ff;${SID}`, `D;0xf01ff;${OTHER_SID}`]),
      },
    ]);
    expect(basisDifferences(objectWith({ resourceBasedAces: [{ ...aces[0]!, mask: 0x10000000 }, aces[1]!] }), withAces)).toHaveLength(1);
    expect(basisDifferences(objectWith({ resourceBasedAces: [{ ...aces[0]!, type: 'deny' }, aces[1]!] }), withAces)).toHaveLength(1);
    expect(basisDifferences(objectWith({ resourceBasedAces: null }), withAces)).toEqual([
      { dn: DN, attribute: 'msDS-AllowedToActOnBehalfOfOtherIdentity', planned: 'absent', now: containing(SID) },
    ]);
    expect(basisDifferences(objectWith({ resourceBasedAces: [] }), current({ aces: null }))).toHaveLength(1);
    expect(basisDifferences(objectWith({ resourceBasedAces: null }), current({ aces: null }))).toEqual([]);
    expect(basisDifferences(objectWith({ resourceBasedAces: [] }), current({ aces: 'unreadable' }))).toEqual([
      { dn: DN, attribute: 'msDS-AllowedToActOnBehalfOfOtherIdentity', planned: '[]', now: 'unreadable descriptor' },
    ]);
  });

  it('says the object is gone when it is not in AD any more, and lists every differing attribute otherwise', () => {
    expect(basisDifferences(objectWith({}), undefined)).toEqual([{ dn: DN, attribute: 'object', planned: 'present', now: 'absent' }]);
    const all = basisDifferences(objectWith({ allowedToDelegateTo: ['cifs/HV02'], supportedEncryptionTypes: 4 }), current({ userAccountControl: '4098' }));
    expect(all.map((d) => d.attribute)).toEqual(['msDS-AllowedToDelegateTo', 'userAccountControl', 'msDS-SupportedEncryptionTypes']);
  });
});

describe('currentObjectOf and the outcome\'s values', () => {
  it('reads an ldapts entry: single values as strings, the descriptor as its bytes and ACEs', () => {
    const sd = buildSecurityDescriptor([{ sid: SID, type: 'allow', mask: 0xf01ff }]);
    const now = currentObjectOf(DN, {
      dn: DN,
      sAMAccountName: 'HV01$',
      userAccountControl: '16781312',
      'msDS-AllowedToDelegateTo': 'cifs/HV02',
      'msDS-SupportedEncryptionTypes': '24',
      'msDS-AllowedToActOnBehalfOfOtherIdentity': sd,
    });
    expect(now).toEqual({
      dn: DN,
      samAccountName: 'HV01$',
      allowedToDelegateTo: ['cifs/HV02'],
      userAccountControl: '16781312',
      supportedEncryptionTypes: '24',
      descriptor: sd,
      aces: [{ sid: SID, type: 'allow', mask: 0xf01ff }],
    });
    expect(attributeValues(now, 'msDS-AllowedToActOnBehalfOfOtherIdentity')).toEqual([`A;0xf01ff;${SID}`]);
    expect(attributeValues(now, 'userAccountControl')).toEqual(['16781312']);
  });

  it('reads absent attributes as not set, and a descriptor it cannot parse as unreadable', () => {
    const now = currentObjectOf(DN, { dn: DN, sAMAccountName: 'HV01$', userAccountControl: '4096', 'msDS-AllowedToDelegateTo': [], 'msDS-AllowedToActOnBehalfOfOtherIdentity': Buffer.from([1, 0]) });
    expect(now).toMatchObject({ allowedToDelegateTo: [], supportedEncryptionTypes: null, aces: 'unreadable' });
    expect(attributeValues(now, 'msDS-SupportedEncryptionTypes')).toEqual([]);
    expect(attributeValues(now, 'msDS-AllowedToActOnBehalfOfOtherIdentity')).toEqual(['unreadable descriptor']);
  });

  it('writes ACEs as "A;0x…;SID" and "D;0x…;SID", masks unsigned', () => {
    expect(aceText({ sid: SID, type: 'deny', mask: 0x80000000 | 0 })).toBe(`D;0x80000000;${SID}`);
  });
});
