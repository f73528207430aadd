/**
 * The `kcd` command line: argv → the same pipeline as the bot (directory → snapshot → checker → render).
 * Exit codes: 0 no error finding; 1 error findings; 2 input error (unknown host, bad arguments, bad
 * configuration); 3 directory unreachable or bind refused; 4 a fix could not be applied (kcd fix --apply).
 */
import type { Progress } from './progress';
import { Command, CommanderError, Option } from 'commander';
import { readConfig, type Config } from '../config';
import { InputError, KcdError, UnknownHostsError, UnknownUserError } from '../domain/errors';
import type { Computer, User } from '../domain/model';
import { openDirectory } from '../directory/open-directory';
import type { LdapPaging } from '../directory/ldap/paging';
import type { Directory } from '../directory/port';
import type { DirectorySnapshot } from '../domain/snapshot';
import type { CompactScan } from '../summary/compact';
import { applyNeedsFix, DEFAULT_APPLY_DEPS, EXIT_NOT_APPLIED, runFix, type ApplyDeps } from './fix-command';

// What only some commands need is loaded inside them (`await import`): the natural-language parser and its
// vocabulary (natural), host-name matching, the summary, the snapshot writer. `kcd scan` starts ~0.3 s
// sooner without them (measured with `node --cpu-prof`; see bench/README.md). The checker and the renderers
// (./reporting) are loaded while the directory waits on its server.

let reporting: Promise<typeof import('./reporting')> | undefined;
const loadReporting = (): Promise<typeof import('./reporting')> => (reporting ??= import('./reporting'));

/** The directory's snapshot, the checker and renderers loaded meanwhile. */
function snapshotAndReporting(directory: Directory): Promise<[DirectorySnapshot, typeof import('./reporting')]> {
  return Promise.all([directory.snapshot(), loadReporting()]);
}

/**
 * `kcd scan`'s LDAP paging: the fast path (directory/ldap/fast/) when KCD_LDAP_FAST_PATH is on and ldapts is the
 * version it was written for, else the default. Loaded and installed only here.
 */
async function scanPaging(config: Config): Promise<LdapPaging | undefined> {
  if (config.directory.kind !== 'ldap' || !config.directory.fastPath) return undefined;
  const { installLdapFastPath } = await import('../directory/ldap/fast');
  return installLdapFastPath();
}

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  /** Standard input, read to the end (`kcd diagnose` with no text, or `-`). */
  stdin?: () => Promise<string>;
  /** Where a long scan draws its progress line: only when standard error is a terminal (src/cli/progress.ts). */
  progress?: Progress;
  /** The writer, audit log, clock and ids of `kcd fix --apply` (DEFAULT_APPLY_DEPS where absent). */
  apply?: Partial<ApplyDeps>;
}

export const EXIT = { ok: 0, findings: 1, input: 2, directory: 3, notApplied: EXIT_NOT_APPLIED } as const;

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

interface Common {
  directory?: string[];
  json?: boolean;
}

/** Everything an action needs, opened lazily so `--help` and argument errors never touch a directory. */
class Session {
  private dir?: Directory;
  private releasing?: Promise<void>;
  /** Directories opened afresh (freshDirectory), closed with the session. */
  private readonly extra: Directory[] = [];
  constructor(
    readonly io: CliIo,
    readonly config: Config,
  ) {}
  /** `paging`: how an LDAP directory reads its pages (scanPaging); the default when absent. */
  directory(specs: string[] | undefined, paging?: LdapPaging): Directory {
    if (this.dir) return this.dir;
    const warn = (msg: string) => this.io.stderr(`warning: ${msg}\n`);
    return (this.dir = openDirectory(specs ?? [], this.config, warn, paging ? { paging } : {}));
  }
  /** A second directory, read afresh (the re-check after a write: the first one keeps what it read). */
  freshDirectory(specs: string[] | undefined): Directory {
    const warn = (msg: string) => this.io.stderr(`warning: ${msg}\n`);
    const fresh = openDirectory(specs ?? [], this.config, warn);
    this.extra.push(fresh);
    return fresh;
  }
  get applyDeps(): ApplyDeps {
    return { ...DEFAULT_APPLY_DEPS, ...this.io.apply };
  }
  /**
   * Closes the directory's connections now (the action has what it needs from them), so their closing
   * handshakes overlap what the action still does; close() then waits for it.
   */
  release(): void {
    this.releasing ??= this.dir?.close();
  }
  async close(): Promise<void> {
    await Promise.all([this.releasing ?? this.dir?.close(), ...this.extra.map((d) => d.close())]);
  }
}

