import { rc4OnlyFindings } from './rc4-only';
import type { Check } from './types';

/** KCD018 for the account that starts the migration: the delegated tickets are issued in its name. */
export const KCD019: Check = {
  id: 'KCD019',
  severity: 'warning',
  title: 'Initiating user allows only RC4 Kerberos tickets',
  topics: ['rc4'],
  scope: 'user',
  check: ({ user }) =>
    rc4OnlyFindings(
      'KCD019',
      user.samAccountName,
      user.supportedEncryptionTypes,
      'Domain controllers with the 2026 RC4 hardening (CVE-2026-20833) still honour an explicit RC4-only setting, so ' +
        'this account can start migrations today. When RC4 is switched off on the DCs, Kerberos for this account fails, and ' +
        'with it every migration it starts. Allow AES; an account whose password predates the domain\'s 2008 functional ' +
        'level has no AES keys until its password is changed.',
      { kind: 'encryption-types', account: user.samAccountName, accountKind: 'user' },
    ),
};
