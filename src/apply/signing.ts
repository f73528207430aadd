/**
 * Signed card tokens: the buttons that request, approve or reject a plan carry a token, not loose fields. A token
 * is base64url(JSON claims) + "." + base64url(HMAC-SHA256(key, that first part)). The key (32 random bytes) lives
 * in the bot's state (state.json in KCD_STATE_DIR, or the state blob), so every replica verifies what another
 * signed. A token whose signature, shape or expiry is wrong is refused; use-once rules are the caller's (the plan's
 * status for approve/reject, the consumed-token list for requests).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

const name = z.string().min(1).max(255);

export const tokenClaimsSchema = z.discriminatedUnion('a', [
  /** Request a plan for the question of a not-ready card. `n`: a nonce (one use). */
  z.object({
    a: z.literal('request'),
    n: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
    e: z.number().int(),
    q: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('pair'), source: name, destination: name, storage: z.boolean(), fileServers: z.array(name).max(10) }),
      z.object({ kind: z.literal('host'), host: name, storage: z.boolean() }),
    ]),
  }),
  /** Approve or reject plan `p` whose record has digest `d`. */
  z.object({ a: z.enum(['approve', 'reject']), p: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/), d: z.string().regex(/^[0-9a-f]{64}$/), e: z.number().int() }),
]);

export type TokenClaims = z.infer<typeof tokenClaimsSchema>;

export type VerifyResult = { ok: true; claims: TokenClaims } | { ok: false; reason: 'malformed' | 'signature' | 'expired' };

/** Tokens longer than this are refused before any work (ours are well under 1 KB). */
const MAX_TOKEN_CHARS = 4096;

/** A new random key, base64 (what State.approvalKey holds). */
export function newSigningKey(): string {
  return randomBytes(32).toString('base64');
}

export class TokenSigner {
  private readonly key: Buffer;

  constructor(keyBase64: string) {
    this.key = Buffer.from(keyBase64, 'base64');
    if (this.key.length !== 32) throw new Error('the approval key must be 32 bytes');
  }

  sign(claims: TokenClaims): string {
    const body = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  verify(token: unknown, now: Date): VerifyResult {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS) return { ok: false, reason: 'malformed' };
    const parts = token.split('.');
    if (parts.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(parts[0]!) || !/^[A-Za-z0-9_-]+$/.test(parts[1]!)) return { ok: false, reason: 'malformed' };
    const [body, signature] = parts as [string, string];
    const given = Buffer.from(signature, 'base64url');
    const expected = this.mac(body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature' };
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    const parsed = tokenClaimsSchema.safeParse(json);
    if (!parsed.success) return { ok: false, reason: 'malformed' };
    if (parsed.data.e <= now.getTime()) return { ok: false, reason: 'expired' };
    return { ok: true, claims: parsed.data };
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.key).update(body, 'utf8').digest();
  }
}
