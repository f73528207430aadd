/**
 * Resource-based delegation read ACE by ACE (src/domain/resource-based.ts), by its contract: an ACE applies to
 * the account it names, the first that applies and carries object rights decides, generic rights alone grant
 * nothing, a domain SID no account holds allows nobody.
 */
import type { Computer, ResourceBasedAce } from '../../src/domain/model';
import {
  accountKey,
  correctedPrincipals,
  descriptorVerdict,
  FULL_CONTROL,
  GENERIC_ALL,
  hexMask,
  isDangling,
  namesAccount,
  onlyGenericRights,
  resourceBasedAllows,
} from '../../src/domain/resource-based';

const host = (name: string, more: Partial<Computer> = {}): Computer => ({
  name,
  samAccountName: `${name}$`,
  dnsHostName: `${name.toLowerCase()}.contoso.com`,
  domain: 'contoso.com',
  distinguishedName: `CN=${name},OU=Hyper-V,DC=contoso,DC=com`,
  userAccountControl: 0x1000,
  servicePrincipalNames: [],
  allowedToDelegateTo: [],
  allowedToActOnBehalfOf: [],
  memberOf: [],
  ...more,
});

const SRC = host('SRC');
const ace = (principal: string | undefined, type: 'allow' | 'deny', mask: number, sid = 'S-1-5-21-1-2-3-1100'): ResourceBasedAce =>
  principal === undefined ? { sid, type, mask } : { sid, principal, type, mask };

describe('accountKey and namesAccount', () => {
  test('a domain prefix, a trailing $ and letter case do not make another account', () => {
    expect(['CONTOSO\\GOGO-3$', 'GOGO-3$', 'gogo-3', 'contoso.com\\Gogo-3'].map(accountKey)).toEqual(['gogo-3', 'gogo-3', 'gogo-3', 'gogo-3']);
  });

  test('only a leading domain and one final $ are taken off', () => {
    expect(accountKey('svc$x$')).toBe('svc$x');
    expect(accountKey('svc$$')).toBe('svc$');
    expect(accountKey('A\\B\\host$')).toBe('b\\host');
  });

  test('an ACE without a principal (an unresolved SID) names no account', () => {
    expect(namesAccount(undefined, SRC)).toBe(false);
    expect(namesAccount('CONTOSO\\src$', SRC)).toBe(true);
    expect(namesAccount('SRC2$', SRC)).toBe(false);
  });
});

describe('masks', () => {
  test('generic rights alone, not beside object rights, and not an empty mask', () => {
    expect(onlyGenericRights(GENERIC_ALL)).toBe(true);
    expect(onlyGenericRights(0x80000000)).toBe(true); // GENERIC_READ
    expect(onlyGenericRights(0xf0000000 | 0)).toBe(true); // negative as a 32-bit integer
    expect(onlyGenericRights(0)).toBe(false);
    expect(onlyGenericRights(FULL_CONTROL)).toBe(false);
    expect(onlyGenericRights(GENERIC_ALL | 0x1)).toBe(false);
    expect(onlyGenericRights(0x00800000)).toBe(false); // the highest object right
    expect(onlyGenericRights(0x01000000)).toBe(false); // ACCESS_SYSTEM_SECURITY: neither
  });

  test('shown as unsigned upper-case hexadecimal', () => {
    expect(hexMask(FULL_CONTROL)).toBe('0xF01FF');
    expect(hexMask(GENERIC_ALL)).toBe('0x10000000');
    expect(hexMask(0x80000000 | 0)).toBe('0x80000000');
    expect(hexMask(0)).toBe('0x0');
  });
});

describe('isDangling', () => {
  test('a domain SID with no account, in any letter case', () => {
    expect(isDangling(ace(undefined, 'allow', FULL_CONTROL, 'S-1-5-21-1-2-3-99999'))).toBe(true);
    expect(isDangling(ace(undefined, 'allow', FULL_CONTROL, 's-1-5-21-1-2-3-99999'))).toBe(true);
  });

  test('not a resolved SID, a well-known SID, nor anything that only contains a domain SID', () => {
    expect(isDangling(ace('SRC$', 'allow', FULL_CONTROL, 'S-1-5-21-1-2-3-99999'))).toBe(false);
    for (const sid of ['S-1-1-0', 'S-1-5-32-544', 'S-1-5-21-1-2-3', 'S-1-5-21-1-2-3-4-5', 'xS-1-5-21-1-2-3-4', 'S-1-5-21-1-2-3-4x', 'S-1-5-21-a-2-3-4']) {
      expect([sid, isDangling(ace(undefined, 'allow', FULL_CONTROL, sid))]).toEqual([sid, false]);
    }
  });
});

