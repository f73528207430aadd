import { inManagedDomain } from '../domain/managed-domain';
import { hasFlag } from '../domain/uac';
import { runs2016OrLater } from './helpers';
import type { Check } from './types';

/** 2016+ needs protocol transition ("Use any authentication protocol"), not "Kerberos only". */
export const KCD004: Check = {
  id: 'KCD004',
  severity: 'error',
  title: '"Kerberos only" on Windows Server 2016 or later',
  topics: ['protocol-transition'],
  scope: 'host',
  roles: ['source'],
  // Protocol transition on: nothing to say (whatever the OS). In an Entra Domain Services managed domain the flag
  // cannot be set, and resource-based delegation, the one kind available there, does not need it.
  quiet: (_snapshot, host) => hasFlag(host.userAccountControl, 'TRUSTED_TO_AUTH_FOR_DELEGATION') || inManagedDomain(host),
  check({ host }) {
    if (hasFlag(host.userAccountControl, 'TRUSTED_TO_AUTH_FOR_DELEGATION') || inManagedDomain(host)) return [];
    if (!runs2016OrLater(host)) return [];
    const os = host.operatingSystem
      ? `${host.operatingSystem}${host.operatingSystemVersion ? ` ${host.operatingSystemVersion}` : ''}`
      : 'an unknown OS (assumed 2016 or later)';
    return [
      {
        rule: 'KCD004',
        severity: 'error',
        subject: host.name,
        message: `${host.name} is not trusted to "use any authentication protocol" (protocol transition); it runs ${os}.`,
        why:
          'Since Windows Server 2016, Hyper-V is managed through WMI v2 over WinRM, which runs as NETWORK SERVICE and cannot ' +
          "reach your forwardable Kerberos ticket; VMMS must obtain one by protocol transition, so \"Kerberos only\" " +
          'fails with 0x8009030E.',
        data: { operatingSystem: host.operatingSystem ?? '', operatingSystemVersion: host.operatingSystemVersion ?? '' },
        fix: { kind: 'account-control', host: host.name, trustedForDelegation: false, trustedToAuthForDelegation: true },
      },
    ];
  },
};
