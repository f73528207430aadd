import { entriesHeldByDomainControllers } from './helpers';
import { delegationIdsOf } from '../domain/snapshot';
import type { Check } from './types';

/** A host that may delegate to a DC's services can impersonate anyone towards the DC: tier-0 exposure. */
export const KCD015: Check = {
  id: 'KCD015',
  severity: 'error',
  title: 'Delegation to a domain controller',
  topics: ['constrained-delegation'],
  scope: 'host',
  roles: ['source'],
  quiet: (snapshot, host) => !delegationIdsOf(snapshot, host).anyDomainController,
  check({ snapshot, host }) {
    return entriesHeldByDomainControllers(snapshot, host).flatMap(({ spn, dc }) => {
      return [
        {
          rule: 'KCD015',
          severity: 'error' as const,
          subject: host.name,
          message: `${host.name} may delegate to "${spn}", a service of domain controller ${dc.name}.`,
          why:
            'With protocol transition, whoever controls this host can obtain a ticket to that DC service as any user, ' +
            'including Domain Admins. Live migration never needs delegation to a DC.',
          data: { spn, domainController: dc.name },
          fix: { kind: 'computer' as const, host: host.name, removeDelegation: [spn] },
        },
      ];
    });
  },
};
