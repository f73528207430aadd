/**
 * The production install works as the Dockerfile makes it, read from the Dockerfile itself: the runtime
 * stage's files (package.json, the lock, .npmrc, the compiled dist/ of `npm run build`, bin/) copied to a
 * fresh directory, its `npm ci --omit=dev …` run there against the npm registry, then its CMD started on
 * the demo directory: /healthz, /readyz, the HEALTHCHECK command and a question answered over the real Bot
 * Framework HTTP path (a Teams activity POSTed to /api/messages, the card arriving at a local connector).
 * No dev dependency is installed, so none can be needed at run time.
 *
 * Where a container engine runs (docker or podman), the image is also built and run and asked the same;
 * otherwise the test prints that it skipped that part.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalConnector, teamsMessage } from '../support/connector';
import { startBotProcess, type BotProcess } from '../support/bot-process';
import { freePort } from '../support/ports';
import { expectValidCard } from '../support/validate-card';

// An install from the registry, and an image build where an engine runs.
jest.setTimeout(900_000);

const ROOT = join(__dirname, '..', '..');
const DOCKERFILE = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
/** The lock's packages only development needs (`"dev": true`: a devDependency or one only they pull in). */
const DEV_ONLY = Object.entries((JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> }).packages)
  .filter(([path, entry]) => path !== '' && entry.dev === true)
  .map(([path]) => path);

/** The runtime stage of the Dockerfile, its continuation lines joined. */
function runtimeStage(): string[] {
  const lines = DOCKERFILE.replace(/\\\n\s*/g, ' ').split('\n').map((l) => l.trim());
  const start = lines.findIndex((l) => /^FROM .* AS runtime$/i.test(l));
  if (start === -1) throw new Error('the Dockerfile has no "AS runtime" stage');
  return lines.slice(start + 1).filter((l) => l !== '' && !l.startsWith('#'));
}

/** What the runtime stage copies, as paths of this checkout: [source, destination] (`--from=build /app/x` is the build's `x`). */
function copiedPaths(stage: string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const line of stage.filter((l) => l.startsWith('COPY '))) {
    const words = line.split(/\s+/).slice(1);
    const fromBuild = words[0] === '--from=build';
    const args = words.filter((w) => !w.startsWith('--'));
    const destination = args.pop()!;
    for (const source of args) {
      const local = fromBuild ? source.replace(/^\/app\//, '') : source;
      pairs.push([local, destination.endsWith('/') ? join(destination, local.split('/').pop()!) : destination]);
    }
  }
  return pairs;
}

/** The exec-form JSON array of an instruction (CMD, or HEALTHCHECK's CMD). */
function execForm(stage: string[], instruction: RegExp): string[] {
  const line = stage.find((l) => instruction.test(l));
  const json = line?.slice(line.indexOf('['));
  if (!json) throw new Error(`no ${String(instruction)} in the Dockerfile's runtime stage`);
  return JSON.parse(json) as string[];
}

