/**
 * What the fuzz and load tests check in the bot's replies beyond "one reply per message": no generic error
 * card ("Something went wrong": an exception nobody expected), no unexpected exception in the log, and
 * verdict cards that say what the checker itself says for the same question on the same directory.
 */
import type { Activity } from 'botbuilder';
import { checkFleet, checkHost, checkPair } from '../../src/checker';
import type { MigrationGroup } from '../../src/domain/migration-group';
import * as errors from '../../src/domain/errors';
import { resolveHost } from '../../src/domain/names';
import type { DirectorySnapshot } from '../../src/domain/snapshot';

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';

/** The Adaptive Cards an activity carries. */
export function cardsOf(activity: Partial<Activity>): Array<Record<string, unknown>> {
  return (activity.attachments ?? []).filter((a) => a.contentType === ADAPTIVE).map((a) => a.content as Record<string, unknown>);
}

/** The generic error card (src/render/cards/error.ts `unexpected`): the bot caught an exception it did not expect. */
export function isGenericErrorReply(activity: Partial<Activity>): boolean {
  const said = [activity.text, activity.summary, ...cardsOf(activity).map((c) => c.fallbackText)];
  return said.some((t) => typeof t === 'string' && /something went wrong/i.test(t));
}

/** The names of the typed errors (KcdError and its subclasses): the ones the bot answers on purpose. */
const EXPECTED_ERROR_NAMES = new Set(
  Object.values(errors)
    .filter((v): v is typeof errors.KcdError => typeof v === 'function' && (v === errors.KcdError || v.prototype instanceof errors.KcdError))
    .map((c) => c.name),
);

export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string;
}

/**
 * Log records that show an exception nobody expected: anything at error level, and an answer summarised as
 * `error: <name>` (the answerer catches everything and logs the error's class at info) whose class is not
 * one of the typed errors.
 */
export function unexpectedErrors(records: readonly LogRecord[]): LogRecord[] {
  return records.filter((r) => {
    if (r.level === 'error') return true;
    const answer = r.fields.answer;
    if (typeof answer !== 'string') return false;
    const m = /^error: (.*)$/.exec(answer);
    return m !== null && !EXPECTED_ERROR_NAMES.has(m[1]!);
  });
}

/** A BotLogger that keeps every record (for the TestAdapter conversations). */
export function recordingLogger(records: LogRecord[]) {
  const at =
    (level: LogRecord['level']) =>
    (fields: Record<string, unknown>, message: string): void =>
      void records.push({ level, fields, message });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A pino JSON line as a LogRecord (pino levels: 20 debug, 30 info, 40 warn, 50+ error). */
export function recordOfPinoLine(line: string): LogRecord {
  const { level, msg, ...fields } = JSON.parse(line) as { level: number; msg: string } & Record<string, unknown>;
  const name = level >= 50 ? 'error' : level >= 40 ? 'warn' : level >= 30 ? 'info' : 'debug';
  return { level: name, fields, message: msg };
}

export interface CheckData {
  kcd?: unknown;
  host?: unknown;
  source?: unknown;
  destination?: unknown;
  storage?: unknown;
  fileServers?: unknown;
  /** The asker's UPN when the question was asked "as me" (the pair card then says "Checked as …"). */
  asker?: unknown;
}

/** The data of the card's Re-check / Scan again action: the question the card answers. */
function questionOf(card: Record<string, unknown>): CheckData | undefined {
  const actions = Array.isArray(card.actions) ? (card.actions as Array<Record<string, unknown>>) : [];
  const recheck = actions.find((a) => a.type === 'Action.Execute' && a.verb === 'recheck');
  return recheck?.data as CheckData | undefined;
}

function verdict(ready: boolean, errorRules: readonly string[]): string {
  return ready ? 'READY' : `NOT READY (${errorRules.join(', ')})`;
}

function errorRulesOf(findings: ReadonlyArray<{ rule: string; severity: string }>): string[] {
  return [...new Set(findings.filter((f) => f.severity === 'error').map((f) => f.rule))];
}

/** Every KCD rule id the card's text blocks show. */
function rulesShown(card: unknown): string[] {
  return [...new Set(JSON.stringify(card).match(/KCD\d{3}/g) ?? [])].sort();
}

/**
 * Compares verdict cards (pair, host, scan) with the checker's own answer on `snapshot`; returns a
 * description of each difference. `asker` resolves the "Checked as …" account of a pair card.
 */
export class VerdictOracle {
  /** How many cards were compared, by kind. */
  readonly compared = { pair: 0, host: 0, scan: 0 };
  constructor(
    private readonly snapshot: DirectorySnapshot,
    private readonly group: MigrationGroup,
  ) {}

  /**
   * The differences between `card` and the checker (empty: it agrees, or the card is not a verdict).
   * `asked`: the question as the test asked it; without it, the question the card says it answers.
   */
  differences(card: Record<string, unknown>, asked?: CheckData): string[] {
    const q = asked ?? questionOf(card);
    if (!q) return [];
    const said = typeof card.fallbackText === 'string' ? card.fallbackText : '';
    if (q.kcd === 'scan') {
      this.compared.scan++;
      const t = checkFleet(this.snapshot, { group: this.group }).totals;
      const expected = `${t.hosts} Hyper-V hosts, ${t.hostsWithErrors} with errors; ${t.pairsReady} of ${t.pairsExpected} migration directions ready`;
      return said === expected ? [] : [`scan: card says "${said}", checker "${expected}"`];
    }
    if (q.kcd !== 'check') return [];
    if (typeof q.host === 'string') {
      this.compared.host++;
      const report = checkHost(this.snapshot, resolveHost(this.snapshot, q.host), { group: this.group });
      const expected = `${report.host.name}: ${verdict(report.ready, errorRulesOf(report.findings))} with ${report.peers.length} peer(s)`;
      return said === expected ? [] : [`host ${q.host}: card says "${said}", checker "${expected}"`];
    }
    if (typeof q.source !== 'string' || typeof q.destination !== 'string') return [`a check card without its question: ${JSON.stringify(q)}`];
    this.compared.pair++;
    const asker = asked ? (asked.asker as string | undefined) : /Checked as ([^*\s"\\]+)/.exec(JSON.stringify(card))?.[1];
    const fileServers = Array.isArray(q.fileServers) ? (q.fileServers as string[]) : [];
    const report = checkPair(this.snapshot, resolveHost(this.snapshot, q.source), resolveHost(this.snapshot, q.destination), {
      storage: q.storage === true,
      fileServers: fileServers.map((f) => resolveHost(this.snapshot, f)),
      user: asker ? this.snapshot.usersByName.get(asker.toLowerCase()) : undefined,
    });
    const out: string[] = [];
    const expected = `${report.source.name} → ${report.destination.name}: ${verdict(report.ready, errorRulesOf(report.findings))}`;
    if (said !== expected) out.push(`pair ${q.source} → ${q.destination}: card says "${said}", checker "${expected}"`);
    const rules = [...new Set(report.findings.map((f) => f.rule))].sort();
    const shown = rulesShown(card);
    if (JSON.stringify(shown) !== JSON.stringify(rules)) out.push(`pair ${q.source} → ${q.destination}: card shows rules ${shown.join(',')}, checker finds ${rules.join(',')}`);
    return out;
  }
}
