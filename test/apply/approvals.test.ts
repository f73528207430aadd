/**
 * The approval rules of ApprovalService (issue 21) with an in-memory state, a recording writer and the demo
 * directory: who may approve, once, in time, with an untampered token; every refusal audited; one write per plan
 * even when two approvers press at once. The real LDAP writes are in test/apply/*.dc.test.ts.
 */
import { ApprovalService, planDigest, type MembershipCheck, type PlanMaker } from '../../src/apply/approvals';
import { TokenSigner, type TokenClaims } from '../../src/apply/signing';
import type { ApplyOutcome, AuditRecord, DirectoryWriter, FixPlan } from '../../src/apply/types';
import { DemoDirectory } from '../../src/directory/demo-directory';
import { resolveHost } from '../../src/domain/names';
import { MemoryStateStore } from '../../src/store';
import { matching } from '../support/typed-matchers';

const ALICE = { name: 'Alice', upn: 'alice@contoso.com', aadObjectId: 'aad-alice' };
const BOB = { name: 'Bob', upn: 'bob@contoso.com', aadObjectId: 'aad-bob' };
const CAROL = { name: 'Carol', upn: 'carol@contoso.com', aadObjectId: 'aad-carol' };
const APPROVERS = new Set(['bob@contoso.com', 'carol@contoso.com']);
const QUESTION = { kind: 'pair' as const, source: 'GOGO-3', destination: 'GOGO-4', storage: false, fileServers: [] };

/** A plan adding one entry to the source: enough to exercise the approval rules (the planner has its own tests). */
const makePlan: PlanMaker = (snapshot, question, meta) => {
  const source = resolveHost(snapshot, question.kind === 'pair' ? question.source : question.host);
  return {
    id: meta.id,
    question,
    directory: meta.directory,
    takenAt: snapshot.data.source.takenAt,
    createdAt: meta.now.toISOString(),
    objects: [
      {
        dn: source.distinguishedName,
        name: source.samAccountName,
        kind: 'computer',
        basis: { allowedToDelegateTo: source.allowedToDelegateTo, userAccountControl: source.userAccountControl, supportedEncryptionTypes: source.supportedEncryptionTypes ?? null },
        changes: [{ attribute: 'msDS-AllowedToDelegateTo', add: ['cifs/GOGO-4'], remove: [] }],
        rules: ['KCD002'],
      },
    ],
    refused: [],
    instructions: ['Invoke-Command -ComputerName GOGO-3 { klist -li 0x3e7 purge }'],
  };
};

class RecordingWriter implements DirectoryWriter {
  static applied: FixPlan[] = [];
  static next: ApplyOutcome | undefined;
  static gate: Promise<void> = Promise.resolve();
  describe() {
    return 'memory';
  }
  async apply(plan: FixPlan): Promise<ApplyOutcome> {
    await RecordingWriter.gate;
    RecordingWriter.applied.push(plan);
    return RecordingWriter.next ?? { status: 'applied', objects: plan.objects.map((o) => ({ dn: o.dn, status: 'written', before: {}, after: {} })) };
  }
  async close() {}
}

function setup(options: { approvers?: MembershipCheck; operators?: MembershipCheck; ttlMinutes?: number; maxWritesPerHour?: number } = {}) {
  let now = new Date();
  const audit: AuditRecord[] = [];
  const store = new MemoryStateStore();
  const approvers: MembershipCheck =
    options.approvers ?? ((upn) => Promise.resolve(upn && APPROVERS.has(upn) ? { member: true as const, group: 'Hyper-V Admins' } : { member: false as const, detail: `${upn} is not a member of an allowed group` }));
  const service = new ApprovalService({
    store,
    directory: new DemoDirectory(),
    makePlan,
    openWriter: () => new RecordingWriter(),
    audit: { append: (r) => Promise.resolve(void audit.push(r)), last: (n) => Promise.resolve(audit.slice(-n)) },
    approvers,
    ...(options.operators ? { operators: options.operators } : {}),
    ttlMinutes: options.ttlMinutes ?? 30,
    ...(options.maxWritesPerHour ? { maxWritesPerHour: options.maxWritesPerHour } : {}),
    now: () => now,
  });
  const advance = (ms: number) => (now = new Date(now.getTime() + ms));
  return { service, store, audit, advance };
}

