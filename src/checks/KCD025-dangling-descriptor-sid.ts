import { descriptorVerdict, isDangling } from '../domain/resource-based';
import { descriptorNeeds, descriptorTargets, NO_FINDINGS, rewriteDescriptor } from './descriptor';
import type { Check } from './types';

/**
 * SIDs in DEST's resource-based descriptor that belong to no account (a deleted one, or SOURCE's old account before
 * it was re-joined with a new SID) allow nobody. When SOURCE is then not allowed, this is likely why.
 */
export const KCD025: Check = {
  id: 'KCD025',
  severity: 'warning',
  title: 'Resource-based delegation names a deleted account',
  topics: ['constrained-delegation'],
  scope: 'pair',
  needs: descriptorNeeds(isDangling),
  check({ source, dest, fileServers }) {
    const targets = descriptorTargets(dest, fileServers);
    if (targets.length === 0) return NO_FINDINGS;
    return targets.flatMap((target) => {
      const dangling = [...new Set(target.resourceBasedAces!.filter(isDangling).map((a) => a.sid))];
      if (dangling.length === 0) return [];
      const allowed = descriptorVerdict(target.resourceBasedAces!, source).kind === 'allowed';
      const one = dangling.length === 1;
      const entries = `${one ? 'dangling entry' : `${dangling.length} dangling entries`} ${dangling.join(', ')}`;
      return [
        {
          rule: 'KCD025',
          severity: 'warning' as const,
          subject: target.name,
          message: allowed
            ? `${target.name}'s msDS-AllowedToActOnBehalfOfOtherIdentity holds the ${entries}: no account has ` +
              `${one ? 'that SID, so it allows' : 'those SIDs, so they allow'} nobody.`
            : `${target.name}'s msDS-AllowedToActOnBehalfOfOtherIdentity does not allow ${source.name}; its ${entries} ` +
              `${one ? 'belongs to no account and allows' : 'belong to no account and allow'} nobody.`,
          why:
            'The descriptor holds SIDs, not names: when the account it named is deleted (or a host is re-joined, which gives it ' +
            'a new SID), the entry stays and allows nobody, while the attribute still looks configured. ' +
            (allowed
              ? 'It does no harm to this pair; remove it so the list says what it does.'
              : `If it was ${source.name}'s old account, resource-based delegation to ${target.name} stopped working when ` +
                `${source.name} got its new SID; write the descriptor anew with the accounts that exist and ${source.name}.`),
          data: { target: target.name, dangling, sourceAllowed: allowed },
          fix: rewriteDescriptor(target, allowed ? undefined : source),
        },
      ];
    });
  },
};
