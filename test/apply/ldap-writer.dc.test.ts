/**
 * The LDAP writer against the real Samba AD DC: what it writes is read back with the admin bind and must be
 * exactly the plan's values (or, for every refusal, exactly what AD held before). The first case ends with
 * the KDC: before the write it refuses S4U2Proxy from SRC to cifs/DST, after it grants it in both name forms.
 *
 * The write account is a user in Domain Admins: Samba lets only administrators write delegation settings
 * (msDS-AllowedToDelegateTo, TRUSTED_TO_AUTH_FOR_DELEGATION), its stand-in for SeEnableDelegationPrivilege.
 */
import { LdapDirectoryWriter, type LdapWriterOptions } from '../../src/apply/ldap-writer';
import { currentObjectOf, WRITER_ATTRIBUTES, WRITER_BINARY_ATTRIBUTES } from '../../src/apply/current-object';
import type { AttributeChange, FixPlan, PlanObject } from '../../src/apply/types';
import {
  addMembers,
  adminClient,
  computerEntry,
  deleteEntries,
  KRBTGT_DN,
  LAB_BASE_DN,
  labFacts,
  loadEntries,
  MIGRATION_SERVICE_CLASS as M,
  readSid,
  replaceAttribute,
  UAC_TRUSTED_TO_AUTH_FOR_DELEGATION,
  UAC_WORKSTATION_TRUST_ACCOUNT,
  uniqueName,
  userEntry,
} from '../ad-lab/lab';
import { s4u2proxy } from '../support/kdc-s4u';
import { anyArray, containing, matching } from '../support/typed-matchers';

jest.setTimeout(300_000);

const PASSWORD = 'Wr1te-Pa55word!-lab';
const DOMAIN_ADMINS_DN = `CN=Domain Admins,CN=Users,${LAB_BASE_DN}`;
const DC_DN = `CN=DC1,OU=Domain Controllers,${LAB_BASE_DN}`;
const WORKSTATION = UAC_WORKSTATION_TRUST_ACCOUNT;
const PROTOCOL_TRANSITION = UAC_WORKSTATION_TRUST_ACCOUNT | UAC_TRUSTED_TO_AUTH_FOR_DELEGATION;

const computerDn = (name: string) => `CN=${name},CN=Computers,${LAB_BASE_DN}`;
const userDn = (name: string) => `CN=${name},CN=Users,${LAB_BASE_DN}`;
const fqdn = (name: string) => `${name.toLowerCase()}.lab.test`;

