/**
 * The HTTP front end: restify 11 + CloudAdapter. POST /api/messages (Bot Framework protocol), GET /healthz
 * (liveness), GET /readyz (can it answer: src/watch/readiness.ts), and, when configured, GET /metrics on a
 * port of its own (src/watch/). Nothing here knows about checks: it wires the adapter to the bot.
 *
 * The endpoint faces the internet, so a request is screened before the adapter checks its token: the body
 * is read by src/http/json-body.ts (no decompression, no multipart, the bytes read capped), then its shape
 * and its serviceUrl (src/http/service-url.ts) are checked. Every refusal is a 4xx; nothing crashes.
 */
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, PrivateConversationState, type Storage, type TurnContext } from 'botbuilder';
import restify from 'restify';
import { randomUUID } from 'node:crypto';
import type { Config } from './config';
import type { Directory } from './directory/port';
import { Answerer } from './bot/answerer';
import { consoleLogger, CORRELATION_KEY, KcdBot, type BotLogger } from './bot/kcd-bot';
import { BoundedMemoryStorage } from './bot/bounded-storage';
import { GroupMembership } from './bot/group-membership';
import { RateLimiter } from './bot/rate-limit';
import { errorCard } from './render/cards';
import { CardFactory, MessageFactory } from 'botbuilder';
import type { Clock } from './time/clock';
import { checkActivityShape } from './bot/activity-shape';
import { AccessCheck } from './bot/access';
import type { AccessPolicy } from './bot/authorization';
import { readJsonBody } from './http/json-body';
import { ServiceUrlPolicy } from './http/service-url';
import { boundAddress } from './http/bound-address';
import { readiness } from './watch/readiness';
import { startMetricsEndpoint, type MetricsEndpoint } from './watch/endpoint';
import { heldSnapshotFacts } from './watch/held-snapshot';
import { NO_METRICS, type MetricsSink } from './watch/port';
import type { PrometheusMetrics } from './watch/prometheus';
import type { DirectorySnapshot } from './domain/snapshot';
import { adapterPoster } from './scheduler/post';
import { Scheduler } from './scheduler/scheduler';
import { ApprovalService, type MembershipCheck, type PlanMaker } from './apply/approvals';
import type { AuditLog, DirectoryWriter } from './apply/types';
import { adapterCardChannel, type CardChannel } from './bot/card-channel';
import type { LeaderLoop } from './scheduler/leader-lease';
import type { StateStore } from './store/state';
import { SummaryService, type SummaryDefaults } from './summary/service';

export interface ServerDeps {
  config: Config;
  /** A CachedDirectory in production: `held` and `readAt` tell readiness and the gauges what it holds. */
  directory: Directory & { readAt?: number; readonly held?: DirectorySnapshot };
  logger?: BotLogger;
  /** Overrides how the sender's account is found (tests); default TeamsInfo.getMember. */
  lookupMember?: ConstructorParameters<typeof KcdBot>[0]['lookupMember'];
  /** Rate limit per user and channel (default: KCD_RATE_LIMIT, 8 messages per 10 s); false: none. */
  rateLimit?: RateLimiter | false;
  /**
   * Daily summaries: subscriptions in `store`; the scheduler runs only when `schedulerEnabled`; with `leader`
   * (replicas) it acts only while this replica holds the lease.
   */
  summary?: {
    store: StateStore;
    defaults: SummaryDefaults;
    schedulerEnabled: boolean;
    clock?: Clock;
    maxSubscriptionsPerTenant?: number;
    leader?: LeaderLoop;
  };
  /** Where dialog state (an open question) lives; default: bounded memory of this process. */
  dialogStorage?: Storage;
  /**
   * Prometheus metrics (main.ts makes them when KCD_METRICS_PORT is set): the bot, the edge and the scheduler
   * report to them, and GET /metrics serves them on `port` at `host`.
   */
  metrics?: { prometheus: PrometheusMetrics; port: number; host: string };
  /**
   * Applying fixes after approval (issue 21; main.ts gives it when KCD_WRITE_BIND_DN and KCD_APPROVER_GROUPS are set):
   * how plans are made, how the write account writes, and the audit log. Plans live in summary.store.
   */
  apply?: { makePlan: PlanMaker; openWriter: () => DirectoryWriter; audit: AuditLog; now?: () => Date };
}

