import { CIFS, MIGRATION_SERVICE } from '../domain/spn';
import { resourceBasedAllows } from '../domain/resource-based';
import { missingEntries, PER_PAIR } from './helpers';
import { delegationFix } from './delegation-fix';
import type { Check } from './types';

/** Delegation is one-way: moving the VM back needs the mirror entries on DEST. */
export const KCD016: Check = {
  id: 'KCD016',
  severity: 'info',
  title: 'Reverse direction not configured',
  topics: ['constrained-delegation'],
  scope: 'pair',
  needs: () => PER_PAIR, // what DEST lists for SOURCE decides
  check({ snapshot, source, dest, storage }) {
    if (resourceBasedAllows(dest, source)) return [];
    const missing = [MIGRATION_SERVICE, ...(storage ? [CIFS] : [])].flatMap((c) => missingEntries(snapshot, dest, source, c));
    if (missing.length === 0) return [];
    return [
      {
        rule: 'KCD016',
        severity: 'info',
        subject: dest.name,
        message: `${dest.name} → ${source.name} is not configured: ${dest.name} lacks ${missing.length} delegation entr${missing.length === 1 ? 'y' : 'ies'}.`,
        why: 'Delegation is one-way. Moving the VM back later (or evacuating the other host) needs the mirror entries on the destination.',
        data: { missing },
        fix: delegationFix(dest, source, missing),
      },
    ];
  },
};
