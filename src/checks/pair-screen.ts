import type { Computer } from '../domain/model';
import { delegationIdsOf, type DirectorySnapshot } from '../domain/snapshot';
import { CIFS, MIGRATION_SERVICE } from '../domain/spn';
import { classIds, missingSpns } from './helpers';

/**
 * The pair rules a screen speaks for: every pair rule that host and fleet questions run (KCD016 is left out
 * there). A test compares this list with the catalogue, so a new pair rule cannot slip past the screen.
 */
export const SCREENED_PAIR_RULES: readonly string[] = ['KCD001', 'KCD002', 'KCD003', 'KCD007', 'KCD013', 'KCD014'];

/**
 * A conservative "nothing to report" test for SOURCE → DEST pairs without file servers, for fleet scans.
 *
 * Why: a fleet of 50,000 hosts has about a million pairs and nearly all are clean, yet running the six pair
 * rules on each costs a dozen calls and lookups per pair. The screen answers with a few array reads: when it
 * says clean, every screened rule returns [] for the pair (the rules' own conditions, restated: same domain,
 * no resource-based delegation on DEST, DEST answers to its migration (and cifs) SPNs, SOURCE lists every
 * needed entry). When it says "maybe", the caller runs the rules, so a screen that is too cautious only costs time.
 */
export class PairScreen {
  /** Per delegation-target id: the source number that last listed it (no clearing between sources). */
  private readonly listedBy: Int32Array;
  private source: Computer | undefined;
  private sourceNumber = 0;
  /** Per DEST: the target ids SOURCE must list, or null when DEST alone already gives some pair a finding. */
  private readonly needs = new Map<Computer, Int32Array | null>();

  constructor(
    private readonly snapshot: DirectorySnapshot,
    private readonly storage: boolean,
  ) {
    this.listedBy = new Int32Array(snapshot.delegationTargetById.length);
  }

  /** Whether SOURCE → DEST surely has no finding from the screened rules (no file servers). */
  clean(source: Computer, dest: Computer): boolean {
    if (source.domain !== dest.domain) return false; // KCD013
    let needs = this.needs.get(dest);
    if (needs === undefined) this.needs.set(dest, (needs = this.needsOf(dest)));
    if (needs === null) return false;
    if (source !== this.source) this.select(source);
    const listedBy = this.listedBy;
    const n = this.sourceNumber;
    for (let i = 0; i < needs.length; i++) if (listedBy[needs[i]!] !== n) return false; // KCD001, KCD002
    return true;
  }

  private select(source: Computer): void {
    this.source = source;
    const n = ++this.sourceNumber;
    const ids = delegationIdsOf(this.snapshot, source).inOrder;
    for (let i = 0; i < ids.length; i++) this.listedBy[ids[i]!] = n;
  }

  private needsOf(dest: Computer): Int32Array | null {
    // KCD014, and KCD001/KCD002 defer to it: resource-based delegation on DEST.
    if (dest.allowedToActOnBehalfOf.length > 0) return null;
    // KCD007: DEST must answer to the SPNs.
    if (missingSpns(this.snapshot, dest, MIGRATION_SERVICE).length > 0) return null;
    if (this.storage && missingSpns(this.snapshot, dest, CIFS).length > 0) return null;
    const ids = [...classIds(this.snapshot, dest, MIGRATION_SERVICE), ...(this.storage ? classIds(this.snapshot, dest, CIFS) : [])];
    // An entry nobody lists (id -1) is missing from every source.
    return ids.some((id) => id < 0) ? null : Int32Array.from(ids);
  }
}
