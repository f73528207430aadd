/**
 * Evaluation alone: for each size, several runs of bench/eval-child.js, each in a fresh process (so the
 * peak memory is that run's), and their medians. Plus one size checked as a single domain group (runDomainEval).
 */
import { join } from 'node:path';
import type { DomainFigures, EvalGroup, EvalSample } from './eval-child';
import { fmtMb, log, median, runTimed } from './stats';

export interface EvalRow {
  hosts: number;
  runs: number;
  samples: EvalSample[];
  /** Medians. */
  snapshotMs: number;
  fleetMs: number;
  totalMs: number;
  /** CPU (all threads) and GC pause time of the two steps. */
  cpuMs: number;
  gcMs: number;
  peakRssMb: number;
  dataRssMb: number;
  /** (createSnapshot + checkFleet) per Hyper-V host, µs: wall clock, and CPU (steadier on a shared machine). */
  usPerHost: number;
  cpuUsPerHost: number;
  pairs: number;
  delegationEntries: number;
  hostsWithErrors: number;
}

/** One fresh `node --expose-gc eval-child.js <hosts> <group>` process; its JSON line. */
async function evalChild(hosts: number, group: EvalGroup): Promise<EvalSample> {
  const res = await runTimed(process.execPath, ['--expose-gc', join(__dirname, 'eval-child.js'), String(hosts), group], { timeoutMs: 20 * 60_000 });
  if (res.code !== 0) throw new Error(`eval-child ${hosts} ${group} failed (exit ${res.code ?? res.signal}):\n${res.stderr}`);
  return JSON.parse(res.stdout.trim().split('\n').pop()!) as EvalSample;
}

export async function runEval(sizes: ReadonlyArray<{ hosts: number; runs: number }>): Promise<EvalRow[]> {
  const rows: EvalRow[] = [];
  for (const { hosts, runs } of sizes) {
    const samples: EvalSample[] = [];
    for (let r = 0; r < runs; r++) {
      const sample = await evalChild(hosts, 'parent-ou');
      samples.push(sample);
      log(
        `eval ${hosts} hosts, run ${r + 1}/${runs}: createSnapshot ${sample.snapshotMs.toFixed(0)} ms + checkFleet ${sample.fleetMs.toFixed(0)} ms, ` +
          `CPU ${sample.cpuMs.toFixed(0)} ms, GC ${sample.gcMs.toFixed(0)} ms, peak ${sample.peakRssMb.toFixed(0)} MB (data ${sample.dataRssMb.toFixed(0)} MB)`,
      );
    }
    const total = samples.map((s) => s.snapshotMs + s.fleetMs);
    rows.push({
      hosts,
      runs,
      samples,
      snapshotMs: median(samples.map((s) => s.snapshotMs)),
      fleetMs: median(samples.map((s) => s.fleetMs)),
      totalMs: median(total),
      cpuMs: median(samples.map((s) => s.cpuMs)),
      gcMs: median(samples.map((s) => s.gcMs)),
      peakRssMb: median(samples.map((s) => s.peakRssMb)),
      dataRssMb: median(samples.map((s) => s.dataRssMb)),
      usPerHost: (median(total) * 1000) / samples[0]!.hosts,
      cpuUsPerHost: (median(samples.map((s) => s.cpuMs)) * 1000) / samples[0]!.hosts,
      pairs: samples[0]!.pairs,
      delegationEntries: samples[0]!.delegationEntries,
      hostsWithErrors: samples[0]!.hostsWithErrors,
    });
  }
  return rows;
}

/**
 * The synthetic fleet checked as ONE domain group (KCD_MIGRATION_GROUP=domain, the default): hosts × (hosts − 1)
 * expected pairs, nearly all of them across clusters and so "missing". Measured, not targeted: it shows that the
 * scan's time and output stay bounded (summary findings, loop fixes, advice) where they once grew with the pairs.
 */
export interface DomainEvalRow
  extends Pick<
    DomainFigures,
    'findings' | 'maxHostFindings' | 'loopFixes' | 'advice' | 'adviceOus' | 'adviceEntriesPerHost' | 'jsonChars' | 'jsonBytes'
  > {
  hosts: number;
  runs: number;
  samples: Array<EvalSample & { domain: DomainFigures }>;
  /** Medians: checkFleet wall and CPU, its GC pauses, createSnapshot, the JSON writing. */
  fleetMs: number;
  fleetCpuMs: number;
  fleetGcMs: number;
  snapshotMs: number;
  jsonMs: number;
  /** Peak RSS after checkFleet, and after the JSON too (MB). */
  peakRssMb: number;
  peakRssWithJsonMb: number;
  dataRssMb: number;
  /** checkFleet per host, µs: wall and CPU. */
  fleetUsPerHost: number;
  fleetCpuUsPerHost: number;
  /** Deterministic (the same in every run), like the DomainFigures fields: taken from the first. */
  pairs: number;
  hostsWithErrors: number;
}

export async function runDomainEval(hosts: number, runs: number): Promise<DomainEvalRow> {
  const samples: DomainEvalRow['samples'] = [];
  for (let r = 0; r < runs; r++) {
    const sample = await evalChild(hosts, 'domain');
    if (!sample.domain) throw new Error('eval-child domain: no domain figures in its output');
    const d = sample.domain;
    samples.push({ ...sample, domain: d });
    log(
      `eval ${hosts} hosts as one domain group, run ${r + 1}/${runs}: checkFleet ${sample.fleetMs.toFixed(0)} ms (CPU ${sample.fleetCpuMs.toFixed(0)} ms), ` +
        `JSON ${fmtMb(d.jsonBytes / 1024 / 1024)} in ${d.jsonMs.toFixed(0)} ms, ${d.findings} findings (≤ ${d.maxHostFindings} per host), ` +
        `${d.loopFixes} loop fixes, advice ${d.advice}, peak ${sample.peakRssMb.toFixed(0)} MB (${d.peakRssWithJsonMb.toFixed(0)} MB with the JSON)`,
    );
  }
  const first = samples[0]!;
  const fleetMs = median(samples.map((s) => s.fleetMs));
  const fleetCpuMs = median(samples.map((s) => s.fleetCpuMs));
  return {
    hosts,
    runs,
    samples,
    fleetMs,
    fleetCpuMs,
    fleetGcMs: median(samples.map((s) => s.fleetGcMs ?? NaN)),
    snapshotMs: median(samples.map((s) => s.snapshotMs)),
    jsonMs: median(samples.map((s) => s.domain.jsonMs)),
    peakRssMb: median(samples.map((s) => s.peakRssMb)),
    peakRssWithJsonMb: median(samples.map((s) => s.domain.peakRssWithJsonMb)),
    dataRssMb: median(samples.map((s) => s.dataRssMb)),
    fleetUsPerHost: (fleetMs * 1000) / first.hosts,
    fleetCpuUsPerHost: (fleetCpuMs * 1000) / first.hosts,
    pairs: first.pairs,
    hostsWithErrors: first.hostsWithErrors,
    findings: first.domain.findings,
    maxHostFindings: first.domain.maxHostFindings,
    loopFixes: first.domain.loopFixes,
    advice: first.domain.advice,
    ...(first.domain.adviceOus !== undefined ? { adviceOus: first.domain.adviceOus } : {}),
    ...(first.domain.adviceEntriesPerHost !== undefined ? { adviceEntriesPerHost: first.domain.adviceEntriesPerHost } : {}),
    jsonChars: first.domain.jsonChars,
    jsonBytes: first.domain.jsonBytes,
  };
}
