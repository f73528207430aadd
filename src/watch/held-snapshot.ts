/**
 * The facts the gauges show about the snapshot the bot holds, taken at scrape time without reading
 * anything: its age, its Hyper-V hosts, and the hosts with an error finding (the fleet report the scan and
 * the daily summary use, computed once per snapshot and shared with them).
 */
import { cachedFleetReport } from '../checker/fleet-report-cache';
import type { MigrationGroup } from '../domain/migration-group';
import type { DirectorySnapshot } from '../domain/snapshot';
import type { HeldSnapshotFacts } from './port';

export interface HoldingDirectory {
  readonly held?: DirectorySnapshot;
  /** When the held snapshot was read (ms since epoch). */
  readonly readAt?: number;
}

export function heldSnapshotFacts(directory: HoldingDirectory, group: MigrationGroup, now = Date.now()): HeldSnapshotFacts | undefined {
  const snapshot = directory.held;
  if (!snapshot) return undefined;
  const takenAt = directory.readAt ?? Date.parse(snapshot.data.source.takenAt);
  const facts: HeldSnapshotFacts = { ageSeconds: Math.max(0, (now - takenAt) / 1000), hyperVHosts: snapshot.hyperVHosts.length };
  try {
    facts.hostsWithErrors = cachedFleetReport(snapshot, group).totals.hostsWithErrors;
  } catch {
    // A scrape never fails for it: the gauge shows 0 and the scan itself reports the problem.
  }
  return facts;
}
