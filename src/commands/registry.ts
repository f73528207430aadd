/**
 * The bot's commands, declared once: each entry in src/commands/entries/ holds its words, arguments,
 * examples, intents, request and handler. Help text (plain and structured), the slash-command grammar the
 * parser follows, the intents the classifier knows, the answerer's dispatch and the Teams manifest's
 * `commandLists` are all derived from COMMANDS. Adding a command: one entry here and its tests (and its
 * utterances in the corpus, for plain-English questions).
 */
import type { CommandArgument, CommandDefinition, CommandOption } from './command';
import { check } from './entries/check';
import { diagnose } from './entries/diagnose';
import { audit } from './entries/audit';
import { explain } from './entries/explain';
import { help } from './entries/help';
import { scan } from './entries/scan';
import { subscribe } from './entries/subscribe';
import { subscriptions } from './entries/subscriptions';
import { summary } from './entries/summary';
import { unsubscribe } from './entries/unsubscribe';

export { COMMON_FILLERS, type ArgumentKind, type CommandArgument, type CommandDefinition, type CommandOption, type FlagField } from './command';

const ENTRIES = [check, scan, explain, help, subscribe, unsubscribe, subscriptions, summary, diagnose, audit] as const;

type Entry = (typeof ENTRIES)[number];
type RequestOf<E> = E extends CommandDefinition<infer R, string> ? R : never;
type IntentOf<E> = E extends CommandDefinition<{ kcd: string }, infer I> ? I : never;

/** A request the bot can answer directly (every name already given): one per command. */
export type Request = RequestOf<Entry>;
/** The intents the commands answer (the parser adds 'unknown'). */
export type RegistryIntent = IntentOf<Entry>;
export type CommandId = Entry['id'];

/** Every command, in help order. */
export const COMMANDS: ReadonlyArray<CommandDefinition<{ kcd: string }, RegistryIntent>> = ENTRIES;

/** Every intent the parser may produce, in registry order, then 'unknown'. */
export const INTENTS: ReadonlyArray<RegistryIntent | 'unknown'> = [...new Set(ENTRIES.flatMap((c): readonly RegistryIntent[] => c.intents)), 'unknown'];

/** The intents the classifier learns from the corpus (every command's but those reached only by a rule), then 'unknown'. */
export const CLASSIFIED_INTENTS: ReadonlyArray<RegistryIntent | 'unknown'> = [
  ...new Set(ENTRIES.filter((c) => c.classified !== false).flatMap((c): readonly RegistryIntent[] => c.intents)),
  'unknown',
];

/** The command answering `intent`, if any. */
export function commandForIntent(intent: string): CommandDefinition<{ kcd: string }, RegistryIntent> | undefined {
  return COMMANDS.find((c) => (c.intents as readonly string[]).includes(intent));
}

/** The command a request is for. */
export function commandFor(request: Request): CommandDefinition<Request> {
  const command = COMMANDS.find((c) => c.id === request.kcd);
  if (!command) throw new Error(`no command ${request.kcd}`);
  return command as unknown as CommandDefinition<Request>;
}

/** The command whose id or alias is `word` (case-insensitive, trailing punctuation ignored). */
export function findCommand(word: string): CommandDefinition<{ kcd: string }, RegistryIntent> | undefined {
  const w = word.trim().toLowerCase();
  const key = w === '?' ? w : w.replace(/[.,;:!?]+$/, '');
  return COMMANDS.find((c) => c.id === key || c.aliases.includes(key));
}

/** "<source>", "[destination]", "[storage]", "[via <file-server>]..." */
function argumentUsage(arg: CommandArgument): string {
  if (arg.kind === 'flag') return `[${arg.name}]`;
  if (arg.kind === 'keyword-host') return `[${arg.keyword} <${arg.name}>]${arg.repeatable ? '...' : ''}`;
  return arg.required ? `<${arg.name}>` : `[${arg.name}]`;
}

