/**
 * Applying a fix in the Microsoft 365 Agents Playground against the real Samba DC (issue 21): the lab admin (the
 * Playground's current user) asks about a pair, presses "Request fix", and the approval card appears with the plan;
 * a second admin (Bob, another user of .m365agentsplayground.yml, in the approver group) approves it through the Bot
 * Framework protocol — the Playground's web UI has one user — and the cards in the Playground are updated in place:
 * the approval card says Applied and READY, the card the request came from shows the fresh READY check.
 * Screenshots go to docs/screenshots/ (linked from docs/apply.md).
 *
 * In the dc project (it needs the lab DC); the Playground and Chromium as the e2e project sets them up.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { applyDeps } from '../../src/apply/wiring';
import { readConfig, readSummaryConfig } from '../../src/config';
import { LdapDirectory } from '../../src/directory/ldap-directory';
import { startServer, type RunningServer } from '../../src/server';
import { FileStateStore } from '../../src/store';
import { addMembers, computerEntry, groupEntry, LAB_BASE_DN, labFacts, loadEntries, uniqueName, userEntry } from '../ad-lab/lab';
import { s4u2proxy } from '../support/kdc-s4u';
import { labCliEnv, labLdapOptions } from '../support/scenario-lab';
import { expectValidCard } from '../support/validate-card';
import e2eSetup from './global-setup';
import { REPO_ROOT, startPlayground, type RunningPlayground } from './playground';
import { openConversationStream, type ConversationStream } from './stream';
import * as ui from './ui';
import { COMPOSE, recordingLogger } from './ui';

jest.setTimeout(300_000);

const facts = labFacts();
const SCREENSHOTS = path.join(REPO_ROOT, 'docs', 'screenshots');
const PASSWORD = 'Pl4y-Pa55word!-lab';
const DOMAIN_ADMINS_DN = `CN=Domain Admins,CN=Users,${LAB_BASE_DN}`;
const userDn = (name: string) => `CN=${name},CN=Users,${LAB_BASE_DN}`;
/** The Playground's users (.m365agentsplayground.yml): the current user asks, Bob approves. */
const LAB_ADMIN = { id: 'user-id-0', name: 'Lab Admin', upn: 'labadmin@contoso.com', aadObjectId: '00000000-0000-0000-0000-0000000000020' };
const BOB = { id: 'user-id-2', name: 'Bob Tier0', upn: 'bob-t0@contoso.com', aadObjectId: '00000000-0000-0000-0000-0000000000022' };
const PERSONAL_CHAT = 'personal-chat-kcd';
const TENANT = '00000000-0000-0000-0000-0000000000001';

const SRC = uniqueName('PGS');
const DST = uniqueName('PGD');
const WRITER = uniqueName('PGW');
const S4U_USER = uniqueName('PGU');
const APPROVERS = uniqueName('PGAPPR');
const LAB_ADMIN_ACCOUNT = uniqueName('pglab');
const BOB_ACCOUNT = uniqueName('pgbob');

const stateDir = mkdtempSync(path.join(tmpdir(), 'kcd-apply-e2e-'));
const { logger } = recordingLogger();
let bot: RunningServer | undefined;
let playground: RunningPlayground | undefined;
let browser: Browser | undefined;
let stream: ConversationStream | undefined;
let page: Page;
let directory: LdapDirectory | undefined;

beforeAll(async () => {
  await e2eSetup();
  await loadEntries(facts, [
    computerEntry({ name: SRC, password: PASSWORD, hyperV: true }),
    computerEntry({ name: DST, password: PASSWORD, hyperV: true }),
    userEntry({ name: WRITER, upn: `${WRITER}@lab.test`, password: PASSWORD }),
    userEntry({ name: S4U_USER, upn: `${S4U_USER}@lab.test`, password: PASSWORD }),
    // The accounts of the Playground's users, by the UPNs it reports (a UPN is unique in a forest: no other test uses these).
    userEntry({ name: LAB_ADMIN_ACCOUNT, upn: LAB_ADMIN.upn, password: PASSWORD }),
    userEntry({ name: BOB_ACCOUNT, upn: BOB.upn, password: PASSWORD }),
    groupEntry({ name: APPROVERS, members: [userDn(LAB_ADMIN_ACCOUNT), userDn(BOB_ACCOUNT)] }),
  ]);
  await addMembers(facts, DOMAIN_ADMINS_DN, [userDn(WRITER)]);
  directory = new LdapDirectory(labLdapOptions(facts, { warn: () => undefined }));

  const passwordFile = path.join(stateDir, 'write-password');
  writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  const env = {
    ...labCliEnv(facts),
    KCD_LOCAL_MODE: 'true',
    KCD_CACHE_TTL_SECONDS: '0',
    KCD_WRITE_BIND_DN: userDn(WRITER),
    KCD_WRITE_BIND_PASSWORD_FILE: passwordFile,
    KCD_APPROVER_GROUPS: APPROVERS,
    KCD_APPLY_LAB_MODE: 'true',
    KCD_STATE_DIR: stateDir,
  };
  const config = readConfig(env, undefined, { purpose: 'bot' });
  const summary = readSummaryConfig(env);
  bot = await startServer(
    {
      config,
      directory,
      logger,
      summary: { store: new FileStateStore(stateDir), defaults: { time: '08:00', timeZone: 'UTC' }, schedulerEnabled: false },
      apply: applyDeps(config, summary, logger)!,
      // Who each Playground user is (what TeamsInfo.getMember returns in Teams): Bob's press does not come through the web UI.
      lookupMember: (context) => Promise.resolve({ upn: context.activity.from?.id === BOB.id ? BOB.upn : LAB_ADMIN.upn }),
    },
    0,
    '127.0.0.1',
  );
  playground = await startPlayground({ endpoint: `${bot.url}/api/messages` });
  stream = await openConversationStream(playground.url);
  ({ browser, page } = await ui.openOfflinePage(1700));
});

