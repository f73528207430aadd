import { isDomainController } from '../domain/snapshot';
import { hasFlag } from '../domain/uac';
import type { Check } from './types';

/** Unconstrained delegation on a member server: a security risk that does not help migration. */
export const KCD005: Check = {
  id: 'KCD005',
  severity: 'warning',
  title: 'Unconstrained delegation on a non-DC host',
  topics: ['unconstrained-delegation'],
  scope: 'host',
  roles: ['source'],
  quiet: (_snapshot, host) => !hasFlag(host.userAccountControl, 'TRUSTED_FOR_DELEGATION'),
  check({ host }) {
    const uac = host.userAccountControl;
    if (!hasFlag(uac, 'TRUSTED_FOR_DELEGATION') || isDomainController(host)) return [];
    if (hasFlag(uac, 'TRUSTED_TO_AUTH_FOR_DELEGATION')) return []; // both flags: KCD006
    return [
      {
        rule: 'KCD005',
        severity: 'warning',
        subject: host.name,
        message: `${host.name} is trusted for delegation to any service (unconstrained delegation).`,
        why:
          'Anyone who controls this host can reuse the TGTs of every user who connects to it, anywhere in the domain; ' +
          'and it does not make live migration work on 2016 or later, which needs constrained delegation with protocol transition.',
        data: { userAccountControl: uac },
        fix: { kind: 'account-control', host: host.name, trustedForDelegation: false, trustedToAuthForDelegation: true },
      },
    ];
  },
};
