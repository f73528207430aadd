/**
 * Reads the JSON body of a request arriving from the internet, before anything else touches it.
 *
 * Why not restify's bodyParser: it runs before the adapter checks the token, inflates gzip without an error
 * handler (a bogus gzip body killed the process), counts the cap against compressed bytes, and writes
 * multipart uploads to the temp folder. Here, in this order: a content encoding other than identity → 415
 * (the Bot Connector posts uncompressed JSON; docs/security.md); a content type other than JSON in UTF-8
 * → 415; a declared length over the cap → 413 unread; the bytes actually read over the cap → 413; too slow
 * → 408; not UTF-8 or not JSON → 400. Nothing is written to disk; at most `maxBytes` are held.
 *
 * A refused body is drained (read and dropped, up to `drainBytes` and `drainMs`) before the answer goes out:
 * answering while the client still sends makes the kernel reset the connection, and the client would see
 * a reset instead of the 4xx. Past those limits the answer says `close` and the connection is dropped.
 */
import type { IncomingMessage } from 'node:http';

export interface JsonBodyOptions {
  /** Bytes read at most (after any transfer decoding). */
  maxBytes: number;
  /** The whole body must arrive within this time. */
  timeoutMs: number;
  /** A refused body is read and dropped up to this many bytes (default 8 MB) … */
  drainBytes?: number;
  /** … and for at most this long (default 2 s) before the answer. */
  drainMs?: number;
}

export type JsonBodyResult =
  | { ok: true; body: unknown }
  | { ok: false; status: 400 | 408 | 413 | 415; message: string; headers?: Record<string, string>; close?: boolean };

type Refusal = Extract<JsonBodyResult, { ok: false }>;

const refuse = (status: Refusal['status'], message: string, headers?: Record<string, string>): Refusal => ({
  ok: false,
  status,
  message,
  ...(headers ? { headers } : {}),
});

/** The header checks alone: undefined when the request may be read. */
export function screenHeaders(headers: IncomingMessage['headers'], maxBytes: number): Refusal | undefined {
  const encoding = (headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding !== '' && encoding !== 'identity') {
    return refuse(415, `Content-Encoding ${JSON.stringify(encoding.slice(0, 40))} is not accepted: send the activity uncompressed.`, { 'accept-encoding': 'identity' });
  }
  const type = headers['content-type'];
  if (type === undefined) return refuse(415, 'Content-Type is missing: send the activity as application/json.');
  const [media = '', ...params] = type.split(';').map((part) => part.trim().toLowerCase());
  if (media !== 'application/json') return refuse(415, `Content-Type ${JSON.stringify(media.slice(0, 60))} is not accepted: send the activity as application/json.`);
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/^"(.*)"$/, '$1');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return refuse(415, `charset ${JSON.stringify(charset.slice(0, 40))} is not accepted: send the activity in UTF-8.`);
  }
  const declared = headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) return refuse(413, `The body is larger than ${maxBytes} bytes.`);
  return undefined;
}

/** Reads, caps and parses the body; never throws, never reads past the cap. */
export async function readJsonBody(req: IncomingMessage, options: JsonBodyOptions): Promise<JsonBodyResult> {
  const refused = screenHeaders(req.headers, options.maxBytes);
  if (refused) return withDrain(req, refused, options);
  const raw = await readCapped(req, options);
  if (!('bytes' in raw)) return raw.status === 413 ? withDrain(req, raw, options) : { ...raw, close: true };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw.bytes);
  } catch {
    return refuse(400, 'The body is not valid UTF-8.');
  }
  if (text.trim() === '') return refuse(400, 'The body is empty: send a Bot Framework activity.');
  try {
    return { ok: true, body: JSON.parse(text) as unknown };
  } catch {
    return refuse(400, 'The body is not valid JSON.');
  }
}

/** Drains what is left of a refused body, within the limits; beyond them the connection must close. */
async function withDrain(req: IncomingMessage, refusal: Refusal, options: JsonBodyOptions): Promise<Refusal> {
  const drainBytes = options.drainBytes ?? 8 * 1024 * 1024;
  if (req.complete) return refusal;
  if (Number(req.headers['content-length'] ?? 0) > drainBytes) return { ...refusal, close: true };
  let seen = 0;
  const end = await consume(req, options.drainMs ?? 2000, (chunk) => (seen += chunk.length) <= drainBytes);
  return end === 'end' ? refusal : { ...refusal, close: true };
}

async function readCapped(req: IncomingMessage, options: JsonBodyOptions): Promise<{ bytes: Buffer } | Refusal> {
  const chunks: Buffer[] = [];
  let length = 0;
  const end = await consume(req, options.timeoutMs, (chunk) => {
    length += chunk.length;
    if (length > options.maxBytes) return false;
    chunks.push(chunk);
    return true;
  });
  switch (end) {
    case 'end':
      return { bytes: Buffer.concat(chunks, length) };
    case 'stopped':
      return refuse(413, `The body is larger than ${options.maxBytes} bytes.`);
    case 'timeout':
      return refuse(408, `The body did not arrive within ${options.timeoutMs / 1000} s.`);
    case 'failed':
      return refuse(400, 'The body could not be read (the request was aborted or failed).');
  }
}

/** How reading a body ended: all read, `take` said stop, an error or abort, or out of time. */
type BodyEnd = 'end' | 'stopped' | 'failed' | 'timeout';

/** Hands each chunk to `take` (false: stop reading) until the body ends, fails or runs out of time. */
function consume(req: IncomingMessage, timeoutMs: number, take: (chunk: Buffer) => boolean): Promise<BodyEnd> {
  return new Promise((resolve) => {
    const finish = (end: BodyEnd) => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onFailed);
      req.off('aborted', onFailed);
      resolve(end);
    };
    const onData = (chunk: Buffer) => {
      if (!take(chunk)) finish('stopped');
    };
    const onEnd = () => finish('end');
    const onFailed = () => finish('failed');
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onFailed);
    req.on('aborted', onFailed);
    req.resume();
  });
}
