/**
 * The Teams side of applying a fix (issue 21) with the demo directory held in memory and a writer over it: who sees
 * "Request fix" (KCD_OPERATOR_GROUPS), the approval card copied to KCD_APPROVAL_CONVERSATION and updated there,
 * the expiry sweep, /kcd audit (who may read it, how many, bad counts), and a bot without applying. The LDAP side,
 * the KDC and the Playground are in the dc tests (test/apply/teams-flow.dc.test.ts, test/e2e/apply-playground.dc.test.ts).
 */
import type { Activity } from 'botbuilder';
import { ApprovalService, type MembershipCheck } from '../../src/apply/approvals';
import { planMaker } from '../../src/apply/planner';
import type { AuditRecord } from '../../src/apply/types';
import type { CardChannel } from '../../src/bot/card-channel';
import { demoData } from '../../src/directory/demo-directory';
import type { Directory } from '../../src/directory/port';
import { createSnapshot } from '../../src/domain/snapshot';
import { MemoryStateStore } from '../../src/store';
import { MemoryDirectoryWriter } from '../support/memory-writer';
import { expectValidCard } from '../support/validate-card';
import { conversation, type Conversation } from './conversation';

const OPS_CHANNEL = '19:ops0123@thread.tacv2';
const APPROVER_UPNS = new Set(['bob@contoso.com', 'carol@contoso.com']);
const member = (set: Set<string>, group: string): MembershipCheck => (upn) =>
  Promise.resolve(upn && set.has(upn) ? { member: true as const, group } : { member: false as const, detail: `${upn} is not in ${group}` });

type Card = { actions?: Array<{ title: string; data?: unknown }> } & Record<string, unknown>;

