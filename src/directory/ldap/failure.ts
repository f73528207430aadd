/**
 * Turns what ldapts and Node throw (socket errors, TLS errors, LDAP result codes) into a short cause and a
 * remediation line for DirectoryUnavailableError. Never puts the bind password into either: callers pass it
 * in `secrets` and every text is scrubbed of it as a last line of defence.
 */
import { ResultCodeError } from 'ldapts';

export type FailureStage = 'connect' | 'starttls' | 'bind' | 'search';

export interface FailureContext {
  stage: FailureStage;
  bindDN: string;
  timeoutMs: number;
  /** Whether certificate verification was on (it is unless tlsInsecure). */
  verifying: boolean;
  /** Strings that must never appear in a message (the bind password). */
  secrets: readonly string[];
}

export interface FailureDescription {
  cause: string;
  remediation: string;
}

/** Node / OpenSSL error codes that mean "the certificate could not be verified". */
const CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_CHAIN_TOO_LONG',
  'INVALID_CA',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
]);

/** AD's "data 52e"-style sub-codes in an invalidCredentials diagnostic. */
const AD_BIND_SUBCODES: Record<string, string> = {
  '525': 'no such account',
  '52e': 'invalid credentials',
  '530': 'logon not permitted at this time',
  '531': 'logon not permitted from this workstation',
  '532': 'password expired',
  '533': 'account disabled',
  '701': 'account expired',
  '773': 'password must be changed',
  '775': 'account locked out',
};

const CA_HINT = 'set KCD_LDAP_CA_FILE to the PEM file of the CA that issued the domain controller\'s certificate';
const NETWORK_HINT =
  'Check that the URL names a reachable domain controller (LDAPS is TCP 636; ldap:// with StartTLS is 389), ' +
  'that a firewall lets this host reach it, and that the DC is running.';

export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    out = out.split(secret).join('***');
  }
  return out;
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function errorMessage(err: unknown): string {
  // Not `instanceof Error`: Node's own errors (sockets, TLS) come from another realm under a test runner's vm.
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(err);
}

export function describeFailure(err: unknown, ctx: FailureContext): FailureDescription {
  const described = describeUnscrubbed(err, ctx);
  return { cause: scrub(described.cause, ctx.secrets), remediation: scrub(described.remediation, ctx.secrets) };
}

function describeUnscrubbed(err: unknown, ctx: FailureContext): FailureDescription {
  const code = errorCode(err);
  const message = errorMessage(err).replace(/\s+/g, ' ').trim();

  if (err instanceof ResultCodeError) return describeResultCode(err, message, ctx);

  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return describeCertValidity(code, ctx);
  if (code && CERT_CODES.has(code)) {
    return {
      cause: `certificate verify failed: ${message} (${code})`,
      remediation:
        code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH'
          ? 'Use a URL whose host name is in the certificate, or set KCD_LDAP_TLS_SERVERNAME to a name the certificate holds (e.g. dc1.contoso.com).'
          : `The domain controller's certificate is not trusted: ${CA_HINT}. Turning verification off (KCD_LDAP_TLS_INSECURE) is for labs only.`,
    };
  }
  if (code === 'ECONNREFUSED') {
    return { cause: 'connection refused', remediation: NETWORK_HINT };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return { cause: `host name not found (${code})`, remediation: 'Check the host name in the URL and this machine\'s DNS.' };
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    return {
      cause: `connection reset by the server${ctx.stage === 'connect' ? ' during the TLS handshake' : ''}`,
      remediation:
        'Check that the port speaks the protocol of the URL (ldaps:// → 636, ldap:// with StartTLS → 389) and that the DC has a certificate for LDAPS.',
    };
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ETIMEDOUT') {
    return { cause: `network unreachable (${code})`, remediation: NETWORK_HINT };
  }
  if (/timed? ?out|timeout/i.test(message)) {
    return { cause: `timed out after ${ctx.timeoutMs} ms (${ctx.stage})`, remediation: `${NETWORK_HINT} Raise KCD_LDAP_TIMEOUT_MS for a slow link.` };
  }
  if (code === 'EPROTO' || /SSL routines|wrong version number|handshake/i.test(message)) {
    return {
      cause: `TLS handshake failed: ${message}`,
      remediation: 'Check that the port speaks TLS (ldaps:// → 636) and that the DC has a certificate for LDAPS; for port 389 use ldap:// with StartTLS.',
    };
  }
  if (/Connection closed|Socket error/i.test(message)) {
    return { cause: `connection closed by the server (${ctx.stage})`, remediation: NETWORK_HINT };
  }
  return { cause: `${ctx.stage} failed: ${message}${code ? ` (${code})` : ''}`, remediation: NETWORK_HINT };
}

