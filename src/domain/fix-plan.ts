/**
 * A fix plan as data (issue 21): what the planner makes from findings, what an approval card shows, what the bot's
 * state keeps for a pending approval and what the writer applies (src/apply/). Plain JSON.
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
