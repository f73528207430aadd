/**
 * An HTTP-level fuzz of the real bot process in production mode (MicrosoftAppId set), as an attacker on the
 * internet sees it: `node dist/src/main.js` in a child process, 10,000+ malformed requests over raw sockets
 * (every content encoding, bogus and bomb bodies, multipart, wrong and missing content types, truncated and
 * oversized bodies, odd methods and paths, bytes that are not HTTP). The process must never exit, every
 * answer must be a 4xx, its resident memory must stay within a stated bound and no temp file may be left.
 * The figures are printed.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, deflateSync, brotliCompressSync } from 'node:zlib';
import { startBotProcess, type BotProcess } from '../support/bot-process';
import { freePort } from '../support/ports';

jest.setTimeout(300_000);

const MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js');
const APP_ID = '3f2e1d0c-9b8a-4766-a554-433221100ffe';
/** Resident memory may grow at most this much over the warmed-up process while the fuzz runs. */
const RSS_BOUND_MB = 96;
const REQUESTS = 10_000;
const CONCURRENCY = 8;

/** A small deterministic PRNG (mulberry32): the same requests every run. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Outcome {
  kind: string;
  /** HTTP status, or undefined when the connection ended without an answer. */
  status?: number;
  /** The request was cut short on purpose (truncated bodies, garbage): no answer is expected. */
  cut: boolean;
}

/** Sends raw bytes, reads until the status line arrives (or the socket ends), then closes. */
function exchange(port: number, kind: string, parts: Buffer[], options: { cut?: boolean } = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let head = '';
    let done = false;
    const finish = (status?: number) => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve({ kind, status, cut: options.cut === true });
    };
    socket.setTimeout(30_000, () => finish());
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      if (match) finish(Number(match[1]));
    });
    socket.on('error', () => finish());
    socket.on('close', () => finish());
    socket.on('connect', () => {
      for (const part of parts) if (!socket.destroyed) socket.write(part);
      if (options.cut) socket.end();
    });
  });
}

const activity = (serviceUrl: string) =>
  JSON.stringify({
    type: 'message',
    text: 'can gogo-3 migrate to gogo-4?',
    channelId: 'msteams',
    serviceUrl,
    conversation: { id: 'a:fuzz' },
    from: { id: 'fuzzer' },
    recipient: { id: 'bot' },
  });

