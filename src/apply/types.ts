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

/** The attributes a plan may change; nothing else is ever written. */
export type PlanAttribute =
  | 'msDS-AllowedToDelegateTo'
  | 'userAccountControl'
  | 'msDS-SupportedEncryptionTypes'
  | 'msDS-AllowedToActOnBehalfOfOtherIdentity';

/** One ACE of a resource-based delegation descriptor, as planned or read (SIDs, not names: that is what AD stores). */
export interface PlannedAce {
  sid: string;
  type: 'allow' | 'deny';
  mask: number;
  /** The account the SID belongs to, for people reading the plan (not compared). */
  principal?: string;
}

/** One attribute's change on one object. */
export type AttributeChange =
  /** Values to add (missing now) and to delete (present now); SPN values compare case-insensitively. */
  | { attribute: 'msDS-AllowedToDelegateTo'; add: string[]; remove: string[] }
  | { attribute: 'userAccountControl'; before: number; after: number }
  /** before null: the attribute is not set now (the DC's default applies). */
  | { attribute: 'msDS-SupportedEncryptionTypes'; before: number | null; after: number }
  /** before null: no descriptor now. `after` is written as a self-relative descriptor (owner BUILTIN\Administrators). */
  | { attribute: 'msDS-AllowedToActOnBehalfOfOtherIdentity'; before: PlannedAce[] | null; after: PlannedAce[] };

/** The values of an object a plan was made from; the writer compares them with AD before it writes anything. */
export interface ObjectBasis {
  /** msDS-AllowedToDelegateTo as read (compared as a case-insensitive set). */
  allowedToDelegateTo: string[];
  userAccountControl: number;
  /** null: not set. */
  supportedEncryptionTypes: number | null;
  /** The descriptor's ACEs in DACL order; null: no descriptor. Absent: the plan does not touch or depend on it. */
  resourceBasedAces?: PlannedAce[] | null;
}

export interface PlanObject {
  dn: string;
  /** sAMAccountName (GOGO-3$) or the user's name, for people. */
  name: string;
  kind: 'computer' | 'user';
  basis: ObjectBasis;
  /** At most one change per attribute. */
  changes: AttributeChange[];
  /** The rules whose findings this object's changes fix (KCD001…). */
  rules: string[];
}

/** What the plan answers: the question of the card (or the CLI's arguments) it was requested from. */
export type PlanQuestion =
  | { kind: 'pair'; source: string; destination: string; storage: boolean; fileServers: string[] }
  | { kind: 'host'; host: string; storage: boolean };

/** A fix the plan will not apply, and why (the card and the CLI list these). */
export interface RefusedFix {
  subject: string;
  rule: string;
  reason:
    | 'domain-controller' // the object is a DC (SERVER_TRUST_ACCOUNT / PARTIAL_SECRETS_ACCOUNT)
    | 'krbtgt'
    | 'delegation-to-dc' // the value added would let an account delegate to a DC's service
    | 'too-many-objects' // more than MAX_PLAN_OBJECTS
    | 'not-in-directory' // the object or a principal is not in the snapshot (another domain, deleted)
    | 'host-side'; // only a person can do it (SPNs, group membership, a move): stays an instruction
  detail: string;
}

export interface FixPlan {
  /** Random, URL-safe (the cards and the audit refer to it). */
  id: string;
  question: PlanQuestion;
  /** Where the plan's facts were read: the directory's label. */
  directory: string;
  /** When the snapshot the plan was made from was taken (ISO 8601). */
  takenAt: string;
  createdAt: string;
  objects: PlanObject[];
  refused: RefusedFix[];
  /** What stays for a person: the host-side steps (ticket purge, Hyper-V settings) and any refused fix, as PowerShell or text. */
  instructions: string[];
}

/** Never more objects than this in one plan (issue 21): a bigger fix is a fleet change, done with the PowerShell. */
export const MAX_PLAN_OBJECTS = 50;

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