/** How often overdue plans are expired and their cards updated. */
export const PLAN_SWEEP_MS = 60_000;

/** Request bodies: at most this many bytes are read (Teams caps a message at about 28 KB of text). */
export const MAX_BODY_BYTES = 256 * 1024;
/** Idle keep-alive connections are kept this long (see startServer). */
export const KEEP_ALIVE_MS = 65_000;
/** A body must arrive within this time. */
export const BODY_TIMEOUT_MS = 15_000;

export interface RunningServer {
  server: restify.Server;
  adapter: CloudAdapter;
  bot: KcdBot;
  /** Where a client on this machine reaches the bot (http://127.0.0.1:port when bound to every interface). */
  url: string;
  /** The address actually bound, host:port (0.0.0.0:3978 means every interface). */
  address: string;
  /** Entry counts of the per-conversation structures (dialog state, rate-limit buckets, group cache). */
  retainedSizes(): Record<string, number>;
  /** Present when the server was given a state store. */
  summaries?: SummaryService;
  /** Present when the scheduler runs on this instance. */
  scheduler?: Scheduler;
  /** Present when metrics are served: where GET /metrics listens. */
  metrics?: MetricsEndpoint;
  close(): Promise<void>;
}

export function createAdapter(config: Config, logger: BotLogger): CloudAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.bot.appId,
    MicrosoftAppPassword: config.bot.appPassword,
    // Without an app id nothing is authenticated (local mode); botbuilder accepts that only as MultiTenant.
    MicrosoftAppType: config.bot.appId === '' ? 'MultiTenant' : config.bot.appType,
    MicrosoftAppTenantId: config.bot.tenantId ?? '',
  });
  const adapter = new CloudAdapter(auth);
  // The last resort: anything the bot did not turn into a card itself still gets an answer.
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    const correlationId = ((context.turnState as Map<unknown, unknown>).get(CORRELATION_KEY) as string | undefined) ?? randomUUID();
    logger.error(
      { correlationId, error: error?.message, name: error?.name, type: context.activity?.type, conversation: context.activity?.conversation?.id },
      'turn failed',
    );
    try {
      const card = errorCard(error, { directoryLabel: '', correlationId });
      await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
    } catch {
      // The channel itself is gone; the log line above is all we can do.
    }
  };
  return adapter;
}

export function createSummaryService(deps: ServerDeps): SummaryService | undefined {
  if (!deps.summary) return undefined;
  return new SummaryService({
    store: deps.summary.store,
    directory: deps.directory,
    migrationGroup: deps.config.migrationGroup,
    defaults: deps.summary.defaults,
    clock: deps.summary.clock,
    serviceUrls: ServiceUrlPolicy.forAppId(deps.config.bot.appId),
    ...(deps.summary.maxSubscriptionsPerTenant !== undefined ? { maxSubscriptionsPerTenant: deps.summary.maxSubscriptionsPerTenant } : {}),
  });
}

function accessPolicy(config: ServerDeps['config']): AccessPolicy {
  return { tenants: config.bot.allowedTenants, users: config.bot.allowedUsers };
}

function groupMembership(deps: ServerDeps): GroupMembership | undefined {
  return deps.config.bot.allowedGroups.length > 0 ? new GroupMembership({ directory: deps.directory, groups: deps.config.bot.allowedGroups }) : undefined;
}

/**
 * The approval service, when applying is configured and the state store is there to hold the plans. Approvers are
 * checked against AD at every press (no cache); operators' membership is cached for a minute, like the allow-list.
 */
function approvalService(deps: ServerDeps): { approvals: ApprovalService; approvers: MembershipCheck } | undefined {
  const apply = deps.apply;
  const store = deps.summary?.store;
  if (!apply || !store || !deps.config.apply.botEnabled) return undefined;
  const approverGroups = new GroupMembership({ directory: deps.directory, groups: deps.config.apply.approverGroups, ttlMs: 0 });
  const operatorGroups = deps.config.apply.operatorGroups.length > 0 ? new GroupMembership({ directory: deps.directory, groups: deps.config.apply.operatorGroups }) : undefined;
  const approvers: MembershipCheck = (upn) => approverGroups.check(upn);
  const approvals = new ApprovalService({
    store,
    directory: deps.directory,
    makePlan: apply.makePlan,
    openWriter: apply.openWriter,
    audit: apply.audit,
    approvers,
    ...(operatorGroups ? { operators: (upn: string | undefined) => operatorGroups.check(upn) } : {}),
    ttlMinutes: deps.config.apply.ttlMinutes,
    ...(apply.now ? { now: apply.now } : {}),
  });
  return { approvals, approvers };
}

