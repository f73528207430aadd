/**
 * The HTTP front end: restify 11 + CloudAdapter. POST /api/messages (Bot Framework protocol),
 * GET /healthz. Nothing here knows about checks: it wires the adapter to the bot.
 */
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, PrivateConversationState, type TurnContext } from 'botbuilder';
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
import type { Clock } from './scheduler/clock';
import { checkActivityShape } from './bot/activity-shape';
import { adapterPoster } from './scheduler/post';
import { Scheduler } from './scheduler/scheduler';
import type { StateStore } from './store/state';
import { SummaryService, type SummaryDefaults } from './summary/service';

export interface ServerDeps {
  config: Config;
  directory: Directory & { readAt?: number };
  logger?: BotLogger;
  /** Overrides how the sender's account is found (tests); default TeamsInfo.getMember. */
  lookupMember?: ConstructorParameters<typeof KcdBot>[0]['lookupMember'];
  /** Per-conversation rate limit (default: KCD_RATE_LIMIT, 8 messages per 10 s); false: none. */
  rateLimit?: RateLimiter | false;
  /** Daily summaries: subscriptions in `store`; the scheduler runs only when `schedulerEnabled` (one per deployment). */
  summary?: { store: StateStore; defaults: SummaryDefaults; schedulerEnabled: boolean; clock?: Clock };
}

export interface RunningServer {
  server: restify.Server;
  adapter: CloudAdapter;
  bot: KcdBot;
  url: string;
  /** Entry counts of the per-conversation structures (dialog state, rate-limit buckets, group cache). */
  retainedSizes(): Record<string, number>;
  /** Present when the server was given a state store. */
  summaries?: SummaryService;
  /** Present when the scheduler runs on this instance. */
  scheduler?: Scheduler;
  close(): Promise<void>;
}

export function createAdapter(config: Config, logger: BotLogger): CloudAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.bot.appId,
    MicrosoftAppPassword: config.bot.appPassword,
    MicrosoftAppType: config.bot.appType,
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
  });
}

/** Dialog state lives in bounded memory (a conversation idle for an hour forgets its open question). */
export function createBot(deps: ServerDeps, summaries?: SummaryService, storage: BoundedMemoryStorage = new BoundedMemoryStorage()): KcdBot {
  return new KcdBot({
    answerer: (lookupAsker) => new Answerer({ directory: deps.directory, config: deps.config, lookupAsker, summaries }),
    dialogState: new PrivateConversationState(storage),
    logger: deps.logger,
    lookupMember: deps.lookupMember,
    access: { tenants: deps.config.bot.allowedTenants, users: deps.config.bot.allowedUsers },
    ...(deps.config.bot.allowedGroups.length > 0
      ? { groupMembership: new GroupMembership({ directory: deps.directory, groups: deps.config.bot.allowedGroups }) }
      : {}),
    rateLimit: deps.rateLimit !== undefined ? deps.rateLimit : new RateLimiter(deps.config.bot.rateLimit),
  });
}

export async function startServer(deps: ServerDeps, port = deps.config.bot.port, host = '0.0.0.0'): Promise<RunningServer> {
  const logger = deps.logger ?? consoleLogger;
  const adapter = createAdapter(deps.config, logger);
  const summaries = createSummaryService(deps);
  const storage = new BoundedMemoryStorage();
  const bot = createBot(deps, summaries, storage);
  const scheduler =
    summaries && deps.summary?.schedulerEnabled
      ? new Scheduler({ service: summaries, post: adapterPoster(adapter, deps.config.bot.appId), logger })
      : undefined;
  const server = restify.createServer({ name: 'kcd-bot' });
  server.use(restify.plugins.bodyParser({ maxBodySize: 256 * 1024, mapParams: false }));
  logger.debug?.({ config: deps.config }, 'configuration');
  server.post('/api/messages', async (req, res) => {
    logger.debug?.({ method: req.method, url: req.url, headers: req.headers }, 'request');
    const shape = checkActivityShape(req.body);
    if (!shape.ok) {
      logger.info({ problem: shape.problem }, 'request refused: not a Bot Framework activity');
      res.send(400, { code: 'BadRequest', message: `Not a Bot Framework activity (${shape.problem}).` });
      return;
    }
    await adapter.process(req, res, (context) => bot.run(context));
  });
  server.get('/healthz', (_req, res, next) => {
    res.json(200, { status: 'ok', directory: deps.directory.describe().label });
    return next();
  });
  // A port in use (or not allowed) rejects here instead of crashing the process on an 'error' event.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const url = `http://127.0.0.1:${address.port}`;
  scheduler?.start();
  return {
    server,
    adapter,
    bot,
    url,
    retainedSizes: () => ({ dialogStates: storage.size, ...bot.retainedSizes() }),
    ...(summaries ? { summaries } : {}),
    ...(scheduler ? { scheduler } : {}),
    close: async () => {
      await scheduler?.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // restify keeps idle keep-alive sockets; close them so tests and shutdown end promptly.
        (server.server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    },
  };
}
