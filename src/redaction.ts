/**
 * Text redaction shared by the logger, the cards and the configuration's messages, so that no password,
 * token or credential in a URL reaches a log line, a card or an error message. Pure string functions.
 * Invariant: what one of them removes stays removed by every later step (they only ever replace).
 */

/** What a removed secret value is replaced by. */
export const REDACTED = '[redacted]';

/** Credentials in URLs and key=value secrets replaced by ***. */
export function redactSecrets(value: string): string {
  return value
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@')
    .replace(
      /\b(password|passwd|pwd|secret|token|api[-_]?key|credentials?|bindpw)\b(\s*[=:]\s*)("[^"]*"|'[^']*'|\S+)/gi,
      // Punctuation that ends the sentence stays; everything else of the value goes.
      (_m, key: string, sep: string, value: string) => `${key}${sep}***${/^["']/.test(value) ? '' : (/[,;:.)\]]+$/.exec(value)?.[0] ?? '')}`,
    );
}

/** One URL as given in configuration, shown without its user:password@ part. */
export function redactUrlCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1***@');
}

/** Every occurrence of each known secret value (4 characters or more; shorter ones are ignored) replaced by REDACTED, in the order given. */
export function replaceSecretValues(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join(REDACTED);
  return out;
}
