import { descriptorVerdict, hexMask } from '../domain/resource-based';
import { descriptorNeeds, descriptorTargets, NO_FINDINGS, rewriteDescriptor } from './descriptor';
import type { Check } from './types';

/** DEST's resource-based descriptor denies SOURCE: a deny ACE naming it comes before any allow. */
export const KCD026: Check = {
  id: 'KCD026',
  severity: 'error',
  title: 'Resource-based delegation denies the source',
  topics: ['constrained-delegation'],
  scope: 'pair',
  needs: descriptorNeeds((ace) => ace.type === 'deny'),
  check({ source, dest, fileServers }) {
    const targets = descriptorTargets(dest, fileServers);
    if (targets.length === 0) return NO_FINDINGS;
    return targets.flatMap((target) => {
      const verdict = descriptorVerdict(target.resourceBasedAces!, source);
      if (verdict.kind !== 'denied') return [];
      const alsoAllowed = target.resourceBasedAces!.some((a) => a.type === 'allow' && a.principal === verdict.ace.principal);
      return [
        {
          rule: 'KCD026',
          severity: 'error' as const,
          subject: target.name,
          message:
            `${target.name}'s msDS-AllowedToActOnBehalfOfOtherIdentity denies ${source.name} (a deny ACE, mask ${hexMask(verdict.ace.mask)})` +
            `${alsoAllowed ? ' before the ACE that allows it' : ''}.`,
          why:
            'The KDC checks the descriptor as Windows checks any access: ACEs in order, and a deny naming the account before an ' +
            `allow refuses it (KDC_ERR_BADOPTION), so ${source.name} cannot act for you towards ${target.name}. If the deny is ` +
            'deliberate, this pair is not meant to migrate; otherwise write the descriptor anew (it then holds allow ACEs only).',
          data: { target: target.name, principal: source.samAccountName, sid: verdict.ace.sid, alsoAllowed },
          fix: rewriteDescriptor(target, source),
        },
      ];
    });
  },
};
