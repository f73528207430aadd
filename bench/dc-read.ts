/**
 * The LDAP read alone against the bench DC (bench/dc.ts): the adapter's readData against the reference reader
 * (bench/ldap-reference.ts), alternating, with wall and CPU time, and a deep-equality check of their output.
 * `npm run build && node dist/bench/dc-read.js [rounds] [hosts]`. A development tool; `npm run bench -- --only dc`
 * runs the same equality check once.
 */
import { LdapDirectory } from '../src/directory/ldap-directory';
import type { DirectoryData } from '../src/domain/model';
import { startBenchDc } from './dc';
import { firstDifference, referenceReadData, type ReferenceOptions } from './ldap-reference';
import { fmtMs, log, median } from './stats';

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; cpuMs: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, ms, cpuMs: (c.user + c.system) / 1000 };
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 3);
  const hosts = Number(process.argv[3] ?? 5000);
  const dc = await startBenchDc(hosts);
  try {
    const options: ReferenceOptions = {
      url: dc.facts.url,
      bindDN: dc.facts.readerBindDN,
      bindPassword: dc.meta.readerPassword,
      caFile: dc.facts.caFile,
      timeoutMs: 120_000,
    };
    const samples = { reference: [] as number[], adapter: [] as number[], referenceCpu: [] as number[], adapterCpu: [] as number[] };
    for (let r = 0; r <= rounds; r++) {
      const order = r % 2 === 0 ? ['reference', 'adapter'] : ['adapter', 'reference'];
      const out: Record<string, DirectoryData> = {};
      for (const which of order) {
        const run = await timed(async () => {
          if (which === 'reference') return referenceReadData(options);
          const d = new LdapDirectory({ ...options, timeoutMs: 120_000, warn: (m) => log(`warn: ${m}`) });
          try {
            return await d.readData();
          } finally {
            await d.close();
          }
        });
        out[which] = run.value;
        if (r > 0) {
          samples[which as 'reference' | 'adapter'].push(run.ms);
          samples[`${which}Cpu` as 'referenceCpu' | 'adapterCpu'].push(run.cpuMs);
        }
        log(`round ${r}${r === 0 ? ' (warm-up)' : ''}: ${which} ${fmtMs(run.ms)} (CPU ${fmtMs(run.cpuMs)}), ${run.value.computers.length} computers`);
      }
      const diff = firstDifference(out.reference!, out.adapter!);
      if (diff) throw new Error(`the adapter's DirectoryData differs from the reference reader's: ${diff}`);
    }
    log(
      `median of ${rounds}: reference ${fmtMs(median(samples.reference))} (CPU ${fmtMs(median(samples.referenceCpu))}), ` +
        `adapter ${fmtMs(median(samples.adapter))} (CPU ${fmtMs(median(samples.adapterCpu))}); output identical`,
    );
  } finally {
    await dc.stop();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
