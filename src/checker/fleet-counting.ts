/**
 * checkFleet's counting path: in a large group, once a host's missing-entry findings of a rule are summarised,
 * further pairs whose verdict the rules state from the peer alone (Check.needs, put together by destNeeds) are
 * counted into the summary instead of being built and dropped. The reports are the same as with the rules run
 * on every pair (bench/verify-identical.ts checks it on a 1,500-host domain group).
 */
import { classIds } from '../checks/helpers';
import { destNeeds, type NeededEntries, type PairScreen } from '../checks/pair-screen';
import type { Check } from '../checks/types';
import { hasErrors, type Finding } from '../domain/finding';
import type { Computer } from '../domain/model';
import type { DirectorySnapshot } from '../domain/snapshot';
import type { Dropped, PairFindingSummariser } from './fleet-summariser';

type PairCheck = Extract<Check, { scope: 'pair' }>;

/** A member's needed entries with their target ids (classIds: one per name form, -1: nobody lists it). */
interface MemberEntries {
  /** The rule's place in the fleet's pair rules (the host loop keeps its summaries per rule in an array). */
  rule: number;
  blocks: boolean;
  serviceClass: string;
}

/** A name form a member does not have (no dNSHostName), in MemberNeeds.ids. */
const NO_FORM = -2;

/** What every pair into a member is, from the member alone (destNeeds), with the ids to test sources against. */
export interface MemberNeeds {
  findings: readonly Finding[];
  /** Some of `findings` is an error. */
  findingsBlock: boolean;
  entries: readonly MemberEntries[];
  /**
   * Per entry, two slots: the delegation-target ids of its `class/<form>` for each name form (classIds; -1: nobody
   * lists it), NO_FORM where the member has no such form. Flat: the host loop reads them for every pair.
   */
  ids: Int32Array;
}

/**
 * Per group member, filled on first use by checkFleet's fast path (most fleets never take it): undefined: not
 * known yet; null: the rules decide per pair.
 */
export type MemberFacts = Array<MemberNeeds | null | undefined>;

/** destNeeds for member j (`dest`), with the target ids of its entries; null when the rules must decide. */
export function knownDest(snapshot: DirectorySnapshot, rules: readonly PairCheck[], storage: boolean, dest: Computer, j: number, facts: MemberFacts): MemberNeeds | null {
  let known = facts[j];
  if (known === undefined) {
    const needs = destNeeds(snapshot, rules, dest, storage);
    // countKnown keeps 2 bits per entry in one number: a statement past 15 entries takes the rules' path.
    known = needs && needs.entries.length <= 15
      ? {
          findings: needs.findings,
          findingsBlock: hasErrors(needs.findings),
          entries: needs.entries.map((e) => ({
            rule: rules.findIndex((c) => c.id === e.rule),
            blocks: e.severity === 'error',
            serviceClass: e.serviceClass,
          })),
          ids: formIds(snapshot, dest, needs.entries),
        }
      : null;
    facts[j] = known;
  }
  return known;
}

/** MemberNeeds.ids of `dest`. */
function formIds(snapshot: DirectorySnapshot, dest: Computer, entries: readonly NeededEntries[]): Int32Array {
  const ids = new Int32Array(entries.length * 2).fill(NO_FORM);
  entries.forEach((e, k) => classIds(snapshot, dest, e.serviceClass).forEach((id, f) => (ids[k * 2 + f] = id)));
  return ids;
}

/** Which forms of entry `e` (MemberNeeds.ids) SOURCE does not list, as bits: what missingEntries finds. */
function missingForms(screen: PairScreen, source: Computer, ids: Int32Array, e: number): number {
  const a = ids[e * 2]!;
  const b = ids[e * 2 + 1]!;
  return (a !== NO_FORM && !screen.lists(source, a) ? 1 : 0) | (b !== NO_FORM && !screen.lists(source, b) ? 2 : 0);
}

export const NOT_COUNTED = 0;
export const COUNTED_READY = 1;
const COUNTED_BLOCKED = 2;

/**
 * checkFleet's fast path for SOURCE → `peer` when the rules can tell from the peer alone (`known`): when every
 * rule whose entries SOURCE lacks is already summarised for SOURCE (`dropped` remembers them per rule), counts
 * the missing entries and adds the peer's own findings; NOT_COUNTED when the rules must build the findings.
 * Its own function: inlined in the host loop it left V8 deoptimising that loop over and over.
 */
export function countKnown(
  rules: readonly PairCheck[],
  summariser: PairFindingSummariser,
  screen: PairScreen,
  source: Computer,
  peer: Computer,
  known: MemberNeeds,
  dropped: Array<Dropped | undefined>,
): number {
  const entries = known.entries;
  let blocked = known.findingsBlock;
  let masks = 0; // 2 bits (name forms) per entry: at most 15 entries, more than any rule set states
  for (let e = 0; e < entries.length; e++) {
    const mask = missingForms(screen, source, known.ids, e);
    if (mask === 0) continue;
    const need = entries[e]!;
    masks |= mask << (2 * e);
    if (!dropped[need.rule]) {
      const more = summariser.summarising(`${rules[need.rule]!.id}|${source.name}`);
      if (!more) return NOT_COUNTED;
      dropped[need.rule] = more;
    }
    if (need.blocks) blocked = true;
  }
  for (let e = 0; masks !== 0; e++, masks >>>= 2) {
    const mask = masks & 3;
    const need = entries[e]!;
    if (mask !== 0) summariser.dropMissing(dropped[need.rule]!, peer, need.serviceClass, mask);
  }
  if (known.findings.length > 0) summariser.add(known.findings);
  return blocked ? COUNTED_BLOCKED : COUNTED_READY;
}