async function requested(s: ReturnType<typeof setup>, requester = ALICE) {
  const result = await s.service.request(await s.service.requestToken(QUESTION), requester, 'corr-1');
  if (result.kind !== 'requested') throw new Error(`expected a request, got ${JSON.stringify(result)}`);
  return result;
}

beforeEach(() => {
  RecordingWriter.applied = [];
  RecordingWriter.next = undefined;
  RecordingWriter.gate = Promise.resolve();
});

test('request → another approver approves → written once, audited requested/approved/written', async () => {
  const s = setup();
  const r = await requested(s);
  expect(r.record).toMatchObject({ status: 'pending', requester: ALICE, digest: planDigest(r.record.plan) });
  expect(Date.parse(r.record.expiresAt) - Date.parse(r.record.requestedAt)).toBe(30 * 60_000);
  const decided = await s.service.decide(r.approveToken, BOB, 'corr-2');
  expect(decided).toMatchObject({ kind: 'decided', record: { status: 'applied', decidedBy: BOB, outcome: 'written: 1 object' } });
  expect(RecordingWriter.applied).toEqual([r.record.plan]);
  expect(s.audit.map((a) => a.event)).toEqual(['requested', 'approved', 'written']);
  expect(s.audit[2]).toMatchObject({ planId: r.record.plan.id, actor: { upn: BOB.upn, via: 'teams' }, correlationId: 'corr-2', objects: [{ dn: r.record.plan.objects[0]!.dn, status: 'written' }] });
  // Applied twice: refused, nothing written again.
  expect(await s.service.decide(r.approveToken, CAROL)).toMatchObject({ kind: 'refused', refusal: 'not-pending' });
  expect(RecordingWriter.applied).toHaveLength(1);
});

test('the requester cannot approve their own plan, even as an approver', async () => {
  const s = setup();
  const r = await requested(s, BOB);
  expect(await s.service.decide(r.approveToken, { ...BOB, name: 'Bob again' })).toMatchObject({ kind: 'refused', refusal: 'own-plan' });
  // Matched by UPN when the object id is missing, case-insensitively.
  expect(await s.service.decide(r.approveToken, { upn: 'BOB@contoso.com' })).toMatchObject({ kind: 'refused', refusal: 'own-plan' });
  expect(RecordingWriter.applied).toEqual([]);
  expect((await s.service.record(r.record.plan.id))?.status).toBe('pending');
  expect(s.audit.filter((a) => a.event === 'refused')).toHaveLength(2);
});

test('a non-approver, and an approver whose membership cannot be checked, are refused', async () => {
  const s = setup();
  const r = await requested(s);
  expect(await s.service.decide(r.approveToken, { name: 'Mallory', upn: 'mallory@contoso.com', aadObjectId: 'aad-m' })).toMatchObject({ kind: 'refused', refusal: 'not-approver' });
  const unknown = setup({ approvers: () => Promise.resolve({ member: 'unknown' as const, detail: 'AD could not be read' }) });
  const u = await requested(unknown);
  expect(await unknown.service.decide(u.approveToken, BOB)).toMatchObject({ kind: 'refused', refusal: 'membership-unknown' });
  expect(RecordingWriter.applied).toEqual([]);
});

test('expired: the token is refused and the record says expired; nothing written', async () => {
  const s = setup({ ttlMinutes: 5 });
  const r = await requested(s);
  s.advance(5 * 60_000 + 1);
  expect(await s.service.decide(r.approveToken, BOB)).toMatchObject({ kind: 'refused', refusal: 'expired' });
  expect((await s.service.record(r.record.plan.id))?.status).toBe('expired');
  expect(s.audit.map((a) => a.event)).toEqual(['requested', 'expired', 'refused']);
  expect(RecordingWriter.applied).toEqual([]);
});

