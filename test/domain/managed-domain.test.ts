import { domainHasManagedComputers, inManagedDomain } from '../../src/domain/managed-domain';
import type { Computer } from '../../src/domain/model';
import { createSnapshot } from '../../src/domain/snapshot';
import { fleetData } from '../summary/fleet';

const at = (distinguishedName: string) => ({ distinguishedName }) as Computer;

describe('Microsoft Entra Domain Services (AADDC Computers)', () => {
  test('a member computer is told by its own DN: the AADDC Computers OU right above it, in any case and spacing', () => {
    expect(inManagedDomain(at('CN=HV1,OU=AADDC Computers,DC=aadds,DC=contoso,DC=com'))).toBe(true);
    expect(inManagedDomain(at('CN=HV1, ou=aaddc computers ,DC=aadds,DC=com'))).toBe(true);
    expect(inManagedDomain(at('OU=AADDC Computers,DC=aadds,DC=com'))).toBe(true);
    expect(inManagedDomain(at('CN=HV1,OU=Hyper-V,OU=AADDC Computers,DC=aadds,DC=com'))).toBe(true);
  });

  test('not an OU that only contains the words, nor a computer named so', () => {
    expect(inManagedDomain(at('CN=HV1,OU=Old AADDC Computers,DC=contoso,DC=com'))).toBe(false);
    expect(inManagedDomain(at('CN=HV1,OU=AADDC Computers Archive,DC=contoso,DC=com'))).toBe(false);
    expect(inManagedDomain(at('CN=AADDC Computers,OU=Hyper-V,DC=contoso,DC=com'))).toBe(false);
    expect(inManagedDomain(at('CN=HV1,OU=Hyper-V,DC=contoso,DC=com'))).toBe(false);
  });

  test('a domain with one such computer is managed for all its computers; other domains are not', () => {
    const data = fleetData([{ name: 'HV1' }, { name: 'HV2' }, { name: 'EU1' }]);
    const [hv1, hv2, eu1] = data.computers;
    hv1!.distinguishedName = 'CN=HV1,OU=AADDC Computers,DC=contoso,DC=com';
    eu1!.domain = 'eu.contoso.com';
    eu1!.distinguishedName = 'CN=EU1,OU=Hyper-V,DC=eu,DC=contoso,DC=com';
    const snapshot = createSnapshot(data);
    expect(domainHasManagedComputers(snapshot, hv2!)).toBe(true);
    expect(domainHasManagedComputers(snapshot, hv1!)).toBe(true);
    expect(domainHasManagedComputers(snapshot, eu1!)).toBe(false);
    expect(domainHasManagedComputers(createSnapshot(fleetData([{ name: 'HV1' }])), hv2!)).toBe(false);
  });
});
