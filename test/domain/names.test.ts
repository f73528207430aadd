import { UnknownHostError } from '../../src/domain/errors';
import { resolveHost, suggest } from '../../src/domain/names';
import { createSnapshot } from '../../src/domain/snapshot';
import { demoData } from '../../src/directory/demo-directory';

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
