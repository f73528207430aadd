import { inManagedDomain } from '../domain/managed-domain';
import { CIFS, MIGRATION_SERVICE } from '../domain/spn';
import { resourceBasedAllows } from '../domain/resource-based';
import { missingEntries, PER_PAIR, QUIET } from './helpers';
import type { Check } from './types';

/** Only resource-based delegation allows the pair: the KDC may grant it, but it is not documented for live migration. */
export const KCD014: Check = {
  id: 'KCD014',
  severity: 'warning',
  title: 'Only resource-based delegation allows this pair',
  topics: ['constrained-delegation'],
  scope: 'pair',
  needs: (_snapshot, dest) => (dest.allowedToActOnBehalfOf.length > 0 ? PER_PAIR : QUIET),
  check({ snapshot, source, dest, storage, fileServers }) {
    // In an Entra Domain Services managed domain resource-based delegation is the supported (and only) way.
    if (inManagedDomain(source) || (fileServers.length === 0 && !resourceBasedAllows(source, dest))) return [];
    const targets = [dest, ...fileServers].filter((t) => resourceBasedAllows(source, t));
    return targets.flatMap((target) => {
      const classes = target === dest ? [MIGRATION_SERVICE, ...(storage ? [CIFS] : [])] : [CIFS];
      const missing = classes.flatMap((c) => missingEntries(snapshot, source, target, c));
      if (missing.length === 0) return [];
      return [
        {
          rule: 'KCD014',
          severity: 'warning' as const,
          subject: source.name,
          message:
            `${target.name} allows ${source.name} through resource-based delegation ` +
            `(msDS-AllowedToActOnBehalfOfOtherIdentity), but ${source.name}'s own delegation list lacks ${missing.length} entr${missing.length === 1 ? 'y' : 'ies'}.`,
          why:
            'Resource-based delegation is not a documented configuration for Hyper-V live migration; Microsoft documents ' +
            'msDS-AllowedToDelegateTo on the source with protocol transition. Add the classic entries to be on the supported path.',
          data: { target: target.name, missing },
          fix: { kind: 'computer' as const, host: source.name, addDelegation: missing },
        },
      ];
    });
  },
};
