import { CIFS } from '../domain/spn';
import { resourceBasedAllows } from '../domain/resource-based';
import { entriesOf, missingEntries, PER_PAIR, QUIET } from './helpers';
import { domainHasManagedComputers } from '../domain/managed-domain';
import { delegationFix } from './delegation-fix';
import type { Check } from './types';

const CIFS_ENTRIES = entriesOf(CIFS);

/** A storage move also needs cifs on DEST, in both name forms. */
export const KCD002: Check = {
  id: 'KCD002',
  severity: 'error',
  title: 'cifs delegation to the destination missing (storage moves)',
  topics: ['constrained-delegation'],
  scope: 'pair',
  needs: (snapshot, dest, storage) =>
    !storage ? QUIET : dest.allowedToActOnBehalfOf.length > 0 || domainHasManagedComputers(snapshot, dest) ? PER_PAIR : CIFS_ENTRIES,
  check({ snapshot, source, dest, storage }) {
    if (!storage || resourceBasedAllows(source, dest)) return [];
    const missing = missingEntries(snapshot, source, dest, CIFS);
    if (missing.length === 0) return [];
    return missing.map((spn) => ({
      rule: 'KCD002',
      severity: 'error',
      subject: source.name,
      message: `${source.name} is not trusted to delegate to "${spn}", which a storage move to ${dest.name} needs.`,
      why:
        `Moving the VM's files (Move-VM -IncludeStorage) copies them over SMB to ${dest.name} on your behalf; ` +
        `the KDC only grants that when ${spn} is in ${source.name}'s msDS-AllowedToDelegateTo.`,
      data: { spn, target: dest.name },
      fix: delegationFix(source, dest, [spn]),
    }));
  },
};
