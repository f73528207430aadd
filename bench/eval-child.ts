/**
 * One evaluation run, in its own process (so peak memory is this size's alone):
 *   node --expose-gc dist/bench/eval-child.js <hosts> [parent-ou|domain]
 * Builds the synthetic directory, then times createSnapshot and checkFleet (storage moves; parent-ou groups by
 * default) and prints one JSON line with the timings and memory figures.
 *
 * `domain` checks the same fleet as ONE migration group (KCD_MIGRATION_GROUP=domain, the default): every host is
 * expected to migrate to every other although the hosts form clusters of 8–32. Then the run also writes the
 * `kcd scan --json` report through fleetJsonChunks (counted, never joined into one string: a report of this kind
 * once exceeded V8's string limit) and counts what keeps the output bounded (findings, loop fixes, advice).
 */
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { checkFleet, type FleetReport } from '../src/checker';
import { createSnapshot } from '../src/domain/snapshot';
import { fleetJsonChunks } from '../src/render/json';
import { syntheticDirectory } from './synthetic';

export type EvalGroup = 'parent-ou' | 'domain';

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
  /** Wall time spent in garbage collection pauses during the two steps, and during checkFleet alone. */
  gcMs: number;
  fleetGcMs?: number;
  /** RSS with the directory data loaded, after a full GC, before evaluation (MB). */
  dataRssMb: number;
  /** The process's peak RSS (getrusage maxRSS, MB): data + evaluation. */
  peakRssMb: number;
  /** V8 heap (after a full GC) held by the data, then added by the snapshot's indexes, then by the report (MB). */
  heapStagesMb: { data: number; snapshot: number; report: number };
  /** The migration group checked (absent in results written before the domain-group run: parent-ou). */
  group?: EvalGroup;
  /** Only for `domain` runs. */
  domain?: DomainFigures;
}

/** What a one-domain-group run adds: the size of its output and what keeps it bounded. */
export interface DomainFigures {
  /** Findings in the report, in all; the most on one host. */
  findings: number;
  maxHostFindings: number;
  /** Summary findings whose fix is the generated PowerShell loop (Fix 'delegate-to-peers'). */
  loopFixes: number;
  /** FleetReport.advice entries (e.g. "this domain looks like separate clusters: use parent-ou"). */
  advice: number;
  /** The advice's figures, when given: OUs seen and entries each host would need for the whole group. */
  adviceOus?: number;
  adviceEntriesPerHost?: number;
  /** The `kcd scan --json` text: sum of the fleetJsonChunks lengths (UTF-16 units) and its UTF-8 bytes, chunks. */
  jsonChars: number;
  jsonBytes: number;
  jsonChunks: number;
  /** Writing (generating) that text, wall and CPU ms: after checkFleet, not part of fleetMs. */
  jsonMs: number;
  jsonCpuMs: number;
  /** Peak RSS after the JSON was generated too (MB): the whole of `kcd scan --json` minus the LDAP read. */
  peakRssWithJsonMb: number;
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
  const group = (process.argv[3] ?? 'parent-ou') as EvalGroup;
  if (!Number.isInteger(hosts) || hosts <= 0 || (group !== 'parent-ou' && group !== 'domain')) {
    throw new Error('usage: eval-child <hosts> [parent-ou|domain]');
  }
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
  const fleet = timed(() => checkFleet(snap.value, { group: { kind: group }, storage: true }));
  const peakRssMb = Math.max(process.resourceUsage().maxRSS / 1024, mb(process.memoryUsage().rss));
  gc();
  const heapReport = heapMb();
  const domain = group === 'domain' ? domainFigures(fleet.value) : undefined;
  await new Promise((resolve) => setTimeout(resolve, 100)); // let the observer deliver the gc entries
  observer.disconnect();
  const inStep = (e: PerformanceEntry, steps = [snap, fleet]) => steps.some((s) => e.startTime >= s.from && e.startTime <= s.to);

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
    gcMs: gcEntries.filter((e) => inStep(e)).reduce((ms, e) => ms + e.duration, 0),
    fleetGcMs: gcEntries.filter((e) => inStep(e, [fleet])).reduce((ms, e) => ms + e.duration, 0),
    dataRssMb,
    peakRssMb,
    heapStagesMb: { data: heapData, snapshot: heapSnapshot - heapData, report: heapReport - heapSnapshot },
    group,
    ...(domain ? { domain } : {}),
  };
  process.stdout.write(`${JSON.stringify(sample)}\n`);
}

/** Counts the report's findings and writes its JSON as `kcd scan --json` does, chunk by chunk, keeping only sizes. */
function domainFigures(report: FleetReport): DomainFigures {
  let findings = 0;
  let maxHostFindings = 0;
  let loopFixes = 0;
  for (const h of report.hosts) {
    findings += h.findings.length;
    maxHostFindings = Math.max(maxHostFindings, h.findings.length);
    for (const f of h.findings) if (f.fix?.kind === 'delegate-to-peers') loopFixes++;
  }
  const json = timed(() => {
    let chars = 0;
    let bytes = 0;
    let chunks = 0;
    for (const chunk of fleetJsonChunks(report, 'synthetic')) {
      chars += chunk.length;
      bytes += Buffer.byteLength(chunk);
      chunks++;
    }
    return { chars, bytes, chunks };
  });
  const advice = (report.advice ?? []).filter((a) => a.kind === 'separate-clusters');
  return {
    findings,
    maxHostFindings,
    loopFixes,
    advice: advice.length,
    ...(advice[0] ? { adviceOus: advice[0].ous, adviceEntriesPerHost: advice[0].entriesPerHost } : {}),
    jsonChars: json.value.chars,
    jsonBytes: json.value.bytes,
    jsonChunks: json.value.chunks,
    jsonMs: json.ms,
    jsonCpuMs: json.cpuMs,
    peakRssWithJsonMb: Math.max(process.resourceUsage().maxRSS / 1024, mb(process.memoryUsage().rss)),
  };
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
