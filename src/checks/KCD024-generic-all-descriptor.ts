import { descriptorVerdict, hexMask, onlyGenericRights } from '../domain/resource-based';
import { descriptorNeeds, descriptorTargets, NO_FINDINGS, rewriteDescriptor } from './descriptor';
import type { Check } from './types';

/**
 * DEST's resource-based descriptor names SOURCE only in ACEs with generic rights (GENERIC_ALL 0x10000000, as some
 * scripts write with raw SDDL "GA") instead of the full-control mask 0xF01FF: reported refused by Windows KDCs.
 */
export const KCD024: Check = {
  id: 'KCD024',
  severity: 'error',
  title: 'Resource-based delegation grants only GENERIC_ALL',
  topics: ['constrained-delegation'],
  scope: 'pair',
  needs: descriptorNeeds((ace) => ace.type === 'allow' && onlyGenericRights(ace.mask)),
  check({ source, dest, fileServers }) {
    const targets = descriptorTargets(dest, fileServers);
    if (targets.length === 0) return NO_FINDINGS;
    return targets.flatMap((target) => {
      const verdict = descriptorVerdict(target.resourceBasedAces!, source);
      if (verdict.kind !== 'generic-only') return [];
      const mask = hexMask(verdict.ace.mask);
      return [
        {
          rule: 'KCD024',
          severity: 'error' as const,
          subject: target.name,
          message:
            `${target.name}'s msDS-AllowedToActOnBehalfOfOtherIdentity names ${source.name} with generic rights only ` +
            `(access mask ${mask}), not the full-control mask 0xF01FF.`,
          why:
            'The attribute looks right in Get-ADComputer, but a generic right stored in an ACE is not mapped to the rights the ' +
            'KDC checks; descriptors granting GENERIC_ALL (0x10000000) have been reported refused by Windows domain controllers ' +
            `(KDC_ERR_BADOPTION), so ${source.name} cannot act for you towards ${target.name}. Set-ADComputer ` +
            '-PrincipalsAllowedToDelegateToAccount writes the descriptor with 0xF01FF.',
          data: { target: target.name, principal: source.samAccountName, sid: verdict.ace.sid, mask },
          fix: rewriteDescriptor(target, source),
        },
      ];
    });
  },
};
