/**
 * The daily summary end to end in the Microsoft 365 Agents Playground: in the Infrastructure team's
 * Hyper-V channel (.m365agentsplayground.yml) a person types "@kcd subscribe 08:00 Europe/Berlin" and gets
 * the confirmation card; then the scheduler's clock reaches 08:00 Berlin time and the summary card arrives
 * in that channel as a new post, sent proactively (continueConversationAsync) to the Playground's
 * emulated connector: the serviceUrl stored with the subscription is the Playground's own
 * (http://localhost:<port>/_connector), taken from the message that subscribed.
 *
 * The bot runs in-process on the demo directory with a file state store in a temp directory and a clock
 * the test moves by hand (test/time/fake-clock.ts): nothing waits for a real 08:00. What the card
 * must say (the misconfigured hosts, their error counts and rule ids) comes from checkFleet on the same
 * demo directory, not from a list written here.
 *
 * Run: npx jest --selectProjects e2e -- test/e2e/summary   (writes docs/screenshots/playground-summary-card.png)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { checkFleet, type FleetReport } from '../../src/checker';
import { readConfig } from '../../src/config';
import { DemoDirectory } from '../../src/directory/demo-directory';
import { formatLocal, localDate, nextOccurrence } from '../../src/time/daily-schedule';
import { startServer, type RunningServer } from '../../src/server';
import { FileStateStore } from '../../src/store/file-store';
import type { State } from '../../src/store/state';
import { FakeClock } from '../time/fake-clock';
import { expectValidCard } from '../support/validate-card';
import { REPO_ROOT, startPlayground, type RunningPlayground } from './playground';
import { openConversationStream, type ConversationStream, type StreamEvent } from './stream';
import { COMPOSE, REPLY_TIMEOUT, TOP_CARD, markCardsSeen, recordingLogger, newCard, openOfflinePage, screenshot, sendMentioning, showFromTop, type OfflinePage } from './ui';

jest.setTimeout(180_000);

const SCREENSHOT = path.join(REPO_ROOT, 'docs', 'screenshots', 'playground-summary-card.png');

/** From .m365agentsplayground.yml: the team's second channel. Its conversation id is the channel id. */
const CHANNEL = { id: 'channel-hyperv', name: 'Hyper-V' };
const SCHEDULE = { time: '08:00', timeZone: 'Europe/Berlin' };
/** A Monday in winter (CET): 08:00 Berlin is 07:00 UTC. The clock starts two hours before. */
const START = '2026-03-02T05:00:00Z';
const LATE_THAT_DAY = '2026-03-02T22:30:00Z'; // 23:30 in Berlin, still 2 March

const { lines: botLog, logger } = recordingLogger();

const config = readConfig({});
const clock = new FakeClock(START);
let stateDir: string;
let bot: RunningServer | undefined;
let playground: RunningPlayground | undefined;
let stream: ConversationStream | undefined;
let ui: OfflinePage | undefined;
let page: Page;
/** What the checker says about the demo directory (the expectation for the card). */
let expected: FleetReport;

/** Moves the scheduler's clock, letting each wake-up (and the post it makes) finish before moving on. */
const advance = (to: string | number) => clock.advanceTo(to, () => bot!.scheduler!.idle());

type Card = Record<string, unknown>;

/** The card of a stream event, if it has one. */
function cardOf(e: StreamEvent): Card | undefined {
  const a = e.message?.attachments?.find((x) => x.contentType === 'application/vnd.microsoft.card.adaptive');
  return a?.content;
}

/** Daily summary posts the Playground received for the channel itself (not a thread in it). */
const isChannelSummary = (e: StreamEvent) =>
  e.action === 'createMessage' && e.actionConversationId === CHANNEL.id && JSON.stringify(cardOf(e) ?? {}).includes('"Daily summary"');

/** Every object in a card, depth first. */
function* walk(node: unknown): Generator<Record<string, unknown>> {
  if (Array.isArray(node)) for (const x of node) yield* walk(x);
  else if (node && typeof node === 'object') {
    yield node as Record<string, unknown>;
    for (const v of Object.values(node)) yield* walk(v);
  }
}