/**
 * An expired (or not yet valid) DC certificate is not a trust problem: the CA is right, so pointing
 * KCD_LDAP_CA_FILE elsewhere would not help. What helps is renewing the certificate on the DC, or fixing a clock.
 */
function describeCertValidity(code: 'CERT_HAS_EXPIRED' | 'CERT_NOT_YET_VALID', ctx: FailureContext): FailureDescription {
  const during = ctx.stage === 'starttls' ? ' (StartTLS)' : '';
  if (code === 'CERT_HAS_EXPIRED') {
    return {
      cause: `the domain controller's certificate has expired${during} (${code})`,
      remediation:
        "Renew the domain controller's LDAPS certificate (certificate autoenrollment with the Domain Controller / Kerberos Authentication template, " +
        'or a new certificate in the DC\'s personal store; Samba: tls certfile/keyfile in smb.conf, then restart samba). ' +
        "Also check that this host's clock and the DC's clock are right. Turning verification off (KCD_LDAP_TLS_INSECURE) is for labs only.",
    };
  }
  return {
    cause: `the domain controller's certificate is not valid yet${during} (${code})`,
    remediation: "Check this host's clock (and the DC's): the certificate's start date is in the future for this host.",
  };
}

function describeResultCode(err: ResultCodeError, message: string, ctx: FailureContext): FailureDescription {
  const diagnostic = message;
  switch (err.code) {
    case 49: {
      const sub = /data ([0-9a-f]{3})/i.exec(diagnostic)?.[1]?.toLowerCase();
      const what = (sub && AD_BIND_SUBCODES[sub]) ?? 'invalid credentials';
      return {
        cause: `bind refused: ${what} for ${ctx.bindDN}`,
        remediation:
          'Check KCD_LDAP_BIND_DN (a DN, or user@domain) and KCD_LDAP_BIND_PASSWORD of the read-only account; the account may also be disabled, locked out or its password expired.',
      };
    }
    case 8:
    case 13:
      return {
        cause: `the server requires an encrypted connection: ${diagnostic}`,
        remediation: 'Use ldaps:// (636), or ldap:// with StartTLS.',
      };
    case 7:
    case 48:
      return {
        cause: `bind refused: ${diagnostic}`,
        remediation: 'The server does not accept a simple bind here: use ldaps:// or StartTLS with a DN and password.',
      };
    case 51:
    case 52:
      return { cause: `the server is busy or unavailable: ${diagnostic}`, remediation: 'Try again, or point KCD_LDAP_URL at another domain controller.' };
    case 50:
      return {
        cause: `access denied during ${ctx.stage}: ${diagnostic}`,
        remediation: `Give ${ctx.bindDN} read access to computer, user and group objects (Authenticated Users have it by default).`,
      };
    case 1:
      if (/successful bind must be completed/i.test(diagnostic)) {
        return { cause: 'the connection is not authenticated (bind lost)', remediation: 'Try again; the connection is re-established automatically.' };
      }
      break;
    case 32:
      return { cause: `no such object: ${diagnostic}`, remediation: 'Check KCD_LDAP_BASE_DN (or leave it unset to use the domain\'s default naming context).' };
    case 3:
      return { cause: `timed out after ${ctx.timeoutMs} ms on the server (${ctx.stage})`, remediation: 'Raise KCD_LDAP_TIMEOUT_MS.' };
    default:
      break;
  }
  return {
    cause: `${ctx.stage} failed: ${diagnostic} (LDAP result ${err.code})`,
    remediation: 'Check the domain controller\'s logs; the bind account needs only read access.',
  };
}
