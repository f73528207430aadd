import { isDomainController } from '../domain/snapshot';
import { hasFlag } from '../domain/uac';
import { runs2025OrLater } from './helpers';
import type { Check } from './types';

/**
 * Unconstrained delegation on Windows Server 2025: Credential Guard, on by default there, keeps the TGTs that
 * unconstrained delegation would forward, so it no longer works at all (KCD005 says why it never should).
 */
export const KCD021: Check = {
  id: 'KCD021',
  severity: 'error',
  title: 'Unconstrained delegation on Windows Server 2025 (Credential Guard)',
  topics: ['credential-guard', 'unconstrained-delegation'],
  scope: 'host',
  roles: ['source'],
  quiet: (_snapshot, host) => !hasFlag(host.userAccountControl, 'TRUSTED_FOR_DELEGATION') || !runs2025OrLater(host),
  check({ host }) {
    if (!hasFlag(host.userAccountControl, 'TRUSTED_FOR_DELEGATION') || isDomainController(host) || !runs2025OrLater(host)) return [];
    const os = [host.operatingSystem, host.operatingSystemVersion].filter((p) => p !== undefined).join(' ');
    return [
      {
        rule: 'KCD021',
        severity: 'error',
        subject: host.name,
        message: `${host.name} runs ${os} and is trusted for unconstrained delegation, which Credential Guard blocks there.`,
        why:
          'Windows Server 2025 turns Credential Guard on by default on domain members that are not domain controllers. It ' +
          'keeps the TGTs that unconstrained delegation would pass on, so delegation from this host fails, and so do CredSSP ' +
          'moves. Kerberos with constrained delegation and protocol transition is the way that works.',
        data: { operatingSystem: host.operatingSystem ?? '', operatingSystemVersion: host.operatingSystemVersion ?? '' },
        fix: { kind: 'account-control', host: host.name, trustedForDelegation: false, trustedToAuthForDelegation: true },
      },
    ];
  },
};
