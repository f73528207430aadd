/**
 * What the writer decides before and without a DC: its settings, its refusals of a plan it will not write, and
 * a DC it cannot reach (a closed port on loopback). Writing to AD: ldap-writer.dc.test.ts.
 */
import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { LdapDirectoryWriter, type LdapWriterOptions } from '../../src/apply/ldap-writer';
import type { FixPlan, PlanObject } from '../../src/apply/types';
import { ConfigError } from '../../src/domain/errors';
import { matching } from '../support/typed-matchers';

const PASSWORD = 'Wr1te-s3cret!';

function options(overrides: Partial<LdapWriterOptions> = {}): LdapWriterOptions {
  return { url: 'ldaps://127.0.0.1:1', bindDN: 'CN=kcd-writer,CN=Users,DC=contoso,DC=com', bindPassword: PASSWORD, timeoutMs: 2_000, ...overrides };
}

function object(n: number, extra: Partial<PlanObject> = {}): PlanObject {
  return {
    dn: `CN=HV${n},DC=contoso,DC=com`,
    name: `HV${n}$`,
    kind: 'computer',
    basis: { allowedToDelegateTo: [], userAccountControl: 4096, supportedEncryptionTypes: null },
    changes: [{ attribute: 'msDS-AllowedToDelegateTo', add: [`cifs/HV${n + 1}`], remove: [] }],
    rules: ['KCD002'],
    ...extra,
  };
}

function plan(objects: PlanObject[]): FixPlan {
  return {
    id: 'p1',
    question: { kind: 'host', host: 'HV1', storage: false },
    directory: 'ldaps://127.0.0.1:1',
    takenAt: '2026-12-07T06:00:00.000Z',
    createdAt: '2026-12-07T06:00:00.000Z',
    objects,
    refused: [],
    instructions: [],
  };
}

/** A port on loopback that nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('LdapDirectoryWriter settings', () => {
  it('refuses plain ldap:// without StartTLS, an empty account, a rate that is not positive', () => {
    let error: unknown;
    try {
      new LdapDirectoryWriter(options({ url: 'ldap://dc1.contoso.com', bindDN: ' ', bindPassword: '', writesPerSecond: 0 }));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = (error as ConfigError).problems.join('\n');
    expect(text).toMatch(/without StartTLS/);
    expect(text).toMatch(/KCD_WRITE_BIND_DN is empty/);
    expect(text).toMatch(/password .*is empty/);
    expect(text).toMatch(/writesPerSecond/);
  });

  it('describes itself by its URL and never shows the password', () => {
    const writer = new LdapDirectoryWriter(options());
    expect(writer.describe()).toBe('ldaps://127.0.0.1:1');
    expect(JSON.parse(JSON.stringify(writer))).toEqual({ kind: 'ldap-writer', url: 'ldaps://127.0.0.1:1', bindDN: options().bindDN, writesPerSecond: 5 });
    expect(inspect(writer, { depth: 5 })).not.toContain(PASSWORD);
  });
});

describe('LdapDirectoryWriter.apply without a DC', () => {
  it('refuses a plan of more than 50 objects before connecting', async () => {
    const outcome = await new LdapDirectoryWriter(options()).apply(plan(Array.from({ length: 51 }, (_, i) => object(i))));
    expect(outcome).toMatchObject({ status: 'failed', cause: 'other', detail: 'the plan has 51 objects; at most 50 are written in one plan' });
    if (outcome.status === 'failed') expect(outcome.objects.every((o) => o.status === 'not-written')).toBe(true);
  });

  it.each([
    ['an object listed twice', [object(1), object(1)], /lists CN=HV1,DC=contoso,DC=com twice/],
    ['an object without changes', [object(1, { changes: [] })], /changes nothing/],
    [
      'a plan that contradicts its basis',
      [object(1, { changes: [{ attribute: 'userAccountControl', before: 4098, after: 16781312 }] })],
      /contradicts itself on CN=HV1,DC=contoso,DC=com: userAccountControl/,
    ],
  ])('refuses %s before connecting', async (_what, objects, detail) => {
    const outcome = await new LdapDirectoryWriter(options()).apply(plan(objects));
    expect(outcome).toMatchObject({ status: 'failed', cause: 'other', detail: matching(detail), failedDn: 'CN=HV1,DC=contoso,DC=com' });
  });

  it('answers unreachable when nothing listens, without throwing and without the password', async () => {
    const port = await closedPort();
    const outcome = await new LdapDirectoryWriter(options({ url: `ldaps://127.0.0.1:${port}` })).apply(plan([object(1)]));
    expect(outcome).toEqual({
      status: 'failed',
      cause: 'unreachable',
      detail: matching(new RegExp(`^connecting to ldaps://127.0.0.1:${port}: .*ECONNREFUSED`)),
      objects: [{ dn: 'CN=HV1,DC=contoso,DC=com', status: 'not-written', before: {}, after: {} }],
    });
    expect(JSON.stringify(outcome)).not.toContain(PASSWORD);
  });
});
