import { dependsOnRc4 } from '../domain/encryption-types';
import { rc4OnlyFindings } from './rc4-only';
import type { Check } from './types';

/**
 * A host set to RC4 only: DCs with the 2026 updates (CVE-2026-20833) still honour that explicit setting, so the
 * migration works today (a warning), and fails as soon as RC4 is switched off. Source, destination and SMB file
 * servers all run it (file servers as targets).
 */
export const KCD018: Check = {
  id: 'KCD018',
  severity: 'warning',
  title: 'Host allows only RC4 Kerberos tickets',
  topics: ['rc4'],
  scope: 'host',
  roles: ['source', 'target'],
  quiet: (_snapshot, host) => !dependsOnRc4(host.supportedEncryptionTypes),
  check: ({ host }) =>
    rc4OnlyFindings(
      'KCD018',
      host.name,
      host.supportedEncryptionTypes,
      'Domain controllers with the 2026 RC4 hardening (CVE-2026-20833) still issue RC4 tickets to an account set to RC4 ' +
        'explicitly, so migrations work today, and KDCSVC events 201-209 on the DCs report that RC4 use. When RC4 is switched ' +
        'off on the DCs, the KDC issues no ticket for this host and every live migration to or from it fails. Allow AES ' +
        '(and change any GPO "Configure encryption types allowed for Kerberos" that sets RC4 only: the host writes that value back).',
      { kind: 'encryption-types', account: host.name, accountKind: 'computer' },
    ),
};