/** The card's host blocks: the Container holding an "Open HOST" button, with its header and rule ids. */
function hostBlocks(card: Card): Map<string, { header: string; rules: string[] }> {
  const out = new Map<string, { header: string; rules: string[] }>();
  for (const node of walk(card)) {
    if (node.type !== 'Container') continue;
    const items = (node.items ?? []) as Array<Record<string, unknown>>;
    const open = items
      .filter((i) => i.type === 'ActionSet')
      .flatMap((i) => i.actions as Array<{ data?: { kcd?: string; host?: string } }>)
      .find((a) => a.data?.kcd === 'check' && a.data.host);
    if (!open) continue;
    const texts = items.filter((i) => i.type === 'TextBlock').map((i) => String(i.text));
    out.set(open.data!.host!, {
      header: texts[0] ?? '',
      rules: texts.slice(1).flatMap((t) => [.../\*\*(KCD\d{3})\*\*/.exec(t)?.slice(1) ?? []]),
    });
  }
  return out;
}

function channelSummaryCardsInPage(): Locator {
  // The footer note only daily posts carry (hasText with a string would also match "the daily summary").
  return page.locator(TOP_CARD).filter({ hasText: /Posted daily at / });
}

beforeAll(async () => {
  stateDir = mkdtempSync(path.join(tmpdir(), 'kcd-e2e-state-'));
  const directory = new DemoDirectory();
  expected = checkFleet(await directory.snapshot(), { group: config.migrationGroup });
  bot = await startServer(
    {
      config,
      directory,
      logger,
      summary: { store: new FileStateStore(stateDir), defaults: { time: '07:00', timeZone: 'UTC' } /* not used: the subscription names both */, schedulerEnabled: true, clock },
    },
    0,
    '127.0.0.1',
  );
  playground = await startPlayground({ endpoint: `${bot.url}/api/messages` });
  stream = await openConversationStream(playground.url);
  ui = await openOfflinePage();
  page = ui.page;
});