describe('descriptorVerdict: the first ACE that names the source and carries object rights decides', () => {
  const full = ace('SRC$', 'allow', FULL_CONTROL);
  const deny = ace('CONTOSO\\SRC$', 'deny', FULL_CONTROL, 'S-1-5-21-1-2-3-1100');
  const generic = ace('SRC$', 'allow', GENERIC_ALL);

  test('not named at all, or only by other accounts', () => {
    expect(descriptorVerdict([], SRC)).toEqual({ kind: 'not-named' });
    expect(descriptorVerdict([ace('OTHER$', 'allow', FULL_CONTROL), ace('OTHER$', 'deny', FULL_CONTROL)], SRC)).toEqual({ kind: 'not-named' });
  });

  test('an allow decides, even after ACEs for other accounts', () => {
    expect(descriptorVerdict([ace('OTHER$', 'deny', FULL_CONTROL), full], SRC)).toEqual({ kind: 'allowed', ace: full });
  });

  test('a deny before the allow refuses; an allow before the deny grants', () => {
    expect(descriptorVerdict([deny, full], SRC)).toEqual({ kind: 'denied', ace: deny });
    expect(descriptorVerdict([full, deny], SRC)).toEqual({ kind: 'allowed', ace: full });
  });

  test('generic-only ACEs are passed over: a later allow or deny still decides', () => {
    expect(descriptorVerdict([generic, full], SRC)).toEqual({ kind: 'allowed', ace: full });
    expect(descriptorVerdict([generic, deny], SRC)).toEqual({ kind: 'denied', ace: deny });
  });

  test('named only with generic rights: generic-only, naming the first such ACE', () => {
    const second = ace('SRC$', 'allow', 0x80000000, 'S-1-5-21-1-2-3-2000');
    expect(descriptorVerdict([generic, second], SRC)).toEqual({ kind: 'generic-only', ace: generic });
    expect(descriptorVerdict([second, generic], SRC)).toEqual({ kind: 'generic-only', ace: second });
  });

  test('a generic-only deny and an empty mask say nothing', () => {
    expect(descriptorVerdict([ace('SRC$', 'deny', GENERIC_ALL)], SRC)).toEqual({ kind: 'not-named' });
    expect(descriptorVerdict([ace('SRC$', 'allow', 0)], SRC)).toEqual({ kind: 'not-named' });
    expect(descriptorVerdict([ace('SRC$', 'deny', GENERIC_ALL), ace('SRC$', 'allow', 0), full], SRC)).toEqual({ kind: 'allowed', ace: full });
  });

  test('an ACE with object rights of any kind decides, not only full control', () => {
    const some = ace('SRC$', 'allow', 0x100);
    expect(descriptorVerdict([some], SRC)).toEqual({ kind: 'allowed', ace: some });
    const someDeny = ace('SRC$', 'deny', 0x100 | GENERIC_ALL);
    expect(descriptorVerdict([someDeny, full], SRC)).toEqual({ kind: 'denied', ace: someDeny });
  });
});

describe('resourceBasedAllows', () => {
  test('no principals: not allowed', () => {
    expect(resourceBasedAllows(SRC, host('DST'))).toBe(false);
  });

  test('by the ACEs when they were read: denied and generic-only are not allowed, though the principals name the source', () => {
    const withAces = (aces: ResourceBasedAce[]) => host('DST', { allowedToActOnBehalfOf: ['SRC$'], resourceBasedAces: aces });
    expect(resourceBasedAllows(SRC, withAces([ace('SRC$', 'allow', FULL_CONTROL)]))).toBe(true);
    expect(resourceBasedAllows(SRC, withAces([ace('SRC$', 'deny', FULL_CONTROL), ace('SRC$', 'allow', FULL_CONTROL)]))).toBe(false);
    expect(resourceBasedAllows(SRC, withAces([ace('SRC$', 'allow', GENERIC_ALL)]))).toBe(false);
    expect(resourceBasedAllows(SRC, withAces([]))).toBe(false);
  });

  test('by the principals when the ACEs were not read (older snapshot files), with or without domain and $', () => {
    expect(resourceBasedAllows(SRC, host('DST', { allowedToActOnBehalfOf: ['OTHER$', 'CONTOSO\\src'] }))).toBe(true);
    expect(resourceBasedAllows(SRC, host('DST', { allowedToActOnBehalfOf: ['OTHER$', 'SRC2$'] }))).toBe(false);
  });
});

describe('correctedPrincipals', () => {
  test('from the ACEs: every allowed account once, in order, without domain; no deny, no dangling SID; well-known SIDs kept', () => {
    const dest = host('DST', {
      allowedToActOnBehalfOf: ['A$', 'B$', 'S-1-5-21-1-2-3-99999', 'S-1-1-0'],
      resourceBasedAces: [
        ace('CONTOSO\\A$', 'allow', FULL_CONTROL),
        ace('C$', 'deny', FULL_CONTROL),
        ace(undefined, 'allow', FULL_CONTROL, 'S-1-5-21-1-2-3-99999'),
        ace('B$', 'allow', GENERIC_ALL),
        ace('a$', 'allow', FULL_CONTROL),
        ace(undefined, 'allow', FULL_CONTROL, 'S-1-1-0'),
      ],
    });
    expect(correctedPrincipals(dest)).toEqual(['A$', 'B$', 'S-1-1-0']);
    expect(correctedPrincipals(dest, SRC)).toEqual(['A$', 'B$', 'S-1-1-0', 'SRC$']);
    expect(correctedPrincipals(dest, host('A'))).toEqual(['A$', 'B$', 'S-1-1-0']);
  });

  test('from the principals when the ACEs were not read: domain SIDs dropped (they named no account), the rest kept once', () => {
    const dest = host('DST', { allowedToActOnBehalfOf: ['CONTOSO\\A$', 'S-1-5-21-1-2-3-99999', 'a', 'S-1-1-0', 'B$'] });
    expect(correctedPrincipals(dest)).toEqual(['A$', 'S-1-1-0', 'B$']);
    expect(correctedPrincipals(dest, SRC)).toEqual(['A$', 'S-1-1-0', 'B$', 'SRC$']);
    expect(correctedPrincipals(host('DST'), SRC)).toEqual(['SRC$']);
    expect(correctedPrincipals(host('DST'))).toEqual([]);
  });
});
