/**
 * End to end in the Microsoft 365 Agents Playground: the bot runs in-process on the demo directory, the
 * Playground (Microsoft's local Teams emulator) runs as a child process with the repo's
 * .m365agentsplayground.yml, and headless Chromium (Debian's, driven by playwright-core) uses its web UI
 * like a person would: type a question, read the Adaptive Card it renders, press a card button.
 * Screenshots go to docs/screenshots/ (linked from docs/playground.md).
 *
 * Run: npx jest --selectProjects e2e   (globalSetup installs chromium with apt-get when missing)
 */
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { readConfig } from '../../src/config';
import { DemoDirectory } from '../../src/directory/demo-directory';
import { startServer, type RunningServer } from '../../src/server';
import { expectValidCard } from '../support/validate-card';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';
import { REPO_ROOT, startPlayground, type RunningPlayground } from './playground';

jest.setTimeout(180_000);

const SCREENSHOTS = path.join(REPO_ROOT, 'docs', 'screenshots');
const PAIR_SCREENSHOT = path.join(SCREENSHOTS, 'playground-pair-card.png');
const EXPLAIN_SCREENSHOT = path.join(SCREENSHOTS, 'playground-explain-card.png');

/** The conversation ids and the current user come from .m365agentsplayground.yml. */
const PERSONAL_CHAT = 'personal-chat-kcd';
const GROUP_CHAT_NAME = 'Hyper-V admins';
const CURRENT_USER = { id: 'user-id-0', upn: 'labadmin@contoso.com' };

/** A card the bot sent, not one nested in a card (Action.ShowCard renders those with the same class). */
const TOP_CARD = '.ac-adaptiveCard:not(.ac-adaptiveCard .ac-adaptiveCard)';
const COMPOSE = '[contenteditable="true"]';
const UI_TIMEOUT = 90_000;
const REPLY_TIMEOUT = 60_000;

interface LogLine {
  level: 'info' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

const botLog: LogLine[] = [];
const logger = {
  info: (fields: Record<string, unknown>, message: string) => void botLog.push({ level: 'info', message, fields }),
  error: (fields: Record<string, unknown>, message: string) => void botLog.push({ level: 'error', message, fields }),
};

let bot: RunningServer | undefined;
let playground: RunningPlayground | undefined;
let browser: Browser | undefined;
let page: Page;
const blockedOrigins = new Set<string>();

beforeAll(async () => {
  bot = await startServer({ config: readConfig({}), directory: new DemoDirectory(), logger }, 0, '127.0.0.1');
  playground = await startPlayground({ endpoint: `${bot.url}/api/messages` });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true, timeout: UI_TIMEOUT });
  page = await browser.newPage({ viewport: { width: 1280, height: 1500 }, deviceScaleFactor: 1 });
  page.setDefaultTimeout(UI_TIMEOUT);
  // Offline: only the Playground itself is reachable (its UI asks a CDN for fonts and animations).
  await page.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1' || url.hostname === 'localhost') return route.continue();
    blockedOrigins.add(url.origin);
    return route.abort();
  });
});

afterAll(async () => {
  // Each step on its own, so one failure does not leave the others running.
  await browser?.close().catch(() => undefined);
  await playground?.stop().catch(() => undefined);
  await bot?.close().catch(() => undefined);
});

