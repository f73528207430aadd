import { allowsOnlyDes, describeEncryptionTypes } from '../domain/encryption-types';
import type { Check } from './types';

/**
 * A host set to DES only (msDS-SupportedEncryptionTypes 0x1-0x3): no DC issues DES tickets by default since Server
 * 2008 R2, so no service ticket to this host can be issued at all: delegation to it and its own S4U2Self both fail
 * now, not only once RC4 is switched off (KCD018). Source, destination and SMB file servers all run it.
 */
export const KCD023: Check = {
  id: 'KCD023',
  severity: 'error',
  title: 'Host allows only DES Kerberos tickets',
  topics: ['rc4'],
  scope: 'host',
  roles: ['source', 'target'],
  quiet: (_snapshot, host) => !allowsOnlyDes(host.supportedEncryptionTypes),
  check({ host }) {
    const types = host.supportedEncryptionTypes;
    if (!allowsOnlyDes(types)) return [];
    return [
      {
        rule: 'KCD023',
        severity: 'error',
        subject: host.name,
        message: `${host.name} allows only DES for Kerberos (msDS-SupportedEncryptionTypes ${describeEncryptionTypes(types!)}), neither AES nor RC4.`,
        why:
          'DES is off on domain controllers since Windows Server 2008 R2 and removed in Windows Server 2025, so the KDC has no ' +
          'encryption type left for a ticket to this host (KDC_ERR_ETYPE_NOSUPP, "KDC has no support for encryption type"): ' +
          'every live migration to or from it fails now. Allow AES (and check any GPO "Configure encryption types allowed ' +
          'for Kerberos" that the host applies).',
        data: { supportedEncryptionTypes: types!, des: true },
        fix: { kind: 'encryption-types', account: host.name, accountKind: 'computer' },
      },
    ];
  },
};
