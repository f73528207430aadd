/**
 * Typed errors raised at the boundaries (input, directory, configuration). Findings are never errors.
 * Every error carries a remediation line; each front end has one handler that turns them into output
 * (a card, a CLI message and exit code).
 */
export abstract class KcdError extends Error {
  abstract readonly code: string;
  /** CLI exit code: 2 for input and configuration errors, 3 when the directory cannot be read. */
  abstract readonly exitCode: number;
  constructor(
    message: string,
    readonly remediation: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad arguments or unparseable input from the person asking. */
export class InputError extends KcdError {
  readonly code: string = 'input';
  readonly exitCode = 2;
}

export class UnknownHostError extends InputError {
  override readonly code = 'unknown-host';
  constructor(
    readonly hostName: string,
    readonly suggestions: string[],
  ) {
    super(
      `No computer named "${hostName}" in the directory.` +
        (suggestions.length > 0 ? ` Did you mean ${suggestions.join(', ')}?` : ''),
      'Use the NetBIOS name (GOGO-3), the sAMAccountName (GOGO-3$) or the FQDN (gogo-3.contoso.com) of a computer account.',
    );
  }
}

/** Several names of one command are unknown: all are reported at once, each with its suggestions. */
export class UnknownHostsError extends InputError {
  override readonly code = 'unknown-host';
  constructor(readonly unknown: UnknownHostError[]) {
    super(unknown.map((e) => e.message).join('\n'), unknown[0]?.remediation ?? '');
  }
}

export class UnknownUserError extends InputError {
  override readonly code = 'unknown-user';
  constructor(
    readonly userName: string,
    readonly suggestions: string[],
  ) {
    super(
      `No user "${userName}" in the directory.` + (suggestions.length > 0 ? ` Did you mean ${suggestions.join(', ')}?` : ''),
      'Give the sAMAccountName (alice) or the UPN (alice@contoso.com) of the account that starts the migration.',
    );
  }
}

/** The directory could not be reached, refused the bind, or timed out. Never names the password. */
export class DirectoryUnavailableError extends KcdError {
  readonly code = 'directory-unavailable';
  readonly exitCode = 3;
  constructor(
    readonly url: string,
    readonly reason: string,
    remediation: string,
  ) {
    super(`Cannot read the directory at ${url}: ${reason}`, remediation);
  }
}

/** A snapshot file that cannot be read or does not have the expected shape. */
export class SnapshotFileError extends InputError {
  override readonly code = 'snapshot-file';
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(
      `Cannot use snapshot file ${file}: ${problem}`,
      'Give a file written by `kcd snapshot`, or the JSON of the Get-ADComputer export shown in the README.',
    );
  }
}

export class ConfigError extends KcdError {
  readonly code = 'config';
  readonly exitCode = 2;
  constructor(readonly problems: string[]) {
    super(
      `Configuration problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      'Set the variables listed in .env.example (see the README), then start again.',
    );
  }
}