async function findUserOrThrow(directory: Directory, name: string, knownUsers: readonly User[]): Promise<User> {
  const user = await directory.findUser(name);
  if (user) return user;
  const { suggest } = await import('../domain/names');
  throw new UnknownUserError(name, suggest(name, knownUsers.map((u) => u.samAccountName)));
}

/** The previous summary kept by `kcd scan --summary --state FILE`; undefined when the file does not exist yet. */
async function readSummaryState(file: string): Promise<CompactScan | undefined> {
  const { readFile } = await import('node:fs/promises');
  const { compactScanSchema } = await import('../summary/compact');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(`Cannot read the summary state file ${file}: ${(error as Error).message}`, 'Give a file kcd may read and write, or leave --state out.');
  }
  let parsed;
  try {
    parsed = compactScanSchema.safeParse(JSON.parse(text));
  } catch {
    parsed = undefined;
  }
  if (!parsed?.success) {
    throw new InputError(`${file} is not a summary state file written by kcd scan --summary --state.`, 'Give another file name, or delete this one to start over (the next summary then has no "what changed").');
  }
  return parsed.data;
}

function print(io: CliIo, json: boolean | undefined, asJson: () => unknown, asText: () => string): void {
  io.stdout(json ? `${JSON.stringify(asJson(), null, 2)}\n` : `${asText()}\n`);
}

