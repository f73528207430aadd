/**
 * The bot's durable state: subscriptions (with the conversation reference to post to), the baseline of
 * each conversation's last summary (the id of a compact scan, for tomorrow's diff) and a bounded log of
 * what was posted when. Plain JSON, validated on every read, versioned.
 */
import { z } from 'zod';
import { fixPlanSchema } from './plan-schema';
import type { FixPlan } from '../domain/fix-plan';
import { KcdError } from '../domain/errors';
import type { CompactScan } from './compact-scan';

export const STATE_FORMAT = 'kcd-state';
/** Post log entries kept (the oldest are dropped). */
export const MAX_POST_LOG = 1000;
/** Baselines kept for conversations without a subscription (on-demand summaries), most recent first. */
export const MAX_BASELINES = 500;

/**
 * Where to post: the Bot Framework conversation reference, as plain JSON (the SDK's
 * ConversationReference shape, without the activity id so posts start a new message, not a reply).
 */
export interface StoredReference {
  channelId: string;
  serviceUrl: string;
  conversation: { id: string; conversationType?: string; tenantId?: string; isGroup?: boolean; name?: string };
  bot?: { id: string; name?: string };
  user?: { id: string; name?: string; aadObjectId?: string };
  locale?: string;
}

/** Who subscribed, as the access check knew them: checked again before every post. */
export interface Subscriber {
  tenantId?: string;
  aadObjectId?: string;
  upn?: string;
}

export interface Subscription {
  id: string;
  /** The conversation ("msteams:19:abc@thread.tacv2"): one subscription per conversation. */
  key: string;
  reference: StoredReference;
  /** "personal", "groupChat", "channel". */
  conversationType?: string;
  /** "HH:MM", 24 h. */
  time: string;
  /** IANA zone. */
  timeZone: string;
  createdAt: string;
  /** When the current time/zone was set: earlier occurrences never post (no post right after subscribing at 09:00 for 08:00). */
  since: string;
  /** Who subscribed (display name), for the subscriptions card and logs. */
  by?: string;
  /** Who subscribed (tenant, Entra object id, UPN): absent in state written before it was kept. */
  subscriber?: Subscriber;
  /** The local date (in timeZone) of the last claimed daily post: never two posts for the same local day. */
  lastPostedDate?: string;
  lastPostedAt?: string;
  /** Failed attempts for one local day (not 403/404: those unsubscribe), for retries with a limit. */
  failures?: { date: string; count: number; retryAt: string };
}

export interface Baseline {
  /** The id of the compact scan the conversation's last summary showed. */
  scanId: string;
  /** When that summary was given. */
  at: string;
}

/** refused: not posted because the subscriber is no longer allowed or the service URL is not (kept, logged). */
export type PostStatus = 'claimed' | 'posted' | 'failed' | 'removed' | 'missed' | 'refused';

export interface PostRecord {
  at: string;
  key: string;
  subscriptionId?: string;
  /** The local day the post is for. */
  date?: string;
  trigger: 'schedule' | 'on-demand';
  status: PostStatus;
  detail?: string;
}

/** Plan records kept (decided ones are dropped first, oldest first); pending ones expire within a day. */
export const MAX_PLANS = 500;
/** Consumed one-use card tokens remembered until they expire, at most this many. */
export const MAX_CONSUMED_TOKENS = 5000;

/**
 * pending: waits for an approver; applying: approved, being written (one replica claimed it); applied; rejected;
 * expired; stale: AD changed between plan and approval, nothing written; failed: the write failed (the record says
 * which objects were written).
 */
export type PlanStatus = 'pending' | 'applying' | 'applied' | 'rejected' | 'expired' | 'stale' | 'failed';
export const PLAN_STATUSES: readonly PlanStatus[] = ['pending', 'applying', 'applied', 'rejected', 'expired', 'stale', 'failed'];

/** Who asked or decided, as Teams and the access check knew them. */
export interface PlanPerson {
  name?: string;
  upn?: string;
  aadObjectId?: string;
}

/** A card showing the plan, to update in place when the plan's status changes. */
export interface PlanCard {
  reference: StoredReference;
  activityId: string;
  role: 'request' | 'approval';
}

/** A plan requested in Teams, with its approval state (issue 21). */
export interface PlanRecord {
  plan: FixPlan;
  /** sha256 of the plan's JSON: the approval buttons' signed tokens name it, so a changed record is refused. */
  digest: string;
  status: PlanStatus;
  requester: PlanPerson;
  requestedAt: string;
  expiresAt: string;
  decidedBy?: PlanPerson;
  decidedAt?: string;
  cards: PlanCard[];
  /** One line: what the write did or why nothing was written. */
  outcome?: string;
  correlationId?: string;
}

export interface State {
  format: typeof STATE_FORMAT;
  /** 2 adds plans, approvalKey and consumedTokens (issue 21); version 1 files are read as 2 with none. */
  version: 2;
  subscriptions: Subscription[];
  baselines: Record<string, Baseline>;
  posts: PostRecord[];
  plans: PlanRecord[];
  /** The HMAC key signing the plan buttons' tokens (base64, 32 bytes), made on first use: shared by every replica. */
  approvalKey?: string;
  /** One-use tokens already used (their nonce → when the token expires). */
  consumedTokens: Record<string, string>;
}

export function emptyState(): State {
  return { format: STATE_FORMAT, version: 2, subscriptions: [], baselines: {}, posts: [], plans: [], consumedTokens: {} };
}

const account = z.object({ id: z.string(), name: z.string().optional(), aadObjectId: z.string().optional() });

const person = z.object({ name: z.string().optional(), upn: z.string().optional(), aadObjectId: z.string().optional() });

