import { allowsOnlyDes, dependsOnRc4, describeEncryptionTypes } from '../../src/domain/encryption-types';

describe('msDS-SupportedEncryptionTypes', () => {
  test.each([
    [0x4, true],
    [0x7, true], // DES and RC4, no AES
    [0x5, true],
    [0x1c, false], // RC4 and both AES
    [0xc, false], // RC4 and AES128 alone is enough
    [0x14, false], // RC4 and AES256 alone is enough
    [0x18, false],
    [0x3, false], // DES only: not an RC4 dependency
    [0x20, false], // only bits the KDC does not use for tickets here
    [0, false], // 0 lists nothing: no RC4 either
    [undefined, false], // not set: the DCs' default
  ])('%s depends on RC4: %s', (types, rc4) => {
    expect(dependsOnRc4(types)).toBe(rc4);
  });

  test('DES only: DES bits and neither RC4 nor any AES', () => {
    expect(allowsOnlyDes(0x1)).toBe(true);
    expect(allowsOnlyDes(0x2)).toBe(true);
    expect(allowsOnlyDes(0x3 | 0x20)).toBe(true);
    expect(allowsOnlyDes(0x1 | 0x8)).toBe(false);
    expect(allowsOnlyDes(0x2 | 0x10)).toBe(false);
    expect(allowsOnlyDes(0x1 | 0x4)).toBe(false);
    expect(allowsOnlyDes(0x20)).toBe(false);
  });

  test('described as hex with the names of its known bits, lowest first', () => {
    expect(describeEncryptionTypes(0x4)).toBe('0x4 (RC4-HMAC)');
    expect(describeEncryptionTypes(0x7)).toBe('0x7 (DES-CBC-CRC, DES-CBC-MD5, RC4-HMAC)');
    expect(describeEncryptionTypes(0x18)).toBe('0x18 (AES128, AES256)');
    expect(describeEncryptionTypes(0x24)).toBe('0x24 (RC4-HMAC)');
    expect(describeEncryptionTypes(0x20)).toBe('0x20');
    expect(describeEncryptionTypes(0)).toBe('0x0');
  });
});
