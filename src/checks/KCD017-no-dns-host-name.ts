import { fqdnOrGuess } from './helpers';
import type { Check } from './types';

/** Without dNSHostName the FQDN forms of the SPNs cannot be derived or checked. */
export const KCD017: Check = {
  id: 'KCD017',
  severity: 'warning',
  title: 'Computer object has no dNSHostName',
  topics: ['spn'],
  scope: 'host',
  roles: ['source', 'target'],
  quiet: (_snapshot, host) => !!host.dnsHostName,
  check({ host }) {
    if (host.dnsHostName) return [];
    const guess = fqdnOrGuess(host);
    return [
      {
        rule: 'KCD017',
        severity: 'warning',
        subject: host.name,
        message: `${host.name} has no dNSHostName, so only its NetBIOS name forms were checked.`,
        why:
          'Migrations addressed by FQDN need FQDN delegation entries and SPNs; without dNSHostName they cannot be derived ' +
          'or verified, and VMMS may not register the FQDN SPNs either.',
        data: { suggestedDnsHostName: guess },
        fix: { kind: 'computer', host: host.name, dnsHostName: guess },
      },
    ];
  },
};
