import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program';
import type { ParsedCommandJson } from '../../src/commands/output';
import { demoData } from '../../src/directory/demo-directory';
import { serializeSnapshot } from '../../src/directory/snapshot-format';

async function cli(args: string[], env: Record<string, string | undefined> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), env });
  return { code, stdout, stderr };
}

const parsed = (stdout: string) => JSON.parse(stdout) as ParsedCommandJson;

const KEYS = ['intent', 'source', 'destination', 'host', 'storage', 'fresh', 'fileServers', 'topic'];

describe('kcd parse', () => {
  test('--json prints one object with the documented fields (null when absent), resolved against the directory', async () => {
    const { code, stdout, stderr } = await cli(['parse', 'can gogo3 migrate to GoGo-4.contoso.com with storage via fhost1?', '--json']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const out = parsed(stdout);
    expect(Object.keys(out)).toEqual(expect.arrayContaining(KEYS));
    expect(out).toMatchObject({
      intent: 'check_pair',
      source: 'GOGO-3',
      destination: 'GOGO-4',
      host: null,
      storage: true,
      fileServers: ['FHOST1'],
      topic: null,
      unresolved: [],
      via: 'natural',
    });
  });

  test('the text may come as separate words, and slash commands work', async () => {
    const out = parsed((await cli(['parse', '/kcd', 'check', 'gogo-2', '--json'])).stdout);
    expect(out).toMatchObject({ intent: 'check_host', host: 'GOGO-2', source: null, destination: null, via: 'slash' });
  });

  test('explain and subscribe fields', async () => {
    expect(JSON.parse((await cli(['parse', 'what is protocol transition?', '--json'])).stdout)).toMatchObject({ intent: 'explain', topic: 'protocol-transition' });
    expect(JSON.parse((await cli(['parse', 'send me the daily report at 7:30 pm Europe/Berlin', '--json'])).stdout)).toMatchObject({
      intent: 'subscribe',
      time: '19:30',
      timeZone: 'Europe/Berlin',
    });
  });

  test('the fresh flag is shown (JSON and text); "now" is not fresh; a message with its own --fresh is quoted or follows --', async () => {
    expect(JSON.parse((await cli(['parse', '--json', '--', '/kcd', 'check', 'gogo-3', 'gogo-4', '--fresh'])).stdout)).toMatchObject({ intent: 'check_pair', fresh: true });
    expect(JSON.parse((await cli(['parse', 'check gogo-3 now please', '--json'])).stdout)).toMatchObject({ intent: 'check_host', fresh: false });
    const { code, stdout } = await cli(['parse', '/kcd scan --fresh']);
    expect(code).toBe(0);
    expect(stdout).toBe('scan: fresh from AD (cache bypassed) (slash)\n');
  });

  test('without --json: one readable line', async () => {
    const { code, stdout } = await cli(['parse', "why can't I move VMs from gogo3 to gogo4"]);
    expect(code).toBe(0);
    expect(stdout).toBe('check_pair: GOGO-3 \u2192 GOGO-4, as the asker (natural)\n');
  });

  test('an unknown host is reported with suggestions, still exit 0', async () => {
    const { code, stdout } = await cli(['parse', 'can gogo-7 migrate to gogo-4', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ source: 'gogo-7', destination: 'GOGO-4', unresolved: [{ text: 'gogo-7', suggestions: ['GOGO-2', 'GOGO-3', 'GOGO-4'] }] });
    const text = await cli(['parse', 'can gogo-7 migrate to gogo-4']);
    expect(text.stdout).toContain('unknown host "gogo-7": did you mean GOGO-2, GOGO-3, GOGO-4?');
  });

  test.each([['tell me a joke'], [''], ['*)(objectClass=*'], ['\u0000\u0007'], ['x'.repeat(10_000)]])('any text exits 0 (%#)', async (text) => {
    const { code, stdout } = await cli(['parse', text, '--json']);
    expect(code).toBe(0);
    expect(['unknown', 'help']).toContain(parsed(stdout).intent);
  });

  test.each([[['parse']], [['parse', '--json']], [['parse', 'hello', '--bogus']]])('argument errors exit 2: %j', async (args) => {
    expect((await cli(args)).code).toBe(2);
  });

  describe('--directory', () => {
    let dir: string;
    beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'kcd-parse-'))));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    test('host names come from the chosen directory', async () => {
      const data = demoData(new Date('2024-01-01T00:00:00Z'));
      const renamed = data.computers.map((c) =>
        c.name.startsWith('GOGO-')
          ? {
              ...c,
              name: c.name.replace('GOGO-', 'HYP-'),
              samAccountName: c.samAccountName.replace('GOGO-', 'HYP-'),
              dnsHostName: c.dnsHostName?.replace('gogo-', 'hyp-'),
              distinguishedName: c.distinguishedName.replace('GOGO-', 'HYP-'),
            }
          : c,
      );
      const file = join(dir, 'renamed.json');
      writeFileSync(file, serializeSnapshot({ ...data, computers: renamed }));
      const fromFile = parsed((await cli(['parse', 'can hyp3 migrate to hyp-4.contoso.com?', '--json', '--directory', file])).stdout);
      expect(fromFile).toMatchObject({ intent: 'check_pair', source: 'HYP-3', destination: 'HYP-4', unresolved: [] });
      const gone = parsed((await cli(['parse', 'can gogo-3 migrate to gogo-4?', '--json', '--directory', file])).stdout);
      expect(gone.unresolved.map((u) => u.text)).toEqual(['gogo-3', 'gogo-4']);
    });
  });
});
