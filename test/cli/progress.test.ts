/** A long scan's progress line on a terminal: nothing for a quick scan, steps after SHOW_AFTER_MS, a clean end. */
import { runCli } from '../../src/cli/program';
import { Progress, SHOW_AFTER_MS } from '../../src/cli/progress';
import { demoSize } from '../render/cards/support';

describe('Progress', () => {
  test('says nothing before SHOW_AFTER_MS, then draws steps in place and clears the line at the end', () => {
    let t = 0;
    const out: string[] = [];
    const progress = new Progress((s) => out.push(s), () => t);
    progress.step('read 10 computers');
    progress.done();
    expect(out).toEqual([]); // a quick scan: nothing extra
    t = SHOW_AFTER_MS + 1;
    progress.step('checked 1 of 3 Hyper-V hosts');
    t += 10;
    progress.step('checked 2 of 3 Hyper-V hosts'); // within the redraw interval: skipped
    progress.step('writing the report', true); // a new stage: drawn
    progress.done();
    expect(out).toEqual(['\r\x1b[Kchecked 1 of 3 Hyper-V hosts', '\r\x1b[Kwriting the report', '\r\x1b[K']);
  });
});

describe('kcd scan and its progress', () => {
  async function scan(progress?: Progress) {
    let stdout = '';
    let stderr = '';
    const code = await runCli(['scan', '--json'], { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), env: {}, ...(progress ? { progress } : {}) });
    return { code, stdout, stderr };
  }

  test('on a terminal a slow scan reports its stages on standard error, and the report on standard output is unchanged', async () => {
    const plain = await scan();
    expect(plain.stderr).toBe('');
    let t = 0;
    const drawn: string[] = [];
    // A clock that moves 2 s per reading: every stage is past SHOW_AFTER_MS.
    const progress = new Progress((s) => drawn.push(s), () => (t += 2000));
    const slow = await scan(progress);
    expect(slow.stdout.replace(/"takenAt": "[^"]*"/, '')).toBe(plain.stdout.replace(/"takenAt": "[^"]*"/, ''));
    expect(slow.stderr).toBe('');
    const text = drawn.join('');
    expect(text).toMatch(/read \d+ computers from demo directory/);
    expect(text).toMatch(new RegExp(`checked \\d+ of ${demoSize().hyperVHosts} Hyper-V hosts`));
    expect(text).toContain('writing the report');
    expect(drawn[drawn.length - 1]).toBe('\r\x1b[K');
  });
});
