import type { Finding, Fix } from '../domain/finding';
import type { Computer, ResourceBasedAce } from '../domain/model';
import { correctedPrincipals } from '../domain/resource-based';
import type { DirectorySnapshot } from '../domain/snapshot';
import { PER_PAIR, QUIET } from './helpers';
import type { PairNeeds } from './types';

const NONE: readonly Computer[] = Object.freeze([]);
/** What a descriptor rule returns for the pairs it has nothing to say about (the checker only reads it). */
export const NO_FINDINGS = Object.freeze([]) as unknown as Finding[];

/**
 * The targets of a pair whose resource-based descriptor was read ACE by ACE: DEST, then the file servers. Fleet
 * scans ask for every pair they cannot screen, and nearly no host has a descriptor: nothing is allocated then.
 */
export function descriptorTargets(dest: Computer, fileServers: readonly Computer[]): readonly Computer[] {
  let out: Computer[] | undefined;
  if (dest.resourceBasedAces && dest.resourceBasedAces.length > 0) out = [dest];
  for (const t of fileServers) if (t.resourceBasedAces && t.resourceBasedAces.length > 0) (out ??= []).push(t);
  return out ?? NONE;
}

/** PairNeeds of a descriptor rule: per pair when DEST's descriptor holds an ACE `matters` picks, else quiet. */
export function descriptorNeeds(matters: (ace: ResourceBasedAce) => boolean) {
  return (_snapshot: DirectorySnapshot, dest: Computer): PairNeeds => (dest.resourceBasedAces?.some(matters) ? PER_PAIR : QUIET);
}

/** TARGET's descriptor written anew: the accounts it allows that exist, and SOURCE. */
export function rewriteDescriptor(target: Computer, source: Computer | undefined): Fix {
  return { kind: 'resource-based', host: target.name, principals: correctedPrincipals(target, source) };
}
