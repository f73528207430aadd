/**
 * The group allow-list (KCD_ALLOWED_GROUPS) without a DC: nested groups from a snapshot, hostile UPNs, the
 * per-user cache (TTL and bound), fail-closed when the directory is down, and the bot's cards.
 * test/bot/group-allow-list.dc.test.ts does the same against the real Samba DC.
 */
import { allowedGroupOf, GroupMembership } from '../../src/bot/group-membership';
import { readConfig } from '../../src/config';
import type { DirectoryData, Group, User } from '../../src/domain/model';
import { createSnapshot, type DirectorySnapshot } from '../../src/domain/snapshot';
import { DirectoryUnavailableError } from '../../src/domain/errors';
import type { Directory } from '../../src/directory/port';
import { cardText, conversation, messages } from './conversation';

const BASE = 'DC=contoso,DC=com';
const dn = (cn: string, ou = 'OU=Groups') => `CN=${cn},${ou},${BASE}`;

function group(name: string, memberOf: string[] = []): Group {
  return { name, distinguishedName: dn(name), memberOf };
}
function user(sam: string, memberOf: string[], extra: Partial<User> = {}): User {
  return {
    samAccountName: sam,
    userPrincipalName: `${sam}@contoso.com`,
    distinguishedName: dn(sam, 'OU=People'),
    domain: 'contoso.com',
    userAccountControl: 0x200,
    memberOf,
    ...extra,
  };
}

/** alice ∈ Team A ⊂ Tier ⊂ KCD Operators (allowed); bob ∈ Sales; cycle: Loop1 ⊂ Loop2 ⊂ Loop1. */
function data(): DirectoryData {
  const groups = [
    group('KCD Operators'),
    group('Tier', [dn('KCD Operators')]),
    group('Team A', [dn('Tier')]),
    group('Sales'),
    group('Loop1', [dn('Loop2')]),
    group('Loop2', [dn('Loop1')]),
  ];
  const users = [
    user('alice', [dn('Team A')]),
    user('bob', [dn('Sales')]),
    user('carol', [dn('Loop1')]),
    user('dave', [dn('Team A')], { userAccountControl: 0x202 }), // disabled
    user('erin', [dn('KCD Operators')], { userPrincipalName: 'erin.other@contoso.com' }),
  ];
  return { source: { kind: 'snapshot', label: 'test', takenAt: new Date(0).toISOString() }, domains: ['contoso.com'], computers: [], users, groups, spnAccounts: [], spnMappings: [] };
}

/** A directory over DirectoryData that records what findUser was asked, and can be "down". */
class FakeDirectory implements Directory {
  asked: string[] = [];
  down = false;
  constructor(public current: DirectoryData = data()) {}
  describe() {
    return { kind: 'ldap' as const, label: 'ldaps://dc1.contoso.com' };
  }
  snapshot(): Promise<DirectorySnapshot> {
    if (this.down) return Promise.reject(new DirectoryUnavailableError('ldaps://dc1.contoso.com', 'connection refused', 'Check the DC.'));
    return Promise.resolve(createSnapshot(this.current));
  }
  findUser(name: string): Promise<User | undefined> {
    this.asked.push(name);
    if (this.down) return Promise.reject(new DirectoryUnavailableError('ldaps://dc1.contoso.com', 'connection refused', 'Check the DC.'));
    const key = name.toLowerCase();
    return Promise.resolve(this.current.users.find((u) => u.samAccountName.toLowerCase() === key || u.userPrincipalName?.toLowerCase() === key));
  }
  async close() {}
}

describe('allowedGroupOf (pure)', () => {
  const snapshot = createSnapshot(data());
  const users = data().users;
  const alice = users[0]!;

  test('nested membership, by name or by DN (case and spacing ignored)', () => {
    expect(allowedGroupOf(snapshot, alice, ['kcd operators'])?.name).toBe('KCD Operators');
    expect(allowedGroupOf(snapshot, alice, [`cn=KCD Operators, ou=groups, dc=contoso, dc=com`])?.name).toBe('KCD Operators');
    expect(allowedGroupOf(snapshot, alice, ['Team A', 'KCD Operators'])?.name).toBe('Team A'); // the nearest
  });

  test('not a member, unknown groups and cycles', () => {
    expect(allowedGroupOf(snapshot, users[1]!, ['KCD Operators'])).toBeUndefined();
    expect(allowedGroupOf(snapshot, alice, ['No Such Group', dn('No Such Group')])).toBeUndefined();
    expect(allowedGroupOf(snapshot, users[2]!, ['KCD Operators'])).toBeUndefined(); // a cycle ends
    expect(allowedGroupOf(snapshot, users[2]!, ['Loop2'])?.name).toBe('Loop2');
    // A user's own DN or name is not a group.
    expect(allowedGroupOf(snapshot, alice, ['alice', alice.distinguishedName])).toBeUndefined();
  });
});

