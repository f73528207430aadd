/**
 * The `value` of an Action.Submit (or the `data` of an Action.Execute) comes from a client and is validated
 * like any input: a known shape, bounded sizes; anything else is rejected with a clear answer.
 */
import { z } from 'zod';
import type { Request } from './answerer';

const name = z.string().trim().min(1).max(255);

const payloadSchema = z.discriminatedUnion('kcd', [
  z.object({
    kcd: z.literal('check'),
    source: name.optional(),
    destination: name.optional(),
    host: name.optional(),
    storage: z.boolean().optional(),
    fileServers: z.array(name).max(10).optional(),
  }),
  z.object({ kcd: z.literal('scan') }),
  z.object({ kcd: z.literal('help') }),
  z.object({ kcd: z.literal('explain'), topic: z.string().max(100) }),
  z.object({ kcd: z.literal('ask'), text: z.string().max(4000) }),
  // The token is verified (signature, expiry, one use) by the approval service, not here.
  z.object({ kcd: z.literal('apply'), step: z.enum(['request', 'approve', 'reject']), token: z.string().min(1).max(4096) }),
]);

export type ApplyPayload = { kcd: 'apply'; step: 'request' | 'approve' | 'reject'; token: string };

export type CardPayload = Request | { kcd: 'ask'; text: string } | ApplyPayload;

export type PayloadResult = { ok: true; payload: CardPayload } | { ok: false; problem: string };

/** The most a card action's data may weigh, as JSON (ours are well under 1 KB). */
export const MAX_PAYLOAD_BYTES = 8 * 1024;

/** The JSON size of `value`, or undefined when it cannot be serialised (cycles, BigInt). */
function jsonBytes(value: unknown): number | undefined {
  try {
    const json = JSON.stringify(value);
    return json === undefined ? 0 : Buffer.byteLength(json, 'utf8');
  } catch {
    return undefined;
  }
}

export function parseCardPayload(value: unknown): PayloadResult {
  const bytes = jsonBytes(value);
  if (bytes === undefined) return { ok: false, problem: 'value: not JSON data' };
  if (bytes > MAX_PAYLOAD_BYTES) return { ok: false, problem: `value: ${bytes} bytes, more than the ${MAX_PAYLOAD_BYTES} a button sends` };
  const parsed = payloadSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, problem: issue ? `${issue.path.join('.') || 'value'}: ${issue.message}` : 'not a kcd action' };
  }
  const p = parsed.data;
  if (p.kcd !== 'check') return { ok: true, payload: p };
  if (p.source && p.destination) {
    return {
      ok: true,
      payload: { kcd: 'check', source: p.source, destination: p.destination, storage: p.storage ?? false, fileServers: p.fileServers ?? [] },
    };
  }
  if (p.host) return { ok: true, payload: { kcd: 'check', host: p.host } };
  return { ok: false, problem: 'check needs a host, or a source and a destination' };
}