export function buildProgram(session: Session, setExit: (code: number) => void): Command {
  const { io, config } = session;
  const program = new Command('kcd')
    .description('Checks Kerberos constrained delegation for Hyper-V live migration in Active Directory.')
    .showHelpAfterError('(run `kcd --help` for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });

  const directoryOption = () =>
    new Option(
      '--directory <source>',
      'demo | ldap | a snapshot file (repeat for a user export); default: ldap when KCD_LDAP_URL is set, else demo',
    ).argParser(collect);
  const jsonOption = () => new Option('--json', 'print one JSON object instead of text');

  /** A question about a pair (check, fix): SOURCE, DESTINATION, --storage and --file-server. */
  const pairCommand = (name: string, description: string) =>
    program
      .command(name)
      .description(description)
      .argument('<source>', 'the host the VM runs on (NetBIOS name, SAM account name or FQDN)')
      .argument('<destination>', 'the host it should move to')
      .option('--storage', 'the move includes storage (Move-VM -IncludeStorage): cifs delegation is needed')
      .option('--file-server <host>', 'an SMB file server holding VM files or ISOs (repeatable)', collect);

  pairCommand('check', 'can SOURCE live-migrate to DESTINATION? (shared-nothing; both directions are not implied)')
    .option('--as <user>', 'the account that starts the migration (sAMAccountName or UPN)')
    .addOption(directoryOption())
    .addOption(jsonOption())
    .addHelpText('after', '\nExamples:\n  kcd check GOGO-3 GOGO-4\n  kcd check gogo-3 gogo-4.contoso.com --storage --file-server FHOST1 --as alice --json')
    .action(async (src: string, dst: string, opts: Common & { storage?: boolean; fileServer?: string[]; as?: string }) => {
      const directory = session.directory(opts.directory);
      const [snapshot, { checkPair, pairJson, pairText }] = await snapshotAndReporting(directory);
      const { resolveHosts } = await import('../domain/names');
      const [source, dest, ...fileServers] = resolveHosts(snapshot, [src, dst, ...(opts.fileServer ?? [])]) as [Computer, Computer, ...Computer[]];
      const user = opts.as ? await findUserOrThrow(directory, opts.as, snapshot.data.users) : undefined;
      const report = checkPair(snapshot, source, dest, { storage: opts.storage ?? false, fileServers, user });
      const label = directory.describe().label;
      print(io, opts.json, () => pairJson(report, label), () => pairText(report, label));
      setExit(report.ready ? EXIT.ok : EXIT.findings);
    });

  program
    .command('host')
    .description('one host against every peer in its migration group, both directions')
    .argument('<host>', 'NetBIOS name, SAM account name or FQDN')
    .option('--no-storage', 'leave out cifs delegation (VM-only moves)')
    .option('--fix', 'print the plan that fixes the host and its peers in AD (changes nothing)')
    .option('--apply', 'with --fix: write the plan through the write account, then check again')
    .addOption(directoryOption())
    .addOption(jsonOption())
    .addHelpText('after', '\nExamples:\n  kcd host GOGO-3\n  kcd host gogo-3.contoso.com --json\n  kcd host GOGO-3 --fix\n  kcd host GOGO-3 --fix --apply')
    .action(async (name: string, opts: Common & { storage: boolean; fix?: boolean; apply?: boolean }) => {
      if (opts.apply && !opts.fix) throw applyNeedsFix();
      const directory = session.directory(opts.directory);
      const [snapshot, { checkHost, hostJson, hostText }] = await snapshotAndReporting(directory);
      const { resolveHost } = await import('../domain/names');
      const host = resolveHost(snapshot, name);
      const label = directory.describe().label;
      if (opts.fix) {
        const deps = session.applyDeps;
        const { planForHost } = await import('../apply/planner');
        const { report, plan } = planForHost(snapshot, host, { storage: opts.storage, group: config.migrationGroup }, { id: deps.planId(), now: deps.now(), directory: label });
        const recheck = async () => {
          const fresh = await session.freshDirectory(opts.directory).snapshot({ fresh: true });
          const again = checkHost(fresh, resolveHost(fresh, host.name), { storage: opts.storage, group: config.migrationGroup });
          return { ready: again.ready, json: hostJson(again, label), text: hostText(again, label) };
        };
        setExit(await runFix({ stdout: (text) => io.stdout(text), json: opts.json ?? false, config, env: io.env, deps, plan, ready: report.ready, recheck }, opts.apply ?? false));
        return;
      }
      const report = checkHost(snapshot, host, { storage: opts.storage, group: config.migrationGroup });
      print(io, opts.json, () => hostJson(report, label), () => hostText(report, label));
      setExit(report.ready ? EXIT.ok : EXIT.findings);
    });

  pairCommand('fix', "the changes in AD that make SOURCE → DESTINATION ready, as a plan; with --apply, write them (the write account's rights)")
    .option('--apply', 'write the plan through the write account (KCD_WRITE_BIND_DN), then check again; exit 4 when it could not be applied')
    .addOption(directoryOption())
    .addOption(jsonOption())
    .addHelpText('after', '\nExamples:\n  kcd fix GOGO-3 GOGO-4 --storage\n  kcd fix GOGO-3 GOGO-4 --storage --file-server FHOST1 --apply')
    .action(async (src: string, dst: string, opts: Common & { storage?: boolean; fileServer?: string[]; apply?: boolean }) => {
      const directory = session.directory(opts.directory);
      const [snapshot, { checkPair, pairJson, pairText }] = await snapshotAndReporting(directory);
      const [{ resolveHosts }, { planForPair }] = await Promise.all([import('../domain/names'), import('../apply/planner')]);
      const [source, dest, ...fileServers] = resolveHosts(snapshot, [src, dst, ...(opts.fileServer ?? [])]) as [Computer, Computer, ...Computer[]];
      const storage = opts.storage ?? false;
      const label = directory.describe().label;
      const deps = session.applyDeps;
      const { report, plan } = planForPair(snapshot, source, dest, { storage, fileServers }, { id: deps.planId(), now: deps.now(), directory: label });
      const recheck = async () => {
        const fresh = await session.freshDirectory(opts.directory).snapshot({ fresh: true });
        const [s, d, ...f] = resolveHosts(fresh, [source.name, dest.name, ...fileServers.map((c) => c.name)]) as [Computer, Computer, ...Computer[]];
        const again = checkPair(fresh, s, d, { storage, fileServers: f });
        return { ready: again.ready, json: pairJson(again, label), text: pairText(again, label) };
      };
      setExit(await runFix({ stdout: (text) => io.stdout(text), json: opts.json ?? false, config, env: io.env, deps, plan, ready: report.ready, recheck }, opts.apply ?? false));
    });

  program
    .command('scan')
    .description('every Hyper-V host (a computer with the migration SPN): findings per host and totals')
    .option('--no-storage', 'leave out cifs delegation (VM-only moves)')
    .option('--summary', "the daily summary instead (the bot's card as text or JSON): totals, misconfigured hosts, what changed")
    .option('--state <file>', 'with --summary: compare with the summary kept in FILE, then keep this one there (for cron)')
    .addOption(directoryOption())
    .addOption(jsonOption())
    .addHelpText('after', '\nExamples:\n  kcd scan --json\n  kcd scan --summary --state /var/lib/kcd/summary-state.json | mail -s "kcd daily summary" hyperv-admins@contoso.com')
    .action(async (opts: Common & { storage: boolean; summary?: boolean; state?: string }) => {
      const directory = session.directory(opts.directory, await scanPaging(config));
      if (opts.state && !opts.summary) throw new InputError('--state works with --summary only.', 'Run kcd scan --summary --state FILE.');
      const previous = opts.summary && opts.state ? await readSummaryState(opts.state) : undefined;
      const [snapshot, { checkFleet, fleetJson, fleetJsonChunks, fleetText }] = await snapshotAndReporting(directory);
      // Everything a scan needs from the directory is in the snapshot.
      session.release();
      const label = directory.describe().label;
      const progress = io.progress;
      progress?.step(`read ${snapshot.data.computers.length.toLocaleString('en-US')} computers from ${label}`, true);
      const onHost = progress ? (done: number, total: number) => progress.step(`checked ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} Hyper-V hosts`) : undefined;
      const report = checkFleet(snapshot, { storage: opts.storage, group: config.migrationGroup, onHost });
      progress?.step('writing the report', true);
      progress?.done();
      if (opts.summary) {
        const [{ buildSummary }, { summaryText }, { writeFileAtomic }] = await Promise.all([
          import('../summary/model'),
          import('../summary/text'),
          import('../store/atomic'),
        ]);
        const { summary, compact } = buildSummary({ report, snapshot, directory: label, takenAt: snapshot.data.source.takenAt, previous });
        print(io, opts.json, () => summary, () => summaryText(summary));
        if (opts.state) await writeFileAtomic(opts.state, `${JSON.stringify(compact)}\n`, 0o644);
      } else if (opts.json) {
        // Host by host (chunks of one entry): the same text as print(), without one string of the whole report
        // (see fleetJsonChunks); the writer gathers them (stdout.ts).
        for (const chunk of fleetJsonChunks(report, label, 0)) io.stdout(chunk);
        io.stdout('\n');
      } else print(io, opts.json, () => fleetJson(report, label), () => fleetText(report, label));
      setExit(report.totals.hostsWithErrors === 0 ? EXIT.ok : EXIT.findings);
    });

  program
    .command('parse')
    .description('show how the bot understands a message: intent, hosts (matched against the directory), storage, topic')
    .argument('<text...>', 'the message, e.g. "can gogo-3 migrate to gogo-4?" (quoted or as separate words)')
    .addOption(directoryOption())
    .addOption(jsonOption())
    // A message with its own dashes ("/kcd scan --fresh") is quoted or follows "--": unknown options stay errors.
    .addHelpText('after', '\nExamples:\n  kcd parse "can gogo-3 migrate to gogo-4 with storage?" --json\n  kcd parse /kcd check gogo3 gogo-4\n  kcd parse "/kcd scan --fresh"\n  kcd parse --json -- /kcd check gogo-3 --fresh')
    .action(async (words: string[], opts: Common) => {
      const snapshot = await session.directory(opts.directory).snapshot();
      const [{ parseCommand }, { fromSnapshot }, { parsedCommandJson, parsedCommandText }] = await Promise.all([
        import('../commands/parser'),
        import('../commands/host-vocabulary'),
        import('../commands/output'),
      ]);
      const parsed = parseCommand(words.join(' '), fromSnapshot(snapshot));
      print(io, opts.json, () => parsedCommandJson(parsed), () => parsedCommandText(parsed));
      setExit(EXIT.ok);
    });

  program
    .command('diagnose')
    .description('what a failed live migration printed means: the hosts, codes and events in a pasted error, checked against AD')
    .argument('[text...]', 'the pasted error (quoted); absent or - : read from standard input (multi-line pastes)')
    .addOption(directoryOption())
    .addOption(jsonOption())
    .addHelpText('after', "\nExamples:\n  kcd diagnose \"Move-VM : ... failed at migration source 'GOGO-3' ... (0x8009030E)\"\n  Get-WinEvent -LogName Microsoft-Windows-Hyper-V-VMMS-Admin -MaxEvents 5 | Format-List | kcd diagnose --json")
    .action(async (words: string[], opts: Common) => {
      const fromStdin = words.length === 0 || (words.length === 1 && words[0] === '-');
      if (fromStdin && !io.stdin) throw new InputError('There is no standard input to read the paste from.', 'Give the text as an argument: kcd diagnose "<the error>".');
      const paste = fromStdin ? await io.stdin!() : words.join(' ');
      if (paste.trim() === '') throw new InputError('The paste is empty.', 'Give the text of the failed move: kcd diagnose "<the error>", or pipe it in.');
      const directory = session.directory(opts.directory);
      const snapshot = await directory.snapshot();
      const [{ diagnose }, { diagnosisJson, diagnosisText }] = await Promise.all([import('../diagnose/diagnose'), import('../render/diagnose')]);
      const d = diagnose(snapshot, paste, { group: config.migrationGroup });
      if (d.causes.length === 0 && !d.facts.source && !d.facts.destination && d.facts.hosts.length === 0) {
        throw new InputError('I found no error code, event id or host names in that text.', 'Paste the whole error: the Move-VM output with its codes, or the event text with its Event ID and Computer lines.');
      }
      const label = directory.describe().label;
      print(io, opts.json, () => diagnosisJson(d, label), () => diagnosisText(d, label));
      const checked = d.report ?? d.hostReport;
      setExit(checked ? (checked.ready ? EXIT.ok : EXIT.findings) : EXIT.input);
    });

  program
    .command('snapshot')
    .description('write the directory data the checker reads to a JSON file, for offline analysis')
    .option('--out <file>', 'where to write it (default: standard output)')
    .option('--user <name>', 'include this user account, for later --as checks (repeatable)', collect)
    .addOption(directoryOption())
    .action(async (opts: Common & { out?: string; user?: string[] }) => {
      const directory = session.directory(opts.directory);
      const snapshot = await directory.snapshot();
      const users = [...snapshot.data.users];
      for (const name of opts.user ?? []) {
        const user = await findUserOrThrow(directory, name, snapshot.data.users);
        if (!users.includes(user)) users.push(user);
      }
      const { serializeSnapshot } = await import('../directory/snapshot-format');
      const text = serializeSnapshot({ ...snapshot.data, users });
      if (opts.out) {
        const { writeFile } = await import('node:fs/promises');
        await writeFile(opts.out, text);
        io.stderr(`Wrote ${snapshot.data.computers.length} computers and ${users.length} users from ${directory.describe().label} to ${opts.out}\n`);
      } else io.stdout(text.endsWith('\n') ? text : `${text}\n`);
      setExit(EXIT.ok);
    });

  return program;
}

function wantsJson(argv: readonly string[]): boolean {
  return argv.includes('--json');
}

function reportError(io: CliIo, argv: readonly string[], error: KcdError): number {
  if (wantsJson(argv)) {
    io.stdout(
      `${JSON.stringify({
        error: {
          code: error.code,
          message: error.message,
          remediation: error.remediation,
          ...('suggestions' in error ? { suggestions: (error as { suggestions: string[] }).suggestions } : {}),
          ...(error instanceof UnknownHostsError ? { unknown: error.unknown.map((e) => ({ name: e.hostName, suggestions: e.suggestions })) } : {}),
        },
      })}\n`,
    );
  } else io.stderr(`kcd: ${error.message}\n${error.remediation}\n`);
  return error.exitCode;
}

/** Runs one command line; resolves to the exit code. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  let session: Session | undefined;
  try {
    session = new Session(io, readConfig(io.env));
    await buildProgram(session, (code) => (exitCode = code)).parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.input;
    }
    if (error instanceof KcdError) return reportError(io, argv, error);
    const message = error instanceof Error ? error.message : String(error);
    return reportError(io, argv, new InputError(`Unexpected failure: ${message}`, 'This is a bug in kcd; please report it with the command line.'));
  } finally {
    await session?.close().catch(() => undefined);
  }
}