/** Dialog state lives in bounded memory (a conversation idle for an hour forgets its open question) unless given. */
export function createBot(
  deps: ServerDeps,
  summaries?: SummaryService,
  storage: Storage = deps.dialogStorage ?? new BoundedMemoryStorage(),
  groups: GroupMembership | undefined = groupMembership(deps),
  metrics: MetricsSink = deps.metrics?.prometheus ?? NO_METRICS,
  cards?: CardChannel,
): KcdBot {
  const apply = approvalService(deps);
  return new KcdBot({
    answerer: (lookupAsker, extras) => new Answerer({ directory: deps.directory, config: deps.config, lookupAsker, summaries, ...extras }),
    ...(apply
      ? {
          apply: {
            ...apply,
            ...(cards ? { cards } : {}),
            ...(deps.config.apply.approvalConversation ? { approvalConversation: deps.config.apply.approvalConversation } : {}),
          },
        }
      : {}),
    dialogState: new PrivateConversationState(storage),
    logger: deps.logger,
    lookupMember: deps.lookupMember,
    access: accessPolicy(deps.config),
    ...(groups ? { groupMembership: groups } : {}),
    rateLimit: deps.rateLimit !== undefined ? deps.rateLimit : new RateLimiter(deps.config.bot.rateLimit),
    metrics,
  });
}

/** Logs every stored subscription whose service URL this bot would refuse (state carried over from another mode). */
async function reportRefusedSubscriptions(summaries: SummaryService, serviceUrls: ServiceUrlPolicy, logger: BotLogger): Promise<void> {
  for (const sub of (await summaries.store.read()).subscriptions) {
    const problem = serviceUrls.problem(sub.reference.serviceUrl);
    if (problem) (logger.warn ?? logger.error).call(logger, { conversation: sub.key, subscribedBy: sub.by, problem }, 'stored subscription refused: its service URL is not allowed; it gets no posts');
  }
}

