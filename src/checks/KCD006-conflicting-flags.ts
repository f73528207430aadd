import { hasFlag } from '../domain/uac';
import type { Check } from './types';

/** TRUSTED_FOR_DELEGATION and TRUSTED_TO_AUTH_FOR_DELEGATION together: ADUC cannot show it, migrations misbehave. */
export const KCD006: Check = {
  id: 'KCD006',
  severity: 'error',
  title: 'Unconstrained and protocol-transition flags both set',
  topics: ['protocol-transition', 'unconstrained-delegation'],
  scope: 'host',
  roles: ['source'],
  quiet: (_snapshot, host) => !hasFlag(host.userAccountControl, 'TRUSTED_FOR_DELEGATION'),
  check({ host }) {
    const uac = host.userAccountControl;
    if (!hasFlag(uac, 'TRUSTED_FOR_DELEGATION') || !hasFlag(uac, 'TRUSTED_TO_AUTH_FOR_DELEGATION')) return [];
    return [
      {
        rule: 'KCD006',
        severity: 'error',
        subject: host.name,
        message: `${host.name} has both "trusted for delegation" (0x80000) and "trusted to authenticate for delegation" (0x1000000) set.`,
        why:
          'The Delegation tab offers these as exclusive choices; with both set the account is unconstrained (a security risk) ' +
          'and its constrained-delegation list is not what decides, so migrations behave unpredictably. Keep only protocol transition.',
        data: { userAccountControl: uac },
        fix: { kind: 'account-control', host: host.name, trustedForDelegation: false, trustedToAuthForDelegation: true },
      },
    ];
  },
};
