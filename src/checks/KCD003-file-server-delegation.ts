import { CIFS } from '../domain/spn';
import { resourceBasedAllows } from '../domain/resource-based';
import { missingEntries, QUIET } from './helpers';
import { delegationFix } from './delegation-fix';
import type { Check } from './types';

/** VM files or ISOs on an SMB share: SOURCE must delegate to cifs on the file server. */
export const KCD003: Check = {
  id: 'KCD003',
  severity: 'error',
  title: 'cifs delegation to the SMB file server missing',
  topics: ['constrained-delegation'],
  scope: 'pair',
  needs: () => QUIET, // file servers only
  check({ snapshot, source, fileServers }) {
    if (fileServers.length === 0) return [];
    return fileServers
      .filter((fs) => !resourceBasedAllows(source, fs))
      .flatMap((fs) =>
        missingEntries(snapshot, source, fs, CIFS).map((spn) => ({
          rule: 'KCD003',
          severity: 'error' as const,
          subject: source.name,
          message: `${source.name} is not trusted to delegate to "${spn}" on file server ${fs.name}.`,
          why:
            `The VM's files or ISOs live on a share of ${fs.name}; during the move ${source.name} opens them ` +
            `as you, which needs ${spn} in its msDS-AllowedToDelegateTo.`,
          data: { spn, target: fs.name },
          fix: delegationFix(source, fs, [spn]),
        })),
      );
  },
};
