/**
 * How a fleet scan keeps one host's pair findings bounded (PairFindingSummariser): the first findings per rule,
 * then one finding that counts the rest, with a fix that lists the missing entries or, past FLEET_MAX_LISTED,
 * loops over the migration group's peers. Used by checkFleet (src/checker/index.ts) only.
 */
import { nameForms } from '../checks/helpers';
import type { Finding, Fix } from '../domain/finding';
import type { Computer } from '../domain/model';
import { peerQuery, type MigrationGroup } from '../domain/migration-group';
import type { DirectorySnapshot } from '../domain/snapshot';
import { CIFS, MIGRATION_SERVICE } from '../domain/spn';

/** Per host and rule, at most this many pair findings are kept in a fleet scan; the rest are summarised. */
export const FLEET_FINDINGS_PER_RULE = 20;

/**
 * A summary finding lists at most this many missing entries in its fix, and names at most this many peers in
 * `data.peers` (`data.peersOmitted` counts the rest). Past it the fix is a PowerShell loop over the migration
 * group's peers (Fix 'delegate-to-peers'), so a host of a 2,000-host domain group costs kilobytes, not megabytes.
 * Above the largest clusters Hyper-V supports (64 nodes), so cluster-sized groups keep their literal lists.
 */
export const FLEET_MAX_LISTED = 64;

/** The service classes a summarised rule's missing entries belong to, for the loop that adds them all. */
function loopServices(rule: string, storage: boolean): string[] | undefined {
  switch (rule) {
    case 'KCD001':
      return [MIGRATION_SERVICE];
    case 'KCD002':
      return [CIFS];
    case 'KCD014':
      return storage ? [MIGRATION_SERVICE, CIFS] : [MIGRATION_SERVICE];
    default:
      return undefined;
  }
}

export interface Dropped {
  count: number;
  /** Missing entries in the dropped findings' fixes. */
  entries: number;
  /** The dropped findings' entries, in order; undefined once there are more than FLEET_MAX_LISTED. */
  spns: string[] | undefined;
  /** Distinct target names. */
  targetCount: number;
  /** The last target counted: a pair's findings come together, so this dedupes within a pair. */
  lastTarget: string | undefined;
  /** Every target name, only when the group has two members of one name (else distinct pairs are distinct names). */
  targets: Set<string> | undefined;
  /** The FLEET_MAX_LISTED smallest targets, sorted (as [...targets].sort()). */
  firstTargets: string[];
  first: Finding;
}

/** Adds `name` to `sorted` (ascending, distinct) when it is among the `max` smallest. */
function keepSmallest(sorted: string[], name: string, max: number): void {
  const n = sorted.length;
  if (n === max && name >= sorted[n - 1]!) return; // the usual case: peers come in name order
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < name) lo = mid + 1;
    else hi = mid;
  }
  if (sorted[lo] === name) return;
  sorted.splice(lo, 0, name);
  if (sorted.length > max) sorted.pop();
}

/** A summary finding's data: how many findings it stands for, and the first peers (with a count of the rest). */
function summaryData({ count, targetCount, firstTargets }: Dropped): Finding['data'] {
  const data: Finding['data'] = { more: count, peers: firstTargets };
  if (targetCount > firstTargets.length) data.peersOmitted = targetCount - firstTargets.length;
  return data;
}

/**
 * Collects one host's outbound pair findings during a fleet scan, keeping memory and output linear in the
 * number of hosts: a host that lacks delegation to 1,000 peers gets its first findings per rule and one finding
 * that counts the rest, not thousands of findings. Its fix lists the missing entries when they are few
 * (FLEET_MAX_LISTED), else loops over the group's peers. `kcd host` has every finding.
 */
export class PairFindingSummariser {
  private readonly kept = new Map<string, Finding[]>();
  private readonly extra = new Map<string, Dropped>();
  /**
   * Findings about peers rather than the host (KCD007: a peer lacks an SPN) are keyed by that peer, so a host
   * of a large group could collect one key per broken peer: per rule, the first FLEET_FINDINGS_PER_RULE such
   * peers keep their findings, findings about further peers are counted here (by rule).
   */
  private readonly otherSubjects = new Map<string, number>();
  private readonly aboutOthers = new Map<string, Dropped>();
  constructor(
    private readonly snapshot: DirectorySnapshot,
    private readonly host: Computer,
    private readonly group: MigrationGroup,
    private readonly storage: boolean,
    private readonly peerCount: number,
    /** No two members of the group share a name: each pair's target is a new name. */
    private readonly distinctNames: boolean,
  ) {}

