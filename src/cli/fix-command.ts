/**
 * `kcd fix` and `kcd host --fix` (issue 21): print the plan that fixes a pair or a host; with --apply, write it
 * through the write account (the person running it holds the rights, so no approval), append the audit record,
 * then read the directory afresh and print the fresh check.
 */
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { readSummaryConfig, type Config } from '../config';
import { ConfigError, InputError, KcdError } from '../domain/errors';
import type { Actor, ApplyOutcome, AuditEvent, AuditLog, DirectoryWriter, FixPlan } from '../apply/types';
import { outcomeText, planJson, planText, terminalSafeJson, writtenDns } from '../apply/plan-text';

/** The write account (KCD_WRITE_BIND_DN / KCD_WRITE_BIND_PASSWORD_FILE); the read account stays read-only. */
export interface WriteAccount {
  writeBindDN: string;
  writeBindPassword: string;
}

/** What --apply needs beyond the directory, as factories so tests give an in-memory writer and audit log. */
export interface ApplyDeps {
  /** Throws ConfigError when the write account is not configured. */
  writeAccount(config: Config): WriteAccount;
  /** `plan`: the plan to write (the default refuses one read from anything but the LDAP directory it writes to). */
  openWriter(account: WriteAccount, config: Config, plan: FixPlan): Promise<DirectoryWriter>;
  /** The audit log (`env`: KCD_STATE_STORE / KCD_STATE_DIR, where the bot keeps its own). */
  openAuditLog(config: Config, env: Record<string, string | undefined>): Promise<AuditLog>;
  actor(): Actor;
  planId(): string;
  now(): Date;
}

/** The write account from the configuration; a ConfigError naming both variables when it is not configured. */
export function configuredWriteAccount(config: Config): WriteAccount {
  const account = config.apply.writeAccount;
  if (!account) {
    throw new ConfigError(['KCD_WRITE_BIND_DN and KCD_WRITE_BIND_PASSWORD_FILE: --apply writes through a separate write account; set both (and KCD_LDAP_URL: fixes are written to a real directory)']);
  }
  return { writeBindDN: account.bindDN, writeBindPassword: account.bindPassword };
}

class WriterUnavailableError extends KcdError {
  readonly code = 'writer-unavailable';
  readonly exitCode = 2;
}

function osUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined; // no passwd entry (some containers)
  }
}

export const DEFAULT_APPLY_DEPS: ApplyDeps = {
  writeAccount: configuredWriteAccount,
  openWriter: async (account, config, plan) => {
    // Loaded when writing: the wiring brings the storage SDK (the audit log's), which no other command needs.
    const { openLdapWriter } = await import('../apply/wiring');
    // A plan read from a snapshot file or the demo is not what AD holds now: write only what was read from AD itself.
    const writer = /^ldaps?:\/\//i.test(plan.directory) ? openLdapWriter(config, { bindDN: account.writeBindDN, bindPassword: account.writeBindPassword }, (message) => console.warn(message)) : undefined;
    if (writer) return writer;
    throw new WriterUnavailableError(
      `--apply writes to AD, and this plan was read from ${plan.directory}: a plan is written only to the directory it was read from.`,
      'Set KCD_LDAP_URL to a domain controller and leave out --directory, or run the PowerShell the plan prints.',
    );
  },
  // The bot's audit log, as the bot chooses it: the state's container with KCD_STATE_STORE=azure-blob, else
  // KCD_STATE_DIR/audit.jsonl (./data when unset). A bad setting throws before anything is written.
  openAuditLog: async (_config, env) => {
    const summary = readSummaryConfig(env);
    const { openAuditLog } = await import('../apply/wiring');
    return openAuditLog(summary);
  },
  actor: () => {
    const name = osUser();
    return name ? { via: 'cli', name } : { via: 'cli' };
  },
  planId: () => randomBytes(12).toString('base64url'),
  now: () => new Date(),
};

export const EXIT_NOT_APPLIED = 4;

/** The fresh check after a write, as the `check` / `host` command prints it. */
export interface Recheck {
  ready: boolean;
  json: unknown;
  text: string;
}

export interface FixRun {
  stdout(text: string): void;
  json: boolean;
  config: Config;
  env: Record<string, string | undefined>;
  deps: ApplyDeps;
  plan: FixPlan;
  /** Whether the question was READY (no error finding) when the plan was made. */
  ready: boolean;
  /** Checks again on a directory read afresh. */
  recheck(): Promise<Recheck>;
}

function auditEvent(outcome: ApplyOutcome): AuditEvent {
  return outcome.status === 'applied' ? 'written' : outcome.status === 'changed' ? 'stale' : 'write-failed';
}

function auditDetail(outcome: ApplyOutcome): string | undefined {
  if (outcome.status === 'failed') return `${outcome.cause}: ${outcome.detail}`;
  if (outcome.status === 'changed') return outcome.differences.map((d) => `${d.dn} ${d.attribute}`).join('; ');
  return undefined;
}

/** Exit 0 with nothing to change on a ready question, else 1 (as check's findings). */
export function planExitCode(plan: FixPlan, ready: boolean): number {
  return plan.objects.length === 0 && ready ? 0 : 1;
}

/** Prints the plan (and with `apply` writes it); resolves to the exit code. */
export async function runFix(run: FixRun, apply: boolean): Promise<number> {
  const { plan } = run;
  const print = (json: unknown, text: string) => run.stdout(run.json ? `${terminalSafeJson(json)}\n` : `${text}\n`);
  if (!apply || plan.objects.length === 0) {
    const note = apply ? '\n\nNothing to write.' : '';
    print({ plan: planJson(plan), ready: run.ready, applied: false }, `${planText(plan)}${note}`);
    return planExitCode(plan, run.ready);
  }
  // Configuration first: a missing write account is reported before anything is opened.
  const account = run.deps.writeAccount(run.config);
  const [writer, audit] = await Promise.all([run.deps.openWriter(account, run.config, run.plan), run.deps.openAuditLog(run.config, run.env)]);
  let outcome: ApplyOutcome;
  try {
    outcome = await writer.apply(plan);
  } finally {
    await writer.close().catch(() => undefined);
  }
  const objects = outcome.status === 'changed' ? undefined : outcome.objects;
  const detail = auditDetail(outcome);
  await audit.append({
    at: run.deps.now().toISOString(),
    event: auditEvent(outcome),
    planId: plan.id,
    actor: run.deps.actor(),
    ...(objects ? { objects } : {}),
    ...(detail ? { detail } : {}),
  });
  const fresh = await run.recheck();
  print(
    { plan: planJson(plan), applied: outcome.status === 'applied', outcome, written: writtenDns(outcome), check: fresh.json },
    [planText(plan), '', outcomeText(plan, outcome), '', 'The directory read afresh:', fresh.text].join('\n'),
  );
  if (outcome.status !== 'applied') return EXIT_NOT_APPLIED;
  return fresh.ready ? 0 : 1;
}

/** --apply without --fix on `kcd host`. */
export function applyNeedsFix(): InputError {
  return new InputError('--apply works with --fix only.', 'Run kcd host <host> --fix --apply.');
}
