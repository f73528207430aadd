/**
 * The typed errors every front end turns into a card or a CLI message (src/domain/errors.ts): each has a code,
 * an exit code, its own name and a remediation line, and says what the person gave.
 */
import {
  ConfigError,
  DirectoryUnavailableError,
  InputError,
  KcdError,
  SnapshotFileError,
  UnknownHostError,
  UnknownHostsError,
  UnknownUserError,
} from '../../src/domain/errors';

describe('typed errors', () => {
  test('input and configuration errors exit with 2, an unreadable directory with 3; each is named after its class', () => {
    const errors: KcdError[] = [
      new InputError('bad', 'fix it'),
      new UnknownHostError('HV9', []),
      new UnknownHostsError([new UnknownHostError('HV8', []), new UnknownHostError('HV9', [])]),
      new UnknownUserError('bob', []),
      new DirectoryUnavailableError('ldaps://dc1.contoso.com', 'ECONNREFUSED', 'Check the DC.'),
      new SnapshotFileError('x.json', 'not JSON'),
      new ConfigError(['KCD_X is missing']),
    ];
    expect(errors.map((e) => [e.name, e.code, e.exitCode])).toEqual([
      ['InputError', 'input', 2],
      ['UnknownHostError', 'unknown-host', 2],
      ['UnknownHostsError', 'unknown-host', 2],
      ['UnknownUserError', 'unknown-user', 2],
      ['DirectoryUnavailableError', 'directory-unavailable', 3],
      ['SnapshotFileError', 'snapshot-file', 2],
      ['ConfigError', 'config', 2],
    ]);
    for (const e of errors) {
      expect(e).toBeInstanceOf(Error);
      expect(e.remediation.length).toBeGreaterThan(0);
    }
    expect(errors.filter((e) => e instanceof InputError).map((e) => e.name)).toEqual([
      'InputError', 'UnknownHostError', 'UnknownHostsError', 'UnknownUserError', 'SnapshotFileError',
    ]);
  });

  test('an unknown host: "did you mean" only when there is something to suggest', () => {
    const withSuggestions = new UnknownHostError('gogo3', ['GOGO-3', 'GOGO-33']);
    expect(withSuggestions.message).toBe('No computer named "gogo3" in the directory. Did you mean GOGO-3, GOGO-33?');
    expect(withSuggestions.remediation).toBe(
      'Use the NetBIOS name (GOGO-3), the sAMAccountName (GOGO-3$) or the FQDN (gogo-3.contoso.com) of a computer account.',
    );
    expect(new UnknownHostError('zzz', []).message).toBe('No computer named "zzz" in the directory.');
  });

  test('several unknown hosts: one line each, the first one\'s remediation', () => {
    const e = new UnknownHostsError([new UnknownHostError('HV8', ['HV1']), new UnknownHostError('HV9', [])]);
    expect(e.message).toBe('No computer named "HV8" in the directory. Did you mean HV1?\nNo computer named "HV9" in the directory.');
    expect(e.remediation).toBe(new UnknownHostError('HV8', []).remediation);
    expect(new UnknownHostsError([]).remediation).toBe('');
  });

  test('an unknown user', () => {
    expect(new UnknownUserError('alic', ['alice', 'alicia']).message).toBe('No user "alic" in the directory. Did you mean alice, alicia?');
    expect(new UnknownUserError('zed', []).message).toBe('No user "zed" in the directory.');
    expect(new UnknownUserError('zed', []).remediation).toMatch(/^Give the sAMAccountName \(alice\) or the UPN/);
  });

  test('the directory, a snapshot file and the configuration say where and what', () => {
    const down = new DirectoryUnavailableError('ldaps://dc1.contoso.com', 'ECONNREFUSED', 'Check that the DC listens on 636.');
    expect([down.message, down.remediation, down.url, down.reason]).toEqual([
      'Cannot read the directory at ldaps://dc1.contoso.com: ECONNREFUSED',
      'Check that the DC listens on 636.',
      'ldaps://dc1.contoso.com',
      'ECONNREFUSED',
    ]);
    expect(new SnapshotFileError('x.json', 'not JSON').message).toBe('Cannot use snapshot file x.json: not JSON');
    const config = new ConfigError(['KCD_A is missing', 'KCD_B is not a URL']);
    expect(config.message).toBe('Configuration problems:\n  - KCD_A is missing\n  - KCD_B is not a URL');
    expect(config.problems).toEqual(['KCD_A is missing', 'KCD_B is not a URL']);
    expect(config.remediation).toBe('Set the variables listed in .env.example (see the README), then start again.');
  });
});
