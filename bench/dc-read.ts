/**
 * The LDAP read alone against the bench DC (bench/dc.ts): the reader's readData without and with the fast path
 * (src/directory/ldap/fast/), alternating, with wall and CPU time, and a deep-equality check of their output.
 * `npm run build && node dist/bench/dc-read.js [rounds] [hosts]`. A development tool; `npm run bench -- --only dc`
 * runs the same equality check once.
 */
import { LdapDirectory, type LdapDirectoryOptions } from '../src/directory/ldap-directory';
import { installLdapFastPath } from '../src/directory/ldap/fast';
import type { DirectoryData } from '../src/domain/model';
import { firstDifference } from '../test/support/ldap-reference';
import { startBenchDc } from './dc';
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
    const options: LdapDirectoryOptions = {
      url: dc.facts.url,
      bindDN: dc.facts.readerBindDN,
      bindPassword: dc.meta.readerPassword,
      caFile: dc.facts.caFile,
      timeoutMs: 120_000,
    };
    const samples = { plain: [] as number[], fast: [] as number[], plainCpu: [] as number[], fastCpu: [] as number[] };
    for (let r = 0; r <= rounds; r++) {
      const order = r % 2 === 0 ? ['plain', 'fast'] : ['fast', 'plain'];
      const out: Record<string, DirectoryData> = {};
      for (const which of order) {
        const run = await timed(async () => {
          const paging = which === 'fast' ? installLdapFastPath() : undefined;
          const d = new LdapDirectory({ ...options, warn: (m) => log(`warn: ${m}`) }, paging ? { paging } : {});
          try {
            return await d.readData();
          } finally {
            await d.close();
          }
        });
        out[which] = run.value;
        if (r > 0) {
          samples[which as 'plain' | 'fast'].push(run.ms);
          samples[`${which}Cpu` as 'plainCpu' | 'fastCpu'].push(run.cpuMs);
        }
        log(`round ${r}${r === 0 ? ' (warm-up)' : ''}: ${which} ${fmtMs(run.ms)} (CPU ${fmtMs(run.cpuMs)}), ${run.value.computers.length} computers`);
      }
      const diff = firstDifference(out.plain!, out.fast!);
      if (diff) throw new Error(`the fast path's DirectoryData differs from the plain reader's: ${diff}`);
    }
    log(
      `median of ${rounds}: plain ${fmtMs(median(samples.plain))} (CPU ${fmtMs(median(samples.plainCpu))}), ` +
        `fast path ${fmtMs(median(samples.fast))} (CPU ${fmtMs(median(samples.fastCpu))}); output identical`,
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