function setup(options: { operators?: Set<string>; approvalConversation?: string } = {}) {
  let now = new Date();
  const data = demoData(now);
  const directory: Directory = {
    describe: () => ({ kind: 'demo', label: 'demo directory' }),
    snapshot: () => Promise.resolve(createSnapshot(data)),
    findUser: (name) => Promise.resolve(createSnapshot(data).usersByName.get(name.toLowerCase())),
    close: () => Promise.resolve(),
  };
  const audit: AuditRecord[] = [];
  const writer = new MemoryDirectoryWriter(data);
  const approvers = member(APPROVER_UPNS, 'Hyper-V Admins');
  const approvals = new ApprovalService({
    store: new MemoryStateStore(),
    directory,
    makePlan: planMaker(),
    openWriter: () => writer,
    audit: { append: (r) => Promise.resolve(void audit.push(r)), last: (n) => Promise.resolve(audit.slice(-n)) },
    approvers,
    ...(options.operators ? { operators: member(options.operators, 'Hyper-V Operators') } : {}),
    ttlMinutes: 30,
    now: () => now,
  });
  const posted: Array<{ conversation: string; card: string }> = [];
  const updated: Array<{ conversation: string; activityId: string; card: string }> = [];
  const cards: CardChannel = {
    post: (reference, card) => Promise.resolve(void posted.push({ conversation: reference.conversation.id, card: JSON.stringify(card) })).then(() => `posted-${posted.length}`),
    update: (reference, activityId, card) => Promise.resolve(void updated.push({ conversation: reference.conversation.id, activityId, card: JSON.stringify(card) })),
  };
  const person = (name: string, upn: string, conversationId?: string): Conversation =>
    conversation({
      directory,
      ...(conversationId ? { conversationId } : {}),
      from: { id: `29:${name}`, name, aadObjectId: `aad-${name}` },
      asker: { upn },
      apply: { approvals, cards, approvers, ...(options.approvalConversation ? { approvalConversation: options.approvalConversation } : {}) },
    });
  return { person, approvals, audit, posted, updated, writer, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

function messageCards(replies: Partial<Activity>[]): Card[] {
  return replies.flatMap((r) => (r.type === 'message' ? (r.attachments ?? []).map((a) => a.content as Card) : []));
}

function invokeCard(replies: Partial<Activity>[]): Card {
  return (replies.find((r) => r.type === 'invokeResponse')?.value as { body: { value: Card } }).body.value;
}

const titles = (card: Card) => (card.actions ?? []).map((a) => a.title);

async function press(who: Conversation, data: unknown, replyToId?: string): Promise<Partial<Activity>[]> {
  return who.say({ type: 'invoke', name: 'adaptiveCard/action', ...(replyToId ? { replyToId } : {}), value: { action: { type: 'Action.Execute', verb: 'apply', data } } });
}

function buttonData(card: Card, title: string): unknown {
  const data = card.actions?.find((a) => a.title === title)?.data;
  if (!data) throw new Error(`no ${title} on ${titles(card).join(', ')}`);
  return data;
}

test('only operators see "Request fix" when KCD_OPERATOR_GROUPS is set; a ready card never offers it', async () => {
  const s = setup({ operators: new Set(['alice@contoso.com']) });
  const [forAlice] = messageCards(await s.person('Alice', 'alice@contoso.com').say('/kcd check gogo-3 gogo-4'));
  expect(titles(forAlice!)).toContain('Request fix');
  const [forMallory] = messageCards(await s.person('Mallory', 'mallory@contoso.com').say('/kcd check gogo-3 gogo-4'));
  expect(titles(forMallory!)).not.toContain('Request fix');
  const [ready] = messageCards(await s.person('Alice', 'alice@contoso.com').say('/kcd check gogo-4 gogo-3'));
  expect(JSON.stringify(ready)).toContain('✅ READY');
  expect(titles(ready!)).not.toContain('Request fix');
  const [hostCard] = messageCards(await s.person('Alice', 'alice@contoso.com').say('/kcd check gogo-3'));
  expect(titles(hostCard!)).toContain('Request fix');
  expectValidCard(hostCard);
});

test('the approval card goes to KCD_APPROVAL_CONVERSATION too; after the approval every copy and the request card are updated', async () => {
  const s = setup({ approvalConversation: OPS_CHANNEL });
  const alice = s.person('Alice', 'alice@contoso.com');
  const [check] = messageCards(await alice.say('/kcd check gogo-3 gogo-4'));
  const requested = await press(alice, buttonData(check!, 'Request fix'), 'check-card-1');
  const [approval] = messageCards(requested);
  expectValidCard(approval);
  expectValidCard(invokeCard(requested));
  expect(JSON.stringify(invokeCard(requested))).toContain('Fix requested by Alice');
  expect(titles(invokeCard(requested))).not.toContain('Request fix');
  expect(s.posted).toEqual([{ conversation: OPS_CHANNEL, card: JSON.stringify(approval) }]);

  // Bob presses the copy in the admins' channel.
  const applied = invokeCard(await press(s.person('Bob', 'bob@contoso.com', OPS_CHANNEL), buttonData(approval!, 'Approve and apply'), 'posted-1'));
  expectValidCard(applied);
  expect(JSON.stringify(applied)).toContain('Applied');
  expect(s.writer.applied).toHaveLength(1);
  // The copy pressed is answered in place; the other approval copy (the chat's) and the request card are updated.
  expect(s.updated).toHaveLength(2);
  const request = s.updated.find((u) => u.activityId === 'check-card-1');
  expect(request).toMatchObject({ conversation: 'conv-1' });
  expect(request?.card).toContain('READY');
  expect(request?.card).not.toContain('NOT READY');
  const chatCopy = s.updated.find((u) => u.activityId !== 'check-card-1');
  expect(chatCopy).toMatchObject({ conversation: 'conv-1' });
  expect(chatCopy?.card).toContain('Applied');
});

test('the sweep expires overdue plans and updates their approval cards; a press after that says expired', async () => {
  const s = setup();
  const alice = s.person('Alice', 'alice@contoso.com');
  const [check] = messageCards(await alice.say('/kcd check gogo-3 gogo-4'));
  const [approval] = messageCards(await press(alice, buttonData(check!, 'Request fix')));
  expect(await alice.bot.sweepPlans()).toBe(0);
  s.advance(31 * 60_000);
  expect(await alice.bot.sweepPlans()).toBe(1);
  expect(s.updated.at(-1)?.card).toContain('Expired');
  expect(JSON.stringify(invokeCard(await press(s.person('Bob', 'bob@contoso.com'), buttonData(approval!, 'Approve and apply'))))).toContain('expired');
  expect(s.writer.applied).toEqual([]);
  expect(s.audit.map((r) => r.event)).toEqual(['requested', 'expired', 'refused']);
});

test('/kcd audit: approvers and operators read the last N records; others, bad counts and a bot without applying get a clear answer', async () => {
  const s = setup({ operators: new Set(['alice@contoso.com']) });
  const alice = s.person('Alice', 'alice@contoso.com');
  const [check] = messageCards(await alice.say('/kcd check gogo-3 gogo-4'));
  await press(alice, buttonData(check!, 'Request fix'));
  const [card] = messageCards(await s.person('Bob', 'bob@contoso.com').say('/kcd audit 5'));
  expectValidCard(card);
  expect(JSON.stringify(card)).toContain('requested');
  expect(JSON.stringify(card)).toContain('Alice');
  expect(JSON.stringify(messageCards(await alice.say('/kcd audit')))).toContain('Audit log');
  expect(JSON.stringify(messageCards(await s.person('Mallory', 'mallory@contoso.com').say('/kcd audit')))).toContain('Only approvers');
  for (const bad of ['0', '51', 'all hosts', '-3']) expect(JSON.stringify(messageCards(await alice.say(`/kcd audit ${bad}`)))).toContain('is not a number of records from 1 to 50');
  expect(JSON.stringify(messageCards(await conversation().say('/kcd audit')))).toContain('does not apply fixes');
});

test('a bot without applying answers a fix button clearly and offers no Request fix', async () => {
  const c = conversation();
  const [check] = messageCards(await c.say('/kcd check gogo-3 gogo-4'));
  expect(titles(check!)).not.toContain('Request fix');
  expect(JSON.stringify(invokeCard(await press(c, { kcd: 'apply', step: 'approve', token: 'x.y' })))).toContain('Applying fixes is not turned on');
});
