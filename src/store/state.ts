/**
 * The bot's durable state: subscriptions (with the conversation reference to post to), the baseline of
 * each conversation's last summary (the id of a compact scan, for tomorrow's diff) and a bounded log of
 * what was posted when. Plain JSON, validated on every read, versioned.
 */
import { z } from 'zod';
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

export interface State {
  format: typeof STATE_FORMAT;
  version: 1;
  subscriptions: Subscription[];
  baselines: Record<string, Baseline>;
  posts: PostRecord[];
}

export function emptyState(): State {
  return { format: STATE_FORMAT, version: 1, subscriptions: [], baselines: {}, posts: [] };
}

const account = z.object({ id: z.string(), name: z.string().optional(), aadObjectId: z.string().optional() });

export const stateSchema = z.object({
  format: z.literal(STATE_FORMAT),
  version: z.literal(1),
  subscriptions: z.array(
    z.object({
      id: z.string(),
      key: z.string(),
      reference: z.object({
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
      }),
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
});

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

/** Keeps the post log and the baselines of unsubscribed conversations bounded; drops unknown scan references. */
export function trimState(state: State): void {
  if (state.posts.length > MAX_POST_LOG) state.posts.splice(0, state.posts.length - MAX_POST_LOG);
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
