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
  /**
   * Per DEST: where its needed target ids start in `pool` (pool[start] is their count), or -1 when DEST alone
   * already gives some pair a finding. One growing buffer rather than an array per host: fewer objects for
   * the young generation to copy.
   */
  private readonly needs = new Map<Computer, number>();
  private pool = new Int32Array(4096);
  private used = 0;

  constructor(
    private readonly snapshot: DirectorySnapshot,
    private readonly storage: boolean,
  ) {
    this.listedBy = new Int32Array(snapshot.delegationTargetById.length);
  }

  /** Whether SOURCE → DEST surely has no finding from the screened rules (no file servers). */
  clean(source: Computer, dest: Computer): boolean {
    return this.cleanFor(source, dest, this.handle(dest));
  }

  /** What the screen needs to know about DEST, for cleanFor: fleet scans ask once per host, not once per pair. */
  handle(dest: Computer): number {
    let start = this.needs.get(dest);
    if (start === undefined) this.needs.set(dest, (start = this.needsOf(dest)));
    return start;
  }

  /**
   * handle(dest) without remembering it: a fleet scan asks once per host and keeps the answer per group, so a
   * Map of 50,000 hosts would only be filled, never read.
   */
  freshHandle(dest: Computer): number {
    return this.needsOf(dest);
  }

  /** clean(source, dest), with `start` = handle(dest). */
  cleanFor(source: Computer, dest: Computer, start: number): boolean {
    if (start < 0 || source.domain !== dest.domain) return false; // KCD013
    if (source !== this.source) this.select(source);
    const listedBy = this.listedBy;
    const pool = this.pool;
    const n = this.sourceNumber;
    const end = start + 1 + pool[start]!;
    for (let i = start + 1; i < end; i++) if (listedBy[pool[i]!] !== n) return false; // KCD001, KCD002
    return true;
  }

  /** Whether SOURCE lists the delegation target `id` (-1: nobody lists it): one array read, for fleet scans. */
  lists(source: Computer, id: number): boolean {
    if (id < 0) return false;
    if (source !== this.source) this.select(source);
    return this.listedBy[id] === this.sourceNumber;
  }

  private select(source: Computer): void {
    this.source = source;
    const n = ++this.sourceNumber;
    const ids = delegationIdsOf(this.snapshot, source).inOrder;
    for (let i = 0; i < ids.length; i++) this.listedBy[ids[i]!] = n;
  }

  private needsOf(dest: Computer): number {
    // KCD014, and KCD001/KCD002 defer to it: resource-based delegation on DEST.
    if (dest.allowedToActOnBehalfOf.length > 0) return -1;
    // At most 4 ids (2 forms, 2 classes) and their count: room for them first, so the usual case writes them
    // straight into the pool (no array per host).
    if (this.used + 5 > this.pool.length) {
      const grown = new Int32Array(this.pool.length * 2);
      grown.set(this.pool);
      this.pool = grown;
    }
    const start = this.used;
    const count = this.learntNeeds(dest, start + 1);
    if (count >= 0) {
      this.pool[start] = count;
      this.used += count + 1;
      return start;
    }
    const ids = this.askedNeeds(dest);
    if (ids === undefined) return -1;
    this.pool[start] = ids.length;
    for (let i = 0; i < ids.length; i++) this.pool[start + 1 + i] = ids[i]!;
    this.used += ids.length + 1;
    return start;
  }

  /**
   * The ids from what createSnapshot learnt (FormFacts), written to the pool from `at`, and their count; -1
   * when it did not learn all the screen needs (the pool past `at` is then left as scratch).
   */
  private learntNeeds(dest: Computer, at: number): number {
    const learnt = this.snapshot.formFacts.get(dest);
    if (!learnt) return -1;
    // Slots: migration (0, 1) and, for storage moves, cifs (2, 3); the FQDN forms (1, 3) only with a dNSHostName.
    const forms = dest.dnsHostName ? 2 : 1;
    let count = 0;
    for (let k = 0; k < (this.storage ? 2 : 1); k++) {
      for (let f = 0; f < forms; f++) {
        const slot = k * 2 + f;
        // KCD007 (DEST answers to the SPN) and KCD001/KCD002 (some source lists it).
        if (((learnt.held >>> slot) & 1) === 0 || learnt.ids[slot]! < 0) return -1;
        this.pool[at + count++] = learnt.ids[slot]!;
      }
    }
    return count;
  }

  /** The same, asking the rules' helpers; undefined when some pair with DEST surely has a finding. */
  private askedNeeds(dest: Computer): number[] | undefined {
    // KCD007: DEST must answer to the SPNs.
    if (missingSpns(this.snapshot, dest, MIGRATION_SERVICE).length > 0) return undefined;
    if (this.storage && missingSpns(this.snapshot, dest, CIFS).length > 0) return undefined;
    const ids = [...classIds(this.snapshot, dest, MIGRATION_SERVICE), ...(this.storage ? classIds(this.snapshot, dest, CIFS) : [])];
    // An entry nobody lists (id -1) is missing from every source.
    return ids.some((id) => id < 0) ? undefined : ids;
  }
}
