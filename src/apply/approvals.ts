/**
 * Request → approve → write (issue 21), independent of the Bot Framework SDK: the Teams handler turns button
 * presses into calls here and the results into cards.
 *
 * - A request is a signed one-use token (the "Request fix" button of a not-ready card): the plan is made from AD
 *   read now, kept in the state store as a pending record (so any replica can approve it), and audited.
 * - An approval is a signed token naming the plan and its digest. It is refused when the signature, the digest or
 *   the expiry is wrong, when the plan is no longer pending, when the approver asked for it, or when the approver
 *   is not (now) in KCD_APPROVER_GROUPS. The claim pending → applying is one compare-and-swap update of the state,
 *   so two approvers (or two replicas) cannot both apply it.
 * - The writer re-reads AD and writes only when nothing changed since the plan; every outcome is audited.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Directory } from '../directory/port';
import type { DirectorySnapshot } from '../domain/snapshot';
import type { PlanPerson, PlanRecord, StateStore } from '../store/state';
import { newSigningKey, TokenSigner, type TokenClaims } from './signing';
import type { Actor, ApplyOutcome, AuditLog, DirectoryWriter, FixPlan, PlanQuestion } from './types';

/** How long a "Request fix" button stays usable after its card was sent. */
export const REQUEST_TOKEN_TTL_MS = 24 * 60 * 60_000;
/** A plan claimed for writing longer ago than this was left by a process that stopped: it is marked failed. */
export const APPLYING_STALE_MS = 10 * 60_000;

/** Makes the plan for a question from a snapshot (planner.ts); throws UnknownHostError for names it cannot find. */
export type PlanMaker = (snapshot: DirectorySnapshot, question: PlanQuestion, meta: { id: string; now: Date; directory: string }) => FixPlan;

/** Is this person in the groups (GroupMembership.check)? 'unknown': could not be checked (refused: fail closed). */
export type MembershipCheck = (upn: string | undefined) => Promise<{ member: true; group: string } | { member: false; detail: string } | { member: 'unknown'; detail: string }>;

export interface ApprovalDeps {
  store: StateStore;
  directory: Directory;
  makePlan: PlanMaker;
  /** A writer for one plan (a fresh connection through the write account); closed after use. */
  openWriter: () => DirectoryWriter;
  audit: AuditLog;
  approvers: MembershipCheck;
  /** Who may request; absent: everyone allowed to use the bot. */
  operators?: MembershipCheck;
  ttlMinutes: number;
  /** Plans written per hour at most (default 20): a runaway loop of approvals cannot rewrite AD at will. */
  maxWritesPerHour?: number;
  now?: () => Date;
}

export type Refusal =
  | 'malformed'
  | 'signature'
  | 'expired'
  | 'replay'
  | 'unknown-plan'
  | 'tampered'
  | 'not-pending'
  | 'own-plan'
  | 'not-approver'
  | 'not-operator'
  | 'membership-unknown'
  | 'rate-limited';

export type RequestResult =
  | { kind: 'refused'; refusal: Refusal; detail: string }
  | { kind: 'nothing-to-apply'; plan: FixPlan }
  | { kind: 'requested'; record: PlanRecord; approveToken: string; rejectToken: string };

export type DecisionResult =
  | { kind: 'refused'; refusal: Refusal; detail: string; record?: PlanRecord }
  | { kind: 'rejected'; record: PlanRecord }
  | { kind: 'decided'; record: PlanRecord; outcome: ApplyOutcome };

const samePerson = (a: PlanPerson, b: PlanPerson): boolean =>
  (a.aadObjectId !== undefined && a.aadObjectId === b.aadObjectId) ||
  (a.upn !== undefined && b.upn !== undefined && a.upn.trim().toLowerCase() === b.upn.trim().toLowerCase());

export function planDigest(plan: FixPlan): string {
  return createHash('sha256').update(JSON.stringify(plan)).digest('hex');
}

export function newPlanId(): string {
  return randomBytes(12).toString('base64url');
}

function actorOf(person: PlanPerson): Actor {
  return { ...person, via: 'teams' };
}

/** One line for the record and the cards: what the write did, or why nothing (or not everything) was written. */
export function outcomeLine(outcome: ApplyOutcome): string {
  if (outcome.status === 'applied') return `written: ${outcome.objects.length} object${outcome.objects.length === 1 ? '' : 's'}`;
  if (outcome.status === 'changed') return `nothing written: AD changed since the plan (${outcome.differences.map((d) => `${d.attribute} of ${d.dn}`).join('; ')})`;
  const written = outcome.objects.filter((o) => o.status === 'written').map((o) => o.dn);
  return `write failed (${outcome.cause}): ${outcome.detail}; ${written.length === 0 ? 'nothing written' : `written before the failure: ${written.join('; ')}`}`;
}

