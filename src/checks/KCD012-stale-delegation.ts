import { unheldEntries } from './helpers';
import { delegationIdsOf } from '../domain/snapshot';
import type { Check } from './types';

/** A delegation entry whose SPN no account holds: a typo, or a host that was renamed or removed. */
export const KCD012: Check = {
  id: 'KCD012',
  severity: 'warning',
  title: 'Delegation entry names an SPN nobody holds',
  topics: ['constrained-delegation', 'spn'],
  scope: 'host',
  roles: ['source'],
  quiet: (snapshot, host) => !delegationIdsOf(snapshot, host).anyUnheld,
  check({ snapshot, host }) {
    return unheldEntries(snapshot, host).map((spn) => ({
      rule: 'KCD012',
      severity: 'warning',
      subject: host.name,
      message: `${host.name} may delegate to "${spn}", but no account in the forest holds that SPN.`,
      why:
        'The entry is stale (a removed or renamed host) or mistyped; it grants nothing today and would silently grant ' +
        'delegation to whatever account registers that SPN later.',
      data: { spn },
      fix: { kind: 'computer', host: host.name, removeDelegation: [spn] },
    }));
  },
};
