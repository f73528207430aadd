/** stdoutWriter (src/cli/stdout.ts): a regular file gets the text itself; anything else goes to the stream. */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stdoutWriter } from '../../src/cli/stdout';

describe('stdoutWriter', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kcd-stdout-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes to a regular file directly, in order, every byte (multi-byte characters, megabytes)', () => {
    const file = join(dir, 'out.json');
    const fd = openSync(file, 'w');
    const streamed: string[] = [];
    try {
      const write = stdoutWriter(fd, { write: (s: string) => streamed.push(s) });
      const parts = ['{"host": "Zoë-Größe-日本"', ', "big": "', 'x'.repeat(3 << 20), '"}\n'];
      for (let i = 0; i < 2000; i++) parts.push(`\n    {"host": "HV${i}", "note": "${'…'.repeat(i % 3)}${'y'.repeat(i % 700)}"},`);
      for (const p of parts) write(p);
      write.flush();
      expect(readFileSync(file, 'utf8')).toBe(parts.join(''));
      expect(streamed).toEqual([]);
      write('after the flush');
      write.flush();
      write.flush();
      expect(readFileSync(file, 'utf8')).toBe(`${parts.join('')}after the flush`);
    } finally {
      closeSync(fd);
    }
  });

  it('hands anything that is not a regular file to the stream (a pipe, a terminal, a closed descriptor), ~1 MB a write', () => {
    const streamed: string[] = [];
    const write = stdoutWriter(987_654, { write: (s: string) => streamed.push(s) });
    write('a');
    write('b');
    expect(streamed).toEqual([]);
    write.flush();
    expect(streamed).toEqual(['ab']);
    const big = Array.from({ length: 3000 }, (_, i) => `${i}`.padEnd(1000, '.'));
    for (const p of big) write(p);
    write.flush();
    expect(streamed.slice(1).join('')).toBe(big.join(''));
    expect(streamed.length).toBeGreaterThanOrEqual(3);
    expect(streamed.length).toBeLessThanOrEqual(5);
  });
});