/** A Teams question through /api/messages; the reply card must be the pair check's. */
async function askDemoQuestion(botUrl: string): Promise<void> {
  const connector = await new LocalConnector().start();
  try {
    const res = await fetch(`${botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(teamsMessage(connector, 'can gogo-3 migrate to gogo-4?')),
    });
    expect(res.status).toBeLessThan(300);
    const [reply] = await connector.waitForMessages(1, 'conv-1', 60_000);
    const card = reply!.activity.attachments![0]!.content;
    expectValidCard(card);
    expect(JSON.stringify(card)).toContain('KCD001');
  } finally {
    await connector.stop();
  }
}

async function expectHealthyAndReady(botUrl: string): Promise<void> {
  const health = await fetch(`${botUrl}/healthz`);
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ status: 'ok' });
  const ready = await fetch(`${botUrl}/readyz`);
  expect(await ready.json()).toEqual({ status: 'ready' });
  expect(ready.status).toBe(200);
}

/** docker or podman, when one answers `info` (its daemon or service runs). */
const ENGINE = ['docker', 'podman'].find((e) => spawnSync(e, ['info'], { encoding: 'utf8', timeout: 30_000 }).status === 0);
if (!ENGINE) {
  console.log(
    'SKIPPED part: no container engine runs here (docker/podman absent, or its daemon not reachable), so the image is not built or run; the production install test runs what its runtime stage runs.',
  );
}

function run(command: string, args: string[], cwd: string, timeout = 600_000) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_yes: 'true' } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  return result;
}

describe('the production install (as the Dockerfile makes it)', () => {
  const stage = runtimeStage();
  let app: string;
  let bot: BotProcess | undefined;

  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist', 'src', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    app = mkdtempSync(join(tmpdir(), 'kcd-production-'));
  });
  afterAll(async () => {
    await bot?.stop();
    rmSync(app, { recursive: true, force: true });
  });

  test('the Dockerfile: multi-stage, Node 20 slim, production dependencies only, non-root, a health check, state in a volume', () => {
    expect(DOCKERFILE.match(/^FROM node:20[\w.-]*-slim AS \w+$/gm)).toHaveLength(2);
    expect(stage).toContainEqual(expect.stringMatching(/^RUN npm ci --omit=dev --ignore-scripts\b/));
    expect(stage).toContain('USER node');
    expect(stage).toContainEqual(expect.stringMatching(/^HEALTHCHECK .*\/healthz/));
    expect(stage).toContain('VOLUME ["/var/lib/kcd-bot"]');
    expect(stage).toContainEqual(expect.stringMatching(/^ENV .*KCD_STATE_DIR=\/var\/lib\/kcd-bot/));
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['.env', 'node_modules', 'data', '.git']) expect(ignored).toContain(entry);
  });

  test('npm ci --omit=dev in a fresh copy, then the image\'s start command answers /healthz, /readyz and a question', async () => {
    for (const [source, destination] of copiedPaths(stage)) cpSync(join(ROOT, source), join(app, destination), { recursive: true });
    const install = stage.find((l) => /^RUN npm ci /.test(l))!.slice('RUN '.length).split('&&')[0]!.trim().split(/\s+/);
    const started = Date.now();
    run(install[0]!, install.slice(1), app);
    console.log(`production install: \`${install.join(' ')}\` in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    expect(DEV_ONLY.length).toBeGreaterThan(100); // jest, typescript, eslint and theirs
    expect(DEV_ONLY.filter((path) => existsSync(join(app, path)))).toEqual([]);
    for (const dependency of Object.keys(PACKAGE.dependencies)) expect(existsSync(join(app, 'node_modules', dependency, 'package.json'))).toBe(true);

    const port = await freePort();
    const [command, ...args] = execForm(stage, /^CMD /);
    const env = { PATH: process.env.PATH, NODE_ENV: 'production', PORT: String(port), KCD_STATE_DIR: join(app, 'state') };
    bot = await startBotProcess(command === 'node' ? process.execPath : command!, args, { cwd: app, env });
    expect(bot.stdout).toContain('(directory: demo directory)');
    const url = `http://127.0.0.1:${port}`;
    await expectHealthyAndReady(url);
    await askDemoQuestion(url);

    const [checkCommand, ...checkArgs] = execForm(stage, /^HEALTHCHECK /);
    const check = spawnSync(checkCommand === 'node' ? process.execPath : checkCommand!, checkArgs, { cwd: app, env, encoding: 'utf8', timeout: 30_000 });
    expect(check.status).toBe(0);
    await bot.stop();
    const down = spawnSync(process.execPath, checkArgs, { cwd: app, env, encoding: 'utf8', timeout: 30_000 });
    expect(down.status).toBe(1); // the health check can fail: it notices a bot that is gone
    expect(bot.stderr).not.toContain('DEP0111');
  });

  // Reported as skipped by jest (and said why) where no engine runs.
  (ENGINE ? test : test.skip)('the image, built and run by a container engine', async () => {
    const engine = ENGINE!;
    const tag = `kcd-bot:deploy-test-${process.pid}`;
    const name = `kcd-deploy-test-${process.pid}`;
    run(engine, ['build', '-t', tag, '.'], ROOT, 900_000);
    try {
      expect(run(engine, ['image', 'inspect', '--format', '{{.Config.User}}', tag], ROOT).stdout.trim()).toBe('node');
      const port = await freePort();
      // Host networking: the bot (local mode, loopback) and the test's connector see each other on 127.0.0.1.
      run(engine, ['run', '-d', '--rm', '--name', name, '--network', 'host', '-e', `PORT=${port}`, tag], ROOT);
      try {
        const url = `http://127.0.0.1:${port}`;
        const deadline = Date.now() + 60_000;
        while (!(await fetch(`${url}/healthz`).then((r) => r.ok, () => false))) {
          if (Date.now() > deadline) throw new Error(`the container did not answer /healthz:\n${spawnSync(engine, ['logs', name], { encoding: 'utf8' }).stdout}`);
          await new Promise((r) => setTimeout(r, 500));
        }
        await expectHealthyAndReady(url);
        await askDemoQuestion(url);
        expect(run(engine, ['exec', name, 'id', '-un'], ROOT).stdout.trim()).toBe('node');
      } finally {
        spawnSync(engine, ['rm', '-f', name], { encoding: 'utf8' });
      }
    } finally {
      spawnSync(engine, ['rmi', '-f', tag], { encoding: 'utf8' });
    }
  });
});
