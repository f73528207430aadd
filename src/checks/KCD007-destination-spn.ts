import type { Finding } from '../domain/finding';
import { CIFS, MIGRATION_SERVICE } from '../domain/spn';
import { answersToEvery, missingSpns, QUIET } from './helpers';
import type { Check, PairContext } from './types';

/** The destination must answer to the SPNs SOURCE delegates to: migration service, and cifs (or HOST) for storage. */
export const KCD007: Check = {
  id: 'KCD007',
  severity: 'error',
  title: 'Destination lacks the service principal name',
  topics: ['spn'],
  scope: 'pair',
  needs(snapshot, dest, storage) {
    if (answersToEvery(snapshot, dest, MIGRATION_SERVICE) && (!storage || answersToEvery(snapshot, dest, CIFS))) return QUIET;
    // Without file servers KCD007 reads DEST alone: the same findings whatever the source.
    return { kind: 'findings', findings: destinationFindings({ snapshot, dest, storage, fileServers: [] }) };
  },
  check: destinationFindings,
};

function destinationFindings({ snapshot, dest, storage, fileServers }: Omit<PairContext, 'source'>): Finding[] {
  // The common case, no allocation: DEST answers to everything (the lists are cached per target).
  if (
    missingSpns(snapshot, dest, MIGRATION_SERVICE).length === 0 &&
    (!storage || missingSpns(snapshot, dest, CIFS).length === 0) &&
    fileServers.length === 0
  ) {
    return [];
  }
  const findings: Finding[] = missingSpns(snapshot, dest, MIGRATION_SERVICE).map((spn) => ({
    rule: 'KCD007',
    severity: 'error',
    subject: dest.name,
    message: `${dest.name} does not have the SPN "${spn}".`,
    why:
      `Without it the KDC cannot issue a ticket for ${dest.name}'s migration service: the Hyper-V role is missing or VMMS ` +
      'failed to register its SPNs (event 14050). The Delegation tab in ADUC only lists accounts that have SPNs.',
    data: { spn, service: MIGRATION_SERVICE },
    fix: { kind: 'register-spn', host: dest.name, spns: [spn], note: `or restart vmms on ${dest.name}` },
  }));
  const cifsTargets = [...(storage ? [dest] : []), ...fileServers];
  for (const target of cifsTargets) {
    for (const spn of missingSpns(snapshot, target, CIFS)) {
      const hostSpn = `HOST/${spn.slice(CIFS.length + 1)}`;
      findings.push({
        rule: 'KCD007',
        severity: 'error',
        subject: target.name,
        message: `${target.name} has neither "${spn}" nor "${hostSpn}".`,
        why:
          `SMB access to ${target.name} needs a ticket for ${spn}; HOST/ stands in for cifs/ (sPNMappings), ` +
          'but the account holds neither, so the KDC answers "server not found".',
        data: { spn, service: CIFS },
        fix: { kind: 'register-spn', host: target.name, spns: [hostSpn] },
      });
    }
  }
  return findings;
}

