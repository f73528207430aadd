/**
 * Driving the Agents Playground's web page like a person, shared by the e2e tests: a headless Chromium
 * that reaches nothing but this machine, the compose box, "the next card the bot sends", scrolling a card
 * into view and screenshots. The page is driven with strings where it needs the DOM, because the project
 * is compiled without the DOM library.
 */
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';

/** A card the bot sent, not one nested in a card (Action.ShowCard renders those with the same class). */
export const TOP_CARD = '.ac-adaptiveCard:not(.ac-adaptiveCard .ac-adaptiveCard)';
export const COMPOSE = '[contenteditable="true"]';
export const UI_TIMEOUT = 90_000;
export const REPLY_TIMEOUT = 60_000;

export interface OfflinePage {
  browser: Browser;
  page: Page;
  /** Origins the page tried to reach outside this machine (fonts, animations) and was refused. */
  blockedOrigins: Set<string>;
}

/** Chromium with one page, 1280 × `height`, where every request that leaves the machine is refused. */
export async function openOfflinePage(height = 1500): Promise<OfflinePage> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true, timeout: UI_TIMEOUT });
  const page = await browser.newPage({ viewport: { width: 1280, height }, deviceScaleFactor: 1 });
  page.setDefaultTimeout(UI_TIMEOUT);
  const blockedOrigins = new Set<string>();
  // Offline: only the Playground itself is reachable (its UI asks a CDN for fonts and animations).
  await page.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1' || url.hostname === 'localhost') return route.continue();
    blockedOrigins.add(url.origin);
    return route.abort();
  });
  return { browser, page, blockedOrigins };
}

/** Types into the compose box and sends with Enter. */
export async function send(page: Page, text: string): Promise<void> {
  await page.locator(COMPOSE).first().click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

/** Types a multi-line paste (Shift+Enter between lines, as a person pasting into Teams gets) and sends it. */
export async function sendLines(page: Page, lines: readonly string[]): Promise<void> {
  await page.locator(COMPOSE).first().click();
  for (const [i, line] of lines.entries()) {
    if (i > 0) await page.keyboard.press('Shift+Enter');
    await page.keyboard.insertText(line);
  }
  await page.keyboard.press('Enter');
}

/** Types "@kcd", picks the bot in the mention picker (a real mention, as in Teams), then the rest. */
export async function sendMentioning(page: Page, text: string): Promise<void> {
  await page.locator(COMPOSE).first().click();
  await page.keyboard.type('@kcd');
  await page.locator('[aria-label="Typeahead menu"] [role="menuitem"]', { hasText: 'kcd' }).first().click();
  await page.keyboard.type(` ${text}`);
  await page.keyboard.press('Enter');
}

/**
 * Marks every card on the page as seen; `newCard()` then waits for the first one that is not. (Counting cards
 * would be fooled by a chat switch re-rendering the list.)
 */
export async function markCardsSeen(page: Page): Promise<void> {
  await page.evaluate(`document.querySelectorAll(${JSON.stringify(TOP_CARD)}).forEach((e) => e.setAttribute('data-kcd-seen', '1'))`);
}

/** The cards not marked seen. */
export function unseenCards(page: Page): Locator {
  return page.locator(`${TOP_CARD}:not([data-kcd-seen])`);
}

export async function newCard(page: Page, timeout = REPLY_TIMEOUT): Promise<Locator> {
  const card = unseenCards(page).first();
  await card.waitFor({ state: 'visible', timeout });
  return card;
}

/** Scrolls the chat so the card's top (and the message above it, the question) is in view. */
export async function showFromTop(page: Page, card: Locator, above = 110): Promise<void> {
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
    const getComputedStyle = (b: Box) => (globalThis as unknown as { getComputedStyle(this: void, b: Box): { overflowY: string } }).getComputedStyle(b);
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

export async function screenshot(page: Page, file: string): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, type: 'png' });
  expect(statSync(file).size).toBeGreaterThan(10_000);
}

export interface LogLine {
  level: 'info' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

/** A bot logger that keeps every line, so a test can assert that no turn or post failed. */
export function recordingLogger(): { lines: LogLine[]; logger: { info: (f: Record<string, unknown>, m: string) => void; error: (f: Record<string, unknown>, m: string) => void } } {
  const lines: LogLine[] = [];
  return {
    lines,
    logger: {
      info: (fields, message) => void lines.push({ level: 'info', message, fields }),
      error: (fields, message) => void lines.push({ level: 'error', message, fields }),
    },
  };
}