test('rejected plans cannot be approved; the requester may withdraw their own plan', async () => {
  const s = setup();
  const r = await requested(s);
  expect(await s.service.decide(r.rejectToken, { name: 'Mallory', upn: 'mallory@contoso.com' })).toMatchObject({ kind: 'refused', refusal: 'not-approver' });
  expect(await s.service.decide(r.rejectToken, CAROL)).toMatchObject({ kind: 'rejected', record: { status: 'rejected', decidedBy: CAROL } });
  expect(await s.service.decide(r.approveToken, BOB)).toMatchObject({ kind: 'refused', refusal: 'not-pending', record: { status: 'rejected' } });
  const w = await requested(s);
  expect(await s.service.decide(w.rejectToken, ALICE)).toMatchObject({ kind: 'rejected', record: { outcome: 'withdrawn by the requester' } });
  expect(RecordingWriter.applied).toEqual([]);
});

test('tampered tokens and records are refused: a changed payload, a forged signature, a changed plan in the store', async () => {
  const s = setup();
  const r = await requested(s);
  const [body, mac] = r.approveToken.split('.') as [string, string];
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims & { e: number };
  const otherBody = Buffer.from(JSON.stringify({ ...claims, e: claims.e + 3_600_000 })).toString('base64url');
  expect(await s.service.decide(`${otherBody}.${mac}`, BOB)).toMatchObject({ kind: 'refused', refusal: 'signature' });
  const forged = new TokenSigner(Buffer.alloc(32, 7).toString('base64')).sign(claims);
  expect(await s.service.decide(forged, BOB)).toMatchObject({ kind: 'refused', refusal: 'signature' });
  for (const junk of [undefined, 42, '', 'a.b.c', 'x'.repeat(10_000), `${body}.`]) {
    expect(await s.service.decide(junk, BOB)).toMatchObject({ kind: 'refused', refusal: matching(/malformed|signature/) });
  }
  // The stored plan changed after the button was made (someone edited the state): refused, not applied.
  await s.store.update((state) => void state.plans[0]!.plan.objects[0]!.changes.push({ attribute: 'userAccountControl', before: 4096, after: 0 }));
  expect(await s.service.decide(r.approveToken, BOB)).toMatchObject({ kind: 'refused', refusal: 'tampered' });
  expect(RecordingWriter.applied).toEqual([]);
  expect(s.audit.filter((a) => a.event === 'refused').length).toBe(9);
});

test('a request button works once (a replay is refused), and only for operators when KCD_OPERATOR_GROUPS is set', async () => {
  const s = setup();
  const token = await s.service.requestToken(QUESTION);
  expect((await s.service.request(token, ALICE)).kind).toBe('requested');
  expect(await s.service.request(token, ALICE)).toMatchObject({ kind: 'refused', refusal: 'replay' });
  const ops = setup({ operators: (upn) => Promise.resolve(upn === ALICE.upn ? { member: true as const, group: 'Ops' } : { member: false as const, detail: 'not an operator' }) });
  expect(await ops.service.mayRequest(ALICE)).toBe(true);
  expect(await ops.service.mayRequest(CAROL)).toBe(false);
  expect(await ops.service.request(await ops.service.requestToken(QUESTION), CAROL)).toMatchObject({ kind: 'refused', refusal: 'not-operator' });
  // An approve token is no request token.
  const r = await requested(s);
  expect(await s.service.request(r.approveToken, ALICE)).toMatchObject({ kind: 'refused', refusal: 'malformed' });
});

test('two approvers at once: one claim wins, the plan is written once', async () => {
  const s = setup();
  const r = await requested(s);
  let open!: () => void;
  RecordingWriter.gate = new Promise((resolve) => (open = resolve));
  const both = Promise.all([s.service.decide(r.approveToken, BOB), s.service.decide(r.approveToken, CAROL)]);
  setTimeout(open, 20);
  const results = await both;
  expect(results.map((x) => x.kind).sort()).toEqual(['decided', 'refused']);
  expect(RecordingWriter.applied).toHaveLength(1);
});

