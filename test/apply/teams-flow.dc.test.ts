/**
 * Request → approve → write, through the bot (botbuilder's TestAdapter, Action.Execute invokes as Teams sends them)
 * against the real Samba DC: the planner, the approval service, the LDAP writer with its own write account, the
 * group check of the approvers in AD, the audit log on disk. After the approval AD holds exactly the planned values,
 * the KDC grants S4U2Proxy from the source to cifs/<destination> in both name forms, and the cards say READY.
 * Then every refusal the issue names: own approval, a non-approver, expired, rejected, applied twice, a value
 * changed between plan and approval, a tampered token, a replayed request, a wrong write password, an account
 * without rights.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Activity } from 'botbuilder';
import { ApprovalService } from '../../src/apply/approvals';
import { FileAuditLog } from '../../src/apply/audit-log';
import { LdapDirectoryWriter } from '../../src/apply/ldap-writer';
import { planMaker } from '../../src/apply/planner';
import type { AuditRecord } from '../../src/apply/types';
import type { CardChannel } from '../../src/bot/card-channel';
import { GroupMembership } from '../../src/bot/group-membership';
import { LdapDirectory } from '../../src/directory/ldap-directory';
import { MemoryStateStore } from '../../src/store';
import {
  addMembers,
  computerEntry,
  groupEntry,
  LAB_BASE_DN,
  labFacts,
  loadEntries,
  MIGRATION_SERVICE_CLASS as M,
  replaceAttribute,
  uniqueName,
  userEntry,
} from '../ad-lab/lab';
import { s4u2proxy } from '../support/kdc-s4u';
import { labLdapOptions } from '../support/scenario-lab';
import { conversation, type Conversation } from '../bot/conversation';

jest.setTimeout(300_000);

const facts = labFacts();
const PASSWORD = 'Fl0w-Pa55word!-lab';
const DOMAIN_ADMINS_DN = `CN=Domain Admins,CN=Users,${LAB_BASE_DN}`;
const userDn = (name: string) => `CN=${name},CN=Users,${LAB_BASE_DN}`;
const computerDn = (name: string) => `CN=${name},CN=Computers,${LAB_BASE_DN}`;
const fqdn = (name: string) => `${name.toLowerCase()}.lab.test`;

const WRITER = uniqueName('FW');
const PLAIN = uniqueName('FP');
const ALICE = uniqueName('falice'); // requests (and is an approver too: still may not approve her own plan)
const BOB = uniqueName('fbob'); // approves
const CAROL = uniqueName('fcarol'); // approves / rejects
const MALLORY = uniqueName('fmal'); // in no approver group
const S4U_USER = uniqueName('FU');
const APPROVERS = uniqueName('FAPPR');
const upn = (name: string) => `${name}@lab.test`;

let now = new Date();
const stateDir = mkdtempSync(join(tmpdir(), 'kcd-flow-'));
const opened: Array<{ close(): Promise<void> }> = [];
const updates: Array<{ activityId: string; card: string }> = [];

function directory(): LdapDirectory {
  const d = new LdapDirectory(labLdapOptions(facts, { warn: () => undefined }));
  opened.push(d);
  return d;
}

/** One bot's approval service (state in memory, audit on disk); `write` overrides the write account. */
function service(write: { bindDN?: string; bindPassword?: string } = {}) {
  const dir = directory();
  const approvers = new GroupMembership({ directory: dir, groups: [APPROVERS], ttlMs: 0 });
  const approvals = new ApprovalService({
    store: new MemoryStateStore(),
    directory: dir,
    makePlan: planMaker(),
    openWriter: () =>
      new LdapDirectoryWriter({
        url: facts.url,
        bindDN: write.bindDN ?? userDn(WRITER),
        bindPassword: write.bindPassword ?? PASSWORD,
        caFile: facts.caFile,
        tlsServername: facts.tlsServername,
        timeoutMs: 20_000,
      }),
    audit: new FileAuditLog(stateDir),
    approvers: (u) => approvers.check(u),
    ttlMinutes: 30,
    now: () => now,
  });
  const cards: CardChannel = {
    post: () => Promise.resolve(undefined),
    update: (_ref, activityId, card) => Promise.resolve(void updates.push({ activityId, card: JSON.stringify(card) })),
  };
  /** A person in the chat: the same bot state, their own Teams identity. */
  const person = (name: string): Conversation =>
    conversation({
      directory: dir,
      from: { id: `29:${name}`, name, aadObjectId: `aad-${name}` },
      asker: { upn: upn(name) },
      apply: { approvals, cards, approvers: (u) => approvers.check(u) },
    });
  return { approvals, person };
}

type Card = Record<string, unknown> & { actions?: Array<{ title: string; data?: { kcd?: string; step?: string; token?: string } }> };

function invokeCard(replies: Partial<Activity>[]): Card {
  const response = replies.find((r) => r.type === 'invokeResponse')?.value as { body?: { value?: Card } } | undefined;
  if (!response?.body?.value) throw new Error(`no invoke response card in ${JSON.stringify(replies).slice(0, 500)}`);
  return response.body.value;
}

