import { delegationComponents } from '../domain/delegation-graph';
import type { Computer } from '../domain/model';
import type { DirectorySnapshot } from '../domain/snapshot';
import { MIGRATION_SERVICE } from '../domain/spn';
import type { Check } from './types';

/** Whether another Hyper-V host of `host`'s domain exists (a host alone in its domain has nobody to delegate to). */
function hasDomainPeer(snapshot: DirectorySnapshot, host: Computer): boolean {
  return snapshot.hyperVHosts.some((h) => h !== host && h.domain === host.domain);
}

/** `<migration service>/…` in any case (MIGRATION_SERVICE has no regular-expression metacharacters). */
const MIGRATION_ENTRY = new RegExp(`^${MIGRATION_SERVICE}/`, 'i');

/** Whether `host` lists any migration-service entry, even one naming a computer that is no Hyper-V host now. */
function listsMigrationEntry(host: Computer): boolean {
  return host.allowedToDelegateTo.some((entry) => MIGRATION_ENTRY.test(entry));
}

/**
 * A Hyper-V host with no delegation to or from any other Hyper-V host of the forest (delegation-graph.ts): a new
 * or rebuilt host nobody configured. It cannot live-migrate anywhere, and `auto`/`delegation` groups cannot
 * tell which cluster it belongs to (it is checked with the other such hosts of its OU).
 */
export const KCD022: Check = {
  id: 'KCD022',
  severity: 'warning',
  title: 'No migration peers configured',
  topics: ['constrained-delegation'],
  scope: 'host',
  roles: ['source'],
  // A host that lists a migration entry first: the delegation graph of the forest is built only when some host lists none.
  quiet: (snapshot, host) => listsMigrationEntry(host) || !delegationComponents(snapshot).isolated.has(host),
  check({ snapshot, host }) {
    // Someone configured it when it lists a migration entry, even towards a host that lost its SPN (KCD007/KCD012 say that).
    if (listsMigrationEntry(host) || !delegationComponents(snapshot).isolated.has(host) || !hasDomainPeer(snapshot, host)) return [];
    return [
      {
        rule: 'KCD022',
        severity: 'warning',
        subject: host.name,
        message: `${host.name} has no delegation to or from any other Hyper-V host: it has no migration peers configured.`,
        why:
          'No Hyper-V host lists its migration service or cifs, and it lists none of theirs (nor does resource-based delegation ' +
          'name it), so a Kerberos live migration to or from it fails with 0x8009030E whatever the destination. kcd groups hosts ' +
          'by who delegates to whom, so it cannot tell which cluster this host should join.',
        data: { domain: host.domain },
        fix: {
          kind: 'manual',
          text:
            `Decide which hosts ${host.name} should migrate with, then name them as its group and let kcd list the entries: ` +
            `kcd host ${host.name} with KCD_MIGRATION_GROUP=group:<their AD group> or ou:<their OU's DN>; ` +
            'add the entries on both sides (the fix script of that report does it).',
        },
      },
    ];
  },
};
