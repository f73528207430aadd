/**
 * One fleet report per directory snapshot and migration group. `/kcd scan`, `/kcd summary` and the daily
 * post all ask for the whole fleet; at 50,000 hosts that is about a second of CPU, so a burst of asks on
 * one snapshot pays it once. Reports are treated as read-only by every consumer; the cache goes with the
 * snapshot (a WeakMap), so a refreshed directory computes afresh.
 */
import { checkFleet, type FleetReport } from './index';
import type { MigrationGroup } from '../domain/migration-group';
import type { DirectorySnapshot } from '../domain/snapshot';

const reports = new WeakMap<DirectorySnapshot, Map<string, FleetReport>>();

export function cachedFleetReport(snapshot: DirectorySnapshot, group: MigrationGroup): FleetReport {
  let bySnapshot = reports.get(snapshot);
  if (!bySnapshot) reports.set(snapshot, (bySnapshot = new Map<string, FleetReport>()));
  const key = JSON.stringify(group);
  let report = bySnapshot.get(key);
  if (!report) bySnapshot.set(key, (report = checkFleet(snapshot, { group })));
  return report;
}
