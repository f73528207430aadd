/** Where things are, from scripts/ (ts-jest) or dist/scripts/ (compiled). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'manifest'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no repository root above ${start}`);
    dir = parent;
  }
  return dir;
}

export const ROOT = findRoot(__dirname);
export const MANIFEST_DIR = join(ROOT, 'manifest');
export const TEMPLATE_PATH = join(MANIFEST_DIR, 'manifest.template.json');
export const MANIFEST_PATH = join(MANIFEST_DIR, 'manifest.json');
export const PACKAGE_PATH = join(MANIFEST_DIR, 'kcd-bot.zip');
