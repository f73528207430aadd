import type { Finding, Severity } from '../domain/finding';
import type { Computer, User } from '../domain/model';
import type { DirectorySnapshot } from '../domain/snapshot';
import type { TopicId } from '../domain/topics';

/** SOURCE → DEST, with the options of the question. */
export interface PairContext {
  snapshot: DirectorySnapshot;
  source: Computer;
  dest: Computer;
  /** Storage moves too (Move-VM -IncludeStorage): cifs entries are needed. */
  storage: boolean;
  /** SMB file servers holding VM files or ISOs: cifs entries for each are needed. */
  fileServers: readonly Computer[];
}

/** One host on its own: `source` when it delegates (the migration's SOURCE), `target` when it is delegated to. */
export type HostRole = 'source' | 'target';

export interface HostContext {
  snapshot: DirectorySnapshot;
  host: Computer;
  role: HostRole;
}

export interface UserContext {
  snapshot: DirectorySnapshot;
  user: User;
}

interface RuleMeta {
  /** Stable id: tests, cards and docs refer to it. */
  id: string;
  severity: Severity;
  /** A short title for lists and help ("Migration-service delegation missing"). */
  title: string;
  /** The explain topics about this rule, the one that explains it best first (result cards' "Explain" button). */
  topics: readonly TopicId[];
}

/**
 * What a pair rule can tell about SOURCE → DEST from DEST alone, for any SOURCE in DEST's domain and no file
 * servers. Fleet scans judge about a million pairs by it instead of calling check per pair (pair-screen.ts),
 * so it must be exact: a test holds every rule's statement against its check over every pair of the fixtures.
 * - `findings`: check returns these whatever the source ([]: the rule is quiet for every such source).
 * - `entries`: check returns one finding per `class/<form>` entry of DEST (classes in order, then nameForms
 *   order) that SOURCE's msDS-AllowedToDelegateTo lacks (missingEntries), none when it lists them all; each
 *   with subject SOURCE, data `{ spn, target: DEST }` and a fix adding that one entry to SOURCE.
 * - `per-pair`: only check can tell.
 */
export type PairNeeds =
  | { readonly kind: 'findings'; readonly findings: readonly Finding[] }
  | { readonly kind: 'entries'; readonly serviceClasses: readonly string[] }
  | { readonly kind: 'per-pair' };

/** A rule is data plus a pure function: it returns findings and never throws or logs. */
export type Check =
  | (RuleMeta & {
      scope: 'pair';
      check(ctx: PairContext): Finding[];
      /** See PairNeeds; `storage` as in PairContext. Cheap: asked once per host of a fleet. */
      needs(snapshot: DirectorySnapshot, dest: Computer, storage: boolean): PairNeeds;
    })
  | (RuleMeta & {
      scope: 'host';
      roles: readonly HostRole[];
      check(ctx: HostContext): Finding[];
      /**
       * A cheap, conservative "this rule has nothing to say about HOST, in any role": true only when check
       * surely returns []. Fleets skip the host rules when every rule is quiet (host-screen.ts); false is always safe.
       */
      quiet(snapshot: DirectorySnapshot, host: Computer): boolean;
    })
  | (RuleMeta & { scope: 'user'; check(ctx: UserContext): Finding[] });
