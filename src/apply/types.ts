/**
 * Applying a card's fix to AD (issue 21): the plan as data, and the ports the bot and the CLI use to write it.
 *
 * A plan is made from the checker's findings on one snapshot (planner.ts, pure). It lists, per object, the
 * values it was made from (`basis`) and the changes. Before writing, the writer re-reads each object: when any
 * basis value differs, nothing is written. Writes are LDAP modifies through a separate write account: values
 * of msDS-AllowedToDelegateTo are added or deleted one by one (never replaced), single-valued attributes change
 * as a delete of the old value plus an add of the new one in the same modify (a concurrent change makes the
 * modify fail rather than be overwritten). One modify per object, so nothing is half-applied within an object.
 */

export type { AttributeChange, FixPlan, ObjectBasis, PlanAttribute, PlannedAce, PlanObject, PlanQuestion, RefusedFix } from '../domain/fix-plan';
export { MAX_PLAN_OBJECTS } from '../domain/fix-plan';
import type { FixPlan, PlanAttribute } from '../domain/fix-plan';

/** Why a write did not happen or stopped; each gets its own words on the card and in the CLI. */
export type WriteFailureCause =
  | 'invalid-credentials' // the write account's bind was refused
  | 'insufficient-rights' // the write account may not change this (SeEnableDelegationPrivilege, ACLs)
  | 'constraint-violation' // AD refused the value (e.g. administrative limit, a syntax the DC rejects)
  | 'concurrent-change' // the delete of the old value found it gone, or the add found it there: someone else changed it
  | 'no-such-object' // the object was deleted or moved
  | 'protected-object' // re-read shows a DC or krbtgt: the writer refuses whatever the plan says
  | 'unreachable' // connection or TLS failure, timeout
  | 'other';

/** One object's current values differing from the plan's basis. */
export interface BasisDifference {
  dn: string;
  attribute: PlanAttribute | 'object';
  /** As planned and as read now, for people (JSON of the values, or "absent"). */
  planned: string;
  now: string;
}

/** Per object, what the writer did. */
export interface ObjectOutcome {
  dn: string;
  status: 'written' | 'not-written';
  /** For the audit: each attribute's value before and after (as strings; descriptors as SDDL-like text). */
  before: Partial<Record<PlanAttribute, string[]>>;
  after: Partial<Record<PlanAttribute, string[]>>;
}

export type ApplyOutcome =
  /** Every object written. */
  | { status: 'applied'; objects: ObjectOutcome[] }
  /** AD no longer holds what the plan was made from: nothing written. */
  | { status: 'changed'; differences: BasisDifference[] }
  /** A write failed: `objects` says exactly which were written before it (none after it are tried). */
  | { status: 'failed'; cause: WriteFailureCause; detail: string; failedDn?: string; objects: ObjectOutcome[] };

/** The write side of AD, behind the write account (ldap-writer.ts; an in-memory one for unit tests). */
export interface DirectoryWriter {
  /** Where it writes (the URL), for logs and cards; never the account's password. */
  describe(): string;
  /** Re-reads every object of the plan, compares with the basis, and writes it only when all agree. Never throws. */
  apply(plan: FixPlan): Promise<ApplyOutcome>;
  close(): Promise<void>;
}

/** Who did something, as far as it is known (Teams: the Entra object id and UPN; CLI: the OS user). */
export interface Actor {
  name?: string;
  upn?: string;
  aadObjectId?: string;
  via: 'teams' | 'cli';
}

export type AuditEvent =
  | 'requested'
  | 'approved'
  | 'rejected'
  | 'expired'
  | 'written'
  | 'write-failed'
  | 'stale' // re-read found changed values: nothing written
  | 'refused'; // a tampered or replayed payload, an approver not allowed, the requester approving their own plan

export interface AuditRecord {
  at: string;
  event: AuditEvent;
  planId?: string;
  correlationId?: string;
  actor?: Actor;
  /** Per object: each attribute's value before and after (written / write-failed). */
  objects?: ObjectOutcome[];
  detail?: string;
}

/** Append-only audit log (audit-log.ts: JSON lines in KCD_STATE_DIR, and the log). */
export interface AuditLog {
  append(record: AuditRecord): Promise<void>;
  /** The last `n` records, oldest first. */
  last(n: number): Promise<AuditRecord[]>;
}
