/**
 * Asks the lab KDC what a Hyper-V host would ask during a live migration: `kinit SRC$` (the host's own TGT), then
 * `kvno -U user -P spn` (S4U2Self for the user, then S4U2Proxy to the service). Granted, or the KDC's words.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { kerberosEnv, type LabFacts } from '../ad-lab/lab';

const run = promisify(execFile);

export async function s4u2proxy(facts: LabFacts, source: string, user: string, spn: string, password: string): Promise<{ granted: boolean; why: string }> {
  const env = kerberosEnv(facts, `s4u-${source}`);
  const kinit = await new Promise<{ ok: boolean; stderr: string }>((resolve) => {
    const child = spawn('kinit', ['-f', `${source}$@${facts.realm}`], { env, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => resolve({ ok: false, stderr: String(e) }));
    // 'close', not 'exit': 'exit' can come before the last of stderr is read.
    child.on('close', (code) => resolve({ ok: code === 0, stderr }));
    child.stdin.end(`${password}\n`);
  });
  if (!kinit.ok) throw new Error(`kinit ${source}$ failed: ${kinit.stderr}`);
  try {
    await run('kvno', ['-U', user, '-P', spn], { env, timeout: 30_000 });
    return { granted: true, why: 'granted' };
  } catch (e) {
    return { granted: false, why: String((e as { stderr?: string }).stderr ?? e).trim() };
  }
}
