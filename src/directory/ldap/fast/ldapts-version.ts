/** Which ldapts is installed: the fast path mirrors ldapts 8.2.0's internals and is used on that version only. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The ldapts release whose internals the fast path mirrors. */
export const PATCHED_LDAPTS_VERSION = '8.2.0';

export function installedLdaptsVersion(): string {
  // ldapts's package.json is not in its "exports"; find it next to the resolved entry point.
  let dir = dirname(require.resolve('ldapts'));
  for (let i = 0; i < 4; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'ldapts') return pkg.version ?? '';
    } catch {
      // not here: one level up
    }
    dir = dirname(dir);
  }
  return '';
}