export async function startServer(deps: ServerDeps, port = deps.config.bot.port, host = deps.config.bot.bindHost): Promise<RunningServer> {
  const logger = deps.logger ?? consoleLogger;
  const metrics: MetricsSink = deps.metrics?.prometheus ?? NO_METRICS;
  const adapter = createAdapter(deps.config, logger);
  const serviceUrls = ServiceUrlPolicy.forAppId(deps.config.bot.appId);
  const summaries = createSummaryService(deps);
  const storage = deps.dialogStorage ?? new BoundedMemoryStorage();
  const groups = groupMembership(deps);
  const bot = createBot(deps, summaries, storage, groups, metrics, adapterCardChannel(adapter, deps.config.bot.appId));
  const subscriberAccess = new AccessCheck(accessPolicy(deps.config), groups);
  const scheduler =
    summaries && deps.summary?.schedulerEnabled
      ? new Scheduler({
          service: summaries,
          post: adapterPoster(adapter, deps.config.bot.appId),
          logger,
          serviceUrls,
          metrics,
          ...(deps.summary.leader ? { leader: deps.summary.leader } : {}),
          authorize: async (sub) => {
            const known = { ...(sub.subscriber ?? {}), tenantId: sub.subscriber?.tenantId ?? sub.reference.conversation.tenantId };
            const { decision } = await subscriberAccess.decide(known, () => Promise.resolve(sub.subscriber?.upn));
            return decision;
          },
        })
      : undefined;
  if (summaries) await reportRefusedSubscriptions(summaries, serviceUrls, logger);
  const server = restify.createServer({ name: 'kcd-bot' });
  // Node closes an idle keep-alive connection after 5 s; a client (a reverse proxy, the Bot Framework service)
  // that reuses it at that moment gets a reset instead of an answer. Keep idle connections longer than the
  // proxies in front usually do (60 s), so the client, not the bot, closes them.
  server.server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  logger.debug?.({ config: deps.config }, 'configuration');
  server.post('/api/messages', async (req, res) => {
    logger.debug?.({ method: req.method, url: req.url, headers: req.headers }, 'request');
    const read = await readJsonBody(req, { maxBytes: MAX_BODY_BYTES, timeoutMs: BODY_TIMEOUT_MS });
    if (!read.ok) {
      logger.info({ status: read.status, problem: read.message }, 'request refused before reading');
      if (read.close) res.header('connection', 'close');
      for (const [name, value] of Object.entries(read.headers ?? {})) res.header(name, value);
      metrics.refusal('request', String(read.status));
      res.send(read.status, { code: read.status === 415 ? 'UnsupportedMediaType' : read.status === 413 ? 'PayloadTooLarge' : 'BadRequest', message: read.message });
      return;
    }
    const shape = checkActivityShape(read.body);
    if (!shape.ok) {
      logger.info({ problem: shape.problem }, 'request refused: not a Bot Framework activity');
      metrics.refusal('request', '400');
      res.send(400, { code: 'BadRequest', message: `Not a Bot Framework activity (${shape.problem}).` });
      return;
    }
    const urlProblem = serviceUrls.problem((read.body as { serviceUrl?: unknown }).serviceUrl);
    if (urlProblem) {
      (logger.warn ?? logger.info).call(logger, { problem: urlProblem }, 'request refused: serviceUrl not allowed');
      metrics.refusal('request', '400');
      res.send(400, { code: 'BadRequest', message: `serviceUrl is not allowed (${urlProblem}).` });
      return;
    }
    req.body = read.body;
    await adapter.process(req, res, (context) => bot.run(context));
    // The adapter answers a missing or invalid Bot Framework token with 401 itself.
    if (res.statusCode === 401) metrics.refusal('auth');
  });
  // Liveness only: nothing about the directory or the configuration to whoever asks.
  server.get('/healthz', (_req, res, next) => {
    res.json(200, { status: 'ok' });
    return next();
  });
  // Readiness: 503 with a one-word cause while no snapshot is held and the directory cannot be read.
  server.get('/readyz', async (_req, res) => {
    const ready = await readiness(deps.directory);
    if (ready.ready) res.json(200, { status: 'ready' });
    else res.json(503, { status: 'unavailable', reason: ready.reason, cause: ready.cause });
  });
  // A port in use (or not allowed) rejects here instead of crashing the process on an 'error' event.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const { address, url } = boundAddress(server.address());
  let endpoint: MetricsEndpoint | undefined;
  if (deps.metrics) {
    const directory = deps.directory;
    deps.metrics.prometheus.watchSnapshot(() => heldSnapshotFacts(directory, deps.config.migrationGroup));
    try {
      endpoint = await startMetricsEndpoint(deps.metrics.prometheus, deps.metrics.port, deps.metrics.host);
    } catch (error) {
      // The bot's port is open already: close it, so the caller's start-up problem leaves nothing listening.
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
      });
      throw error;
    }
  }
  if (scheduler) deps.summary?.leader?.start();
  scheduler?.start();
  const sweeping = deps.apply
    ? setInterval(() => {
        bot.sweepPlans().catch((error: unknown) => logger.info({ error: error instanceof Error ? error.message : String(error) }, 'apply: the expiry sweep failed'));
      }, PLAN_SWEEP_MS)
    : undefined;
  sweeping?.unref();
  return {
    server,
    adapter,
    bot,
    url,
    address,
    retainedSizes: () => ({ ...(storage instanceof BoundedMemoryStorage ? { dialogStates: storage.size } : {}), ...bot.retainedSizes() }),
    ...(summaries ? { summaries } : {}),
    ...(scheduler ? { scheduler } : {}),
    ...(endpoint ? { metrics: endpoint } : {}),
    close: async () => {
      if (sweeping) clearInterval(sweeping);
      await scheduler?.stop();
      await endpoint?.close();
      if (scheduler) await deps.summary?.leader?.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // restify keeps idle keep-alive sockets; close them so tests and shutdown end promptly.
        (server.server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    },
  };
}
