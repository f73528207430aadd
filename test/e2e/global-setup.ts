/**
 * jest globalSetup of the `e2e` project: makes sure what the Playground test needs is there.
 * - Debian's chromium at CHROMIUM_PATH: installed with apt-get when missing and we are root; otherwise a
 *   clear error saying what to install.
 * - Debian's colour emoji font, so the cards' ✅/❌ headlines show in the screenshots instead of empty
 *   boxes (a Teams client has one). Installed the same way; when it cannot be, only a warning.
 * - the Microsoft 365 Agents Playground from node_modules (a devDependency: `npm install` brings it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CHROMIUM_PATH } from './chromium';
import { playgroundCli } from './playground';

const EMOJI_FONT = '/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf';

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function run(command: string, args: string[]): void {
  process.stdout.write(`e2e setup: ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    timeout: 15 * 60 * 1000,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status}`);
}

function aptInstall(packages: string[]): void {
  try {
    run('apt-get', ['install', '-y', ...packages]);
  } catch {
    // A fresh machine has no package lists yet.
    run('apt-get', ['update']);
    run('apt-get', ['install', '-y', ...packages]);
  }
}

function ensureChromium(): void {
  if (existsSync(CHROMIUM_PATH)) return;
  if (!isRoot() || CHROMIUM_PATH !== '/usr/bin/chromium') {
    throw new Error(
      `The Agents Playground test needs Chromium at ${CHROMIUM_PATH} and it is missing.\n` +
        "Install Debian's package as root: apt-get install -y chromium fonts-noto-color-emoji\n" +
        '(or point KCD_E2E_CHROMIUM at a Chromium binary). Never `npx playwright install`: it downloads a browser.',
    );
  }
  aptInstall(existsSync(EMOJI_FONT) ? ['chromium'] : ['chromium', 'fonts-noto-color-emoji']);
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium, but ${CHROMIUM_PATH} is still missing`);
}

function ensureEmojiFont(): void {
  if (existsSync(EMOJI_FONT)) return;
  try {
    if (!isRoot()) throw new Error('not root');
    aptInstall(['fonts-noto-color-emoji']);
  } catch (error) {
    process.stdout.write(
      `e2e setup: warning: no colour emoji font (${error instanceof Error ? error.message : String(error)}); ` +
        'screenshots will show boxes for ✅/❌. Fix: apt-get install -y fonts-noto-color-emoji\n',
    );
  }
}

export default function globalSetup(): Promise<void> {
  ensureChromium();
  ensureEmojiFont();
  const cli = playgroundCli();
  if (!existsSync(cli)) {
    return Promise.reject(new Error(`The Agents Playground is not installed (${cli} missing): run npm install (devDependency @microsoft/m365agentsplayground).`));
  }
  return Promise.resolve();
}