export class ApprovalService {
  private readonly now: () => Date;
  private readonly writes: number[] = [];

  constructor(private readonly deps: ApprovalDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** The signer, with the key from the state (made and stored on first use; every replica then shares it). */
  private async signer(): Promise<TokenSigner> {
    let key = (await this.deps.store.read()).approvalKey;
    if (!key) key = await this.deps.store.update((state) => (state.approvalKey ??= newSigningKey()));
    return new TokenSigner(key);
  }

  /** The token of a "Request fix" button for `question` (usable once, for a day). */
  async requestToken(question: PlanQuestion): Promise<string> {
    const claims: TokenClaims = { a: 'request', n: randomBytes(16).toString('base64url'), e: this.now().getTime() + REQUEST_TOKEN_TTL_MS, q: question };
    return (await this.signer()).sign(claims);
  }

  /** May this person request fixes (KCD_OPERATOR_GROUPS)? Decides whether cards show "Request fix". */
  async mayRequest(person: PlanPerson): Promise<boolean> {
    if (!this.deps.operators) return true;
    return (await this.deps.operators(person.upn)).member === true;
  }

  /** The last `n` audit records (/kcd audit). */
  audit(n: number) {
    return this.deps.audit.last(n);
  }

  async plans(): Promise<PlanRecord[]> {
    return (await this.deps.store.read()).plans;
  }

  async record(planId: string): Promise<PlanRecord | undefined> {
    return (await this.plans()).find((r) => r.plan.id === planId);
  }

  private async refuse(refusal: Refusal, detail: string, actor: PlanPerson, correlationId: string | undefined, planId?: string): Promise<{ kind: 'refused'; refusal: Refusal; detail: string }> {
    await this.deps.audit.append({ at: this.now().toISOString(), event: 'refused', actor: actorOf(actor), detail: `${refusal}: ${detail}`, ...(planId ? { planId } : {}), ...(correlationId ? { correlationId } : {}) });
    return { kind: 'refused', refusal, detail };
  }

  /** "Request fix": verifies the token, consumes it, checks the requester, plans from AD read now. */
  async request(token: unknown, requester: PlanPerson, correlationId?: string): Promise<RequestResult> {
    const now = this.now();
    const verified = (await this.signer()).verify(token, now);
    if (!verified.ok) return this.refuse(verified.reason, `the request button's token is ${verified.reason === 'expired' ? 'expired' : 'not valid'}`, requester, correlationId);
    const claims = verified.claims;
    if (claims.a !== 'request') return this.refuse('malformed', 'not a request token', requester, correlationId);
    if (this.deps.operators) {
      const membership = await this.deps.operators(requester.upn);
      if (membership.member === 'unknown') return this.refuse('membership-unknown', membership.detail, requester, correlationId);
      if (membership.member !== true) return this.refuse('not-operator', membership.detail, requester, correlationId);
    }
    const fresh = await this.deps.store.update((state) => {
      if (state.consumedTokens[claims.n] !== undefined) return false;
      state.consumedTokens[claims.n] = new Date(claims.e).toISOString();
      return true;
    });
    if (!fresh) return this.refuse('replay', 'this request button was already used', requester, correlationId);
    const snapshot = await this.deps.directory.snapshot({ fresh: true });
    const plan = this.deps.makePlan(snapshot, claims.q, { id: newPlanId(), now, directory: this.deps.directory.describe().label });
    if (plan.objects.length === 0) return { kind: 'nothing-to-apply', plan };
    const expiresAt = new Date(now.getTime() + this.deps.ttlMinutes * 60_000);
    const record: PlanRecord = {
      plan,
      digest: planDigest(plan),
      status: 'pending',
      requester,
      requestedAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
      cards: [],
      ...(correlationId ? { correlationId } : {}),
    };
    await this.deps.store.update((state) => void state.plans.push(record));
    await this.deps.audit.append({ at: record.requestedAt, event: 'requested', planId: plan.id, actor: actorOf(requester), detail: planSummary(plan), ...(correlationId ? { correlationId } : {}) });
    return { kind: 'requested', record, ...(await this.tokensFor(record)) };
  }

  /** The Approve and Reject tokens of a pending plan (to show its buttons again). */
  async tokensFor(record: PlanRecord): Promise<{ approveToken: string; rejectToken: string }> {
    const signer = await this.signer();
    const e = Date.parse(record.expiresAt);
    return { approveToken: signer.sign({ a: 'approve', p: record.plan.id, d: record.digest, e }), rejectToken: signer.sign({ a: 'reject', p: record.plan.id, d: record.digest, e }) };
  }

  /** Remembers a card showing the plan, to update it in place later. */
  async attachCard(planId: string, card: PlanRecord['cards'][number]): Promise<void> {
    await this.deps.store.update((state) => {
      const record = state.plans.find((r) => r.plan.id === planId);
      if (record && !record.cards.some((c) => c.activityId === card.activityId && c.reference.conversation.id === card.reference.conversation.id)) record.cards.push(card);
    });
  }

  /** Approve or reject: every check, then the claim, then (approve) the write. */
  async decide(token: unknown, person: PlanPerson, correlationId?: string): Promise<DecisionResult> {
    const now = this.now();
    const verified = (await this.signer()).verify(token, now);
    if (!verified.ok) {
      // An expired approval token: the plan has expired too (they share the expiry); say so on its record.
      if (verified.reason === 'expired') await this.expireDue();
      return this.refuse(verified.reason, `the button's token is ${verified.reason === 'expired' ? 'expired: the plan waited longer than it may' : 'not valid'}`, person, correlationId);
    }
    const claims = verified.claims;
    if (claims.a === 'request') return this.refuse('malformed', 'a request token where an approval was expected', person, correlationId);
    const record = await this.record(claims.p);
    if (!record) return this.refuse('unknown-plan', `no plan ${claims.p}`, person, correlationId, claims.p);
    if (record.digest !== claims.d || planDigest(record.plan) !== record.digest) {
      return { ...(await this.refuse('tampered', 'the plan differs from the one the button was made for', person, correlationId, claims.p)), record };
    }
    if (record.status !== 'pending') return { ...(await this.refuse('not-pending', `the plan is ${record.status}`, person, correlationId, claims.p)), record };
    if (claims.a === 'reject') {
      const withdrawn = samePerson(record.requester, person);
      if (!withdrawn) {
        const refused = await this.checkApprover(person, correlationId, claims.p);
        if (refused) return { ...refused, record };
      }
      const rejected = await this.transition(claims.p, 'rejected', person, withdrawn ? 'withdrawn by the requester' : 'rejected');
      if (!rejected) return { ...(await this.refuse('not-pending', 'the plan was decided meanwhile', person, correlationId, claims.p)), ...(await this.recordOrNothing(claims.p)) };
      await this.deps.audit.append({ at: now.toISOString(), event: 'rejected', planId: claims.p, actor: actorOf(person), detail: rejected.outcome, ...(correlationId ? { correlationId } : {}) });
      return { kind: 'rejected', record: rejected };
    }
    if (samePerson(record.requester, person)) return { ...(await this.refuse('own-plan', 'the requester cannot approve their own plan', person, correlationId, claims.p)), record };
    const refused = await this.checkApprover(person, correlationId, claims.p);
    if (refused) return { ...refused, record };
    const hourAgo = now.getTime() - 60 * 60_000;
    while (this.writes.length > 0 && this.writes[0]! <= hourAgo) this.writes.shift();
    if (this.writes.length >= (this.deps.maxWritesPerHour ?? 20)) {
      const minutes = Math.max(1, Math.ceil((this.writes[0]! + 60 * 60_000 - now.getTime()) / 60_000));
      return { ...(await this.refuse('rate-limited', `${this.writes.length} plans were written in the last hour; approve again in ${minutes} minute${minutes === 1 ? '' : 's'}`, person, correlationId, claims.p)), record };
    }
    const claimed = await this.transition(claims.p, 'applying', person);
    if (!claimed) return { ...(await this.refuse('not-pending', 'the plan was decided meanwhile', person, correlationId, claims.p)), ...(await this.recordOrNothing(claims.p)) };
    this.writes.push(now.getTime());
    await this.deps.audit.append({ at: now.toISOString(), event: 'approved', planId: claims.p, actor: actorOf(person), ...(correlationId ? { correlationId } : {}) });
    const writer = this.deps.openWriter();
    let outcome: ApplyOutcome;
    try {
      outcome = await writer.apply(claimed.plan);
    } finally {
      await writer.close().catch(() => undefined);
    }
    const status = outcome.status === 'applied' ? 'applied' : outcome.status === 'changed' ? 'stale' : 'failed';
    const line = outcomeLine(outcome);
    const done = await this.deps.store.update((state) => {
      const r = state.plans.find((p) => p.plan.id === claims.p);
      if (r) Object.assign(r, { status, outcome: line });
      return r ? structuredClone(r) : undefined;
    });
    await this.deps.audit.append({
      at: this.now().toISOString(),
      event: status === 'applied' ? 'written' : status === 'stale' ? 'stale' : 'write-failed',
      planId: claims.p,
      actor: actorOf(person),
      detail: line,
      ...(outcome.status !== 'changed' ? { objects: outcome.objects } : {}),
      ...(correlationId ? { correlationId } : {}),
    });
    return { kind: 'decided', record: done ?? { ...claimed, status, outcome: line }, outcome };
  }

  private async recordOrNothing(planId: string): Promise<{ record?: PlanRecord }> {
    const record = await this.record(planId);
    return record ? { record } : {};
  }

  /** The approver must be in KCD_APPROVER_GROUPS now (not when the plan was made): a refusal, or undefined. */
  private async checkApprover(person: PlanPerson, correlationId: string | undefined, planId: string) {
    const membership = await this.deps.approvers(person.upn);
    if (membership.member === true) return undefined;
    if (membership.member === 'unknown') return this.refuse('membership-unknown', membership.detail, person, correlationId, planId);
    return this.refuse('not-approver', membership.detail, person, correlationId, planId);
  }

  /** pending → `to`, in one compare-and-swap update; the record after, or undefined when it was not pending (or expired). */
  private async transition(planId: string, to: 'applying' | 'rejected', person: PlanPerson, outcome?: string): Promise<PlanRecord | undefined> {
    const at = this.now();
    return this.deps.store.update((state) => {
      const r = state.plans.find((p) => p.plan.id === planId);
      if (!r || r.status !== 'pending' || Date.parse(r.expiresAt) <= at.getTime()) return undefined;
      r.status = to;
      r.decidedBy = person;
      r.decidedAt = at.toISOString();
      if (outcome) r.outcome = outcome;
      return structuredClone(r);
    });
  }

  /**
   * Pending plans past their expiry become expired (audited), and plans left "applying" by a process that stopped
   * become failed. Returns the records changed, so their cards can be updated.
   */
  async expireDue(): Promise<PlanRecord[]> {
    const now = this.now();
    const changed = await this.deps.store.update((state) => {
      const out: PlanRecord[] = [];
      for (const r of state.plans) {
        if (r.status === 'pending' && Date.parse(r.expiresAt) <= now.getTime()) {
          r.status = 'expired';
          r.outcome = 'expired: nobody approved it in time; nothing written';
          out.push(structuredClone(r));
        } else if (r.status === 'applying' && r.decidedAt && Date.parse(r.decidedAt) + APPLYING_STALE_MS <= now.getTime()) {
          r.status = 'failed';
          r.outcome = 'the bot stopped while writing this plan: check AD (Re-check) before asking again';
          out.push(structuredClone(r));
        }
      }
      return out;
    });
    for (const r of changed) {
      await this.deps.audit.append({ at: now.toISOString(), event: r.status === 'expired' ? 'expired' : 'write-failed', planId: r.plan.id, detail: r.outcome });
    }
    return changed;
  }
}

/** "GOGO-3$: msDS-AllowedToDelegateTo +4; GOGO-4$: userAccountControl 0x1000 → 0x1001000" for the audit and logs. */
export function planSummary(plan: FixPlan): string {
  return plan.objects
    .map((o) => {
      const parts = o.changes.map((c) => {
        if (c.attribute === 'msDS-AllowedToDelegateTo') return `${c.attribute} ${c.add.length > 0 ? `+${c.add.length}` : ''}${c.remove.length > 0 ? ` -${c.remove.length}` : ''}`.trim();
        if (c.attribute === 'userAccountControl') return `${c.attribute} 0x${c.before.toString(16)} → 0x${c.after.toString(16)}`;
        if (c.attribute === 'msDS-SupportedEncryptionTypes') return `${c.attribute} ${c.before === null ? 'unset' : `0x${c.before.toString(16)}`} → 0x${c.after.toString(16)}`;
        return `${c.attribute} ${c.before === null ? 'none' : `${c.before.length} ACEs`} → ${c.after.length} ACEs`;
      });
      return `${o.name}: ${parts.join(', ')}`;
    })
    .join('; ');
}
