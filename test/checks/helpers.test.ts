/** The rules' shared helpers on their own (and domain/resource-based's name matching): OS generations, resource-based delegation names, name forms. */
import { fqdnOrGuess, nameForms, runs2016OrLater, runs2025OrLater } from '../../src/checks/helpers';
import { resourceBasedAllows } from '../../src/domain/resource-based';
import type { Computer } from '../../src/domain/model';

const computer = (parts: Partial<Computer>): Computer => ({
  name: 'HV1',
  samAccountName: 'HV1$',
  domain: 'contoso.com',
  distinguishedName: 'CN=HV1,DC=contoso,DC=com',
  userAccountControl: 0x1000,
  servicePrincipalNames: [],
  allowedToDelegateTo: [],
  allowedToActOnBehalfOf: [],
  memberOf: [],
  ...parts,
});

describe('runs2016OrLater (KCD004: protocol transition needs 2016)', () => {
  test.each([
    // The version decides when recorded, whatever the name says.
    ['10.0 (14393)', 'Windows Server 2012 R2', true],
    ['6.3 (9600)', 'Windows Server 2016', false],
    [' 10.0', undefined, true],
    ['9.9', undefined, false],
    ['11.0 (30000)', undefined, true],
    // Without a version, the year in the name.
    [undefined, 'Windows Server 2016 Standard', true],
    [undefined, 'Windows Server 2012 R2 Datacenter', false],
    [undefined, 'Windows Server 2008 R2', false],
    [undefined, 'Windows Server 2025 Datacenter', true],
    // No year: old client names are not, anything else (and nothing) is taken as recent.
    [undefined, 'Windows 8.1 Enterprise', false],
    [undefined, 'windows xp professional', false],
    [undefined, 'Windows Server Datacenter', true],
    [undefined, undefined, true],
  ])('version %p, name %p: %p', (operatingSystemVersion, operatingSystem, expected) => {
    expect(runs2016OrLater(computer({ operatingSystemVersion, operatingSystem }))).toBe(expected);
  });
});

describe('runs2025OrLater (KCD021: Credential Guard on by default)', () => {
  test.each([
    ['10.0 (26100)', undefined, true],
    ['10.0 (26099)', 'Windows Server 2025', false],
    ['10.0 (100000)', undefined, true],
    [undefined, 'Windows Server 2025', true],
    [undefined, 'Windows Server 2030', true],
    [undefined, 'Windows Server 2022', false],
    [undefined, 'Windows Server', false],
    ['10.0', 'Windows Server 2025', true],
  ])('version %p, name %p: %p', (operatingSystemVersion, operatingSystem, expected) => {
    expect(runs2025OrLater(computer({ operatingSystemVersion, operatingSystem }))).toBe(expected);
  });
});

describe('resourceBasedAllows: DEST\'s msDS-AllowedToActOnBehalfOfOtherIdentity names SOURCE', () => {
  const source = computer({ name: 'SRC', samAccountName: 'SRC$' });
  test.each([
    [['SRC$'], true],
    [['src$'], true],
    [['CONTOSO\\SRC$'], true],
    [['SRC'], true],
    [['contoso\\src'], true],
    [['SRC2$'], false],
    [['XSRC$'], false],
    [['OTHER$', 'SRC$'], true],
    [[], false],
  ])('%j: %p', (principals, expected) => {
    expect(resourceBasedAllows(source, computer({ name: 'DST', allowedToActOnBehalfOf: principals }))).toBe(expected);
  });
});

describe('name forms', () => {
  test('NetBIOS, then the FQDN when known; a guessed FQDN only when none is recorded', () => {
    expect(nameForms(computer({ dnsHostName: 'hv1.contoso.com' }))).toEqual(['HV1', 'hv1.contoso.com']);
    expect(nameForms(computer({}))).toEqual(['HV1']);
    expect(fqdnOrGuess(computer({ dnsHostName: 'hv1.corp.contoso.com' }))).toBe('hv1.corp.contoso.com');
    expect(fqdnOrGuess(computer({}))).toBe('hv1.contoso.com');
  });
});
