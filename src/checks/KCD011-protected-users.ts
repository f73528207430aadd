import { protectedUsersPath } from '../domain/snapshot';
import type { Check } from './types';

/** Protected Users members are never delegated (RID 525), directly or through nested groups. */
export const KCD011: Check = {
  id: 'KCD011',
  severity: 'error',
  title: 'Initiating user is in Protected Users',
  topics: ['protected-users', 'upn'],
  scope: 'user',
  check({ snapshot, user }) {
    const path = protectedUsersPath(snapshot, user);
    if (!path) return [];
    const nested = path.length > 1;
    return [
      {
        rule: 'KCD011',
        severity: 'error',
        subject: user.samAccountName,
        message: nested
          ? `${user.samAccountName} is in Protected Users through ${path.slice(0, -1).join(' → ')}.`
          : `${user.samAccountName} is a member of Protected Users.`,
        why:
          'The KDC never delegates Protected Users members (no constrained or unconstrained delegation), so the hosts ' +
          'cannot act for this account. Use another admin account for migrations, or take this one out of the group.',
        data: { path },
        fix: { kind: 'leave-group', user: user.samAccountName, group: path[0]!, member: user.samAccountName },
      },
    ];
  },
};
