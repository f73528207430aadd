/**
 * End to end in the Microsoft 365 Agents Playground: the bot runs in-process on the demo directory, the
 * Playground (Microsoft's local Teams emulator) runs as a child process with the repo's
 * .m365agentsplayground.yml, and headless Chromium (Debian's, driven by playwright-core) uses its web UI
 * like a person would: type a question, read the Adaptive Card it renders, press a card button.
 * Screenshots go to docs/screenshots/ (linked from docs/playground.md).
 *
 * Run: npx jest --selectProjects e2e   (globalSetup installs chromium with apt-get when missing)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { readConfig } from '../../src/config';
import { DemoDirectory } from '../../src/directory/demo-directory';
import { startServer, type RunningServer } from '../../src/server';
import { expectValidCard } from '../support/validate-card';
import { REPO_ROOT, startPlayground, type RunningPlayground } from './playground';
import { openConversationStream, type StreamEvent } from './stream';
import * as ui from './ui';
import { COMPOSE, REPLY_TIMEOUT, TOP_CARD, recordingLogger } from './ui';

jest.setTimeout(180_000);

const SCREENSHOTS = path.join(REPO_ROOT, 'docs', 'screenshots');
const PAIR_SCREENSHOT = path.join(SCREENSHOTS, 'playground-pair-card.png');
const EXPLAIN_SCREENSHOT = path.join(SCREENSHOTS, 'playground-explain-card.png');
const DIAGNOSIS_SCREENSHOT = path.join(SCREENSHOTS, 'playground-diagnosis-card.png');

/** The conversation ids and the current user come from .m365agentsplayground.yml. */
const PERSONAL_CHAT = 'personal-chat-kcd';
const GROUP_CHAT_NAME = 'Hyper-V admins';
const CURRENT_USER = { id: 'user-id-0', upn: 'labadmin@contoso.com' };

const { lines: botLog, logger } = recordingLogger();

let bot: RunningServer | undefined;
let playground: RunningPlayground | undefined;
let browser: Browser | undefined;
let page: Page;
let blockedOrigins = new Set<string>();

beforeAll(async () => {
  bot = await startServer({ config: readConfig({}), directory: new DemoDirectory(), logger }, 0, '127.0.0.1');
  playground = await startPlayground({ endpoint: `${bot.url}/api/messages` });
  // Offline: only the Playground itself is reachable (see ui.openOfflinePage).
  ({ browser, page, blockedOrigins } = await ui.openOfflinePage());
});

afterAll(async () => {
  // Each step on its own, so one failure does not leave the others running.
  await browser?.close().catch(() => undefined);
  await playground?.stop().catch(() => undefined);
  await bot?.close().catch(() => undefined);
});

// The page helpers of ./ui, bound to this file's page.
const send = (text: string) => ui.send(page, text);
const markCardsSeen = () => ui.markCardsSeen(page);
const newCard = () => ui.newCard(page);
const showFromTop = (card: Locator, above?: number) => ui.showFromTop(page, card, above);
const screenshot = (file: string) => ui.screenshot(page, file);

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

  test('a multi-line Move-VM error pasted into the chat is answered with the diagnosis card', async () => {
    await markCardsSeen();
    const paste = readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'pastes', 'move-vm-no-credentials-gogo3-gogo4-storage.txt'), 'utf8');
    await ui.sendLines(page, paste.trimEnd().split('\n'));
    const card = await newCard();
    const text = await card.innerText();
    expect(text).toContain('What the failure says');
    expect(text).toContain('GOGO-3 → GOGO-4');
    expect(text).toContain('AD explains it: KCD001, KCD002, KCD004');
    expect(text).toContain('Set-ADComputer');

    await showFromTop(card, 60);
    await screenshot(DIAGNOSIS_SCREENSHOT);
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
    // Typing @ opens the Playground's mention picker (as in Teams); picking the bot makes a real mention.
    await ui.sendMentioning(page, 'what is protocol transition?');
    const text = await (await newCard()).innerText();
    expect(text).toContain('Protocol transition');
    expect(text).toContain('S4U2Self');
  });

  test('without a browser: the Playground conversation API and its websocket carry the reply, asker included', async () => {
    const stream = await openConversationStream(playground!.url);
    try {
      const reply = stream.waitFor(
        (e: StreamEvent) => e.action === 'createMessage' && e.actionConversationId === PERSONAL_CHAT && (e.message?.attachments?.length ?? 0) > 0,
        REPLY_TIMEOUT,
      );
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
      expect(stream.events.some((e) => e.action === 'typing')).toBe(true);
    } finally {
      stream.close();
    }
  });

  test('no turn failed in the bot, and the page reached nothing outside this machine', () => {
    expect(botLog.filter((l) => l.level === 'error')).toEqual([]);
    // Informational: what the UI tried to fetch from the internet (fonts, animations) and was refused.
    for (const origin of blockedOrigins) expect(origin).not.toMatch(/^https?:\/\/(127\.0\.0\.1|localhost)\b/);
  });
});
