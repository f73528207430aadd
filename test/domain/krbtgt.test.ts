import { sensitiveKrbtgt } from '../../src/domain/krbtgt';
import type { DirectoryData, SpnAccount, User } from '../../src/domain/model';
import { createSnapshot } from '../../src/domain/snapshot';
import { UAC } from '../../src/domain/uac';
import { fleetData } from '../summary/fleet';

const SENSITIVE = 0x200 | UAC.ACCOUNTDISABLE | UAC.NOT_DELEGATED;
const PLAIN = 0x200 | UAC.ACCOUNTDISABLE;

function krbtgtAccount(dn: string, userAccountControl?: number, sam = 'krbtgt'): SpnAccount {
  return { samAccountName: sam, distinguishedName: dn, servicePrincipalNames: ['kadmin/changepw'], ...(userAccountControl === undefined ? {} : { userAccountControl }) };
}
function krbtgtUser(dn: string, userAccountControl: number, sam = 'krbtgt'): User {
  return { samAccountName: sam, distinguishedName: dn, domain: 'x', userAccountControl, memberOf: [] };
}
function withAccounts(spnAccounts: SpnAccount[], users: User[] = []): DirectoryData {
  return { ...fleetData([{ name: 'HV1' }, { name: 'HV2' }]), domains: ['contoso.com', 'eu.contoso.com'], spnAccounts, users };
}

describe("each domain's krbtgt", () => {
  test('marked sensitive: found for its own domain (by DN), not for another', () => {
    const snapshot = createSnapshot(withAccounts([krbtgtAccount('CN=krbtgt,CN=Users,DC=contoso,DC=com', SENSITIVE), krbtgtAccount('CN=krbtgt,CN=Users,DC=eu,DC=contoso,DC=com', PLAIN)]));
    expect(sensitiveKrbtgt(snapshot, 'contoso.com')).toEqual({ domain: 'contoso.com', distinguishedName: 'CN=krbtgt,CN=Users,DC=contoso,DC=com', userAccountControl: SENSITIVE });
    expect(sensitiveKrbtgt(snapshot, 'eu.contoso.com')).toBeUndefined();
    expect(sensitiveKrbtgt(snapshot, 'fabrikam.com')).toBeUndefined();
  });

  test('the account is krbtgt in any letter case; other accounts and read-only-DC krbtgt_NNNN accounts are not it', () => {
    const dn = 'CN=krbtgt,CN=Users,DC=contoso,DC=com';
    expect(sensitiveKrbtgt(createSnapshot(withAccounts([krbtgtAccount(dn, SENSITIVE, 'KRBTGT')])), 'contoso.com')).toBeDefined();
    expect(sensitiveKrbtgt(createSnapshot(withAccounts([krbtgtAccount(dn, SENSITIVE, 'krbtgt_12345')])), 'contoso.com')).toBeUndefined();
    expect(sensitiveKrbtgt(createSnapshot(withAccounts([krbtgtAccount(dn, SENSITIVE, 'svc-krbtgt')])), 'contoso.com')).toBeUndefined();
  });

  test('flags not read (a snapshot without them) say nothing; a user export that names krbtgt is read too', () => {
    const dn = 'CN=krbtgt,CN=Users,DC=contoso,DC=com';
    expect(sensitiveKrbtgt(createSnapshot(withAccounts([krbtgtAccount(dn)])), 'contoso.com')).toBeUndefined();
    expect(sensitiveKrbtgt(createSnapshot(withAccounts([], [krbtgtUser(dn, SENSITIVE)])), 'contoso.com')?.distinguishedName).toBe(dn);
    // Without flags on the SPN holder, the user export's are used.
    expect(sensitiveKrbtgt(createSnapshot(withAccounts([krbtgtAccount(dn)], [krbtgtUser(dn, SENSITIVE)])), 'contoso.com')).toBeDefined();
  });

  test('the first account read for a domain is the one that counts (the LDAP read before the user export)', () => {
    const dn = 'CN=krbtgt,CN=Users,DC=contoso,DC=com';
    expect(sensitiveKrbtgt(createSnapshot(withAccounts([krbtgtAccount(dn, PLAIN)], [krbtgtUser(dn, SENSITIVE)])), 'contoso.com')).toBeUndefined();
    expect(sensitiveKrbtgt(createSnapshot(withAccounts([krbtgtAccount(dn, SENSITIVE), krbtgtAccount(dn, PLAIN)])), 'contoso.com')).toBeDefined();
  });
});