test('AD changed since the plan: stale, nothing written; a failed write says which objects were written', async () => {
  const s = setup();
  const r = await requested(s);
  RecordingWriter.next = { status: 'changed', differences: [{ dn: 'CN=GOGO-3,OU=Hyper-V,DC=contoso,DC=com', attribute: 'msDS-AllowedToDelegateTo', planned: '[]', now: '["cifs/x"]' }] };
  expect(await s.service.decide(r.approveToken, BOB)).toMatchObject({ kind: 'decided', record: { status: 'stale', outcome: matching(/^nothing written: AD changed/) } });
  expect(s.audit.at(-1)).toMatchObject({ event: 'stale' });
  const f = await requested(s);
  RecordingWriter.next = { status: 'failed', cause: 'insufficient-rights', detail: 'INSUFFICIENT_ACCESS', failedDn: 'CN=B', objects: [{ dn: 'CN=A', status: 'written', before: {}, after: {} }, { dn: 'CN=B', status: 'not-written', before: {}, after: {} }] };
  expect(await s.service.decide(f.approveToken, BOB)).toMatchObject({ kind: 'decided', record: { status: 'failed', outcome: 'write failed (insufficient-rights): INSUFFICIENT_ACCESS; written before the failure: CN=A' } });
  expect(s.audit.at(-1)).toMatchObject({ event: 'write-failed', objects: [{ dn: 'CN=A', status: 'written' }, { dn: 'CN=B', status: 'not-written' }] });
});

test('writes are rate-limited per hour; the plan stays pending and can be approved later', async () => {
  const s = setup({ maxWritesPerHour: 1 });
  const first = await requested(s);
  const second = await requested(s);
  expect((await s.service.decide(first.approveToken, BOB)).kind).toBe('decided');
  expect(await s.service.decide(second.approveToken, BOB)).toMatchObject({ kind: 'refused', refusal: 'rate-limited', detail: matching(/approve again in 60 minutes/) });
  expect((await s.service.record(second.record.plan.id))?.status).toBe('pending');
  s.advance(29 * 60_000);
  expect((await s.service.decide(second.approveToken, BOB)).kind).toBe('refused');
  s.advance(31 * 60_000 + 1); // the first write is now more than an hour old, but the plan has expired meanwhile
  expect(await s.service.decide(second.approveToken, BOB)).toMatchObject({ kind: 'refused', refusal: 'expired' });
});

test('a plan left "applying" by a stopped process is marked failed; the signing key is made once and kept in the state', async () => {
  const s = setup();
  const r = await requested(s);
  await s.store.update((state) => Object.assign(state.plans[0]!, { status: 'applying', decidedAt: new Date().toISOString() }));
  expect(await s.service.expireDue()).toEqual([]);
  s.advance(11 * 60_000);
  expect((await s.service.expireDue()).map((x) => [x.plan.id, x.status])).toEqual([[r.record.plan.id, 'failed']]);
  const key = (await s.store.read()).approvalKey;
  expect(key).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  await s.service.requestToken(QUESTION);
  expect((await s.store.read()).approvalKey).toBe(key);
});

test('nothing to apply: no record, no audit', async () => {
  const s = setup();
  const empty: PlanMaker = (snapshot, question, meta) => ({ ...makePlan(snapshot, question, meta), objects: [] });
  const service = new ApprovalService({ ...(s.service as unknown as { deps: ConstructorParameters<typeof ApprovalService>[0] }).deps, makePlan: empty });
  expect((await service.request(await service.requestToken(QUESTION), ALICE)).kind).toBe('nothing-to-apply');
  expect((await s.store.read()).plans).toEqual([]);
  expect(s.audit).toEqual([]);
});
