/**
 * Golden files: committed JSON under test/fixtures/golden/, compared exactly. They pin what admins read (the
 * findings' texts, data and PowerShell), which the rule tests leave alone (they assert rule ids, not prose).
 *
 * A deliberate change of a report regenerates them:  UPDATE_GOLDEN=1 npx jest --selectProjects unit test/checker/golden
 * (then review the diff of test/fixtures/golden/ before committing it).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../src/domain/finding';
import { renderFix } from '../../src/fixes/powershell';

export const GOLDEN_DIR = join(__dirname, '..', 'fixtures', 'golden');

const updating = process.env.UPDATE_GOLDEN === '1';

/** The golden file names (without .json) committed now. */
export function goldenNames(): string[] {
  return readdirSync(GOLDEN_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();
}

/**
 * The distinct findings of one golden file, each in full: everything it tells an admin, with its fix both as
 * data and as the PowerShell it renders to. Reports name them by key (`KCD001 SRC 1a2b3c4d`: rule, subject and
 * a digest of the whole finding), so a finding that recurs in many reports is written once and a changed one
 * shows as a local diff.
 */
export class FindingTable {
  private readonly byKey = new Map<string, unknown>();

  key(f: Finding): string {
    const full = { ...f, powershell: f.fix ? renderFix(f.fix) : null };
    const digest = createHash('sha256').update(JSON.stringify(full)).digest('hex').slice(0, 8);
    const key = `${f.rule} ${f.subject} ${digest}`;
    if (!this.byKey.has(key)) this.byKey.set(key, full);
    return key;
  }

  keys(findings: readonly Finding[]): string[] {
    return findings.map((f) => this.key(f));
  }

  /** The findings by key, in key order. */
  entries(): Record<string, unknown> {
    return Object.fromEntries([...this.byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}

/**
 * The text of `value` as test/fixtures/golden/<name>.json holds it, and that file's text ('' when missing).
 * Under UPDATE_GOLDEN=1 the file is written first, so both are the same.
 */
export function goldenTexts(name: string, value: unknown): { actual: string; golden: string } {
  const actual = `${JSON.stringify(value, null, 2)}\n`;
  const file = join(GOLDEN_DIR, `${name}.json`);
  if (updating) writeFileSync(file, actual);
  return { actual, golden: existsSync(file) ? readFileSync(file, 'utf8') : '' };
}

/**
 * Where `actual` first departs from `golden`, as a few lines around it (undefined when equal). Cheap on large
 * files, unlike a full diff: a mutant that changes every report must fail fast, not time out.
 */
export function firstDifference(actual: string, golden: string): string | undefined {
  if (actual === golden) return undefined;
  const a = actual.split('\n');
  const g = golden.split('\n');
  let i = 0;
  while (i < a.length && i < g.length && a[i] === g[i]) i++;
  const around = (lines: string[]) => lines.slice(Math.max(0, i - 3), i + 4).join('\n');
  return `first difference at line ${i + 1} (a wanted change? UPDATE_GOLDEN=1 regenerates: test/support/golden.ts)\n--- golden:\n${around(g)}\n+++ now:\n${around(a)}`;
}
