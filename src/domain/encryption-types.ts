/**
 * msDS-SupportedEncryptionTypes (MS-KILE 2.2.7): which Kerberos encryption types the KDC may use for tickets to
 * an account. Not set (absent or 0) means the DCs' default: since the April 2026 updates (CVE-2026-20833,
 * KB5073381) that is AES only.
 */
export const ENCRYPTION_TYPE = {
  'DES-CBC-CRC': 0x1,
  'DES-CBC-MD5': 0x2,
  'RC4-HMAC': 0x4,
  AES128: 0x8,
  AES256: 0x10,
} as const;

const AES = ENCRYPTION_TYPE.AES128 | ENCRYPTION_TYPE.AES256;

/**
 * An explicit value that allows RC4 but no AES (e.g. 0x4): such an account gets RC4 tickets, and only while
 * the DCs still issue RC4. Not set is not this: the DCs' default then applies.
 */
export function dependsOnRc4(types: number | undefined): boolean {
  return types !== undefined && (types & AES) === 0 && (types & ENCRYPTION_TYPE['RC4-HMAC']) !== 0;
}

/** "0x4 (RC4-HMAC)", "0x7 (DES-CBC-CRC, DES-CBC-MD5, RC4-HMAC)". */
export function describeEncryptionTypes(types: number): string {
  const names = (Object.keys(ENCRYPTION_TYPE) as Array<keyof typeof ENCRYPTION_TYPE>).filter((n) => (types & ENCRYPTION_TYPE[n]) !== 0);
  return `0x${types.toString(16)}${names.length > 0 ? ` (${names.join(', ')})` : ''}`;
}
