import { dependsOnRc4, describeEncryptionTypes } from '../domain/encryption-types';
import type { Finding, Fix } from '../domain/finding';

/** KCD018's and KCD019's finding: `subject` allows RC4 but no AES ([] when it allows AES or sets nothing). */
export function rc4OnlyFindings(rule: string, subject: string, types: number | undefined, why: string, fix: Fix): Finding[] {
  if (!dependsOnRc4(types)) return [];
  return [
    {
      rule,
      severity: 'warning',
      subject,
      message: `${subject} allows only RC4 for Kerberos (msDS-SupportedEncryptionTypes ${describeEncryptionTypes(types!)}), no AES.`,
      why,
      data: { supportedEncryptionTypes: types! },
      fix,
    },
  ];
}
