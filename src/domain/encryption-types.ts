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
const DES = ENCRYPTION_TYPE['DES-CBC-CRC'] | ENCRYPTION_TYPE['DES-CBC-MD5'];

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

/**
 * An explicit value that allows DES but neither RC4 nor AES (0x1, 0x2, 0x3): DES is off by default since Windows 7
 * and Server 2008 R2 and gone from Windows Server 2025, so the KDC has no encryption type left for tickets to the
 * account (KDC_ERR_ETYPE_NOSUPP, measured on Samba's KDC). Not set is not this.
 */
export function allowsOnlyDes(types: number | undefined): boolean {
  return types !== undefined && (types & (AES | ENCRYPTION_TYPE['RC4-HMAC'])) === 0 && (types & DES) !== 0;
}