describe('GroupMembership', () => {
  test('member through nested groups; outsiders, disabled accounts and sAMAccountName-only matches refused', async () => {
    const m = new GroupMembership({ directory: new FakeDirectory(), groups: ['KCD Operators'] });
    expect(await m.check('alice@contoso.com')).toEqual({ member: true, group: 'KCD Operators' });
    expect(await m.check('ALICE@Contoso.com')).toEqual({ member: true, group: 'KCD Operators' });
    expect((await m.check('bob@contoso.com')).member).toBe(false);
    expect(await m.check('dave@contoso.com')).toMatchObject({ member: false, detail: expect.stringContaining('disabled') as unknown });
    // "erin" is a sAMAccountName; the UPN Teams reports must match the account's UPN.
    expect((await m.check('erin')).member).toBe(false);
    expect((await m.check('nobody@contoso.com')).member).toBe(false);
    expect((await m.check(undefined)).member).toBe(false);
  });

  test('hostile UPNs: never allowed; implausible ones never reach the directory, the others reach it verbatim', async () => {
    const directory = new FakeDirectory();
    const m = new GroupMembership({ directory, groups: ['KCD Operators'] });
    const hostile = [
      '*',
      '*@*',
      '*@contoso.com',
      'alice*@contoso.com',
      '*)(objectClass=*)@contoso.com',
      'alice@contoso.com)(|(userPrincipalName=*',
      'alice@contoso.com\u0000',
      'alice\u0000@contoso.com',
      'x\\2a@contoso.com',
      '(&)',
      'alice@contoso.com alice@contoso.com',
      `${'a'.repeat(2000)}@contoso.com`,
      'CN=alice,OU=People,DC=contoso,DC=com',
      '',
      '   ',
    ];
    for (const s of hostile) expect({ s, result: (await m.check(s)).member }).toEqual({ s, result: false });
    // Control characters, spaces, no "@", or too long: refused before any lookup.
    for (const asked of directory.asked) {
      expect(hostile.map((h) => h.trim())).toContain(asked);
      // eslint-disable-next-line no-control-regex -- no control character may reach the directory
      expect(asked).toMatch(/^[^@\s\u0000-\u001f]+@[^@\s\u0000-\u001f]+$/);
    }
    expect(directory.asked.length).toBeGreaterThan(3);
    expect(directory.asked.length).toBeLessThan(hostile.length);
  });

  test('definite answers are cached per user for the TTL; a removal takes effect after it', async () => {
    let now = 0;
    const directory = new FakeDirectory();
    const m = new GroupMembership({ directory, groups: ['KCD Operators'], ttlMs: 60_000, now: () => now });
    expect((await m.check('alice@contoso.com')).member).toBe(true);
    expect((await m.check('alice@contoso.com')).member).toBe(true);
    expect(directory.asked).toHaveLength(1);
    // Removed from Team A in AD.
    directory.current = { ...data(), users: data().users.map((u) => (u.samAccountName === 'alice' ? { ...u, memberOf: [] } : u)) };
    now = 59_000;
    expect((await m.check('alice@contoso.com')).member).toBe(true);
    now = 60_001;
    expect((await m.check('alice@contoso.com')).member).toBe(false);
    expect(directory.asked).toHaveLength(2);
  });

  test('the cache is bounded (least recently used out)', async () => {
    const many = data();
    for (let i = 0; i < 50; i++) many.users.push(user(`u${i}`, [dn('Team A')]));
    const m = new GroupMembership({ directory: new FakeDirectory(many), groups: ['KCD Operators'], maxEntries: 10 });
    for (let i = 0; i < 50; i++) expect((await m.check(`u${i}@contoso.com`)).member).toBe(true);
    expect(m.size).toBe(10);
  });

  test('fail closed: directory down → "unknown" (not cached); recovers when the directory is back', async () => {
    const directory = new FakeDirectory();
    const m = new GroupMembership({ directory, groups: ['KCD Operators'] });
    directory.down = true;
    const result = await m.check('alice@contoso.com');
    expect(result.member).toBe('unknown');
    expect(result).toMatchObject({ detail: expect.stringContaining('could not be checked') as unknown });
    expect(m.size).toBe(0);
    directory.down = false;
    expect((await m.check('alice@contoso.com')).member).toBe(true);
  });
});

