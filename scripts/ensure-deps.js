#!/usr/bin/env node
// `npm start` and `npm test` on a fresh clone: install the locked dependencies first (npm ci), so the two
// README commands are all the set-up there is. Skipped when node_modules matches package-lock.json.
const { existsSync, statSync } = require('node:fs');
const { execSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const installed = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');
const stale = !existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs;
if (stale) {
  console.log('Installing dependencies (npm ci)…');
  execSync('npm ci', { cwd: root, stdio: 'inherit' });
}
