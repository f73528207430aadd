/**
 * The group allow-list (KCD_ALLOWED_GROUPS) against the real Samba DC: a user in a group nested two levels
 * below the allowed group is answered, a user outside it is refused, hostile UPNs never widen the lookup, and
 * an unreachable DC refuses with "could not check" (fail closed). Through the bot and the LDAP adapter.
 */
import { GroupMembership } from '../../src/bot/group-membership';
import { LdapDirectory } from '../../src/directory/ldap-directory';
import { groupEntry, LAB_BASE_DN, labFacts, loadEntries, uniqueName, userEntry } from '../ad-lab/lab';
import { labLdapOptions } from '../support/scenario-lab';
import { cardText, conversation, messages } from './conversation';

jest.setTimeout(180_000);

const facts = labFacts();
const OUTER = uniqueName('GALO'); // the allowed group
const MIDDLE = uniqueName('GALM');
const INNER = uniqueName('GALI');
const OTHER = uniqueName('GALX');
const MEMBER = uniqueName('galin');
const DIRECT = uniqueName('galdi');
const OUTSIDER = uniqueName('galout');
const groupDn = (name: string) => `CN=${name},CN=Users,${LAB_BASE_DN}`;
const userDn = (name: string) => `CN=${name},CN=Users,${LAB_BASE_DN}`;
const upn = (name: string) => `${name}@lab.test`;
const REFUSED = "can't help you here";

const opened: Array<{ close(): Promise<void> }> = [];
function ldap(overrides: Parameters<typeof labLdapOptions>[1] = {}): LdapDirectory {
  const d = new LdapDirectory(labLdapOptions(facts, { timeoutMs: 3_000, warn: () => undefined, ...overrides }));
  opened.push(d);
  return d;
}

beforeAll(async () => {
  // Members are written on the group (member); the DC maintains memberOf, which the snapshot reads.
  await loadEntries(facts, [
    userEntry({ name: MEMBER, upn: upn(MEMBER) }),
    userEntry({ name: DIRECT, upn: upn(DIRECT) }),
    userEntry({ name: OUTSIDER, upn: upn(OUTSIDER) }),
    groupEntry({ name: INNER, members: [userDn(MEMBER)] }),
    groupEntry({ name: MIDDLE, members: [groupDn(INNER)] }),
    groupEntry({ name: OUTER, members: [groupDn(MIDDLE), userDn(DIRECT)] }),
    groupEntry({ name: OTHER, members: [userDn(OUTSIDER)] }),
  ]);
});

afterAll(async () => {
  await Promise.all(opened.map((d) => d.close().catch(() => undefined)));
});

test('nested member answered, direct member answered, outsider refused (by group name and by DN)', async () => {
  for (const allowed of [[OUTER], [groupDn(OUTER).toLowerCase()]]) {
    const groupMembership = new GroupMembership({ directory: ldap(), groups: allowed });
    expect(await groupMembership.check(upn(MEMBER))).toEqual({ member: true, group: OUTER });
    expect(await groupMembership.check(upn(DIRECT))).toEqual({ member: true, group: OUTER });
    expect((await groupMembership.check(upn(OUTSIDER))).member).toBe(false);

    const member = conversation({ directory: ldap(), groupMembership, asker: { upn: upn(MEMBER) }, from: { id: '29:m', name: 'M', aadObjectId: 'm' } });
    const answered = messages(await member.say('help'));
    expect(answered).toHaveLength(1);
    expect(cardText(answered)).not.toContain(REFUSED);
    const outsider = conversation({ directory: ldap(), groupMembership, asker: { upn: upn(OUTSIDER) }, from: { id: '29:o', name: 'O', aadObjectId: 'o' } });
    const refused = messages(await outsider.say('scan'));
    expect(refused).toHaveLength(1);
    expect(cardText(refused)).toContain(REFUSED);
  }
  // The test can fail: the outsider is allowed when its own group is on the list.
  expect((await new GroupMembership({ directory: ldap(), groups: [OTHER] }).check(upn(OUTSIDER))).member).toBe(true);
});

test('hostile UPNs: never a member, never "could not check" (the lookup is escaped, not broken)', async () => {
  const groupMembership = new GroupMembership({ directory: ldap(), groups: [OUTER] });
  const hostile = [
    '*@lab.test',
    '*@*',
    `${MEMBER.slice(0, 4)}*@lab.test`,
    `${upn(MEMBER)})(objectClass=*`,
    `*)(userPrincipalName=${upn(MEMBER)}`,
    `x)(|(userPrincipalName=*))(cn=x@lab.test`,
    `${MEMBER}\\2a@lab.test`,
    `${upn(MEMBER)}\u0000`,
    `${MEMBER}\u0000@lab.test`,
    '\\@lab.test',
    '(&)@lab.test',
    '*',
    MEMBER, // a sAMAccountName is not a UPN
    userDn(MEMBER),
  ];
  for (const s of hostile) {
    const result = await groupMembership.check(s);
    expect({ s, member: result.member }).toEqual({ s, member: false });
  }
  // The literal UPN still works through the same object.
  expect((await groupMembership.check(upn(MEMBER))).member).toBe(true);
});

test('DC unreachable: fail closed with the "could not check" card; a listed user is still answered', async () => {
  const unreachable = ldap({ url: 'ldaps://127.0.0.1:1' });
  const groupMembership = new GroupMembership({ directory: unreachable, groups: [OUTER] });
  const result = await groupMembership.check(upn(MEMBER));
  expect(result.member).toBe('unknown');
  const member = conversation({ groupMembership, asker: { upn: upn(MEMBER) }, from: { id: '29:m', name: 'M', aadObjectId: 'm' } });
  const text = cardText(messages(await member.say('help')));
  expect(text).toContain("can't check your access right now");
  expect(text).not.toContain(REFUSED);
  const listed = conversation({
    groupMembership,
    access: { tenants: [], users: [upn(MEMBER)] },
    asker: { upn: upn(MEMBER) },
    from: { id: '29:m', name: 'M', aadObjectId: 'm' },
  });
  expect(cardText(await listed.say('help'))).not.toContain("can't check your access");
});
