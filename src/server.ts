/**
 * The HTTP front end: restify 11 + CloudAdapter. POST /api/messages (Bot Framework protocol),
 * GET /healthz. Nothing here knows about checks: it wires the adapter to the bot.
 */
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, PrivateConversationState, MemoryStorage, type TurnContext } from 'botbuilder';
import restify from 'restify';
import { randomUUID } from 'node:crypto';
import type { Config } from './config';
import type { Directory } from './directory/port';
import { Answerer } from './bot/answerer';
import { consoleLogger, KcdBot, type BotLogger } from './bot/kcd-bot';
import { errorCard } from './render/cards';
import { CardFactory, MessageFactory } from 'botbuilder';

export interface ServerDeps {
  config: Config;
  directory: Directory & { readAt?: number };
  logger?: BotLogger;
  /** Overrides how the sender's account is found (tests); default TeamsInfo.getMember. */
  lookupMember?: ConstructorParameters<typeof KcdBot>[0]['lookupMember'];
}

export interface RunningServer {
  server: restify.Server;
  adapter: CloudAdapter;
  bot: KcdBot;
  url: string;
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
    const correlationId = randomUUID();
    logger.error({ correlationId, error: error?.message, name: error?.name }, 'turn failed');
    try {
      const card = errorCard(error, { directoryLabel: '', correlationId });
      await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
    } catch {
      // The channel itself is gone; the log line above is all we can do.
    }
  };
  return adapter;
}

export function createBot(deps: ServerDeps): KcdBot {
  return new KcdBot({
    answerer: (lookupAsker) => new Answerer({ directory: deps.directory, config: deps.config, lookupAsker }),
    dialogState: new PrivateConversationState(new MemoryStorage()),
    logger: deps.logger,
    lookupMember: deps.lookupMember,
  });
}

export async function startServer(deps: ServerDeps, port = deps.config.bot.port, host = '0.0.0.0'): Promise<RunningServer> {
  const logger = deps.logger ?? consoleLogger;
  const adapter = createAdapter(deps.config, logger);
  const bot = createBot(deps);
  const server = restify.createServer({ name: 'kcd-bot' });
  server.use(restify.plugins.bodyParser({ maxBodySize: 256 * 1024, mapParams: false }));
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  server.get('/healthz', (_req, res, next) => {
    res.json(200, { status: 'ok', directory: deps.directory.describe().label });
    return next();
  });
  await new Promise<void>((resolve) => server.listen(port, host, () => resolve()));
  const address = server.address();
  const url = `http://127.0.0.1:${address.port}`;
  return {
    server,
    adapter,
    bot,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // restify keeps idle keep-alive sockets; close them so tests and shutdown end promptly.
        (server.server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
