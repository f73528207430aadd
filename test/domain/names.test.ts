import { InputError, UnknownHostError, UnknownHostsError, UnknownUserError } from '../../src/domain/errors';
import type { DirectoryData } from '../../src/domain/model';
import { displayable, findHost, hostNameProblem, normaliseName, notAHostName, resolveHost, resolveHosts, resolveUserIn, suggest } from '../../src/domain/names';
import { createSnapshot } from '../../src/domain/snapshot';
import { demoData } from '../../src/directory/demo-directory';
import { fleetData } from '../summary/fleet';

const snapshot = createSnapshot(demoData());

describe('host names', () => {
  test.each(['GOGO-3', 'gogo-3', 'GOGO-3$', 'gogo-3$', 'gogo-3.contoso.com', 'GoGo-3.Contoso.Com', '  gogo-3  '])(
    '%s resolves to GOGO-3',
    (input) => {
      expect(resolveHost(snapshot, input).name).toBe('GOGO-3');
    },
  );

  test('an unknown name is an input error with up to three suggestions', () => {
    let error: unknown;
    try {
      resolveHost(snapshot, 'gogo3');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnknownHostError);
    const e = error as UnknownHostError;
    expect(e.exitCode).toBe(2);
    expect(e.suggestions[0]).toBe('GOGO-3');
    expect(e.suggestions.length).toBeLessThanOrEqual(3);
  });

  test('a misspelling is matched: gogo-33 suggests GOGO-3', () => {
    expect(suggest('gogo-33', ['GOGO-2', 'GOGO-3', 'FHOST1'])).toContain('GOGO-3');
  });

  test.each(['*)(objectClass=*', 'gogo-3)(|(cn=*', '*', 'Jürgen', 'x'.repeat(300), 'gogo-3\u0000', ''])(
    'hostile or odd input %j is refused as input, never resolved to another host',
    (input) => {
      // An unknown name gets "did you mean" (UnknownHostError); one too long to be a host name is refused as such.
      expect(() => resolveHost(snapshot, input)).toThrow(input.length > 253 ? /cannot be a host name/ : UnknownHostError);
    },
  );

  test('a label longer than 63 characters cannot be a host name; a long valid FQDN is only unknown', () => {
    expect(() => resolveHost(snapshot, `${'b'.repeat(64)}.contoso.com`)).toThrow(/cannot be a host name \(a part of 64 characters/);
    expect(() => resolveHost(snapshot, `${'b'.repeat(63)}.contoso.com`)).toThrow(UnknownHostError);
  });

  test('messages never echo control characters or unbounded input', () => {
    try {
      resolveHost(snapshot, `evil\u0007${'y'.repeat(500)}`);
    } catch (e) {
      expect((e as Error).message).not.toContain('\u0007');
      expect((e as Error).message.length).toBeLessThan(300);
    }
  });
});

/** A small estate of our own: Hyper-V hosts (fleetData gives them the migration SPNs) and plain servers. */
function estate(hyperV: string[], others: string[], more: (data: DirectoryData) => void = () => {}) {
  const data = fleetData([...hyperV, ...others].map((name) => ({ name, ou: name })));
  for (const c of data.computers) if (others.includes(c.name)) c.servicePrincipalNames = [`HOST/${c.name}`];
  more(data);
  return createSnapshot(data);
}

const thrown = (act: () => unknown): unknown => {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
};

describe('suggest', () => {
  test('the same letters and digits rank above a close name; close names by score', () => {
    expect(suggest('gogo3', ['GOGO-33', 'GOGO-2', 'GOGO_3'])).toEqual(['GOGO_3', 'GOGO-33', 'GOGO-2']);
    // An FQDN is compared by its first label.
    expect(suggest('gogo3', ['GOGO-33', 'gogo-3.contoso.com'])).toEqual(['gogo-3.contoso.com', 'GOGO-33']);
  });

  test('names only as close as 0.82 (Jaro-Winkler on letters and digits) are offered', () => {
    expect(suggest('abcdef', ['bbcde'])).toEqual(['bbcde']); // 0.822
    expect(suggest('abcde', ['abcxy'])).toEqual([]); // 0.813
    expect(suggest('gogo3', ['FHOST1', 'MGMT1'])).toEqual([]);
  });

  test('equal scores in name order, whatever order the directory lists them', () => {
    expect(suggest('zeta', ['zeta.contoso.com', 'ZETA', 'Zeta', 'zeta'], 4)).toEqual(['zeta', 'Zeta', 'ZETA', 'zeta.contoso.com']);
  });

  test('at most three by default, or as many as asked', () => {
    const names = ['HV1', 'HV2', 'HV3', 'HV4'];
    expect(suggest('hv0', names)).toEqual(['HV1', 'HV2', 'HV3']);
    expect(suggest('hv0', names, 1)).toEqual(['HV1']);
    expect(suggest('hv0', names, 0)).toEqual([]);
  });

  test('input with no letters or digits suggests nothing, not the names that have none either', () => {
    expect(suggest('***', ['***', '---', 'GOGO-3'])).toEqual([]);
    expect(suggest('', ['', 'GOGO-3'])).toEqual([]);
  });

  test('only the first 255 characters of the input are compared (a long paste costs no more)', () => {
    const a255 = 'a'.repeat(255);
    const a300 = 'a'.repeat(300);
    expect(suggest(a300, [a300, a255])).toEqual([a255, a300]);
  });
});

describe('normaliseName and findHost', () => {
  test('normaliseName trims, lower-cases and drops one trailing $', () => {
    expect(normaliseName('  GOGO-3$ ')).toBe('gogo-3');
    expect(normaliseName('GO$GO$$')).toBe('go$go$');
  });

  test('an FQDN typed with a $ still finds its computer', () => {
    const snapshot = estate(['GOGO-3'], []);
    expect(findHost(snapshot, 'GoGo-3.contoso.com$')?.name).toBe('GOGO-3');
    expect(findHost(snapshot, ' GOGO-3$')?.name).toBe('GOGO-3');
    expect(findHost(snapshot, 'gogo-4')).toBeUndefined();
  });

  test('names longer than 255 characters are not looked up at all', () => {
    const label = 'h'.repeat(63);
    const long = (length: number) => `${[label, label, label].join('.')}.${'d'.repeat(length - 3 * 64)}`;
    const snapshot = estate(['HV1', 'HV2'], [], (data) => {
      data.computers[0]!.dnsHostName = long(255);
      data.computers[1]!.dnsHostName = long(256).replace(/^h/, 'k');
    });
    expect(long(255)).toHaveLength(255);
    expect(findHost(snapshot, long(255))?.name).toBe('HV1');
    expect(findHost(snapshot, long(256).replace(/^h/, 'k'))).toBeUndefined();
  });
});

describe('hostNameProblem and notAHostName', () => {
  const labels = (total: number) => Array.from({ length: Math.ceil(total / 51) }, () => 'x'.repeat(50)).join('.').slice(0, total);

  test('253 characters is a host name, 254 is not; one trailing $ and outer spaces are not counted', () => {
    expect(labels(253)).toHaveLength(253);
    expect(hostNameProblem(labels(253))).toBeUndefined();
    expect(hostNameProblem(`  ${labels(253)}$ `)).toBeUndefined();
    expect(hostNameProblem(`${labels(253)}y`)).toBe('254 characters; a host name has at most 253');
    // Only a final $ is dropped: one inside the name counts.
    expect(hostNameProblem(`${labels(200)}$${labels(53)}`)).toBe('254 characters; a host name has at most 253');
  });

  test('a part of 63 characters is allowed, 64 is not (said with its length)', () => {
    expect(hostNameProblem(`${'p'.repeat(63)}$`)).toBeUndefined();
    expect(hostNameProblem(`ok.${'p'.repeat(64)}.${'q'.repeat(70)}.com`)).toBe('a part of 64 characters; each part of a host name has at most 63');
  });

  test('the answer shows at most 60 characters of the name, made displayable, and says how to name a computer', () => {
    const exactly60 = notAHostName('n'.repeat(60), 'why');
    expect(exactly60).toBeInstanceOf(InputError);
    expect(exactly60.message).toBe(`"${'n'.repeat(60)}" cannot be a host name (why).`);
    expect(exactly60.remediation).toBe('Give the computer name (GOGO-3), its DNS name (gogo-3.contoso.com) or its account name (GOGO-3$).');
    expect(notAHostName(`\u0007${'n'.repeat(60)}`, 'why').message).toBe(`"?${'n'.repeat(59)}…" cannot be a host name (why).`);
  });
});

describe('resolveHost and resolveHosts', () => {
  test('suggestions name Hyper-V hosts first, then other computers, three in all, none twice', () => {
    const snapshot = estate(['GOGO-3'], ['GOGO_3', 'GOGO-33', 'GOGO-31', 'GOGO-32']);
    // (GOGO-3 is the only Hyper-V host here.)
    const error = thrown(() => resolveHost(snapshot, 'gogo3x')) as UnknownHostError;
    expect(error).toBeInstanceOf(UnknownHostError);
    expect(error.suggestions).toEqual(['GOGO-3', 'GOGO_3', 'GOGO-31']);
    // GOGO-32 is a closer name than the Hyper-V host GOGO-3, but not a Hyper-V host.
    expect((thrown(() => resolveHost(snapshot, 'gogo32x')) as UnknownHostError).suggestions).toEqual(['GOGO-3', 'GOGO-32', 'GOGO_3']);
  });

  test('three Hyper-V suggestions leave no room for others', () => {
    const snapshot = estate(['HV10', 'HV11', 'HV12'], ['HV1X']);
    expect((thrown(() => resolveHost(snapshot, 'hv1')) as UnknownHostError).suggestions).toEqual(['HV10', 'HV11', 'HV12']);
  });

  test('the unknown name is echoed displayable', () => {
    const error = thrown(() => resolveHost(estate(['HV1'], []), 'hv\u00079')) as UnknownHostError;
    expect(error.hostName).toBe('hv?9');
  });

  test('every name found is returned in the order given', () => {
    const snapshot = estate(['HV1', 'HV2'], ['FS1']);
    expect(resolveHosts(snapshot, ['fs1', 'HV2$', 'hv1.contoso.com']).map((c) => c.name)).toEqual(['FS1', 'HV2', 'HV1']);
    expect(resolveHosts(snapshot, [])).toEqual([]);
  });

  test('one unknown name is that name\'s error; several are one error naming them all', () => {
    const snapshot = estate(['HV1', 'HV2'], []);
    const one = thrown(() => resolveHosts(snapshot, ['HV1', 'HV9']));
    expect(one).toBeInstanceOf(UnknownHostError);
    expect(one).not.toBeInstanceOf(UnknownHostsError);
    expect((one as UnknownHostError).hostName).toBe('HV9');
    const several = thrown(() => resolveHosts(snapshot, ['HV8', 'HV1', 'HV9'])) as UnknownHostsError;
    expect(several).toBeInstanceOf(UnknownHostsError);
    expect(several.unknown.map((e) => e.hostName)).toEqual(['HV8', 'HV9']);
    expect(several.message.split('\n')).toHaveLength(2);
  });

  test('a name that cannot be a host name is refused as such, not gathered among the unknown', () => {
    const snapshot = estate(['HV1'], []);
    const error = thrown(() => resolveHosts(snapshot, ['HV9', 'x'.repeat(254)]));
    expect(error).toBeInstanceOf(InputError);
    expect(error).not.toBeInstanceOf(UnknownHostError);
    expect((error as Error).message).toMatch(/cannot be a host name \(254 characters/);
  });
});

describe('resolveUserIn', () => {
  const snapshot = estate(['HV1'], [], (data) => {
    data.users.push(
      { samAccountName: 'alice', userPrincipalName: 'alice@contoso.com', distinguishedName: 'CN=Alice,CN=Users,DC=contoso,DC=com', domain: 'contoso.com', userAccountControl: 0x200, memberOf: [] },
      { samAccountName: 'alicia', distinguishedName: 'CN=Alicia,CN=Users,DC=contoso,DC=com', domain: 'contoso.com', userAccountControl: 0x200, memberOf: [] },
    );
  });

  test.each([255, 256, 1024])('a UPN of %i characters is looked up (AD allows 1,024)', (length) => {
    const upn = `${'u'.repeat(length - 12)}@contoso.com`;
    const withLong = estate(['HV1'], [], (data) => {
      data.users.push({ samAccountName: 'long', userPrincipalName: upn, distinguishedName: 'CN=long,DC=contoso,DC=com', domain: 'contoso.com', userAccountControl: 0x200, memberOf: [] });
    });
    expect(upn).toHaveLength(length);
    expect(resolveUserIn(withLong, ` ${upn.toUpperCase()}`).samAccountName).toBe('long');
    expect(() => resolveUserIn(withLong, `${upn}u`)).toThrow(UnknownUserError);
  });

  test('by sAMAccountName or UPN, in any case, spaces around ignored', () => {
    expect(resolveUserIn(snapshot, ' ALICE ').samAccountName).toBe('alice');
    expect(resolveUserIn(snapshot, 'Alice@Contoso.com').samAccountName).toBe('alice');
  });

  test('an unknown user is an input error with suggestions from the account names, echoed displayable', () => {
    const error = thrown(() => resolveUserIn(snapshot, 'alic\u0000')) as UnknownUserError;
    expect(error).toBeInstanceOf(UnknownUserError);
    expect(error.userName).toBe('alic?');
    expect(error.suggestions).toEqual(['alice', 'alicia']);
  });
});

describe('displayable', () => {
  test('control characters (C0 and DEL) become ?, everything else is kept', () => {
    expect(displayable('a\u0000b\u001fc\u007fd e\u00e9')).toBe('a?b?c?d e\u00e9');
  });

  test('80 characters are shown whole; longer is cut to 77 and ...', () => {
    expect(displayable('z'.repeat(80))).toBe('z'.repeat(80));
    expect(displayable('z'.repeat(81))).toBe(`${'z'.repeat(77)}...`);
  });
});
