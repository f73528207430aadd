/** Every failure src/directory/ldap/failure.ts describes reduces to its one-word cause (never 'other' for a known one). */
import { BusyError, ConfidentialityRequiredError, InsufficientAccessError, InvalidCredentialsError, NoSuchObjectError, StrongAuthRequiredError, TimeLimitExceededError } from 'ldapts';
import { failureCause } from '../../src/directory/failure-cause';
import { describeFailure, type FailureContext } from '../../src/directory/ldap/failure';
import { DirectoryUnavailableError, SnapshotFileError } from '../../src/domain/errors';

const ctx: FailureContext = { stage: 'connect', bindDN: 'CN=kcd-reader,DC=contoso,DC=com', timeoutMs: 5000, verifying: true, secrets: [] };
const coded = (code: string, message = code) => Object.assign(new Error(message), { code });
const unavailable = (error: unknown) => {
  const { cause, remediation } = describeFailure(error, ctx);
  return new DirectoryUnavailableError('ldaps://dc1.contoso.com', cause, remediation);
};

describe('failureCause', () => {
  test.each([
    ['ECONNREFUSED', coded('ECONNREFUSED'), 'refused'],
    ['EHOSTUNREACH', coded('EHOSTUNREACH'), 'unreachable'],
    ['ENOTFOUND', coded('ENOTFOUND'), 'dns'],
    ['a client timeout', new Error('Connection timeout after 5000ms'), 'timeout'],
    ['a server time limit', new TimeLimitExceededError('time limit'), 'timeout'],
    ['an untrusted certificate', coded('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain'), 'certificate'],
    ['a name the certificate lacks', coded('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"), 'certificate'],
    ['an expired certificate', coded('CERT_HAS_EXPIRED', 'certificate has expired'), 'certificate'],
    ['a TLS handshake', coded('EPROTO', 'wrong version number'), 'tls'],
    ['a reset', coded('ECONNRESET'), 'tls'],
    ['plain LDAP refused', new StrongAuthRequiredError('Transport encryption required.'), 'tls'],
    ['confidentiality required', new ConfidentialityRequiredError('confidentiality required'), 'tls'],
    ['a wrong password', new InvalidCredentialsError('80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 52e, v4563'), 'credentials'],
    ['no read access', new InsufficientAccessError('insufficient access'), 'access'],
    ['a wrong base DN', new NoSuchObjectError('no such object'), 'access'],
    ['a busy DC', new BusyError('busy'), 'busy'],
    ['a closed connection', new Error('Connection closed'), 'closed'],
  ])('%s', (_name, error, cause) => {
    expect(failureCause(unavailable(error))).toBe(cause);
  });

  test('several DCs failing: the first cause named', () => {
    const error = new DirectoryUnavailableError('ldaps://a, ldaps://b', 'ldaps://a: connection refused; ldaps://b: timed out after 5000 ms (connect)', '');
    expect(failureCause(error)).toBe('refused');
  });

  test('a snapshot file, and anything else', () => {
    expect(failureCause(new SnapshotFileError('x.json', 'not JSON'))).toBe('snapshot_file');
    expect(failureCause(new Error('boom'))).toBe('other');
    expect(failureCause(unavailable(new Error('something new')))).toBe('other');
  });
});
