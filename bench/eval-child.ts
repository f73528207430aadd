/**
 * One evaluation run, in its own process (so peak memory is this size's alone):
 *   node --expose-gc dist/bench/eval-child.js <hosts>
 * Builds the synthetic directory, then times createSnapshot and checkFleet (parent-ou groups, storage moves)
 * and prints one JSON line with the timings and memory figures.
 */
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { checkFleet } from '../src/checker';
import { createSnapshot } from '../src/domain/snapshot';
import { syntheticDirectory } from './synthetic';

export interface EvalSample {
  hosts: number;
  computers: number;
  delegationEntries: number;
  pairs: number;
  hostsWithErrors: number;
  byRule: Record<string, number>;
  /** createSnapshot (indexes), wall clock. */
  snapshotMs: number;
  /** checkFleet, wall clock. */
  fleetMs: number;
  /** CPU time (user + system, all threads, so GC helper threads too) of the two steps. */
  cpuMs: number;
  snapshotCpuMs: number;
  fleetCpuMs: number;
  /** Wall time spent in garbage collection pauses during the two steps. */
  gcMs: number;
  /** RSS with the directory data loaded, after a full GC, before evaluation (MB). */
  dataRssMb: number;
  /** The process's peak RSS (getrusage maxRSS, MB): data + evaluation. */
  peakRssMb: number;
  /** V8 heap (after a full GC) held by the data, then added by the snapshot's indexes, then by the report (MB). */
  heapStagesMb: { data: number; snapshot: number; report: number };
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mb = (bytes: number) => bytes / 1024 / 1024;
const heapMb = () => mb(process.memoryUsage().heapUsed);

/** Runs `step`, returning its result, wall ms and CPU ms. */
function timed<T>(step: () => T): { value: T; ms: number; cpuMs: number; from: number; to: number } {
  const from = performance.now();
  const cpu0 = process.cpuUsage();
  const value = step();
  const cpu = process.cpuUsage(cpu0);
  const to = performance.now();
  return { value, ms: to - from, cpuMs: (cpu.user + cpu.system) / 1000, from, to };
}

async function main(): Promise<void> {
  const hosts = Number(process.argv[2]);
  if (!Number.isInteger(hosts) || hosts <= 0) throw new Error('usage: eval-child <hosts>');
  const data = syntheticDirectory(hosts);
  gc();
  gc();
  const dataRssMb = mb(process.memoryUsage().rss);
  const heapData = heapMb();
  const gcEntries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => gcEntries.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });

  const snap = timed(() => createSnapshot(data));
  gc(); // not timed: what the indexes retain
  const heapSnapshot = heapMb();
  const fleet = timed(() => checkFleet(snap.value, { group: { kind: 'parent-ou' }, storage: true }));
  const peakRssMb = Math.max(process.resourceUsage().maxRSS / 1024, mb(process.memoryUsage().rss));
  gc();
  const heapReport = heapMb();
  await new Promise((resolve) => setTimeout(resolve, 100)); // let the observer deliver the gc entries
  observer.disconnect();
  const inStep = (e: PerformanceEntry) => [snap, fleet].some((s) => e.startTime >= s.from && e.startTime <= s.to);

  const report = fleet.value;
  const sample: EvalSample = {
    hosts: report.totals.hosts,
    computers: data.computers.length,
    delegationEntries: data.computers.reduce((n, c) => n + c.allowedToDelegateTo.length, 0),
    pairs: report.totals.pairsExpected,
    hostsWithErrors: report.totals.hostsWithErrors,
    byRule: report.totals.byRule,
    snapshotMs: snap.ms,
    fleetMs: fleet.ms,
    cpuMs: snap.cpuMs + fleet.cpuMs,
    snapshotCpuMs: snap.cpuMs,
    fleetCpuMs: fleet.cpuMs,
    gcMs: gcEntries.filter(inStep).reduce((ms, e) => ms + e.duration, 0),
    dataRssMb,
    peakRssMb,
    heapStagesMb: { data: heapData, snapshot: heapSnapshot - heapData, report: heapReport - heapSnapshot },
  };
  process.stdout.write(`${JSON.stringify(sample)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
