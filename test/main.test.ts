/**
 * The bot process as `npm start` runs it (`node dist/src/main.js`, built by `npm run build`): its start-up
 * output is clean of restify's DEP0111 warning while every other warning still prints as Node prints it, and
 * its metrics listener answers on loopback only unless KCD_METRICS_HOST says otherwise.
 */
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropWarnings, isRestifyParserWarning } from '../src/process-warnings';
import { startBotProcess, type BotProcess } from './support/bot-process';
import { freePort } from './support/ports';

jest.setTimeout(90_000);

const ROOT = join(__dirname, '..');
const MAIN = join(ROOT, 'dist', 'src', 'main.js');
const RESTIFY_WARNING = "Access to process.binding('http_parser') is deprecated";

const deprecation = (code: string, message: string) => Object.assign(new Error(message), { name: 'DeprecationWarning', code });

describe('isRestifyParserWarning and dropWarnings', () => {
  test('drop exactly restify\'s DEP0111 and pass every other warning to the listeners that print', () => {
    const target = new EventEmitter();
    const printed: string[] = [];
    target.on('warning', (w: Error) => printed.push(w.message));
    dropWarnings(isRestifyParserWarning, target);
    target.emit('warning', deprecation('DEP0111', `${RESTIFY_WARNING}.`));
    target.emit('warning', deprecation('DEP0111', "Access to process.binding('natives') is deprecated."));
    target.emit('warning', deprecation('DEP0005', 'Buffer() is deprecated'));
    target.emit('warning', Object.assign(new Error(`${RESTIFY_WARNING}.`), { name: 'Warning', code: 'DEP0111' }));
    expect(printed).toEqual(["Access to process.binding('natives') is deprecated.", 'Buffer() is deprecated', `${RESTIFY_WARNING}.`]);
  });

  test('with no printing listener (--no-warnings) it adds none', () => {
    const target = new EventEmitter();
    dropWarnings(isRestifyParserWarning, target);
    expect(target.listenerCount('warning')).toBe(0);
  });
});

function nonLoopbackIPv4(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.setTimeout(3000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe('the bot process (node dist/src/main.js)', () => {
  let bot: BotProcess;
  let temp: string;
  let port: number;
  let metricsPort: number;

  beforeAll(async () => {
    temp = mkdtempSync(join(tmpdir(), 'kcd-start-'));
    // Other warnings, emitted once the bot has started: they must still be printed.
    const preload = join(temp, 'other-warnings.js');
    writeFileSync(
      preload,
      `setTimeout(() => {
        process.emitWarning("Access to process.binding('natives') is deprecated.", { type: 'DeprecationWarning', code: 'DEP0111' });
        process.emitWarning('kcd test: another deprecation', { type: 'DeprecationWarning', code: 'DEP0999' });
        process.emitWarning('kcd test: a plain warning');
      }, 1500);\n`,
    );
    [port, metricsPort] = [await freePort(), await freePort()];
    bot = await startBotProcess(process.execPath, [MAIN], {
      cwd: temp,
      env: { PATH: process.env.PATH, NODE_OPTIONS: `--require ${preload}`, PORT: String(port), KCD_METRICS_PORT: String(metricsPort), KCD_STATE_DIR: join(temp, 'state') },
      ready: (p) => p.stdout.includes('listening on') && p.stderr.includes('kcd test: a plain warning'),
    });
  });

  afterAll(async () => {
    await bot?.stop();
    rmSync(temp, { recursive: true, force: true });
  });

  test('restify does warn DEP0111 on this Node when loaded without the filter (so the next test can fail)', () => {
    const plain = spawnSync(process.execPath, ['-e', "require('restify').createServer()"], { cwd: ROOT, encoding: 'utf8' });
    expect(plain.stderr).toContain('[DEP0111]');
    expect(plain.stderr).toContain(RESTIFY_WARNING);
  });

  test('start-up output has no restify DEP0111, and other warnings (another DEP0111, other codes, plain ones) still print', () => {
    expect(bot.stderr).not.toContain(RESTIFY_WARNING);
    expect(bot.stderr).toContain("[DEP0111] DeprecationWarning: Access to process.binding('natives') is deprecated.");
    expect(bot.stderr).toContain('[DEP0999] DeprecationWarning: kcd test: another deprecation');
    expect(bot.stderr).toContain('Warning: kcd test: a plain warning');
  });

  test('the banner names /healthz, /readyz and the metrics URL on this machine only', () => {
    expect(bot.stdout).toContain(`http://127.0.0.1:${port}/readyz`);
    expect(bot.stdout).toContain(`Metrics: http://127.0.0.1:${metricsPort}/metrics (this machine only)`);
  });

  test('the metrics listener answers on loopback and not on another address of this machine', async () => {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('kcd_turns_total');
    const other = nonLoopbackIPv4();
    if (!other) {
      console.log('SKIPPED part: this machine has no non-loopback IPv4 address, so "not reachable from another address" was not tried.');
      return;
    }
    expect(await connects(other, metricsPort)).toBe(false);
    // The control: a listener on every interface is reachable at that address, so the refusal above is the binding's doing.
    const everywhere = createServer();
    await new Promise<void>((resolve) => everywhere.listen(0, '0.0.0.0', resolve));
    try {
      expect(await connects(other, (everywhere.address() as { port: number }).port)).toBe(true);
    } finally {
      everywhere.close();
    }
  });
});
