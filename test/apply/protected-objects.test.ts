/** The writer's own refusals: DCs, krbtgt, and delegation to a DC's service. */
import type { CurrentObject } from '../../src/apply/current-object';
import { namesDomainControllerService, protectedObjectReason } from '../../src/apply/protected-objects';

const object = (samAccountName: string, userAccountControl: string): CurrentObject => ({
  dn: `CN=${samAccountName},DC=contoso,DC=com`,
  samAccountName,
  allowedToDelegateTo: [],
  userAccountControl,
  supportedEncryptionTypes: null,
  descriptor: null,
  aces: null,
});

describe('protectedObjectReason', () => {
  it.each([
    ['a DC', object('DC1$', String(0x2000 | 0x80000)), /domain controller/],
    ['a read-only DC', object('RODC1$', String(0x4001000)), /domain controller/],
    ['krbtgt', object('krbtgt', '514'), /krbtgt/],
    ["a read-only DC's krbtgt", object('KRBTGT_12345', '514'), /krbtgt/],
  ])('refuses %s', (_what, o, reason) => {
    expect(protectedObjectReason(o)).toMatch(reason);
  });

  it('lets a member server or a user through', () => {
    expect(protectedObjectReason(object('HV01$', '4096'))).toBeUndefined();
    expect(protectedObjectReason(object('krbtgt-admin', '512'))).toBeUndefined();
  });
});

describe('namesDomainControllerService', () => {
  const dcs = [{ dnsHostName: 'DC1.contoso.com', samAccountName: 'DC1$', servicePrincipalNames: ['E3514235-4B06-11D1-AB04-00C04FC2DCD2/guid/contoso.com'] }];

  it.each(['cifs/dc1.contoso.com', 'CIFS/DC1', 'ldap/dc1.contoso.com/contoso.com', 'HOST/DC1.CONTOSO.COM:445', 'e3514235-4b06-11d1-ab04-00c04fc2dcd2/GUID/contoso.com'])(
    'names %s',
    (spn) => {
      expect(namesDomainControllerService(spn, dcs)).toBe(true);
    },
  );

  it.each(['cifs/hv01.contoso.com', 'cifs/DC10', 'cifs/dc1.contoso.com.evil', 'not-an-spn'])('does not name %s', (spn) => {
    expect(namesDomainControllerService(spn, dcs)).toBe(false);
  });
});
