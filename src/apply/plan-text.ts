/**
 * A FixPlan and a writer's outcome for people (the CLI's text) and for scripts (JSON). The values come from AD,
 * where anyone allowed to write an attribute can put control characters in it: the text shows C0/C1 controls
 * and bidirectional overrides as visible escapes, and the JSON escapes them, so nothing reaches a terminal as a
 * control sequence.
 */
import { describeEncryptionTypes } from '../domain/encryption-types';
import { hexMask } from '../domain/resource-based';
import { describeUac } from '../domain/uac';
import type { ApplyOutcome, AttributeChange, FixPlan, PlannedAce, PlanObject, PlanQuestion } from './types';

/** C0 (but tab and newline), DEL, C1, and the bidirectional marks and overrides that reorder what is shown. */
// eslint-disable-next-line no-control-regex -- control characters are what this expression looks for
const UNSAFE_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_IN_JSON = /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const escapeChar = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** `text` with every control character shown as \uXXXX; newlines kept (multi-line instructions). */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE_IN_TEXT, escapeChar);
}

/** One value on one line: newlines escaped too. */
function oneLine(value: string): string {
  return terminalSafe(value).replace(/\n/g, '\\n').replace(/\t/g, '\\t');
}

/** JSON.stringify, with DEL, C1 and bidirectional controls escaped as well (JSON.stringify escapes only C0). */
export function terminalSafeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(UNSAFE_IN_JSON, escapeChar);
}

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16).toUpperCase()}`;
}

function uac(n: number): string {
  return `${hex(n)} (${describeUac(n)})`;
}

function ace(a: PlannedAce): string {
  return `${a.type} ${oneLine(a.principal ?? a.sid)}${a.principal ? ` [${oneLine(a.sid)}]` : ''} ${hexMask(a.mask)}`;
}

function changeLines(change: AttributeChange): string[] {
  switch (change.attribute) {
    case 'msDS-AllowedToDelegateTo':
      return [`  ${change.attribute}:`, ...change.add.map((v) => `    + ${oneLine(v)}`), ...change.remove.map((v) => `    − ${oneLine(v)}`)];
    case 'userAccountControl':
      return [`  userAccountControl: ${uac(change.before)} → ${uac(change.after)}`];
    case 'msDS-SupportedEncryptionTypes':
      return [`  msDS-SupportedEncryptionTypes: ${change.before === null ? 'not set' : describeEncryptionTypes(change.before)} → ${describeEncryptionTypes(change.after)}`];
    case 'msDS-AllowedToActOnBehalfOfOtherIdentity':
      return [
        `  ${change.attribute} (resource-based delegation):`,
        `    before: ${change.before === null ? 'no descriptor' : change.before.map(ace).join('; ')}`,
        `    after:  ${change.after.map(ace).join('; ')}`,
      ];
  }
}

function objectLines(o: PlanObject): string[] {
  return [`${oneLine(o.name)} (${o.kind}) — fixes ${o.rules.join(', ')}`, `  dn: ${oneLine(o.dn)}`, ...o.changes.flatMap(changeLines)];
}

export function questionText(q: PlanQuestion): string {
  if (q.kind === 'host') return `${oneLine(q.host)} and its peers (${q.storage ? 'with storage' : 'VM only'})`;
  const what = [q.storage ? 'with storage' : 'VM only', ...q.fileServers.map((f) => `files on ${oneLine(f)}`)];
  return `${oneLine(q.source)} → ${oneLine(q.destination)} (${what.join(', ')})`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : word.endsWith('x') ? 'es' : 's'}`;

/** The plan as the CLI prints it: the objects and their changes, what was refused and why, then what stays for a person. */
export function planText(plan: FixPlan): string {
  const lines = [
    `kcd · directory: ${oneLine(plan.directory)} (read ${plan.takenAt})`,
    `Plan ${oneLine(plan.id)} for ${questionText(plan.question)}: ${plural(plan.objects.length, 'object')} to change, ${plural(plan.refused.length, 'fix')} not applied.`,
    '',
  ];
  if (plan.objects.length === 0) lines.push('Nothing to change in AD.', '');
  for (const o of plan.objects) lines.push(...objectLines(o), '');
  if (plan.refused.length > 0) {
    lines.push('Not applied by kcd:');
    for (const r of plan.refused) lines.push(`  ${r.rule} ${oneLine(r.subject)}: ${r.reason} — ${oneLine(r.detail)}`);
    lines.push('');
  }
  if (plan.instructions.length > 0) lines.push('For a person to do (PowerShell):', ...plan.instructions.map(terminalSafe), '');
  return lines.join('\n').trimEnd();
}

/** The plan as JSON (a copy: the caller may print it next to the outcome). */
export function planJson(plan: FixPlan): FixPlan {
  return JSON.parse(JSON.stringify(plan)) as FixPlan;
}

/** Which objects the outcome wrote, by DN. */
export function writtenDns(outcome: ApplyOutcome): string[] {
  return outcome.status === 'changed' ? [] : outcome.objects.filter((o) => o.status === 'written').map((o) => o.dn);
}

/** What the writer did, for people: exactly which objects were written, and why the rest were not. */
export function outcomeText(plan: FixPlan, outcome: ApplyOutcome): string {
  const written = new Set(writtenDns(outcome).map((dn) => dn.toLowerCase()));
  const name = (dn: string) => oneLine(plan.objects.find((o) => o.dn.toLowerCase() === dn.toLowerCase())?.name ?? dn);
  const notWritten = plan.objects.filter((o) => !written.has(o.dn.toLowerCase())).map((o) => oneLine(o.name));
  switch (outcome.status) {
    case 'applied':
      return `Written: ${written.size > 0 ? writtenDns(outcome).map(name).join(', ') : 'nothing'}.`;
    case 'changed':
      return [
        'Nothing written: AD no longer holds what the plan was made from.',
        ...outcome.differences.map((d) => `  ${name(d.dn)} ${d.attribute}: planned from ${oneLine(d.planned)}, now ${oneLine(d.now)}`),
        'Check again and make a new plan.',
      ].join('\n');
    case 'failed':
      return [
        `The write failed (${outcome.cause}${outcome.failedDn ? ` on ${name(outcome.failedDn)}` : ''}): ${oneLine(outcome.detail)}`,
        `Written: ${written.size > 0 ? writtenDns(outcome).map(name).join(', ') : 'nothing'}.`,
        `Not written: ${notWritten.length > 0 ? notWritten.join(', ') : 'nothing'}.`,
      ].join('\n');
  }
}