  add(findings: readonly Finding[]): void {
    for (const f of findings) {
      const key = `${f.rule}|${f.subject}`;
      let list = this.kept.get(key);
      if (!list) {
        if (f.subject !== this.host.name) {
          const subjects = this.otherSubjects.get(f.rule) ?? 0;
          if (subjects >= FLEET_FINDINGS_PER_RULE) {
            let more = this.aboutOthers.get(f.rule);
            if (!more) this.aboutOthers.set(f.rule, (more = this.newDropped(f)));
            this.drop(more, f.subject, []);
            continue;
          }
          this.otherSubjects.set(f.rule, subjects + 1);
        }
        this.kept.set(key, (list = []));
      }
      if (list.length < FLEET_FINDINGS_PER_RULE) {
        list.push(f);
        continue;
      }
      let more = this.extra.get(key);
      if (!more) this.extra.set(key, (more = this.newDropped(f)));
      const spns = f.fix?.kind === 'computer' ? f.fix.addDelegation : undefined;
      this.drop(more, typeof f.data.target === 'string' ? f.data.target : undefined, spns ?? []);
    }
  }

  private newDropped(first: Finding): Dropped {
    const targets = this.distinctNames ? undefined : new Set<string>();
    return { count: 0, entries: 0, spns: [], targetCount: 0, lastTarget: undefined, targets, firstTargets: [], first };
  }

  /** The summary of `key` once findings of it are dropped (further ones may then go to dropMissing). */
  summarising(key: string): Dropped | undefined {
    return this.extra.get(key);
  }

  /**
   * Counts the findings the rule for `key` would return for SOURCE → `peer` (summarising(key) must hold): one
   * per missing `serviceClass/<form>`, bit f of `mask` standing for nameForms(peer)[f]. What add() would do with
   * them, without building them; entry strings are built only while the fix may still list them.
   */
  dropMissing(more: Dropped, peer: Computer, serviceClass: string, mask: number): void {
    for (let f = 0; mask >>> f !== 0; f++) {
      if (((mask >>> f) & 1) === 0) continue;
      more.count++;
      more.entries++;
      if (more.spns) {
        more.spns.push(`${serviceClass}/${nameForms(peer)[f]}`);
        if (more.spns.length > FLEET_MAX_LISTED) more.spns = undefined;
      }
    }
    this.target(more, peer.name);
  }

  private drop(more: Dropped, target: string | undefined, entries: readonly string[]): void {
    more.count++;
    more.entries += entries.length;
    if (more.spns) {
      more.spns.push(...entries);
      if (more.spns.length > FLEET_MAX_LISTED) more.spns = undefined; // the fix becomes a loop
    }
    if (target !== undefined) this.target(more, target);
  }

  private target(more: Dropped, target: string): void {
    if (target === more.lastTarget) return;
    more.lastTarget = target;
    if (more.targets) {
      if (more.targets.has(target)) return;
      more.targets.add(target);
    }
    more.targetCount++;
    keepSmallest(more.firstTargets, target, FLEET_MAX_LISTED);
  }

  findings(): Finding[] {
    const out = [...this.kept.values()].flat();
    for (const more of this.extra.values()) {
      const { count, entries, spns, targetCount, first } = more;
      out.push({
        rule: first.rule,
        severity: first.severity,
        subject: first.subject,
        message: `… and ${count} more ${first.rule} finding${count === 1 ? '' : 's'} for ${first.subject}${targetCount > 0 ? ` (${targetCount} more peer${targetCount === 1 ? '' : 's'})` : ''}. Run kcd host ${this.host.name} for each of them.`,
        why: first.why,
        data: summaryData(more),
        fix: first.fix?.kind === 'computer' && first.fix.addDelegation !== undefined ? this.fix(first.fix.host, first.rule, entries, spns) : undefined,
      });
    }
    for (const more of this.aboutOthers.values()) {
      const { count, targetCount, first } = more;
      // Each peer needs its own fix (on the peer): `kcd host` lists them.
      out.push({
        rule: first.rule,
        severity: first.severity,
        subject: this.host.name,
        message: `… and ${count} more ${first.rule} finding${count === 1 ? '' : 's'} about ${targetCount} more peer${targetCount === 1 ? '' : 's'} of ${this.host.name}. Run kcd host ${this.host.name} for each of them.`,
        why: first.why,
        data: summaryData(more),
      });
    }
    return out;
  }

  private fix(host: string, rule: string, entries: number, spns: string[] | undefined): Fix | undefined {
    if (spns) return { kind: 'computer', host, addDelegation: spns };
    const services = loopServices(rule, this.storage);
    if (!services) return undefined; // no rule with a delegation fix is left: all are loops
    return { kind: 'delegate-to-peers', host, services, peers: peerQuery(this.snapshot, this.host, this.group), missing: entries, peerCount: this.peerCount };
  }
}