/** The usage lines of a command, e.g. ["/kcd check <host>", "/kcd check <source> <destination> [storage] [via <file-server>]..."]. */
export function usageLines(def: CommandDefinition): string[] {
  const lines: string[] = [];
  if (def.singleHostIntent) lines.push([`/kcd ${def.id} <host>`, ...def.arguments.filter((a) => a.everyForm).map(argumentUsage)].join(' '));
  const args = def.arguments.map((a, i) =>
    // With a single-host form, the second host is what makes it a pair: show it as required there.
    def.singleHostIntent && i === 1 && a.kind === 'host' ? `<${a.name}>` : argumentUsage(a),
  );
  lines.push([`/kcd ${def.id}`, ...args].join(' '));
  return lines;
}

export interface HelpEntry {
  id: string;
  title: string;
  usage: string[];
  description: string;
  arguments: ReadonlyArray<Pick<CommandArgument, 'name' | 'required' | 'description'>>;
  options: readonly CommandOption[];
  aliases: readonly string[];
  examples: readonly string[];
}

/** Structured help, one entry per command, in registry order: for the help card. */
export function helpEntries(): HelpEntry[] {
  return COMMANDS.map((c) => ({
    id: c.id,
    title: c.id,
    usage: usageLines(c),
    description: c.description,
    arguments: c.arguments.map(({ name, required, description }) => ({ name, required, description })),
    options: c.options ?? [],
    aliases: c.aliases,
    examples: c.examples,
  }));
}

/** Questions the bot understands in plain English (shown in help). */
export const NATURAL_EXAMPLES: readonly string[] = [
  'can gogo-3 migrate to gogo-4?',
  'is gogo-3 ready to live migrate to gogo-4 with storage',
  "why can't I move VMs from gogo3 to gogo4",
  "what's wrong with gogo-2",
  'which hosts are misconfigured?',
  'what is protocol transition?',
  'send me the daily report at 7',
];

/** Plain-text help for the CLI, logs and any client that cannot show cards. */
export function helpText(): string {
  const lines: string[] = ['kcd checks Kerberos constrained delegation in Active Directory for Hyper-V live migration.', '', 'Commands (the /kcd prefix is optional):'];
  for (const entry of helpEntries()) {
    for (const usage of entry.usage) lines.push(`  ${usage}`);
    lines.push(`      ${entry.description}`);
    for (const arg of entry.arguments) lines.push(`      ${arg.name}${arg.required ? '' : ' (optional)'}: ${arg.description}`);
    for (const opt of entry.options) lines.push(`      ${opt.name}: ${opt.description}`);
    if (entry.aliases.length > 0) lines.push(`      also: ${entry.aliases.join(', ')}`);
    lines.push(`      e.g. ${entry.examples.join('  |  ')}`);
  }
  lines.push('', 'Or just ask:');
  for (const q of NATURAL_EXAMPLES) lines.push(`  ${q}`);
  return lines.join('\n');
}

/** Teams limits for a bot's commandLists entries. */
export const TEAMS_COMMAND_LIMITS = { title: 32, description: 128, commandsPerScope: 10 } as const;

/**
 * The manifest's `bots[].commandLists[].commands`: one entry per command, within Teams' limits. The
 * description leads with the arguments ("<source> [destination] …: Can a host …"), shortened to the
 * first sentence of the description when the whole would not fit.
 */
export function manifestCommands(): Array<{ title: string; description: string }> {
  const { title: maxTitle, description: maxDescription, commandsPerScope } = TEAMS_COMMAND_LIMITS;
  return COMMANDS.slice(0, commandsPerScope).map((c) => {
    const args = c.arguments.map(argumentUsage).join(' ');
    const firstSentence = /^.*?[.?!](?=\s|$)/.exec(c.description)?.[0] ?? c.description;
    const candidates = [...(args ? [`${args}: ${c.description}`, `${args}: ${firstSentence}`] : []), c.description, firstSentence];
    const description = candidates.find((d) => d.length <= maxDescription) ?? c.description.slice(0, maxDescription);
    return { title: c.id.slice(0, maxTitle), description };
  });
}
