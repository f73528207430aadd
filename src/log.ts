/**
 * The structured logger (pino). Two layers of redaction, so that no password, token or Authorization header
 * ever reaches a log line:
 * - by key: pino's `redact` paths (passwords, tokens, authorization headers, the secret variables' names);
 * - by value: every line is scrubbed, just before it is written, of the configured secret values (the bind
 *   password, the app password: as given and as JSON-escaped), of bearer tokens, of credentials in URLs and
 *   of `password=…`-style pairs, whatever field or message carried them.
 *
 * A turn's log lines carry its correlation id (`turnLogger(logger, id)` makes a child logger), the same id
 * the generic error card shows, so an administrator can find the line from the card.
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config, LogLevel } from './config';
import { REDACTED, redactSecrets, replaceSecretValues } from './redaction';

export type { Logger } from 'pino';

/** Keys whose values are never logged, at the top level and one or two levels down. */
const SECRET_KEYS = [
  'password',
  'passwd',
  'pwd',
  'secret',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'idToken',
  'authorization',
  'Authorization',
  'cookie',
  'bindPassword',
  'appPassword',
  'clientSecret',
  'MicrosoftAppPassword',
  'KCD_LDAP_BIND_PASSWORD',
];

export const REDACT_PATHS: string[] = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'request.headers.authorization',
];

export const LOG_REDACTED = REDACTED;

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go (default stdout). Tests pass a stream that collects them. */
  destination?: DestinationStream;
  /** Secret values scrubbed from every line wherever they appear (strings shorter than 4 are ignored). */
  secrets?: readonly string[];
  /** Fixed fields on every line. */
  base?: Record<string, unknown>;
}

/** The secret values of a configuration (passwords), for LoggerOptions.secrets. */
export function configSecrets(config: Config): string[] {
  const out: string[] = [];
  if (config.directory.kind === 'ldap' && config.directory.bindPassword) out.push(config.directory.bindPassword);
  if (config.bot.appPassword) out.push(config.bot.appPassword);
  if (config.apply?.writeAccount?.bindPassword) out.push(config.apply.writeAccount.bindPassword);
  return out;
}

/** Every form a secret can take inside a JSON line. */
function forms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const doubly = JSON.stringify(json).slice(1, -1);
  return [...new Set([secret, json, doubly])].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
}

/** Scrubs one serialised line (exported for tests and for text that bypasses pino). */
export function scrubLine(line: string, secrets: readonly string[] = []): string {
  const out = replaceSecretValues(line, secrets.flatMap(forms));
  return redactSecrets(out.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${LOG_REDACTED}`));
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = [...(options.secrets ?? [])].filter((s) => s.length >= 4);
  return pino(
    {
      level: options.level ?? 'info',
      base: { name: 'kcd-bot', ...(options.base ?? {}) },
      redact: { paths: REDACT_PATHS, censor: LOG_REDACTED },
      serializers: { err: pino.stdSerializers.err, error: errorSerializer },
      hooks: { streamWrite: (line: string) => scrubLine(line, secrets) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** Errors as {name, message, code} (no stack: it can carry values from the failing call). */
function errorSerializer(value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(code !== undefined ? { code } : {}) };
  }
  return value;
}

/** The logger of one turn: every line carries its correlation id. */
export function turnLogger<L extends { child?: (bindings: Record<string, unknown>) => unknown }>(logger: L, correlationId: string): L {
  return typeof logger.child === 'function' ? (logger.child({ correlationId }) as L) : logger;
}

/** A logger that writes nothing (tests). */
export const silentLogger: Logger = pino({ level: 'silent' });
