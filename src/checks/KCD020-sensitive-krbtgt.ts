import { sensitiveKrbtgt } from '../domain/krbtgt';
import type { Check } from './types';

/**
 * krbtgt marked "Account is sensitive and cannot be delegated": the KDC then delegates nobody, so every pair
 * of the domain fails (a known cause of 0x8009030E). A host rule on the source: the source's domain's KDC decides.
 */
export const KCD020: Check = {
  id: 'KCD020',
  severity: 'error',
  title: 'krbtgt is marked sensitive (no delegation in the domain)',
  topics: ['kdc', 'protected-users'],
  scope: 'host',
  roles: ['source'],
  quiet: (snapshot, host) => sensitiveKrbtgt(snapshot, host.domain) === undefined,
  check({ snapshot, host }) {
    const krbtgt = sensitiveKrbtgt(snapshot, host.domain);
    if (!krbtgt) return [];
    return [
      {
        rule: 'KCD020',
        severity: 'error',
        subject: 'krbtgt',
        message: `The krbtgt account of ${krbtgt.domain} is marked "Account is sensitive and cannot be delegated".`,
        why:
          'The KDC then refuses constrained delegation for everyone in the domain: every live migration started remotely fails ' +
          'with 0x8009030E "No credentials are available in the security package", whatever the hosts and your account allow. ' +
          'krbtgt never needs the flag; it is usually left by a script that marked every account in CN=Users.',
        data: { domain: krbtgt.domain, userAccountControl: krbtgt.userAccountControl },
        fix: { kind: 'user-delegable', user: 'krbtgt' },
      },
    ];
  },
};
