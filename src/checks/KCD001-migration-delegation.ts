import { MIGRATION_SERVICE } from '../domain/spn';
import { resourceBasedAllows } from '../domain/resource-based';
import { entriesOf, missingEntries, PER_PAIR } from './helpers';
import { domainHasManagedComputers } from '../domain/managed-domain';
import { delegationFix } from './delegation-fix';
import type { Check } from './types';

const MIGRATION_ENTRIES = entriesOf(MIGRATION_SERVICE);

/** SOURCE must list the migration service of DEST, in both name forms, in msDS-AllowedToDelegateTo. */
export const KCD001: Check = {
  id: 'KCD001',
  severity: 'error',
  title: 'Migration-service delegation missing',
  topics: ['constrained-delegation'],
  scope: 'pair',
  // Resource-based delegation on DEST: whether it names SOURCE decides. In a managed domain the fix is on DEST.
  needs: (snapshot, dest) => (dest.allowedToActOnBehalfOf.length > 0 || domainHasManagedComputers(snapshot, dest) ? PER_PAIR : MIGRATION_ENTRIES),
  check({ snapshot, source, dest }) {
    if (resourceBasedAllows(source, dest)) return []; // KCD014 speaks for this pair
    const missing = missingEntries(snapshot, source, dest, MIGRATION_SERVICE);
    if (missing.length === 0) return [];
    return missing.map((spn) => ({
      rule: 'KCD001',
      severity: 'error',
      subject: source.name,
      message: `${source.name} is not trusted to delegate to "${spn}".`,
      why:
        `VMMS on ${source.name} must act for you towards ${dest.name}'s migration service; without this entry in ` +
        `${source.name}'s msDS-AllowedToDelegateTo the KDC refuses the ticket and the move fails with 0x8009030E ` +
        `"No credentials are available in the security package" when the destination is addressed as ${spn.split('/')[1]}.`,
      data: { spn, target: dest.name },
      fix: delegationFix(source, dest, [spn]),
    }));
  },
};
