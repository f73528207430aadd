/**
 * The access policy applied to a caller: tenant, then listed user OR member of an allowed AD group. Used at
 * the start of every turn and again before every daily post (a subscriber taken off the lists stops getting
 * it). The UPN is looked up only when the object id did not already settle the question.
 */
import { decideAccess, needsUpn, type AccessDecision, type AccessPolicy, type Caller } from './authorization';
import type { GroupMembership } from './group-membership';

export interface AccessOutcome {
  decision: AccessDecision;
  /** The caller as far as it was learnt (with the UPN when it was looked up). */
  caller: Caller;
  /** The allowed group that admitted the caller. */
  via?: string;
}

export class AccessCheck {
  private readonly groups?: GroupMembership;

  constructor(
    private readonly policy: AccessPolicy,
    groups?: GroupMembership,
  ) {
    if (groups?.enabled) this.groups = groups;
  }

  /** True when everyone is let in (no tenant, user or group list). */
  get open(): boolean {
    return this.policy.tenants.length === 0 && this.policy.users.length === 0 && !this.groups;
  }

  async decide(known: Caller, lookupUpn: () => Promise<string | undefined>): Promise<AccessOutcome> {
    const caller: Caller = { ...known };
    const { policy, groups } = this;
    let decision = decideAccess({ tenants: policy.tenants, users: [] }, caller);
    if (!decision.allowed || (policy.users.length === 0 && !groups)) return { decision, caller };
    const listedById = policy.users.length > 0 && decideAccess(policy, caller).allowed;
    if (!listedById && caller.upn === undefined && (needsUpn(policy, caller) || groups)) {
      const upn = await lookupUpn().catch(() => undefined);
      if (upn) caller.upn = upn;
    }
    const byUser = policy.users.length > 0 ? decideAccess(policy, caller) : undefined;
    if (byUser?.allowed || !groups) return { decision: byUser ?? decision, caller };
    const membership = await groups.check(caller.upn);
    if (membership.member === true) return { decision: { allowed: true }, caller, via: membership.group };
    decision = { allowed: false, reason: membership.member === 'unknown' ? 'membership' : 'user', detail: membership.detail };
    return { decision, caller };
  }
}