describe('the bot with KCD_ALLOWED_GROUPS', () => {
  const from = (id: string) => ({ id: `29:${id}`, name: id, aadObjectId: `00000000-0000-0000-0000-${id.padStart(12, '0')}` });
  const ALLOWED = "can't help you here";

  test('member of a nested group answered; others refused with the refusal card', async () => {
    const groupMembership = new GroupMembership({ directory: new FakeDirectory(), groups: ['KCD Operators'] });
    const alice = conversation({ groupMembership, asker: { upn: 'alice@contoso.com' }, from: from('a1') });
    expect(cardText(await alice.say('help'))).not.toContain(ALLOWED);
    const bob = conversation({ groupMembership, asker: { upn: 'bob@contoso.com' }, from: from('b2') });
    const replies = messages(await bob.say('can gogo-3 migrate to gogo-4?'));
    expect(replies).toHaveLength(1);
    expect(cardText(replies)).toContain(ALLOWED);
    expect(cardText(replies)).not.toContain('KCD0');
    // Teams could not say who it is: refused.
    const anonymous = conversation({ groupMembership, asker: { problem: 'Teams did not return your user principal name' }, from: from('c3') });
    expect(cardText(await anonymous.say('help'))).toContain(ALLOWED);
  });

  test('users OR groups: a listed user is answered without a group; directory down refuses the rest with "could not check"', async () => {
    const directory = new FakeDirectory();
    const groupMembership = new GroupMembership({ directory, groups: ['KCD Operators'] });
    const access = { tenants: [], users: ['bob@contoso.com'] };
    const bob = conversation({ access, groupMembership, asker: { upn: 'bob@contoso.com' }, from: from('b2') });
    expect(cardText(await bob.say('help'))).not.toContain(ALLOWED);
    directory.down = true;
    expect(cardText(await bob.say('help'))).not.toContain(ALLOWED); // listed: no directory needed
    const alice = conversation({ access, groupMembership, asker: { upn: 'alice@contoso.com' }, from: from('a1') });
    const text = cardText(messages(await alice.say('help')));
    expect(text).toContain("can't check your access right now");
    expect(text).toContain('could not check your group membership');
    expect(text).not.toContain(ALLOWED);
    directory.down = false;
    expect(cardText(await alice.say('help'))).not.toContain("can't check your access");
  });

  test('config: KCD_ALLOWED_GROUPS takes names and DNs (semicolons), names with commas; rejects junk', () => {
    const noFile = () => {
      throw new Error('no file');
    };
    expect(readConfig({ KCD_ALLOWED_GROUPS: 'Hyper-V Operators;CN=KCD Users,OU=Groups,DC=contoso,DC=com' }, noFile).bot.allowedGroups).toEqual([
      'Hyper-V Operators',
      'CN=KCD Users,OU=Groups,DC=contoso,DC=com',
    ]);
    expect(readConfig({ KCD_ALLOWED_GROUPS: 'Hyper-V Operators, KCD Users' }, noFile).bot.allowedGroups).toEqual(['Hyper-V Operators', 'KCD Users']);
    expect(readConfig({}, noFile).bot.allowedGroups).toEqual([]);
    expect(() => readConfig({ KCD_ALLOWED_GROUPS: 'CN=x,garbage' }, noFile)).toThrow(/KCD_ALLOWED_GROUPS/);
    expect(() => readConfig({ KCD_ALLOWED_GROUPS: 'a\u0000b' }, noFile)).toThrow(/KCD_ALLOWED_GROUPS/);
  });
});