function messageCards(replies: Partial<Activity>[]): Card[] {
  return replies.flatMap((r) => (r.type === 'message' ? (r.attachments ?? []).map((a) => a.content as Card) : []));
}

function button(card: Card, title: string) {
  const action = card.actions?.find((a) => a.title === title);
  if (!action?.data) throw new Error(`no "${title}" button on ${JSON.stringify(card).slice(0, 300)}`);
  return action.data as { kcd: 'apply'; step: string; token: string };
}

async function press(who: Conversation, data: unknown): Promise<Card> {
  return invokeCard(await who.say({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'apply', data } } }));
}

async function readDelegation(name: string): Promise<{ allowed: string[]; uac: number }> {
  const reader = directory();
  const snap = await reader.snapshot();
  const c = snap.computersByName.get(name.toLowerCase())!;
  return { allowed: [...c.allowedToDelegateTo].sort(), uac: c.userAccountControl };
}

function audit(): AuditRecord[] {
  return readFileSync(join(stateDir, 'audit.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as AuditRecord);
}

/** A Hyper-V pair SRC → DST (hosts with passwords, so the KDC issues tickets for them); SRC delegates to nothing. */
async function pair(prefix: string): Promise<{ src: string; dst: string }> {
  const src = uniqueName(`${prefix}S`);
  const dst = uniqueName(`${prefix}D`);
  await loadEntries(facts, [computerEntry({ name: src, password: PASSWORD, hyperV: true }), computerEntry({ name: dst, password: PASSWORD, hyperV: true })]);
  return { src, dst };
}

/** Asks about the pair as `who`, presses Request fix: the approval card (pending) and the request card's answer. */
async function requestFix(who: Conversation, src: string, dst: string) {
  const [checkCard] = messageCards(await who.say(`/kcd check ${src} ${dst} storage`));
  expect(JSON.stringify(checkCard)).toContain('NOT READY');
  const replies = await who.say({ type: 'invoke', name: 'adaptiveCard/action', replyToId: `card-${src}`, value: { action: { type: 'Action.Execute', verb: 'apply-request', data: button(checkCard!, 'Request fix') } } });
  const [approval] = messageCards(replies);
  return { approval: approval!, requestCard: invokeCard(replies), requestToken: button(checkCard!, 'Request fix') };
}

beforeAll(async () => {
  await loadEntries(facts, [
    userEntry({ name: WRITER, upn: upn(WRITER), password: PASSWORD, description: 'kcd-bot write account (test)' }),
    userEntry({ name: PLAIN, upn: upn(PLAIN), password: PASSWORD }),
    userEntry({ name: S4U_USER, upn: upn(S4U_USER), password: PASSWORD }),
    ...[ALICE, BOB, CAROL, MALLORY].map((n) => userEntry({ name: n, upn: upn(n), password: PASSWORD })),
    groupEntry({ name: APPROVERS, members: [userDn(ALICE), userDn(BOB), userDn(CAROL)] }),
  ]);
  await addMembers(facts, DOMAIN_ADMINS_DN, [userDn(WRITER)]);
});

afterAll(async () => {
  await Promise.all(opened.map((d) => d.close().catch(() => undefined)));
  rmSync(stateDir, { recursive: true, force: true });
});

test('request → own approval and a non-approver refused → another approver approves → AD holds exactly the plan → the KDC grants S4U2Proxy → READY', async () => {
  now = new Date();
  const { person } = service();
  const alice = person(ALICE);
  const { src, dst } = await pair('FA');
  const wanted = [`${M}/${dst}`, `${M}/${fqdn(dst)}`, `cifs/${dst}`, `cifs/${fqdn(dst)}`];
  for (const spn of [`cifs/${dst}`, `cifs/${fqdn(dst)}`]) expect((await s4u2proxy(facts, src, S4U_USER, spn, PASSWORD)).granted).toBe(false);

  const { approval, requestCard } = await requestFix(alice, src, dst);
  const approvalText = JSON.stringify(approval);
  expect(approvalText).toContain('Waiting for approval');
  expect(approvalText).toContain(computerDn(src));
  for (const spn of wanted) expect(approvalText).toContain(`+ ${spn}`);
  expect(approvalText).toContain('userAccountControl: 0x1000 → 0x1001000');
  expect(JSON.stringify(requestCard)).toContain('Fix requested by');
  expect(await readDelegation(src)).toEqual({ allowed: [], uac: 0x1000 }); // a request writes nothing

  const approve = button(approval, 'Approve and apply');
  expect(JSON.stringify(await press(alice, approve))).toContain('you cannot approve it');
  expect(JSON.stringify(await press(person(MALLORY), approve))).toContain('Only members of the approver groups');
  expect(await readDelegation(src)).toEqual({ allowed: [], uac: 0x1000 });

  const bob = person(BOB);
  const applied = JSON.stringify(await press(bob, approve));
  expect(applied).toContain('Applied');
  expect(applied).toContain('READY');
  expect(applied).not.toContain('NOT READY');
  expect(await readDelegation(src)).toEqual({ allowed: [...wanted].sort(), uac: 0x1001000 });
  expect(await readDelegation(dst)).toEqual({ allowed: [`${M}/${src}`, `${M}/${fqdn(src)}`, `cifs/${src}`, `cifs/${fqdn(src)}`].sort(), uac: 0x1000 });
  for (const spn of [`cifs/${dst}`, `cifs/${fqdn(dst)}`]) expect(await s4u2proxy(facts, src, S4U_USER, spn, PASSWORD)).toEqual({ granted: true, why: 'granted' });
  // The request card (the one Request fix was pressed on) now shows the fresh check: READY.
  const requestUpdate = updates.find((u) => u.activityId === `card-${src}`);
  expect(requestUpdate?.card).toContain('READY');
  expect(requestUpdate?.card).not.toContain('NOT READY');

  // Applied twice: refused, nothing more written.
  expect(JSON.stringify(await press(person(CAROL), approve))).toContain('already decided');
  const events = audit().filter((r) => r.planId === undefined || approvalText.includes(r.planId));
  expect(events.map((r) => r.event)).toEqual(['requested', 'refused', 'refused', 'approved', 'written', 'refused']);
  // The pair card's other finding (KCD016: the way back) is fixed on DST in the same plan: both objects written.
  expect(events.find((r) => r.event === 'written')?.objects?.map((o) => [o.dn, o.status])).toEqual([
    [computerDn(dst), 'written'],
    [computerDn(src), 'written'],
  ]);
  expect(events.find((r) => r.event === 'approved')?.actor).toMatchObject({ upn: upn(BOB), via: 'teams' });
});

test('expired and rejected plans cannot be approved; a value changed between plan and approval writes nothing', async () => {
  now = new Date();
  const { person } = service();
  const alice = person(ALICE);
  const bob = person(BOB);
  const expiring = await pair('FE');
  const late = await requestFix(alice, expiring.src, expiring.dst);
  now = new Date(now.getTime() + 31 * 60_000);
  expect(JSON.stringify(await press(bob, button(late.approval, 'Approve and apply')))).toContain('expired');
  expect(await readDelegation(expiring.src)).toEqual({ allowed: [], uac: 0x1000 });

  now = new Date();
  const rejected = await pair('FR');
  const r = await requestFix(alice, rejected.src, rejected.dst);
  expect(JSON.stringify(await press(person(CAROL), button(r.approval, 'Reject')))).toContain('Rejected');
  expect(JSON.stringify(await press(bob, button(r.approval, 'Approve and apply')))).toContain('already decided');
  expect(await readDelegation(rejected.src)).toEqual({ allowed: [], uac: 0x1000 });

  const changed = await pair('FC');
  const c = await requestFix(alice, changed.src, changed.dst);
  await replaceAttribute(facts, computerDn(changed.src), 'msDS-AllowedToDelegateTo', [`cifs/${changed.dst}`]);
  const stale = JSON.stringify(await press(bob, button(c.approval, 'Approve and apply')));
  expect(stale).toContain('AD changed since the plan');
  expect(await readDelegation(changed.src)).toEqual({ allowed: [`cifs/${changed.dst}`], uac: 0x1000 });
});

test('a tampered token and a replayed request are refused; nothing written', async () => {
  now = new Date();
  const { person } = service();
  const alice = person(ALICE);
  const { src, dst } = await pair('FT');
  const r = await requestFix(alice, src, dst);
  const approve = button(r.approval, 'Approve and apply');
  const [body, mac] = approve.token.split('.') as [string, string];
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
  const forged = `${Buffer.from(JSON.stringify({ ...claims, e: (claims.e as number) + 86_400_000 })).toString('base64url')}.${mac}`;
  expect(JSON.stringify(await press(person(BOB), { ...approve, token: forged }))).toContain('not made by this bot');
  expect(JSON.stringify(await press(alice, r.requestToken))).toContain('already used');
  expect(await readDelegation(src)).toEqual({ allowed: [], uac: 0x1000 });
});

test.each([
  ['a wrong write password', { bindPassword: 'not-the-password-1!' }, /invalid-credentials/],
  ['an account without rights', { bindDN: userDn(PLAIN) }, /insufficient-rights/],
])('%s: the card names the cause, nothing written', async (_name, write, cause) => {
  now = new Date();
  const { person } = service(write);
  const { src, dst } = await pair('FX');
  const r = await requestFix(person(ALICE), src, dst);
  const failed = JSON.stringify(await press(person(BOB), button(r.approval, 'Approve and apply')));
  expect(failed).toContain('Write failed');
  expect(failed).toMatch(cause);
  expect(failed).not.toContain('not-the-password');
  expect(await readDelegation(src)).toEqual({ allowed: [], uac: 0x1000 });
});
