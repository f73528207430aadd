/**
 * The bot's commands, declared once. Help text (plain and structured), the slash-command grammar the
 * parser follows, and the Teams manifest's `commandLists` are all derived from COMMANDS.
 */
import { TOPICS } from './topics';
import type { Intent } from './types';

export type CommandId = 'check' | 'scan' | 'explain' | 'help' | 'subscribe' | 'unsubscribe' | 'subscriptions' | 'summary';

/**
 * What an argument is, which tells the parser how to read it:
 * - `host`: a computer name (positional);
 * - `flag`: one of `words` (e.g. `storage`, `--storage`), which sets the boolean `field` of the parsed command;
 * - `keyword-host`: `keyword` followed by a computer name, repeatable (`via fhost1`);
 * - `topic`: the rest of the text, mapped to an explain topic;
 * - `time`: a time of day (`7`, `07:30`, `7pm`);
 * - `time-zone`: an IANA zone (`Europe/Berlin`).
 */
export type ArgumentKind = 'host' | 'flag' | 'keyword-host' | 'topic' | 'time' | 'time-zone';

/** The booleans of a parsed command a flag argument can set. */
export type FlagField = 'storage' | 'fresh';

/**
 * `fresh`: read AD now instead of answering from the cache (after a fix, or a host just joined). "now" is
 * deliberately not one of its words: it is common filler ("check gogo-3 now please"); longer phrasings
 * ("re-read AD", "bypass the cache") are recognised by the parser (FRESH_PHRASE).
 */
const FRESH_FLAG: CommandArgument = {
  name: 'fresh',
  required: false,
  kind: 'flag',
  field: 'fresh',
  everyForm: true,
  words: ['fresh', 'afresh', 'uncached', 'no-cache', 'nocache'],
  description: 'read AD now instead of answering from the cache (e.g. right after a fix; also --fresh, "bypass the cache")',
};

export interface CommandArgument {
  name: string;
  required: boolean;
  description: string;
  kind: ArgumentKind;
  /** For `keyword-host`: the word that introduces the value. */
  keyword?: string;
  /** For `flag`: the parsed command's boolean it sets, and the words (lower case, dashes dropped) that set it. */
  field?: FlagField;
  words?: readonly string[];
  /** Shown in the single-host usage line too (it applies to every form of the command). */
  everyForm?: boolean;
  repeatable?: boolean;
}

export interface CommandOption {
  /** As typed, e.g. "as me". */
  name: string;
  description: string;
}

export interface CommandDefinition {
  id: CommandId;
  /** Other first words that select this command (case-insensitive). */
  aliases: readonly string[];
  arguments: readonly CommandArgument[];
  options?: readonly CommandOption[];
  /** One line; also the manifest description (Teams: at most 128 characters). */
  description: string;
  examples: readonly string[];
  /** The intent the command produces. */
  intent: Intent;
  /** When only the first (host) argument is given, this intent instead (check <host> → check_host). */
  singleHostIntent?: Intent;
  /** Words that may appear among the arguments without meaning anything ("check gogo-3 to gogo-4 please"). */
  fillers?: readonly string[];
}

/** Words any command tolerates between its arguments. */
export const COMMON_FILLERS: readonly string[] = ['please', 'pls', 'plz', 'thanks', 'thx', 'now', 'kcd', 'bot'];

const SUBSCRIPTION_FILLERS = ['me', 'us', 'my', 'our', 'this', 'the', 'channel', 'chat', 'team', 'daily', 'report', 'reports', 'summary', 'digest', 'to', 'from', 'for', 'of', 'all'];

