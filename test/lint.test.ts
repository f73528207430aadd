/**
 * The lint config keeps checking import cycles: ESLint, run with the project's own eslint.config.mjs on a
 * two-file cycle (test/fixtures/lint/import-cycle, left out of `npm run lint`), reports import-x/no-cycle.
 * A config whose resolver or rule stops working would let cycles in silently; this test fails instead.
 * ESLint runs as its own process: it loads an ES-module config, which jest's module system cannot.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'lint', 'import-cycle');

interface LintResult {
  filePath: string;
  messages: { ruleId: string | null; message: string }[];
}

function lint(file: string): LintResult[] {
  const run = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--no-ignore', '--format', 'json', file], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (run.status !== 0 && run.status !== 1) throw new Error(`eslint exited with ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as LintResult[];
}

test('an import cycle is a lint error', () => {
  const [result] = lint(join(FIXTURE, 'a.ts'));
  const rules = result!.messages.map((m) => m.ruleId);
  expect(rules).toEqual(['import-x/no-cycle']);
}, 120_000);