/** What AD holds now, read with the admin bind (delegation entries sorted, so a test compares sets). */
async function readBack(dn: string) {
  const client = await adminClient();
  try {
    const { searchEntries } = await client.search(dn, { scope: 'base', attributes: WRITER_ATTRIBUTES, explicitBufferAttributes: WRITER_BINARY_ATTRIBUTES });
    const now = currentObjectOf(dn, searchEntries[0]!);
    return { delegateTo: [...now.allowedToDelegateTo].sort(), uac: Number(now.userAccountControl), aces: now.aces };
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

async function exists(dn: string): Promise<boolean> {
  const client = await adminClient();
  try {
    await client.search(dn, { scope: 'base', attributes: ['cn'] });
    return true;
  } catch {
    return false;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/** A plan's object, its basis read from AD now (as the planner reads it from a snapshot). */
async function planned(dn: string, changes: AttributeChange[], withDescriptor = false): Promise<PlanObject> {
  const client = await adminClient();
  try {
    const { searchEntries } = await client.search(dn, { scope: 'base', attributes: WRITER_ATTRIBUTES, explicitBufferAttributes: WRITER_BINARY_ATTRIBUTES });
    const now = currentObjectOf(dn, searchEntries[0]!);
    if (now.aces === 'unreadable') throw new Error(`${dn}: unreadable descriptor`);
    return {
      dn,
      name: now.samAccountName,
      kind: now.samAccountName.endsWith('$') ? 'computer' : 'user',
      basis: {
        allowedToDelegateTo: now.allowedToDelegateTo,
        userAccountControl: Number(now.userAccountControl),
        supportedEncryptionTypes: now.supportedEncryptionTypes === null ? null : Number(now.supportedEncryptionTypes),
        ...(withDescriptor ? { resourceBasedAces: now.aces } : {}),
      },
      changes,
      rules: ['KCD001'],
    };
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

function planOf(...objects: PlanObject[]): FixPlan {
  return {
    id: `plan-${uniqueName('P')}`,
    question: { kind: 'pair', source: 'SRC', destination: 'DST', storage: true, fileServers: [] },
    directory: 'ldaps://127.0.0.1:636',
    takenAt: new Date().toISOString(),
    createdAt: new Date().toISOString(),
    objects,
    refused: [],
    instructions: [],
  };
}

/** The delegation a pair needs on its source: migration and cifs, both name forms. */
const pairEntries = (dst: string) => [`${M}/${dst}`, `${M}/${fqdn(dst)}`, `cifs/${dst}`, `cifs/${fqdn(dst)}`];

describe('LdapDirectoryWriter against the Samba DC', () => {
  const facts = labFacts();
  const writerName = uniqueName('WW');
  const plainName = uniqueName('WP');
  const s4uUser = uniqueName('WU');

  function writer(overrides: Partial<LdapWriterOptions> = {}): LdapDirectoryWriter {
    return new LdapDirectoryWriter({
      url: facts.url,
      bindDN: userDn(writerName),
      bindPassword: PASSWORD,
      caFile: facts.caFile,
      tlsServername: facts.tlsServername,
      timeoutMs: 20_000,
      ...overrides,
    });
  }

  /** New computers for one test (unique names), with a password so the KDC can issue tickets for them. */
  async function computers(specs: Array<{ prefix: string; delegateTo?: string[]; uac?: number }>): Promise<string[]> {
    const names = specs.map((s) => uniqueName(s.prefix));
    await loadEntries(
      facts,
      specs.map((s, i) => computerEntry({ name: names[i]!, password: PASSWORD, ...(s.delegateTo ? { delegateTo: s.delegateTo } : {}), ...(s.uac !== undefined ? { userAccountControl: s.uac } : {}) })),
    );
    return names;
  }

  /** Two sources and a destination: the plan adds the pair's entries to both, and protocol transition to the second. */
  async function twoSources() {
    const [first, second, dst] = (await computers([{ prefix: 'WS' }, { prefix: 'WS' }, { prefix: 'WD' }])) as [string, string, string];
    const plan = planOf(
      await planned(computerDn(first), [{ attribute: 'msDS-AllowedToDelegateTo', add: pairEntries(dst), remove: [] }]),
      await planned(computerDn(second), [
        { attribute: 'msDS-AllowedToDelegateTo', add: pairEntries(dst), remove: [] },
        { attribute: 'userAccountControl', before: WORKSTATION, after: PROTOCOL_TRANSITION },
      ]),
    );
    return { first, second, dst, plan };
  }

  beforeAll(async () => {
    await loadEntries(facts, [
      userEntry({ name: writerName, upn: `${writerName}@lab.test`, password: PASSWORD, description: 'kcd-bot write account (test)' }),
      userEntry({ name: plainName, upn: `${plainName}@lab.test`, password: PASSWORD }),
      userEntry({ name: s4uUser, upn: `${s4uUser}@lab.test`, password: PASSWORD }),
    ]);
    await addMembers(facts, DOMAIN_ADMINS_DN, [userDn(writerName)]);
  });

  test('adds migration and cifs entries (both name forms) and protocol transition: AD holds exactly basis ∪ add, and the KDC now grants S4U2Proxy', async () => {
    const [other] = await computers([{ prefix: 'WO' }]);
    const [src, dst] = await computers([{ prefix: 'WS', delegateTo: [`cifs/${other}`] }, { prefix: 'WD' }]);
    // Before: no entry for DST, no protocol transition: refused.
    for (const spn of [`cifs/${dst}`, `cifs/${fqdn(dst!)}`]) {
      expect(await s4u2proxy(facts, src!, s4uUser, spn, PASSWORD)).toMatchObject({ granted: false, why: matching(/can't fulfill requested option|BADOPTION/i) });
    }
    const object = await planned(computerDn(src!), [
      { attribute: 'msDS-AllowedToDelegateTo', add: pairEntries(dst!), remove: [] },
      { attribute: 'userAccountControl', before: WORKSTATION, after: PROTOCOL_TRANSITION },
    ]);

    const outcome = await writer().apply(planOf(object));

    expect(outcome.status).toBe('applied');
    if (outcome.status !== 'applied') return;
    expect(outcome.objects).toHaveLength(1);
    const [written] = outcome.objects;
    expect(written).toMatchObject({ dn: computerDn(src!), status: 'written' });
    expect(written!.before).toEqual({ 'msDS-AllowedToDelegateTo': [`cifs/${other}`], userAccountControl: [String(WORKSTATION)] });
    expect({ ...written!.after, 'msDS-AllowedToDelegateTo': [...written!.after['msDS-AllowedToDelegateTo']!].sort() }).toEqual({
      'msDS-AllowedToDelegateTo': [`cifs/${other}`, ...pairEntries(dst!)].sort(),
      userAccountControl: [String(PROTOCOL_TRANSITION)],
    });
    expect(await readBack(computerDn(src!))).toEqual({ delegateTo: [`cifs/${other}`, ...pairEntries(dst!)].sort(), uac: PROTOCOL_TRANSITION, aces: null });
    for (const spn of [`cifs/${dst}`, `cifs/${fqdn(dst!)}`]) {
      expect(await s4u2proxy(facts, src!, s4uUser, spn, PASSWORD)).toEqual({ granted: true, why: 'granted' });
    }
  });

  test('removes only the listed value (matched case-insensitively, deleted as stored); the others stay', async () => {
    const [src] = await computers([{ prefix: 'WS', delegateTo: ['cifs/HVA', 'cifs/HVB', `${M}/HVA`], uac: PROTOCOL_TRANSITION }]);
    const object = await planned(computerDn(src!), [{ attribute: 'msDS-AllowedToDelegateTo', add: [], remove: ['CIFS/hvb'] }]);

    const outcome = await writer().apply(planOf(object));

    expect(outcome).toMatchObject({ status: 'applied', objects: [{ status: 'written', after: { 'msDS-AllowedToDelegateTo': anyArray } }] });
    expect(await readBack(computerDn(src!))).toEqual({ delegateTo: ['cifs/HVA', `${M}/HVA`].sort(), uac: PROTOCOL_TRANSITION, aces: null });
  });

  test('an entry added between plan and apply: changed, the difference named, nothing written', async () => {
    const [src, dst] = await computers([{ prefix: 'WS', delegateTo: ['cifs/HVA'] }, { prefix: 'WD' }]);
    const object = await planned(computerDn(src!), [
      { attribute: 'msDS-AllowedToDelegateTo', add: pairEntries(dst!), remove: [] },
      { attribute: 'userAccountControl', before: WORKSTATION, after: PROTOCOL_TRANSITION },
    ]);
    await replaceAttribute(facts, computerDn(src!), 'msDS-AllowedToDelegateTo', ['cifs/HVA', 'cifs/HVZ']);

    const outcome = await writer().apply(planOf(object));

    expect(outcome).toEqual({
      status: 'changed',
      differences: [{ dn: computerDn(src!), attribute: 'msDS-AllowedToDelegateTo', planned: '["cifs/HVA"]', now: matching(/^\[.*\]$/) }],
    });
    if (outcome.status === 'changed') expect((JSON.parse(outcome.differences[0]!.now) as string[]).sort()).toEqual(['cifs/HVA', 'cifs/HVZ']);
    expect(await readBack(computerDn(src!))).toEqual({ delegateTo: ['cifs/HVA', 'cifs/HVZ'], uac: WORKSTATION, aces: null });
  });

  test('userAccountControl flipped between plan and apply: changed, nothing written on any object of the plan', async () => {
    const { first, second, plan } = await twoSources();
    const flipped = WORKSTATION | 0x10000; // DONT_EXPIRE_PASSWORD, set by someone else
    await replaceAttribute(facts, computerDn(second), 'userAccountControl', [String(flipped)]);

    const outcome = await writer().apply(plan);

    expect(outcome).toEqual({
      status: 'changed',
      differences: [{ dn: computerDn(second), attribute: 'userAccountControl', planned: String(WORKSTATION), now: String(flipped) }],
    });
    expect(await readBack(computerDn(first))).toEqual({ delegateTo: [], uac: WORKSTATION, aces: null });
    expect(await readBack(computerDn(second))).toEqual({ delegateTo: [], uac: flipped, aces: null });
  });

  test('a wrong write password: invalid-credentials, the password in no text, nothing written', async () => {
    const [src, dst] = await computers([{ prefix: 'WS' }, { prefix: 'WD' }]);
    const object = await planned(computerDn(src!), [{ attribute: 'msDS-AllowedToDelegateTo', add: pairEntries(dst!), remove: [] }]);
    const wrong = 'Not-The-Pa55word!';
    const w = writer({ bindPassword: wrong });

    const outcome = await w.apply(planOf(object));

    expect(outcome).toEqual({
      status: 'failed',
      cause: 'invalid-credentials',
      detail: containing(userDn(writerName)),
      objects: [{ dn: computerDn(src!), status: 'not-written', before: {}, after: {} }],
    });
    expect(JSON.stringify(outcome)).not.toContain(wrong);
    expect(JSON.stringify(w)).not.toContain(wrong);
    expect(await readBack(computerDn(src!))).toEqual({ delegateTo: [], uac: WORKSTATION, aces: null });
  });

  test('over StartTLS (ldap://, port 389) the write goes through; a DC certificate not trusted is unreachable, nothing written', async () => {
    const [src, dst] = await computers([{ prefix: 'WS' }, { prefix: 'WD' }]);
    const untrusted = await writer({ caFile: undefined }).apply(planOf(await planned(computerDn(src!), [{ attribute: 'msDS-AllowedToDelegateTo', add: [`cifs/${dst}`], remove: [] }])));
    expect(untrusted).toMatchObject({ status: 'failed', cause: 'unreachable', detail: matching(/^connecting to ldaps:.*certificate/i) });
    expect(await readBack(computerDn(src!))).toEqual({ delegateTo: [], uac: WORKSTATION, aces: null });

    const object = await planned(computerDn(src!), [{ attribute: 'msDS-AllowedToDelegateTo', add: [`cifs/${dst}`], remove: [] }]);
    expect(await writer({ url: facts.ldapUrl, startTls: true }).apply(planOf(object))).toMatchObject({ status: 'applied' });
    expect(await readBack(computerDn(src!))).toEqual({ delegateTo: [`cifs/${dst}`], uac: WORKSTATION, aces: null });
  });

  test('an account without rights (a plain user): insufficient-rights, nothing written', async () => {
    const [src, dst] = await computers([{ prefix: 'WS' }, { prefix: 'WD' }]);
    const object = await planned(computerDn(src!), [
      { attribute: 'msDS-AllowedToDelegateTo', add: pairEntries(dst!), remove: [] },
      { attribute: 'userAccountControl', before: WORKSTATION, after: PROTOCOL_TRANSITION },
    ]);

    const outcome = await writer({ bindDN: userDn(plainName) }).apply(planOf(object));

    // Samba: "00002098: Object … has no write property access" (insufficientAccessRights).
    expect(outcome).toMatchObject({
      status: 'failed',
      cause: 'insufficient-rights',
      detail: containing('(LDAP result 50)'),
      failedDn: computerDn(src!),
      objects: [{ status: 'not-written' }],
    });
    expect(await readBack(computerDn(src!))).toEqual({ delegateTo: [], uac: WORKSTATION, aces: null });
  });

  test.each([
    ['the domain controller', DC_DN, (dst: string): AttributeChange => ({ attribute: 'msDS-AllowedToDelegateTo', add: [`cifs/${dst}`], remove: [] })],
    ['krbtgt', KRBTGT_DN, (dst: string): AttributeChange => ({ attribute: 'msDS-AllowedToDelegateTo', add: [`cifs/${dst}`], remove: [] })],
  ])('%s in a plan: protected-object, nothing written on any object', async (_what, protectedDn, change) => {
    const [src, dst] = await computers([{ prefix: 'WS' }, { prefix: 'WD' }]);
    const protectedBefore = await readBack(protectedDn);
    const plan = planOf(
      await planned(computerDn(src!), [{ attribute: 'msDS-AllowedToDelegateTo', add: pairEntries(dst!), remove: [] }]),
      await planned(protectedDn, [change(dst!)]),
    );

    const outcome = await writer().apply(plan);

    expect(outcome).toMatchObject({ status: 'failed', cause: 'protected-object', failedDn: protectedDn, objects: [{ status: 'not-written' }, { status: 'not-written' }] });
    expect(await readBack(protectedDn)).toEqual(protectedBefore);
    expect(await readBack(computerDn(src!))).toEqual({ delegateTo: [], uac: WORKSTATION, aces: null });
  });

  test.each([['ldap/dc1.lab.test'], ['cifs/DC1'], ['HOST/dc1.lab.test/lab.test']])(
    'adding %s (a service of the DC): protected-object, nothing written',
    async (spn) => {
      const [src, dst] = await computers([{ prefix: 'WS' }, { prefix: 'WD' }]);
      const outcome = await writer().apply(planOf(await planned(computerDn(src!), [{ attribute: 'msDS-AllowedToDelegateTo', add: [...pairEntries(dst!), spn], remove: [] }])));

      expect(outcome).toMatchObject({ status: 'failed', cause: 'protected-object', failedDn: computerDn(src!), detail: containing(spn) });
      expect(await readBack(computerDn(src!))).toEqual({ delegateTo: [], uac: WORKSTATION, aces: null });
    },
  );

  test('two objects, the second deleted while the first is written: the first written, the second not, and the outcome says so', async () => {
    const { first, second, dst, plan } = await twoSources();
    // The throttle's pause before the second modify (a fixed clock: always the full gap) is when it goes.
    const pauses: number[] = [];
    const sleep = async (ms: number) => {
      pauses.push(ms);
      await deleteEntries(facts, [computerDn(second)]);
    };

    const outcome = await writer({ now: () => 0, sleep }).apply(plan);

    expect(pauses).toEqual([200]);
    expect(outcome).toMatchObject({ status: 'failed', cause: 'no-such-object', failedDn: computerDn(second) });
    if (outcome.status !== 'failed') return;
    expect(outcome.objects.map((o) => [o.dn, o.status])).toEqual([
      [computerDn(first), 'written'],
      [computerDn(second), 'not-written'],
    ]);
    expect([...outcome.objects[0]!.after['msDS-AllowedToDelegateTo']!].sort()).toEqual(pairEntries(dst).sort());
    expect(outcome.objects[1]!.after).toEqual({ 'msDS-AllowedToDelegateTo': [], userAccountControl: [String(WORKSTATION)] });
    expect(await readBack(computerDn(first))).toEqual({ delegateTo: pairEntries(dst).sort(), uac: WORKSTATION, aces: null });
    expect(await exists(computerDn(second))).toBe(false);
  });

  test.each([
    ['an entry the plan adds appears', (dn: string, dst: string) => replaceAttribute(facts, dn, 'msDS-AllowedToDelegateTo', [`cifs/${dst}`]), (dst: string) => ({ delegateTo: [`cifs/${dst}`], uac: WORKSTATION })],
    ['userAccountControl changes', (dn: string) => replaceAttribute(facts, dn, 'userAccountControl', [String(WORKSTATION | 0x10000)]), () => ({ delegateTo: [], uac: WORKSTATION | 0x10000 })],
  ])('a concurrent change after the re-read (%s): the modify fails as concurrent-change, nothing of that object overwritten', async (_what, meddle, expected) => {
    const { first, second, dst, plan } = await twoSources();

    const outcome = await writer({ now: () => 0, sleep: () => meddle(computerDn(second), dst) }).apply(plan);

    // The add finds its value there (attributeOrValueExists), or the delete of the old value finds it gone (noSuchAttribute).
    expect(outcome).toMatchObject({ status: 'failed', cause: 'concurrent-change', detail: matching(/\(LDAP result (20|16)\)$/), failedDn: computerDn(second) });
    if (outcome.status === 'failed') expect(outcome.objects.map((o) => o.status)).toEqual(['written', 'not-written']);
    expect(await readBack(computerDn(first))).toEqual({ delegateTo: pairEntries(dst).sort(), uac: WORKSTATION, aces: null });
    expect(await readBack(computerDn(second))).toEqual({ ...expected(dst), aces: null });
  });

  test('the resource-based descriptor: Samba refuses it as constraint-violation ("can only be modified as system"), nothing of that object written', async () => {
    const [src, dst] = await computers([{ prefix: 'WS' }, { prefix: 'WD' }]);
    const srcSid = await readSid(facts, computerDn(src!));
    const object = await planned(computerDn(dst!), [{ attribute: 'msDS-AllowedToActOnBehalfOfOtherIdentity', before: null, after: [{ sid: srcSid, type: 'allow', mask: 0xf01ff }] }], true);

    const outcome = await writer().apply(planOf(object));

    // Samba 4.17 lets only the system modify msDS-AllowedToActOnBehalfOfOtherIdentity, Domain Admins included
    // (Windows lets anyone with write access to the destination's object). Should a later Samba accept it,
    // assert the exact descriptor read back here instead.
    expect(outcome).toEqual({
      status: 'failed',
      cause: 'constraint-violation',
      detail: matching(/can only be modified as system.*\(LDAP result 19\)$/),
      failedDn: computerDn(dst!),
      objects: [{ dn: computerDn(dst!), status: 'not-written', before: { 'msDS-AllowedToActOnBehalfOfOtherIdentity': [] }, after: { 'msDS-AllowedToActOnBehalfOfOtherIdentity': [] } }],
    });
    expect(await readBack(computerDn(dst!))).toEqual({ delegateTo: [], uac: WORKSTATION, aces: null });
  });
});
