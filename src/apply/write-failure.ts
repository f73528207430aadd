/**
 * What went wrong with a write, as one of the causes the card and the CLI name (WriteFailureCause), and one line
 * of detail without the write account's password.
 */
import { ResultCodeError } from 'ldapts';
import { scrub } from '../directory/ldap/failure';
import type { WriteFailureCause } from './types';

/** LDAP result codes (RFC 4511) and the cause each one is. */
const BY_RESULT_CODE: Readonly<Record<number, WriteFailureCause>> = {
  3: 'unreachable', // timeLimitExceeded
  11: 'constraint-violation', // adminLimitExceeded
  16: 'concurrent-change', // noSuchAttribute: the value to delete is gone
  19: 'constraint-violation',
  20: 'concurrent-change', // attributeOrValueExists: the value to add is there
  21: 'constraint-violation', // invalidAttributeSyntax
  32: 'no-such-object',
  49: 'invalid-credentials',
  50: 'insufficient-rights',
  51: 'unreachable', // busy
  52: 'unreachable', // unavailable
};

/** unwillingToPerform is a refusal for want of rights when the DC says so (AD: "…privilege…", Samba: "access denied"). */
const RIGHTS_WORDING = /insufficient|access denied|access rights|privilege|not allowed|permission/i;

/** Node's socket, DNS and TLS errors, and ldapts's own timeouts and closed connections. */
const CONNECTION_CODE = /^(E[A-Z]+|ERR_TLS_.*|ERR_SSL_.*|CERT_.*|.*_CERT.*|DEPTH_ZERO_SELF_SIGNED_CERT|HOSTNAME_MISMATCH|UNABLE_TO_.*)$/;
const CONNECTION_WORDING = /timed? ?out|timeout|connection closed|socket|not connected|TLS|SSL|handshake|certificate/i;

export function causeOf(err: unknown): WriteFailureCause {
  if (err instanceof ResultCodeError) {
    if (err.code === 53) return RIGHTS_WORDING.test(err.message) ? 'insufficient-rights' : 'other';
    return BY_RESULT_CODE[err.code] ?? 'other';
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && CONNECTION_CODE.test(code)) return 'unreachable';
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === 'string' && CONNECTION_WORDING.test(message) ? 'unreachable' : 'other';
}

/** One line: what was being done, and what the DC or the network said (the LDAP result code when there is one). */
export function detailOf(doing: string, err: unknown, secrets: readonly string[]): string {
  const message = (err as { message?: unknown } | null)?.message;
  // ldapts ends its messages with " Code: 0x13"; the decimal result code follows instead.
  const said = (typeof message === 'string' ? message : String(err)).replace(/\s+/g, ' ').trim().replace(/\s*Code: 0x[0-9a-f]+$/i, '');
  const code = err instanceof ResultCodeError ? ` (LDAP result ${err.code})` : '';
  return scrub(`${doing}: ${said}${code}`, secrets);
}
