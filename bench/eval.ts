/**
 * Evaluation alone: for each size, several runs of bench/eval-child.js, each in a fresh process (so the
 * peak memory is that run's), and their medians.
 */
import { join } from 'node:path';
import type { EvalSample } from './eval-child';
import { log, median, runTimed } from './stats';

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

export async function runEval(sizes: ReadonlyArray<{ hosts: number; runs: number }>): Promise<EvalRow[]> {
  const rows: EvalRow[] = [];
  for (const { hosts, runs } of sizes) {
    const samples: EvalSample[] = [];
    for (let r = 0; r < runs; r++) {
      const res = await runTimed(process.execPath, ['--expose-gc', join(__dirname, 'eval-child.js'), String(hosts)], { timeoutMs: 20 * 60_000 });
      if (res.code !== 0) throw new Error(`eval-child ${hosts} failed (exit ${res.code ?? res.signal}):\n${res.stderr}`);
      const sample = JSON.parse(res.stdout.trim().split('\n').pop()!) as EvalSample;
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