function request(method: string, path: string, headers: Record<string, string | number>, body: Buffer = Buffer.alloc(0), chunked = false): Buffer[] {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (chunked) lines.push('Transfer-Encoding: chunked');
  else if (!('Content-Length' in headers)) lines.push(`Content-Length: ${body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  if (!chunked) return [head, body];
  const chunks: Buffer[] = [head];
  for (let i = 0; i < body.length; i += 16_384) {
    const piece = body.subarray(i, i + 16_384);
    chunks.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from('0\r\n\r\n'));
  return chunks;
}

/** 51 KB of gzip that inflates to 50 MB of JSON (the bomb of issue 14). */
const GZIP_BOMB = gzipSync(Buffer.from(`{"type":"message","text":"${'a'.repeat(50 * 1024 * 1024)}"}`), { level: 9 });
const MULTIPART_5MB = Buffer.concat([
  Buffer.from('--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'),
  Buffer.alloc(5 * 1024 * 1024, 0x41),
  Buffer.from('\r\n--xyz--\r\n'),
]);

type Make = (random: () => number) => { kind: string; parts: Buffer[]; cut?: boolean };

const json = { 'Content-Type': 'application/json' };
const randomBytes = (random: () => number, n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));

const MAKERS: Make[] = [
  () => ({ kind: 'gzip bomb', parts: request('POST', '/api/messages', { ...json, 'Content-Encoding': 'gzip' }, GZIP_BOMB) }),
  (r) => ({ kind: 'gzip, not gzip', parts: request('POST', '/api/messages', { ...json, 'Content-Encoding': 'gzip' }, randomBytes(r, 1 + Math.floor(r() * 2000))) }),
  (r) => ({
    kind: 'deflate / br / other encodings',
    parts: request(
      'POST',
      '/api/messages',
      { ...json, 'Content-Encoding': ['deflate', 'br', 'compress', 'x-gzip', 'gzip, identity', 'zstd', 'GZIP'][Math.floor(r() * 7)]! },
      r() < 0.5 ? deflateSync(Buffer.from(activity('https://smba.trafficmanager.net/amer/'))) : brotliCompressSync(Buffer.from('{"type":"message"}')),
    ),
  }),
  (r) => ({
    kind: 'wrong or missing content type',
    parts: request(
      'POST',
      '/api/messages',
      [{}, { 'Content-Type': 'text/plain' }, { 'Content-Type': 'application/x-www-form-urlencoded' }, { 'Content-Type': 'application/json; charset=iso-8859-1' }, { 'Content-Type': 'application/jsonp' }, { 'Content-Type': '' }, { 'Content-Type': 'application/xml' }][
        Math.floor(r() * 7)
      ]!,
      Buffer.from(activity('https://smba.trafficmanager.net/amer/')),
    ),
  }),
  (r) => ({
    kind: 'multipart',
    parts: request('POST', '/api/messages', { 'Content-Type': 'multipart/form-data; boundary=xyz' }, r() < 0.01 ? MULTIPART_5MB : Buffer.from('--xyz\r\nContent-Disposition: form-data; name="a"; filename="x"\r\n\r\nhello\r\n--xyz--\r\n')),
  }),
  (r) => ({ kind: 'bogus bytes as JSON', parts: request('POST', '/api/messages', json, randomBytes(r, Math.floor(r() * 3000))) }),
  (r) => ({
    kind: 'JSON that is not an activity',
    parts: request('POST', '/api/messages', json, Buffer.from(['[]', '42', 'null', '"x"', '{}', '{"type":1}', '{"type":"message"}', `${'['.repeat(100_000)}`, `{"a":${'['.repeat(50_000)}${']'.repeat(50_000)}}`, '{"type":"message","channelId":"msteams","serviceUrl":"https://smba.trafficmanager.net/amer/"}', '\uFEFF{}'][Math.floor(r() * 11)]!)),
  }),
  (r) => ({
    kind: 'serviceUrl not allowed',
    parts: request('POST', '/api/messages', json, Buffer.from(activity(['http://127.0.0.1:9/', 'https://evil.example/', 'https://smba.trafficmanager.net.evil.example/', 'https://user:pw@smba.trafficmanager.net/', 'https://smba.trafficmanager.net:8443/', 'ftp://smba.trafficmanager.net/', 'javascript:alert(1)'][Math.floor(r() * 7)]!))),
  }),
  (r) => ({
    kind: 'no or forged token',
    parts: request('POST', '/api/messages', r() < 0.5 ? json : { ...json, Authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0.' }, Buffer.from(activity('https://smba.trafficmanager.net/amer/'))),
  }),
  (r) => ({ kind: 'declared length over the cap', parts: request('POST', '/api/messages', json, Buffer.alloc(256 * 1024 + 1 + Math.floor(r() * 200_000), 0x20)) }),
  () => ({ kind: 'declared 1 GB, nothing sent', parts: request('POST', '/api/messages', { ...json, 'Content-Length': 1024 ** 3 }, Buffer.alloc(0)) }),
  (r) => ({ kind: 'chunked body over the cap', parts: request('POST', '/api/messages', json, Buffer.alloc(300 * 1024 + Math.floor(r() * 100_000), 0x20), true) }),
  (r) => ({ kind: 'truncated body', parts: request('POST', '/api/messages', { ...json, 'Content-Length': 5000 }, Buffer.from(activity('https://smba.trafficmanager.net/amer/')).subarray(0, Math.floor(r() * 200))), cut: true }),
  (r) => ({ kind: 'odd method', parts: request(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND'][Math.floor(r() * 7)]!, '/api/messages', json, Buffer.from('{}')) }),
  (r) => ({ kind: 'odd path', parts: request('POST', ['/', '/api', '/api/messages/x', '/%2e%2e/%2e%2e/etc/passwd', `/${'a'.repeat(9000)}`, '/api/messages/../../healthz?x=1', '/%00', '/api/MESSAGES'][Math.floor(r() * 8)]!, json, Buffer.from('{}')) }),
  (r) => ({ kind: 'not HTTP', parts: [randomBytes(r, 1 + Math.floor(r() * 500))], cut: true }),
  () => ({ kind: 'headers too large', parts: request('POST', '/api/messages', { ...json, 'X-Big': 'b'.repeat(20_000) }, Buffer.from('{}')) }),
];

/** Resident memory of a live process; throws, naming what it printed last, when the process is gone. */
function rssMb(pid: number, lastWords: () => string): number {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    throw new Error(`the bot process exited during the fuzz; it printed:\n${lastWords().slice(-2000)}`);
  }
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

describe('the production endpoint under a fuzz of malformed requests', () => {
  let bot: BotProcess;
  let port: number;
  let temp: string;
  let state: string;

  beforeAll(async () => {
    port = await freePort();
    temp = mkdtempSync(join(tmpdir(), 'kcd-fuzz-tmp-'));
    state = mkdtempSync(join(tmpdir(), 'kcd-fuzz-state-'));
    bot = await startBotProcess(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH,
        TMPDIR: temp,
        PORT: String(port),
        KCD_BIND_HOST: '127.0.0.1',
        MicrosoftAppId: APP_ID,
        MicrosoftAppTenantId: '5b7c1e2a-0f3d-4e8b-9a6c-2d1e0f3a4b5c',
        MicrosoftAppPassword: 'fuzz-not-a-secret',
        KCD_STATE_DIR: state,
        KCD_SCHEDULER_ENABLED: 'false',
        KCD_LOG_LEVEL: 'warn',
      },
    });
  });

  afterAll(async () => {
    await bot?.stop();
    rmSync(temp, { recursive: true, force: true });
    rmSync(state, { recursive: true, force: true });
  });

  test(`${REQUESTS} malformed requests: never exits, only 4xx answers, bounded memory, no temp files`, async () => {
    const random = prng(14);
    // Warm up with one of each, then take the baseline.
    for (const make of MAKERS) {
      const { kind, parts, cut } = make(random);
      await exchange(port, kind, parts, { cut });
    }
    const baseline = rssMb(bot.child.pid!, () => bot.stderr);
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(bot.child.pid!, () => bot.stderr))), 20);
    const outcomes: Outcome[] = [];
    let next = 0;
    const started = Date.now();
    const worker = async () => {
      while (next < REQUESTS) {
        const i = next++;
        const { kind, parts, cut } = MAKERS[i % MAKERS.length]!(random);
        outcomes.push(await exchange(port, kind, parts, { cut }));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    clearInterval(sampler);
    peak = Math.max(peak, rssMb(bot.child.pid!, () => bot.stderr));

    // Figures, by kind: answers by status, and connections that ended without one.
    const table = new Map<string, Map<string, number>>();
    for (const o of outcomes) {
      const row = table.get(o.kind) ?? new Map<string, number>();
      const key = o.status === undefined ? (o.cut ? 'cut (no answer expected)' : 'no answer') : String(o.status);
      row.set(key, (row.get(key) ?? 0) + 1);
      table.set(o.kind, row);
    }
    const lines = [...table].map(([kind, row]) => `  ${kind.padEnd(32)} ${[...row].map(([k, n]) => `${k}×${n}`).join('  ')}`);
    console.log(
      [
        `HTTP fuzz: ${outcomes.length} requests in ${((Date.now() - started) / 1000).toFixed(1)} s (concurrency ${CONCURRENCY})`,
        ...lines,
        `RSS: ${baseline.toFixed(0)} MB warmed up, peak ${peak.toFixed(0)} MB (bound: +${RSS_BOUND_MB} MB)`,
      ].join('\n'),
    );

    expect(outcomes).toHaveLength(REQUESTS);
    expect(bot.exited).toBeUndefined();
    const answered = outcomes.filter((o) => o.status !== undefined);
    expect(answered.filter((o) => o.status! < 400 || o.status! >= 500)).toEqual([]);
    // Every request that was not cut short on purpose got an answer.
    expect(outcomes.filter((o) => o.status === undefined && !o.cut)).toEqual([]);
    // The specific answers the issue asks for.
    const statuses = (kind: string) => new Set(outcomes.filter((o) => o.kind === kind).map((o) => o.status));
    expect(statuses('gzip bomb')).toEqual(new Set([415]));
    expect(statuses('gzip, not gzip')).toEqual(new Set([415]));
    expect(statuses('multipart')).toEqual(new Set([415]));
    expect(statuses('declared length over the cap')).toEqual(new Set([413]));
    expect(statuses('declared 1 GB, nothing sent')).toEqual(new Set([413]));
    expect(statuses('chunked body over the cap')).toEqual(new Set([413]));
    expect(statuses('serviceUrl not allowed')).toEqual(new Set([400]));
    expect(statuses('no or forged token')).toEqual(new Set([401]));
    expect(peak - baseline).toBeLessThan(RSS_BOUND_MB);
    expect(readdirSync(temp)).toEqual([]);
    // Nothing unexpected was logged at error level, and the process still answers.
    expect(bot.stdout.split('\n').filter((l) => l.includes('"level":50'))).toEqual([]);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(bot.exited).toBeUndefined();
  });
});
