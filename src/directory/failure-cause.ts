/**
 * A directory failure reduced to one of a few causes: a metric label and the readiness answer need a
 * short, bounded word, never the failure's text (which names DCs and the bind account). The causes are
 * read from the descriptions src/directory/ldap/failure.ts writes (test/directory/failure-cause.test.ts
 * feeds it every kind of failure it describes), so a new description there shows up as 'other' here.
 */
import { DirectoryUnavailableError, SnapshotFileError } from '../domain/errors';

export const FAILURE_CAUSES = ['refused', 'unreachable', 'dns', 'timeout', 'tls', 'certificate', 'credentials', 'access', 'busy', 'closed', 'snapshot_file', 'other'] as const;
export type FailureCause = (typeof FAILURE_CAUSES)[number];

/** The first pattern found in a DirectoryUnavailableError's reason decides (a failover names each DC's). */
const BY_REASON: ReadonlyArray<readonly [RegExp, FailureCause]> = [
  [/connection refused/i, 'refused'],
  [/network unreachable/i, 'unreachable'],
  [/host name not found/i, 'dns'],
  [/timed out/i, 'timeout'],
  [/certificate/i, 'certificate'],
  [/TLS handshake|connection reset|encrypted connection/i, 'tls'],
  [/bind refused|not authenticated/i, 'credentials'],
  [/access denied|no such object/i, 'access'],
  [/busy or unavailable/i, 'busy'],
  [/connection closed/i, 'closed'],
];

export function failureCause(error: unknown): FailureCause {
  if (error instanceof SnapshotFileError) return 'snapshot_file';
  if (!(error instanceof DirectoryUnavailableError)) return 'other';
  return BY_REASON.find(([pattern]) => pattern.test(error.reason))?.[1] ?? 'other';
}
