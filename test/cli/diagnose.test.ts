/** `kcd diagnose`: a paste from an argument or standard input; one JSON object; exit codes as for check. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program';
import type { diagnosisJson } from '../../src/render/diagnose';

const BIN = join(__dirname, '..', '..', 'bin', 'kcd.js');
type DiagnosisJson = ReturnType<typeof diagnosisJson>;
const paste = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', 'pastes', name), 'utf8');

async function cli(args: string[], stdin?: string) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), env: {}, ...(stdin !== undefined ? { stdin: () => Promise.resolve(stdin) } : {}) });
  return { code, stdout, stderr };
}

/** The real bin with a multi-line paste piped in. */
function bin(args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('kcd diagnose', () => {
  test('a Move-VM paste on standard input (the bin, piped): one JSON object, exit 1 for a not-ready pair', async () => {
    const { code, stdout } = await bin(['diagnose', '--json'], paste('move-vm-no-credentials-gogo3-gogo4-storage.txt'));
    expect(code).toBe(1);
    const out = JSON.parse(stdout) as DiagnosisJson;
    expect(Object.keys(out)).toEqual(['source', 'destination', 'storage', 'fileServers', 'codes', 'events', 'causes', 'check']);
    expect(out).toMatchObject({ source: 'GOGO-3', destination: 'GOGO-4', storage: true, codes: ['0x8009030E'], events: [] });
    expect(out.causes[0]).toMatchObject({ code: '0x8009030E', explainedBy: ['KCD001', 'KCD002', 'KCD004'] });
    expect(out.check).toMatchObject({ source: 'GOGO-3', destination: 'GOGO-4', ready: false });
  });

  test('"-" reads standard input too; a ready pair exits 0 and names what is not in AD', async () => {
    const { code, stdout } = await cli(['diagnose', '-'], "I started it on gogo-4; the move to destination host 'GOGO-2' failed with 0x8007274D");
    expect(code).toBe(0);
    expect(stdout).toContain('0x8007274D');
    expect(stdout).toContain('AD does not explain it for this pair');
    expect(stdout).toContain('TCP 6600');
  });

  test('an event about one host (14050): that host checked as kcd host checks it, exit 1 when it is not ready', async () => {
    const { code, stdout } = await cli(['diagnose', '--json'], paste('event-14050-gogo5.txt'));
    expect(code).toBe(1);
    const out = JSON.parse(stdout) as DiagnosisJson & { host?: { host: string; ready: boolean } };
    expect(out.check).toBeNull();
    expect(out.host).toMatchObject({ host: 'GOGO-5', ready: false });
    expect(out.causes[0]).toMatchObject({ event: 14050, explainedBy: ['KCD007'] });
    const host = await cli(['host', 'GOGO-5', '--json']);
    expect(out.host).toEqual(JSON.parse(host.stdout));
  });

  test('an unknown host: "did you mean", check null, exit 2', async () => {
    const { code, stdout } = await cli(['diagnose', '--json', "failed at migration source 'GOGO3' with host 'GOGO-4' (0x8009030E)"]);
    expect(code).toBe(2);
    const out = JSON.parse(stdout) as DiagnosisJson;
    expect(out.check).toBeNull();
    expect(out.unknown).toEqual([{ role: 'source', name: 'GOGO3', suggestions: expect.arrayContaining(['GOGO-3']) as unknown }]);
  });

  test('text with nothing to diagnose, or nothing at all, is an input error (exit 2) saying what to paste', async () => {
    const nothing = await cli(['diagnose', 'hello', 'there']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('no error code, event id or host names');
    const empty = await cli(['diagnose'], '   \n');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('The paste is empty');
  });
});
