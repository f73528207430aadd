import { hasFlag } from '../domain/uac';
import type { Check } from './types';

/** "Account is sensitive and cannot be delegated": the KDC never delegates this user. */
export const KCD010: Check = {
  id: 'KCD010',
  severity: 'error',
  title: 'Initiating user cannot be delegated (sensitive account)',
  topics: ['protected-users', 'upn'],
  scope: 'user',
  check({ user }) {
    if (!hasFlag(user.userAccountControl, 'NOT_DELEGATED')) return [];
    return [
      {
        rule: 'KCD010',
        severity: 'error',
        subject: user.samAccountName,
        message: `${user.samAccountName} is marked "Account is sensitive and cannot be delegated".`,
        why:
          'The KDC refuses every delegated ticket for this account, whatever the hosts allow. Start the migration with ' +
          'an account that can be delegated, or clear the flag if it was not set on purpose.',
        data: { userAccountControl: user.userAccountControl },
        fix: { kind: 'user-delegable', user: user.samAccountName },
      },
    ];
  },
};
