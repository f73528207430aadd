import { hostKeys } from '../domain/snapshot';
import { parseSpn, spnKey } from '../domain/spn';
import type { Finding } from '../domain/finding';
import type { Check } from './types';

/** An SPN held by more than one account: the KDC cannot tell which key to use (0x80090322). */
export const KCD008: Check = {
  id: 'KCD008',
  severity: 'error',
  title: 'Duplicate SPN',
  topics: ['duplicate-spn'],
  scope: 'host',
  roles: ['source', 'target'],
  quiet: (snapshot, host) => !snapshot.duplicateSpnHolders.has(host.distinguishedName),
  check({ snapshot, host }) {
    if (!snapshot.duplicateSpnHolders.has(host.distinguishedName)) return [];
    const findings: Finding[] = [];
    const names = new Set(hostKeys(host));
    for (const spn of host.servicePrincipalNames) {
      const holders = snapshot.spnIndex.get(spnKey(spn)) ?? [];
      if (holders.length < 2) continue;
      const others = holders.filter((h) => h.distinguishedName !== host.distinguishedName);
      const parsed = parseSpn(spn);
      // The SPN belongs to the host it names; the others should let it go.
      const belongsHere = parsed !== undefined && names.has(parsed.host.toLowerCase());
      findings.push({
        rule: 'KCD008',
        severity: 'error',
        subject: host.name,
        message: `The SPN "${spn}" is registered on ${holders.length} accounts: ${holders.map((h) => h.samAccountName).join(', ')}.`,
        why:
          'SPNs must be unique in the forest. With duplicates the KDC may encrypt the ticket for the wrong account and the ' +
          'migration fails with 0x80090322 "The target principal name is incorrect".',
        data: { spn, owners: holders.map((h) => h.samAccountName) },
        fix: belongsHere
          ? { kind: 'remove-spn', account: others[0]!.samAccountName, spn }
          : { kind: 'remove-spn', account: host.samAccountName, spn },
      });
    }
    return findings;
  },
};
