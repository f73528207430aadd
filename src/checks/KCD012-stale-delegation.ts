import { unheldEntries } from './helpers';
import type { Finding } from '../domain/finding';
import { delegationIdsOf, type DirectorySnapshot } from '../domain/snapshot';
import { MIGRATION_SERVICE, parseSpn } from '../domain/spn';
import type { Check } from './types';

/**
 * A delegation entry whose SPN no account holds: a typo, a host that was renamed or removed, or, for an existing
 * host's migration service, an SPN its VMMS failed to register (event 14050): then the entry is right and the
 * fix is on that host.
 */
export const KCD012: Check = {
  id: 'KCD012',
  severity: 'warning',
  title: 'Delegation entry names an SPN nobody holds',
  topics: ['constrained-delegation', 'spn'],
  scope: 'host',
  roles: ['source'],
  quiet: (snapshot, host) => !delegationIdsOf(snapshot, host).anyUnheld,
  check({ snapshot, host }) {
    return unheldEntries(snapshot, host).map((spn): Finding => {
      const owner = unregisteredMigrationHost(snapshot, spn);
      if (owner) {
        return {
          rule: 'KCD012',
          severity: 'warning',
          subject: host.name,
          message: `${host.name} may delegate to "${spn}", but ${owner} has not registered that SPN, so the entry points nowhere.`,
          why:
            `VMMS registers its migration SPN on ${owner}'s computer account in both name forms; this one is missing (event ` +
            `14050 on ${owner}), so no ticket can be issued for it and migrations to ${owner} addressed by this name fail. ` +
            `The entry is right: register the SPN on ${owner}.`,
          data: { spn, registerOn: owner },
          fix: { kind: 'register-spn', host: owner, spns: [spn], note: `or restart vmms on ${owner}` },
        };
      }
      return {
        rule: 'KCD012',
        severity: 'warning',
        subject: host.name,
        message: `${host.name} may delegate to "${spn}", but no account in the forest holds that SPN.`,
        why:
          'The entry is stale (a removed or renamed host) or mistyped; it grants nothing today and would silently grant ' +
          'delegation to whatever account registers that SPN later.',
        data: { spn },
        fix: { kind: 'computer', host: host.name, removeDelegation: [spn] },
      };
    });
  },
};

/**
 * The computer an unheld migration-service entry names (NetBIOS name or FQDN), if one exists: every joined
 * computer holds HOST/ in both forms, so the SPN index finds it without a map of every computer's names (a
 * fleet scan asks this for every stale entry).
 */
function unregisteredMigrationHost(snapshot: DirectorySnapshot, spn: string): string | undefined {
  const parsed = parseSpn(spn);
  if (!parsed || parsed.rest !== '' || parsed.serviceClass.toLowerCase() !== MIGRATION_SERVICE.toLowerCase()) return undefined;
  const holder = snapshot.spnIndex.getJoined('HOST', spn, parsed.serviceClass.length + 1)?.find((h) => h.isComputer);
  return holder?.samAccountName.replace(/\$$/, '');
}
