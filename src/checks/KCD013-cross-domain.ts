import { QUIET } from './helpers';
import type { Check } from './types';

/** Classic constrained delegation (msDS-AllowedToDelegateTo) does not cross domains. */
export const KCD013: Check = {
  id: 'KCD013',
  severity: 'error',
  title: 'Source and destination in different domains',
  topics: ['constrained-delegation'],
  scope: 'pair',
  needs: () => QUIET, // SOURCE in DEST's domain, no file servers
  check({ source, dest, fileServers }) {
    if (fileServers.length === 0 && dest.domain === source.domain) return [];
    return [dest, ...fileServers]
      .filter((target) => target.domain !== source.domain)
      .map((target) => ({
        rule: 'KCD013',
        severity: 'error' as const,
        subject: source.name,
        message: `${source.name} is in ${source.domain} but ${target.name} is in ${target.domain}.`,
        why:
          'Constrained delegation through msDS-AllowedToDelegateTo only works within one domain; the KDC refuses ' +
          'cross-domain S4U2Proxy for it, whatever the entries say.',
        data: { sourceDomain: source.domain, target: target.name, targetDomain: target.domain },
        fix: {
          kind: 'manual' as const,
          text:
            `${source.name} and ${target.name} are in different domains: migrate between hosts of one domain, ` +
            'or use an intermediate host in the target domain.',
        },
      }));
  },
};
