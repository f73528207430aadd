import { hasFlag } from '../domain/uac';
import type { Check } from './types';

/** A disabled computer account can neither obtain nor be the target of tickets. */
export const KCD009: Check = {
  id: 'KCD009',
  severity: 'error',
  title: 'Computer account disabled',
  topics: [],
  scope: 'host',
  roles: ['source', 'target'],
  quiet: (_snapshot, host) => !hasFlag(host.userAccountControl, 'ACCOUNTDISABLE'),
  check({ host }) {
    if (!hasFlag(host.userAccountControl, 'ACCOUNTDISABLE')) return [];
    return [
      {
        rule: 'KCD009',
        severity: 'error',
        subject: host.name,
        message: `The computer account of ${host.name} is disabled.`,
        why:
          `A disabled account gets no TGT from the KDC, and the KDC issues no tickets for its services: ` +
          `${host.name} can neither delegate nor be reached with Kerberos, so no migration to or from it works.`,
        data: {},
        fix: { kind: 'computer', host: host.name, enable: true },
      },
    ];
  },
};