/** Types into the compose box and sends with Enter. */
async function send(text: string): Promise<void> {
  const compose = page.locator(COMPOSE).first();
  await compose.click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

/**
 * Marks every card on the page as seen; `newCard()` then waits for the first one that is not. (Counting cards
 * would be fooled by a chat switch re-rendering the list.) The page is driven with strings because the
 * project is compiled without the DOM library.
 */
async function markCardsSeen(): Promise<void> {
  await page.evaluate(`document.querySelectorAll(${JSON.stringify(TOP_CARD)}).forEach((e) => e.setAttribute('data-kcd-seen', '1'))`);
}

async function newCard(): Promise<Locator> {
  const card = page.locator(`${TOP_CARD}:not([data-kcd-seen])`).first();
  await card.waitFor({ state: 'visible', timeout: REPLY_TIMEOUT });
  return card;
}

/** Scrolls the chat so the card's top (and the message above it, the question) is in view. */
async function showFromTop(card: Locator, above = 110): Promise<void> {
  // The few DOM members used here, typed by hand (the project is compiled without the DOM library).
  interface Box {
    parentElement: Box | null;
    scrollHeight: number;
    clientHeight: number;
    scrollTop: number;
    scrollIntoView(options: { block: 'start' }): void;
  }
  await card.evaluate((node: unknown, offset: number) => {
    const el = node as Box;
    const { getComputedStyle } = globalThis as unknown as { getComputedStyle(b: Box): { overflowY: string } };
    el.scrollIntoView({ block: 'start' });
    for (let p = el.parentElement; p; p = p.parentElement) {
      if (/(auto|scroll)/.test(getComputedStyle(p).overflowY) && p.scrollHeight > p.clientHeight) {
        p.scrollTop = Math.max(0, p.scrollTop - offset);
        break;
      }
    }
  }, above);
  // Let the scroll settle before a screenshot (no assertion depends on this).
  await page.waitForTimeout(300);
}

async function screenshot(file: string): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, type: 'png' });
  expect(statSync(file).size).toBeGreaterThan(10_000);
}

