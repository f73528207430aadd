/** How an environment variable is read (src/config/reading.ts), and the LDAP timeout's default. */

/** Empty and blank values mean unset (a copied .env.example leaves most variables empty); secrets are not trimmed. */
export function envValue(v: string | undefined, trim = true): string | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  return trim ? v.trim() : v;
}

/** KCD_LDAP_TIMEOUT_MS when unset. */
export const DEFAULT_LDAP_TIMEOUT_MS = 10_000;