const reference = z.object({
  channelId: z.string(),
  serviceUrl: z.string(),
  conversation: z.object({
    id: z.string(),
    conversationType: z.string().optional(),
    tenantId: z.string().optional(),
    isGroup: z.boolean().optional(),
    name: z.string().optional(),
  }),
  bot: account.optional(),
  user: account.optional(),
  locale: z.string().optional(),
});

const planRecord = z.object({
  plan: fixPlanSchema,
  digest: z.string().regex(/^[0-9a-f]{64}$/),
  status: z.enum(['pending', 'applying', 'applied', 'rejected', 'expired', 'stale', 'failed']),
  requester: person,
  requestedAt: z.string(),
  expiresAt: z.string(),
  decidedBy: person.optional(),
  decidedAt: z.string().optional(),
  cards: z.array(z.object({ reference, activityId: z.string(), role: z.enum(['request', 'approval']) })),
  outcome: z.string().optional(),
  correlationId: z.string().optional(),
});

const stateSchemaV2 = z.object({
  format: z.literal(STATE_FORMAT),
  version: z.union([z.literal(1), z.literal(2)]),
  subscriptions: z.array(
    z.object({
      id: z.string(),
      key: z.string(),
      reference,
      conversationType: z.string().optional(),
      time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
      timeZone: z.string(),
      createdAt: z.string(),
      since: z.string(),
      by: z.string().optional(),
      subscriber: z.object({ tenantId: z.string().optional(), aadObjectId: z.string().optional(), upn: z.string().optional() }).optional(),
      lastPostedDate: z.string().optional(),
      lastPostedAt: z.string().optional(),
      failures: z.object({ date: z.string(), count: z.number().int(), retryAt: z.string() }).optional(),
    }),
  ),
  baselines: z.record(z.string(), z.object({ scanId: z.string(), at: z.string() })),
  posts: z.array(
    z.object({
      at: z.string(),
      key: z.string(),
      subscriptionId: z.string().optional(),
      date: z.string().optional(),
      trigger: z.enum(['schedule', 'on-demand']),
      status: z.enum(['claimed', 'posted', 'failed', 'removed', 'missed', 'refused']),
      detail: z.string().optional(),
    }),
  ),
  plans: z.array(planRecord).optional(),
  approvalKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/).optional(),
  consumedTokens: z.record(z.string(), z.string()).optional(),
});

/** Version 1 (before plans) and version 2, both read as version 2. */
export const stateSchema = stateSchemaV2.transform(
  (s): State => ({ ...s, version: 2, plans: s.plans ?? [], consumedTokens: s.consumedTokens ?? {} }),
);

const FILE_STORE_REMEDIATION =
  'Check that KCD_STATE_DIR points to a directory the bot may write, on a disk with free space. A damaged state.json can be restored from a backup or moved aside (the bot then starts with no subscriptions).';

/** The state store cannot be read or written; nothing was changed. */
export class StateStoreError extends KcdError {
  readonly code = 'state-store';
  readonly exitCode = 2;
  constructor(
    readonly location: string,
    readonly problem: string,
    remediation = FILE_STORE_REMEDIATION,
    /** The storage could not be reached (it may come back); false: it answered and refused, or the state is damaged. */
    readonly transient = false,
  ) {
    super(`The bot's state (${location}) cannot be used: ${problem}`, remediation);
  }
}

/**
 * Durable state. `update` runs its function on the latest state and writes the result atomically before
 * resolving; concurrent updates (in this process or another one sharing the directory) are serialised.
 */
export interface StateStore {
  /** Where the state lives, for logs and errors. */
  describe(): string;
  read(): Promise<State>;
  update<T>(change: (state: State) => T): Promise<T>;
  /** Stores a compact scan (content addressed: the same content gets the same id); returns its id. */
  saveScan(id: string, scan: CompactScan): Promise<void>;
  loadScan(id: string): Promise<CompactScan | undefined>;
}

/** The state in `text`, or what is wrong with it (a damaged state is reported, never overwritten). */
export function parseState(text: string): { state: State } | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { problem: `not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const parsed = stateSchema.safeParse(json);
  if (parsed.success) return { state: parsed.data };
  const issue = parsed.error.issues[0];
  return { problem: `unexpected content at ${issue?.path.join('.') || '(top)'}: ${issue?.message ?? 'invalid'}` };
}

/** Keeps the post log, the plans, the consumed tokens and the baselines of unsubscribed conversations bounded. */
export function trimState(state: State, now = new Date()): void {
  if (state.posts.length > MAX_POST_LOG) state.posts.splice(0, state.posts.length - MAX_POST_LOG);
  if (state.plans.length > MAX_PLANS) {
    // Decided plans go first (oldest first); pending and applying ones only when nothing else is left.
    const open = (r: PlanRecord) => r.status === 'pending' || r.status === 'applying';
    const drop = new Set(
      [...state.plans.filter((r) => !open(r)), ...state.plans.filter(open)].slice(0, state.plans.length - MAX_PLANS),
    );
    state.plans = state.plans.filter((r) => !drop.has(r));
  }
  const nowIso = now.toISOString();
  const tokens = Object.entries(state.consumedTokens).filter(([, expires]) => expires > nowIso);
  tokens.sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0));
  state.consumedTokens = Object.fromEntries(tokens.slice(Math.max(0, tokens.length - MAX_CONSUMED_TOKENS)));
  const subscribed = new Set(state.subscriptions.map((s) => s.key));
  const loose = Object.entries(state.baselines)
    .filter(([key]) => !subscribed.has(key))
    .sort(([, a], [, b]) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  for (const [key] of loose.slice(MAX_BASELINES)) delete state.baselines[key];
}

/** The scan ids still referenced (the rest may be deleted). */
export function referencedScans(state: State): Set<string> {
  return new Set(Object.values(state.baselines).map((b) => b.scanId));
}