afterAll(async () => {
  stream?.close();
  await browser?.close().catch(() => undefined);
  await playground?.stop().catch(() => undefined);
  await bot?.close().catch(() => undefined);
  await directory?.close().catch(() => undefined);
  rmSync(stateDir, { recursive: true, force: true });
});

test('request in the Playground → Bob approves → AD written, the KDC grants S4U2Proxy, the cards say READY in place', async () => {
  await page.goto(`${playground!.url}/`);
  await page.locator(COMPOSE).first().waitFor({ state: 'visible' });
  await ui.newCard(page); // the welcome card
  await ui.markCardsSeen(page);

  await ui.send(page, `/kcd check ${SRC} ${DST} storage`);
  const pairCard = await ui.newCard(page);
  expect(await pairCard.innerText()).toContain('NOT READY');
  const from = stream!.events.length;
  await pairCard.getByRole('button', { name: 'Request fix' }).click();

  // The approval card arrives as a new message, with the exact plan.
  const approvalEvent = await stream!.waitFor((e) => JSON.stringify(e.message?.attachments ?? []).includes('Waiting for approval'), 60_000, from);
  const approvalCard = approvalEvent.message!.attachments![0]!.content;
  expectValidCard(approvalCard);
  const shown = page.locator(ui.TOP_CARD).filter({ hasText: 'Waiting for approval' }).last();
  await shown.waitFor({ state: 'visible', timeout: 60_000 });
  const text = await shown.innerText();
  expect(text).toContain('Waiting for approval');
  expect(text).toContain(`CN=${SRC},CN=Computers,${LAB_BASE_DN}`);
  expect(text).toContain(`cifs/${DST}`);
  await ui.showFromTop(page, shown, 40);
  await ui.screenshot(page, path.join(SCREENSHOTS, 'playground-apply-approval-card.png'));

  // Bob approves: the Action.Execute invoke Teams would send for his press, through the Bot Framework protocol.
  const approve = (approvalCard.actions as Array<{ title: string; data: unknown }>).find((a) => a.title === 'Approve and apply')!.data;
  const serviceUrl = (await new FileStateStore(stateDir).read()).plans[0]!.cards[0]!.reference.serviceUrl;
  const response = await fetch(`${bot!.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'invoke',
      name: 'adaptiveCard/action',
      id: 'bob-approves-1',
      channelId: 'msteams',
      serviceUrl,
      from: { id: BOB.id, name: BOB.name, aadObjectId: BOB.aadObjectId },
      recipient: { id: '00000000-0000-0000-0000-00000000000011', name: 'kcd' },
      conversation: { id: PERSONAL_CHAT, conversationType: 'personal', tenantId: TENANT },
      channelData: { tenant: { id: TENANT } },
      replyToId: approvalEvent.message!.id,
      value: { action: { type: 'Action.Execute', verb: 'apply-approve', data: approve } },
    }),
  });
  expect(response.status).toBe(200);
  const invoke = (await response.json()) as { value?: Record<string, unknown> };
  expect(JSON.stringify(invoke.value)).toContain('Applied');

  // AD holds the plan and the KDC agrees.
  for (const spn of [`cifs/${DST}`, `cifs/${DST.toLowerCase()}.lab.test`]) expect(await s4u2proxy(facts, SRC, S4U_USER, spn, PASSWORD)).toEqual({ granted: true, why: 'granted' });

  // In the Playground the approval card now says Applied and READY, and the pair card shows the fresh READY check.
  await page.getByText('Applied', { exact: false }).first().waitFor({ state: 'visible', timeout: 60_000 });
  const applied = page.locator(ui.TOP_CARD).filter({ hasText: 'Applied' }).last();
  expect(await applied.innerText()).toContain('READY');
  await ui.showFromTop(page, applied, 40);
  await ui.screenshot(page, path.join(SCREENSHOTS, 'playground-apply-applied-card.png'));
  const ready = page.locator(ui.TOP_CARD).filter({ hasText: `Can ${SRC} live-migrate to ${DST}?` }).first();
  await ready.getByText('READY').first().waitFor({ state: 'visible', timeout: 60_000 });
  expect(await ready.innerText()).not.toContain('NOT READY');
  await ui.showFromTop(page, ready, 40);
  await ui.screenshot(page, path.join(SCREENSHOTS, 'playground-apply-ready-card.png'));
});
