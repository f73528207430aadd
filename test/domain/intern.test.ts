import { createInterner, internAll, internComputer, internDirectoryData } from '../../src/domain/intern';
import { fleetData } from '../summary/fleet';

describe('createInterner', () => {
  it('returns the first string object seen for equal values', () => {
    const intern = createInterner();
    const first = intern(['cifs', 'HV01.lab.test'].join('/'));
    const second = intern(['cifs', 'HV01.lab.test'].join('/'));
    expect(second).toBe(first);
    expect(intern('other')).toBe('other');
  });

  it('keeps values case-sensitive (SPN case is compared elsewhere, not merged here)', () => {
    const intern = createInterner();
    expect(intern('cifs/HV01')).toBe('cifs/HV01');
    expect(intern('CIFS/HV01')).toBe('CIFS/HV01');
  });

  it('internAll replaces values in place and keeps order', () => {
    const intern = createInterner();
    const list = internAll(['b', 'a', 'b'], intern);
    expect(list).toEqual(['b', 'a', 'b']);
  });
});

describe('internDirectoryData', () => {
  test('changes no value: the data reads the same after interning, and its lists keep their lengths', () => {
    const data = fleetData([{ name: 'HV1' }, { name: 'HV2' }, { name: 'HV3', ou: 'Other' }]);
    data.computers[0]!.memberOf = ['CN=Hyper-V Hosts,OU=Groups,DC=contoso,DC=com'];
    data.computers[1]!.operatingSystem = undefined;
    data.computers[1]!.operatingSystemVersion = undefined;
    data.computers[2]!.allowedToActOnBehalfOf = ['HV1$'];
    data.users.push({ samAccountName: 'alice', distinguishedName: 'CN=alice,DC=contoso,DC=com', domain: 'contoso.com', userAccountControl: 0x200, memberOf: ['CN=G,DC=contoso,DC=com'] });
    data.groups.push({ distinguishedName: 'CN=G,DC=contoso,DC=com', name: 'G', memberOf: ['CN=H,DC=contoso,DC=com'] });
    data.spnAccounts.push({ samAccountName: 'svc', distinguishedName: 'CN=svc,DC=contoso,DC=com', servicePrincipalNames: ['http/web', 'http/web.contoso.com'] });
    const before = structuredClone(data);
    expect(internDirectoryData(data)).toBe(data);
    expect(data).toEqual(before);
    expect('operatingSystem' in data.computers[1]!).toBe(true); // left undefined, not removed or filled in
    expect(data.computers[1]!.operatingSystem).toBeUndefined();
  });

  test('internComputer returns the computer it was given, every value equal', () => {
    const [c] = fleetData([{ name: 'HV1' }]).computers;
    const copy = structuredClone(c!);
    expect(internComputer(c!, createInterner())).toBe(c);
    expect(c).toEqual(copy);
  });
});
