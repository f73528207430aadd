/**
 * The outcome of an access check, shared by the bot (every turn) and the scheduler (before every post) so
 * that neither depends on the other. The decision itself is made in bot/authorization.ts and bot/access.ts.
 */

export type AccessDecision =
  | { allowed: true }
  | { allowed: false; reason: RefusalReason; detail: string };

/** tenant: another tenant; user: not listed (nor in an allowed group); membership: groups could not be checked. */
export type RefusalReason = 'tenant' | 'user' | 'membership';