afterAll(async () => {
  // Each step on its own, so one failure does not leave the others running.
  stream?.close();
  await ui?.browser.close().catch(() => undefined);
  await playground?.stop().catch(() => undefined);
  await bot?.close().catch(() => undefined);
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe('the daily summary in the Microsoft 365 Agents Playground', () => {
  test('in the Hyper-V channel, "@kcd subscribe 08:00 Europe/Berlin" is confirmed with the next post time', async () => {
    expect(bot!.scheduler?.running).toBe(true);
    await advance(START); // the scheduler's first look at the subscriptions: nothing yet

    await page.goto(`${playground!.url}/`);
    await page.locator(COMPOSE).first().waitFor({ state: 'visible' });
    await newCard(page); // the welcome card of the personal chat
    await markCardsSeen(page);
    await page.getByText(CHANNEL.name, { exact: true }).first().click();
    // The bot is installed in the team when the channel is first opened: its welcome comes first.
    await newCard(page);
    await markCardsSeen(page);

    // In a channel Teams only delivers messages that @mention the bot.
    await sendMentioning(page, `subscribe ${SCHEDULE.time} ${SCHEDULE.timeZone}`);
    const confirmation = await (await newCard(page)).innerText();
    expect(confirmation).toContain('This chat will get the daily summary');
    expect(confirmation).toContain(`${SCHEDULE.time} (${SCHEDULE.timeZone})`);
    const due = nextOccurrence(SCHEDULE, clock.now());
    expect(confirmation).toContain(formatLocal(due, SCHEDULE.timeZone)); // Mon 2 Mar 2026, 08:00 CET

    // Stored for the channel (not the thread the message started), with the Playground as serviceUrl.
    const state = JSON.parse(readFileSync(path.join(stateDir, 'state.json'), 'utf8')) as State;
    expect(state.subscriptions).toHaveLength(1);
    const sub = state.subscriptions[0]!;
    expect(sub).toMatchObject({ time: SCHEDULE.time, timeZone: SCHEDULE.timeZone, conversationType: 'channel' });
    expect(sub.reference.conversation.id).toBe(CHANNEL.id);
    expect(new URL(sub.reference.serviceUrl).port).toBe(String(playground!.port));
    expect(stream!.events.filter(isChannelSummary)).toHaveLength(0);
  });

  test('in the channel, a slow answer ("@kcd scan") appears, with no typing indicator before it', async () => {
    await markCardsSeen(page);
    const before = stream!.events.length;
    await sendMentioning(page, 'scan');
    const text = await (await newCard(page)).innerText();
    expect(text).toContain('Hyper-V hosts');
    const sent = stream!.events.slice(before).filter((e) => (e.actionConversationId ?? '').startsWith(CHANNEL.id));
    expect(sent.some((e) => e.action === 'createMessage')).toBe(true);
    expect(sent.filter((e) => e.action === 'typing')).toEqual([]);
  });

  test('at 08:00 Berlin time the summary card is posted proactively in the channel: the checker\'s misconfigured hosts and rule ids', async () => {
    const due = nextOccurrence(SCHEDULE, clock.now());
    await markCardsSeen(page);
    await advance(due - 60_000);
    expect(stream!.events.filter(isChannelSummary)).toHaveLength(0); // not a minute early

    await advance(due + 30_000);
    const event = await stream!.waitFor(isChannelSummary, REPLY_TIMEOUT);
    const card = cardOf(event)!;
    expectValidCard(card);

    // The hosts with error findings, their error counts and their rules, from the real checker.
    const misconfigured = expected.hosts.filter((h) => h.findings.some((f) => f.severity === 'error'));
    expect(misconfigured.length).toBeGreaterThan(0);
    const blocks = hostBlocks(card);
    expect([...blocks.keys()].sort()).toEqual(misconfigured.map((h) => h.host.name).sort());
    for (const h of misconfigured) {
      const block = blocks.get(h.host.name)!;
      const errors = h.findings.filter((f) => f.severity === 'error');
      expect(block.header).toContain(`${errors.length} error`);
      // Every rule shown is one the checker reported for the host; the first is its most frequent error.
      const problemRules = new Set(h.findings.filter((f) => f.severity === 'error' || f.severity === 'warning').map((f) => f.rule));
      expect(block.rules.length).toBeGreaterThan(0);
      for (const rule of block.rules) expect(problemRules).toContain(rule);
      const perRule = new Map<string, number>();
      for (const f of errors) perRule.set(f.rule, (perRule.get(f.rule) ?? 0) + 1);
      const most = Math.max(...perRule.values());
      expect(perRule.get(block.rules[0]!)).toBe(most);
    }
    const json = JSON.stringify(card);
    expect(json).toContain(`${expected.totals.hostsWithErrors} of ${expected.totals.hosts} Hyper-V hosts not ready`);
    expect(json).toContain(`Posted daily at ${SCHEDULE.time} (${SCHEDULE.timeZone})`);

    // And the person in the channel sees it: the new post, rendered by the Playground.
    const shown = channelSummaryCardsInPage().first();
    await shown.waitFor({ state: 'visible', timeout: REPLY_TIMEOUT });
    const text = await shown.innerText();
    expect(text).toContain('Daily summary');
    for (const [host, block] of blocks) {
      expect(text).toContain(host);
      for (const rule of block.rules) expect(text).toContain(rule);
    }
    expect(await shown.getByRole('button', { name: `Open ${misconfigured[0]!.host.name}` }).count()).toBe(1);

    // The whole card in the screenshot: a viewport tall enough for it, then its top scrolled into view.
    const box = await shown.boundingBox();
    await page.setViewportSize({ width: 1280, height: Math.max(1500, Math.ceil((box?.height ?? 0) + 260)) });
    await showFromTop(page, shown, 60);
    await screenshot(page, SCREENSHOT);
    await page.setViewportSize({ width: 1280, height: 1500 });
  });

  test('one post for that due time: the rest of the day brings no second card', async () => {
    await advance(LATE_THAT_DAY);
    // A reply in the channel as a barrier: whatever the scheduler sent before it has reached the page.
    await markCardsSeen(page);
    await sendMentioning(page, 'subscriptions');
    const listed = await (await newCard(page)).innerText();
    expect(listed).toContain(`${SCHEDULE.time} (${SCHEDULE.timeZone})`);
    // The next post is tomorrow's.
    const next = nextOccurrence(SCHEDULE, clock.now());
    expect(localDate(next, SCHEDULE.timeZone)).not.toBe(localDate(clock.now(), SCHEDULE.timeZone));
    expect(listed).toContain(formatLocal(next, SCHEDULE.timeZone));

    expect(stream!.events.filter(isChannelSummary)).toHaveLength(1);
    expect(await channelSummaryCardsInPage().count()).toBe(1);
    const state = JSON.parse(readFileSync(path.join(stateDir, 'state.json'), 'utf8')) as State;
    expect(state.posts.filter((p) => p.status === 'posted' && p.trigger === 'schedule').map((p) => p.date)).toEqual(['2026-03-02']);
  });

  test('no turn or post failed in the bot', () => {
    expect(botLog.filter((l) => l.level === 'error')).toEqual([]);
    expect(botLog).toContainEqual(expect.objectContaining({ message: 'daily summary posted', fields: expect.objectContaining({ conversation: `msteams:${CHANNEL.id}` }) as unknown }));
  });
});
