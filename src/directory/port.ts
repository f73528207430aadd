import type { SourceInfo, User } from '../domain/model';
import type { DirectorySnapshot } from '../domain/snapshot';

export interface SnapshotOptions {
  fresh?: boolean;
}

/**
 * The port every directory source implements. The checker never sees it: front ends ask a Directory for a
 * snapshot and hand the snapshot to the checker.
 */
export interface Directory {
  /** Where the data comes from, for labelling outputs ("demo directory", the LDAP URL, the file). */
  describe(): Pick<SourceInfo, 'kind' | 'label'>;
  /**
   * Computers, SPN holders, groups and sPNMappings (users only when the source holds them all, as
   * snapshot files and the demo do). Throws DirectoryUnavailableError / SnapshotFileError.
   * `fresh`: the caller wants the directory as it is now (a Re-check after a fix), not a cached copy;
   * sources without a cache read afresh every time anyway.
   */
  snapshot(options?: SnapshotOptions): Promise<DirectorySnapshot>;
  /**
   * Looks up one user by sAMAccountName or UPN (the account that starts a migration).
   * Resolves to undefined when there is no such user. Values reach LDAP filters only escaped.
   */
  findUser(name: string): Promise<User | undefined>;
  close(): Promise<void>;
}
