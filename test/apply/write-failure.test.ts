/** The writer's causes for what ldapts and Node throw, and the one line of detail without the password. */
import {
  AdminLimitExceededError,
  ConstraintViolationError,
  InsufficientAccessError,
  InvalidCredentialsError,
  InvalidSyntaxError,
  NoSuchAttributeError,
  NoSuchObjectError,
  TypeOrValueExistsError,
  UnknownStatusCodeError,
  UnwillingToPerformError,
} from 'ldapts';
import { causeOf, detailOf } from '../../src/apply/write-failure';

describe('causeOf', () => {
  it.each([
    [new InvalidCredentialsError('80090308: LdapErr: DSID-0C0903A9, data 52e'), 'invalid-credentials'],
    [new InsufficientAccessError('00002098: Object … has no write property access'), 'insufficient-rights'],
    [new NoSuchAttributeError("attribute 'userAccountControl': no matching attribute value while deleting"), 'concurrent-change'],
    [new TypeOrValueExistsError("attribute 'msDS-AllowedToDelegateTo': value #2 already exists"), 'concurrent-change'],
    [new ConstraintViolationError("attribute 'msDS-AllowedToActOnBehalfOfOtherIdentity' can only be modified as system"), 'constraint-violation'],
    [new AdminLimitExceededError('too many values'), 'constraint-violation'],
    [new InvalidSyntaxError('bad value'), 'constraint-violation'],
    [new NoSuchObjectError('00002030: No such Base DN'), 'no-such-object'],
    [new UnwillingToPerformError('0000052D: SvcErr: DSID-031A1248, problem 5003 (WILL_NOT_PERFORM): insufficient privilege'), 'insufficient-rights'],
    [new UnwillingToPerformError('Access denied to modify userAccountControl'), 'insufficient-rights'],
    [new UnwillingToPerformError('00000057: schema update not allowed'), 'insufficient-rights'],
    [new UnwillingToPerformError('00000057: LdapErr: DSID-0C090FC5, problem 5003'), 'other'],
    [new UnknownStatusCodeError(51, 'busy'), 'unreachable'],
    [new UnknownStatusCodeError(80, 'other'), 'other'],
  ])('%s → %s', (err, cause) => {
    expect(causeOf(err)).toBe(cause);
  });

  it('calls connection, TLS and timeout failures unreachable, and anything else other', () => {
    expect(causeOf(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:636'), { code: 'ECONNREFUSED' }))).toBe('unreachable');
    expect(causeOf(Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }))).toBe('unreachable');
    expect(causeOf(Object.assign(new Error('Hostname/IP does not match'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }))).toBe('unreachable');
    expect(causeOf(new Error('Timeout: operation timed out'))).toBe('unreachable');
    expect(causeOf(new Error('Connection closed before message response was received'))).toBe('unreachable');
    expect(causeOf(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe('other');
    expect(causeOf('a string')).toBe('other');
  });
});

describe('detailOf', () => {
  it('is one line: what was being done, what was said, the LDAP result code', () => {
    expect(detailOf('writing CN=HV01', new ConstraintViolationError('can only be\n  modified as system'), [])).toBe(
      'writing CN=HV01: can only be modified as system (LDAP result 19)',
    );
  });

  it('never holds the password, even when a message repeats it', () => {
    const detail = detailOf('binding as CN=w', new Error('bind failed for s3cret-Pa55'), ['s3cret-Pa55']);
    expect(detail).not.toContain('s3cret-Pa55');
    expect(detail).toBe('binding as CN=w: bind failed for ***');
  });
});
