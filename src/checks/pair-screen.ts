import type { Finding, Severity } from '../domain/finding';
import type { Computer } from '../domain/model';
import { delegationIdsOf, FORM_CLASSES, type DirectorySnapshot } from '../domain/snapshot';
import { classIds } from './helpers';
import type { Check } from './types';

type PairCheck = Extract<Check, { scope: 'pair' }>;

/** A missing-entries statement of one rule about one DEST (see PairNeeds `entries`). */
export interface NeededEntries {
  rule: string;
  /** The rule's severity: its findings' too. */
  severity: Severity;
  serviceClass: string;
}

/** What the rules say about every SOURCE → DEST from DEST alone (a SOURCE in DEST's domain, no file servers). */
export interface DestNeeds {
  /** The findings every such pair gets whatever the source, in rule order. */
  findings: readonly Finding[];
  /** The entries each source must list, per rule and class, in rule order; one finding per missing entry. */
  entries: readonly NeededEntries[];
}

const NO_FINDINGS: readonly Finding[] = Object.freeze([]);

/**
 * The rules' statements about DEST (Check.needs), put together; undefined when some rule can only tell per pair.
 * The rules state their own conditions: nothing here knows what a rule checks.
 */
export function destNeeds(snapshot: DirectorySnapshot, rules: readonly PairCheck[], dest: Computer, storage: boolean): DestNeeds | undefined {
  let findings: Finding[] | undefined;
  let entries: NeededEntries[] | undefined;
  for (const rule of rules) {
    const needs = rule.needs(snapshot, dest, storage);
    if (needs.kind === 'per-pair') return undefined;
    if (needs.kind === 'findings') {
      if (needs.findings.length > 0) (findings ??= []).push(...needs.findings);
      continue;
    }
    for (const serviceClass of needs.serviceClasses) (entries ??= []).push({ rule: rule.id, severity: rule.severity, serviceClass });
  }
  return { findings: findings ?? NO_FINDINGS, entries: entries ?? [] };
}

/**
 * A "nothing to report" test for SOURCE → DEST pairs without file servers, for fleet scans: clean when SOURCE is
 * in DEST's domain, no rule needs to look at the pair itself, none has findings for DEST whatever the source,
 * and SOURCE lists every entry the rules need (destNeeds). When it says "maybe", the caller runs the rules.
 *
 * Why: a fleet of 50,000 hosts has about a million pairs and nearly all are clean, yet running the pair rules
 * on each costs a dozen calls and lookups per pair. Here each DEST is asked once and each pair costs a few
 * array reads.
 */
export class PairScreen {
  /** Per delegation-target id: the source number that last listed it (no clearing between sources). */
  private readonly listedBy: Int32Array;
  private source: Computer | undefined;
  private sourceNumber = 0;
  /**
   * Per DEST: where its needed target ids start in `pool` (pool[start] is their count), or -1 when some pair
   * with DEST must be judged by the rules. One growing buffer rather than an array per host: fewer objects
   * for the young generation to copy.
   */
  private readonly needs = new Map<Computer, number>();
  private pool = new Int32Array(4096);
  private used = 0;

  constructor(
    private readonly snapshot: DirectorySnapshot,
    private readonly storage: boolean,
    private readonly rules: readonly PairCheck[],
  ) {
    this.listedBy = new Int32Array(snapshot.delegationTargetById.length);
  }

  /** Whether SOURCE → DEST surely has no finding from the rules (no file servers). */
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
    // The rules' statements hold for a SOURCE in DEST's domain only.
    if (start < 0 || source.domain !== dest.domain) return false;
    if (source !== this.source) this.select(source);
    const listedBy = this.listedBy;
    const pool = this.pool;
    const n = this.sourceNumber;
    const end = start + 1 + pool[start]!;
    for (let i = start + 1; i < end; i++) if (listedBy[pool[i]!] !== n) return false;
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
    const needs = destNeeds(this.snapshot, this.rules, dest, this.storage);
    if (needs === undefined || needs.findings.length > 0) return -1;
    const start = this.used;
    let at = start + 1;
    for (const { serviceClass } of needs.entries) {
      at = this.writeIds(dest, serviceClass, at);
      if (at < 0) return -1; // an entry nobody lists: every source misses it
    }
    this.pool[start] = at - start - 1;
    this.used = at;
    return start;
  }

  /** Writes the target ids of `serviceClass/<form>` of DEST from `at`; the next free slot, or -1 when one is unlisted. */
  private writeIds(dest: Computer, serviceClass: string, at: number): number {
    if (at + 2 > this.pool.length) {
      const grown = new Int32Array(this.pool.length * 2);
      grown.set(this.pool);
      this.pool = grown;
    }
    // What createSnapshot learnt, when it learnt every form (no per-target facts built); else the rules' helper.
    const slot = FORM_CLASSES.indexOf(serviceClass) * 2;
    const learnt = slot >= 0 ? this.snapshot.formFacts.get(dest) : undefined;
    const forms = dest.dnsHostName ? 2 : 1;
    if (learnt && learnt.ids[slot]! >= 0 && (forms === 1 || learnt.ids[slot + 1]! >= 0)) {
      for (let f = 0; f < forms; f++) this.pool[at++] = learnt.ids[slot + f]!;
      return at;
    }
    for (const id of classIds(this.snapshot, dest, serviceClass)) {
      if (id < 0) return -1;
      this.pool[at++] = id;
    }
    return at;
  }
}
