/**
 * Who may use the bot: a pure decision from the access policy (KCD_ALLOWED_TENANTS, KCD_ALLOWED_USERS) and
 * what the activity says about the caller. The Teams handler checks it at the start of every turn.
 *
 * - Tenants: when the list is non-empty, the activity's tenant (channelData.tenant.id, else
 *   conversation.tenantId) must be on it; an activity that names no tenant is refused.
 * - Users: when the list is non-empty, the caller's AAD object id (from.aadObjectId) or UPN must be on it
 *   (compared case-insensitively). The UPN is looked up only when the object id did not match and the list
 *   holds UPNs (`needsUpn`).
 * - Groups (KCD_ALLOWED_GROUPS) need the directory, so they are not decided here: the handler asks
 *   GroupMembership (group-membership.ts) when the caller is not already allowed as a listed user.
 *   Allowed = listed user OR member of an allowed group.
 */
import type { Activity } from 'botbuilder';
import type { AccessDecision } from '../domain/access';

export type { AccessDecision, RefusalReason } from '../domain/access';

export interface AccessPolicy {
  /** Tenant ids allowed; empty: every tenant. */
  tenants: readonly string[];
  /** AAD object ids or UPNs allowed; empty: every user of an allowed tenant. */
  users: readonly string[];
}

export interface Caller {
  tenantId?: string;
  aadObjectId?: string;
  upn?: string;
}


export const OPEN_POLICY: AccessPolicy = { tenants: [], users: [] };

const norm = (s: string) => s.trim().toLowerCase();
const isUpn = (s: string) => s.includes('@');

/** What the activity says about who sent it (no network calls). */
export function callerOf(activity: Partial<Activity>): Caller {
  const channelData = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const fromChannel = typeof channelData?.tenant?.id === 'string' ? channelData.tenant.id : undefined;
  const fromConversation = typeof activity.conversation?.tenantId === 'string' ? activity.conversation.tenantId : undefined;
  const tenantId = fromChannel ?? fromConversation;
  const aadObjectId = typeof activity.from?.aadObjectId === 'string' ? activity.from.aadObjectId : undefined;
  return { ...(tenantId ? { tenantId } : {}), ...(aadObjectId ? { aadObjectId } : {}) };
}

/** True when the decision depends on the caller's UPN and the activity did not settle it. */
export function needsUpn(policy: AccessPolicy, caller: Caller): boolean {
  if (policy.users.length === 0 || caller.upn !== undefined) return false;
  if (caller.aadObjectId && policy.users.some((u) => norm(u) === norm(caller.aadObjectId!))) return false;
  return policy.users.some(isUpn);
}

export function decideAccess(policy: AccessPolicy, caller: Caller): AccessDecision {
  if (policy.tenants.length > 0) {
    if (!caller.tenantId) return { allowed: false, reason: 'tenant', detail: 'the request names no tenant' };
    if (!policy.tenants.some((t) => norm(t) === norm(caller.tenantId!))) {
      return { allowed: false, reason: 'tenant', detail: `tenant ${caller.tenantId} is not on the allow-list` };
    }
  }
  if (policy.users.length > 0) {
    const ids = [caller.aadObjectId, caller.upn].filter((s): s is string => typeof s === 'string' && s.trim() !== '').map(norm);
    if (!policy.users.some((u) => ids.includes(norm(u)))) {
      return { allowed: false, reason: 'user', detail: `user ${caller.aadObjectId ?? caller.upn ?? '(unknown)'} is not on the allow-list` };
    }
  }
  return { allowed: true };
}