describe('kcd-bot in the Microsoft 365 Agents Playground', () => {
  test('the Playground runs with the repo config and the bot greets the user with the help card', async () => {
    const config = (await (await fetch(`${playground!.url}/_internal/v1/config`)).json()) as {
      config: { bot: { name: string }; currentUser: { userPrincipleName: string }; personalChat: { id: string } };
    };
    expect(config.config.bot.name).toBe('kcd');
    expect(config.config.currentUser.userPrincipleName).toBe(CURRENT_USER.upn);
    expect(config.config.personalChat.id).toBe(PERSONAL_CHAT);

    await page.goto(`${playground!.url}/`);
    await page.locator(COMPOSE).first().waitFor({ state: 'visible' });
    // Opening the personal chat installs the bot, and it says hello with a short help card.
    const welcome = await newCard();
    expect(await welcome.innerText()).toContain('/kcd help');
  });

  test('"can gogo-3 migrate to gogo-4?" renders the NOT READY pair card with the findings and their PowerShell', async () => {
    await markCardsSeen();
    await send('can gogo-3 migrate to gogo-4?');
    const card = await newCard();
    const text = await card.innerText();
    expect(text).toContain('NOT READY');
    expect(text).toMatch(/Can GOGO-3 live-migrate to GOGO-4\?/);
    expect(text).toContain('KCD001');
    expect(text).toContain('KCD004');
    expect(text).toContain('Set-ADComputer');
    expect(text).toContain('msDS-AllowedToDelegateTo');
    expect(text).toContain('Set-ADAccountControl');
    // The card's actions are rendered as buttons.
    expect(await card.getByRole('button', { name: 'Re-check' }).count()).toBe(1);
    expect(await card.getByRole('button', { name: 'Explain: Protocol transition' }).count()).toBe(1);

    await showFromTop(card);
    await screenshot(PAIR_SCREENSHOT);
  });

  test('"Re-check" (Action.Execute) is answered in place: the invoke succeeds and no new message appears', async () => {
    const pair = page.locator(TOP_CARD).filter({ hasText: 'NOT READY' }).last();
    await markCardsSeen();
    await pair.getByRole('button', { name: 'Re-check' }).click();
    // The Playground's log panel lists every exchange with the bot: wait for the invoke's status there.
    const entry = page.getByText(/^invoke \d{3}$/).last();
    await entry.waitFor({ state: 'visible', timeout: REPLY_TIMEOUT });
    expect(await entry.innerText()).toBe('invoke 200');
    expect(await page.locator(`${TOP_CARD}:not([data-kcd-seen])`).count()).toBe(0);
    expect(await pair.innerText()).toContain('KCD001');
  });

  test('a card button (Action.Submit, no text) is answered: "Explain: Protocol transition" shows the explain card', async () => {
    const pair = page.locator(TOP_CARD).filter({ hasText: 'NOT READY' }).last();
    await markCardsSeen();
    await pair.getByRole('button', { name: 'Explain: Protocol transition' }).click();
    const card = await newCard();
    const text = await card.innerText();
    expect(text).toContain('Protocol transition');
    expect(text).toContain('S4U2Self');

    await showFromTop(card, 60);
    await screenshot(EXPLAIN_SCREENSHOT);
  });

  test('"/kcd help" shows the help card', async () => {
    await markCardsSeen();
    await send('/kcd help');
    const text = await (await newCard()).innerText();
    for (const command of ['/kcd check', '/kcd scan', '/kcd explain', '/kcd help']) expect(text).toContain(command);
  });

  test('in the group chat the bot answers a message that @mentions it', async () => {
    await markCardsSeen();
    await page.getByText(GROUP_CHAT_NAME, { exact: true }).first().click();
    // The bot is installed in the group chat when it is first opened: its welcome comes first.
    await newCard();
    await markCardsSeen();
    await page.locator(COMPOSE).first().click();
    await page.keyboard.type('@kcd');
    // Typing @ opens the Playground's mention picker (as in Teams); picking the bot makes a real mention.
    await page.locator('[aria-label="Typeahead menu"] [role="menuitem"]', { hasText: 'kcd' }).first().click();
    await page.keyboard.type(' what is protocol transition?');
    await page.keyboard.press('Enter');
    const text = await (await newCard()).innerText();
    expect(text).toContain('Protocol transition');
    expect(text).toContain('S4U2Self');
  });

  test('without a browser: the Playground conversation API and its websocket carry the reply, asker included', async () => {
    // ws comes with botbuilder (botframework-streaming depends on it); Node 20 has no WebSocket global.
    const wsPath = require.resolve('ws', { paths: [path.dirname(require.resolve('botframework-streaming/package.json'))] });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const WebSocket = require(wsPath) as new (url: string) => {
      on(event: 'message', listener: (data: Buffer) => void): void;
      on(event: 'open' | 'close', listener: () => void): void;
      on(event: 'error', listener: (error: Error) => void): void;
      close(): void;
    };
    interface StreamEvent {
      action: string;
      actionConversationId?: string;
      message?: { from?: { id?: string }; attachments?: Array<{ contentType: string; content: Record<string, unknown> }> };
    }
    const events: StreamEvent[] = [];
    const socket = new WebSocket(`${playground!.url.replace(/^http/, 'ws')}/_ws_conversation/v1/conversations/stream`);
    try {
      await new Promise<void>((resolve, reject) => {
        socket.on('open', () => resolve());
        socket.on('error', reject);
      });
      const reply = new Promise<StreamEvent>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no card on the stream; saw: ${JSON.stringify(events.map((e) => e.action))}`)), REPLY_TIMEOUT);
        socket.on('message', (data) => {
          const event = JSON.parse(data.toString()) as StreamEvent;
          events.push(event);
          if (event.action === 'createMessage' && event.actionConversationId === PERSONAL_CHAT && event.message?.attachments?.length) {
            clearTimeout(timer);
            resolve(event);
          }
        });
      });
      const res = await fetch(`${playground!.url}/_conversation/v1/conversations/${PERSONAL_CHAT}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: { id: CURRENT_USER.id }, text: 'can I migrate gogo-3 to gogo-4?', textFormat: 'plain' }),
      });
      expect(res.status).toBe(200);
      const event = await reply;
      const attachment = event.message!.attachments![0]!;
      expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
      expectValidCard(attachment.content);
      const json = JSON.stringify(attachment.content);
      expect(json).toContain('NOT READY');
      expect(json).toContain('KCD001');
      // "can I …": the bot asked the Playground's mock Teams for the sender (TeamsInfo.getMember) and
      // checked that account in AD.
      expect(json).toContain(`Checked as ${CURRENT_USER.upn}`);
      // A typing indicator went out before the answer.
      expect(events.some((e) => e.action === 'typing')).toBe(true);
    } finally {
      socket.close();
    }
  });

  test('no turn failed in the bot, and the page reached nothing outside this machine', () => {
    expect(botLog.filter((l) => l.level === 'error')).toEqual([]);
    // Informational: what the UI tried to fetch from the internet (fonts, animations) and was refused.
    for (const origin of blockedOrigins) expect(origin).not.toMatch(/^https?:\/\/(127\.0\.0\.1|localhost)\b/);
  });
});