export const COMMANDS: readonly CommandDefinition[] = [
  {
    id: 'check',
    aliases: ['host', 'pair', 'verify', 'chk'],
    arguments: [
      { name: 'source', required: true, kind: 'host', description: 'the host the VM runs on (alone: that host against all its peers, both directions)' },
      { name: 'destination', required: false, kind: 'host', description: 'the host it should move to' },
      {
        name: 'storage',
        required: false,
        kind: 'flag',
        field: 'storage',
        words: ['storage', 'includestorage', 'disks', 'vhds', 'vhdx', 'withstorage'],
        description: 'the move includes storage (cifs delegation is needed)',
      },
      { name: 'file-server', required: false, kind: 'keyword-host', keyword: 'via', repeatable: true, description: 'an SMB file server holding VM files or ISOs' },
      FRESH_FLAG,
    ],
    options: [{ name: 'as me', description: 'also check your own account (sensitive account, Protected Users)' }],
    description: 'Can a host live-migrate to another? One host: its readiness towards every peer, both ways.',
    examples: ['/kcd check gogo-3 gogo-4', '/kcd check gogo-3 to gogo-4 storage via fhost1', '/kcd check gogo-2', '/kcd check gogo-3 gogo-4 fresh'],
    intent: 'check_pair',
    singleHostIntent: 'check_host',
    fillers: ['to', 'and', 'with', 'the', 'from', 'host', 'hosts', 'server', 'including', 'incl', 'plus', 'migrate', 'migration', 'live', 'ready', 'ok', '\u2192'],
  },
  {
    id: 'scan',
    aliases: ['audit', 'fleet'],
    arguments: [FRESH_FLAG],
    description: 'Check every Hyper-V host in the directory: totals and the worst hosts.',
    examples: ['/kcd scan', '/kcd scan --fresh'],
    intent: 'scan',
    fillers: ['all', 'the', 'every', 'everything', 'host', 'hosts', 'fleet', 'domain', 'servers', 'hyper-v'],
  },
  {
    id: 'explain',
    aliases: ['define', 'whatis', 'what-is'],
    arguments: [
      {
        name: 'topic',
        required: false,
        kind: 'topic',
        description: `one of: ${TOPICS.map((t) => t.id).join(', ')}`,
      },
    ],
    description: 'Explain a Kerberos term: SPN, UPN, KDC, constrained delegation, protocol transition, Protected Users...',
    examples: ['/kcd explain protocol-transition', '/kcd explain spn'],
    intent: 'explain',
  },
  {
    id: 'help',
    aliases: ['?', 'commands', 'usage', 'menu'],
    arguments: [],
    description: 'What this bot can do, with examples.',
    examples: ['/kcd help'],
    intent: 'help',
    fillers: ['me', 'with', 'on', 'for', 'about'],
  },
  {
    id: 'subscribe',
    aliases: ['sub'],
    arguments: [
      { name: 'HH:MM', required: false, kind: 'time', description: 'when to post, 24-hour clock (7, 07:30, 7pm also work)' },
      { name: 'time-zone', required: false, kind: 'time-zone', description: 'an IANA time zone such as Europe/Berlin, or UTC' },
    ],
    description: 'Post a daily summary of the scan in this chat at a time of day.',
    examples: ['/kcd subscribe', '/kcd subscribe 07:30 Europe/Berlin'],
    intent: 'subscribe',
    fillers: [...SUBSCRIPTION_FILLERS, 'at', 'every', 'day', 'each', 'morning', 'in', 'tz', 'timezone', 'zone'],
  },
  {
    id: 'unsubscribe',
    aliases: ['unsub'],
    arguments: [],
    description: 'Stop the daily summary in this chat.',
    examples: ['/kcd unsubscribe'],
    intent: 'unsubscribe',
    fillers: SUBSCRIPTION_FILLERS,
  },
  {
    id: 'subscriptions',
    aliases: ['subs', 'subscription'],
    arguments: [],
    description: 'List the daily summaries of this chat and when they are posted.',
    examples: ['/kcd subscriptions'],
    intent: 'subscriptions',
    fillers: [...SUBSCRIPTION_FILLERS, 'list', 'show'],
  },
  {
    id: 'summary',
    aliases: ['digest'],
    arguments: [],
    description: "The summary now: what changed since this chat's previous summary (daily or on demand).",
    examples: ['/kcd summary'],
    intent: 'summary',
    fillers: [...SUBSCRIPTION_FILLERS, 'today', 'latest', 'last'],
  },
];

/** The command whose id or alias is `word` (case-insensitive, trailing punctuation ignored). */
export function findCommand(word: string): CommandDefinition | undefined {
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
  id: CommandId;
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
