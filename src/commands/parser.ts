/**
 * Text → ParsedCommand. Two routes:
 * - slash: `/kcd check gogo-3 gogo-4`, `kcd check …`, a bare `check gogo-3`, `/kcd` alone (help). The first
 *   word selects a command of the registry; its declared arguments are the grammar. Text that does not fit
 *   the grammar ("check if gogo-3 can go to gogo-4") is read as a question instead.
 * - natural: the intent classifier (natural's Bayes, trained on the corpus), then extraction of hosts,
 *   storage, file servers, topic, time and zone, then a few consistency rules (a host check needs a host…).
 * Never throws; looks at the first MAX_INPUT characters only.
 */
import { displayable } from '../domain/names';
import { looksLikePaste } from '../diagnose/extract';
import { defaultIntentClassifier, OPERATE_CUE, type IntentClassifier } from './intent-classifier';
import { isEnglishWord, looksLikeHostName, trimWord, type HostVocabulary } from './host-vocabulary';
import { COMMANDS, COMMON_FILLERS, findCommand, type CommandArgument, type CommandDefinition, type RegistryIntent } from './registry';
import { canonicalTimeZone, parseTimeArgument, parseTimeOfDay, parseTimeZone } from './schedule';
import { ARROW, cleanText, expandContractions, tokenize } from './text';
import { findTopic } from './topics';
import type { Intent, ParsedCommand } from './types';

export type { ParsedCommand } from './types';

export interface ParseOptions {
  /** The classifier for questions (default: the one trained on the whole corpus). */
  classifier?: IntentClassifier;
}

type Role = 'source' | 'destination' | 'fileServer';

interface Mention {
  /** As typed ("gogo3", "gogo 3"). */
  typed: string;
  /** Canonical name when resolved, else as typed. */
  name: string;
  resolved: boolean;
  /** Token index of the mention's first token. */
  index: number;
  role?: Role;
}

const MAX_FILE_SERVERS = 10;
/** A word longer than a DNS label is not taken for a host name unless it is shaped like an FQDN. */
const MAX_LABEL = 63;

function empty(intent: Intent, via: ParsedCommand['via']): ParsedCommand {
  return { intent, storage: false, fresh: false, fileServers: [], asker: false, unresolved: [], via };
}

/** A host at tokens[i] (or "gogo 3" at tokens[i..i+1]); `loose` also takes unknown non-English words. */
function mentionAt(tokens: readonly string[], i: number, hosts: HostVocabulary, loose: boolean): { mention: Mention; used: number } | undefined {
  const token = tokens[i];
  if (token === undefined || token === '?' || token === ARROW) return undefined;
  const word = trimWord(token);
  if (!word) return undefined;
  const next = tokens[i + 1];
  if (next !== undefined && /^\d{1,4}$/.test(next) && !/\d/.test(word) && !isEnglishWord(word)) {
    const joined = hosts.match(`${word}-${next}`) ?? hosts.match(`${word}${next}`);
    if (joined) return { mention: { typed: `${word} ${next}`, name: joined.name, resolved: true, index: i }, used: 2 };
  }
  const match = hosts.match(word);
  if (match) return { mention: { typed: word, name: match.name, resolved: true, index: i }, used: 1 };
  if (looksLikeHostName(word) || (loose && word.length <= MAX_LABEL && !isEnglishWord(word) && /^[\p{L}\p{N}][\p{L}\p{N}._$-]*$/u.test(word))) {
    return { mention: { typed: word, name: word, resolved: false, index: i }, used: 1 };
  }
  return undefined;
}

function unresolvedOf(mentions: readonly Mention[], hosts: HostVocabulary): ParsedCommand['unresolved'] {
  const seen = new Set<string>();
  const out: ParsedCommand['unresolved'] = [];
  for (const m of mentions) {
    if (m.resolved || seen.has(m.typed.toLowerCase())) continue;
    seen.add(m.typed.toLowerCase());
    out.push({ text: displayable(m.typed), suggestions: hosts.suggest(m.typed, 3) });
  }
  return out;
}

function dedupe(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.filter((n) => (seen.has(n.toLowerCase()) ? false : (seen.add(n.toLowerCase()), true)));
}

// ---------------------------------------------------------------------------------------------------
// Slash commands

const PREFIX = /^(?:\/\s*kcd|@?kcd(?:[- ]?bot)?)(?![\p{L}\p{N}_-])[\s:,]*/iu;
/** A time argument: 7, 07:30, 7.30, 19h, 7pm, 7:30 p.m. */
const TIME_ARGUMENT = /(?<![\p{L}\p{N}:./])\d{1,2}(?:[:.h]\d{2}|h)?(?:\s*[ap]\.?m\.?)?(?![\p{L}\p{N}:/]|\.\d)/iu;
/** A time zone argument: Europe/Berlin, America/Argentina/Buenos_Aires, UTC. */
const ZONE_ARGUMENT = /(?<![\p{L}\p{N}/])(?:[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){1,2}|utc|gmt)(?![\p{L}\p{N}/])/iu;
const FILE_SERVER_WORDS = new Set(['via', 'file-server', 'fileserver', 'fs']);

/**
 * Phrasings that ask for AD as it is now rather than the cache: "re-read AD", "bypass the cache", "straight
 * from the DC", "a fresh read", "--fresh", "uncached". Not "now" (filler: "check gogo-3 now please"), and not a
 * bare "fresh" inside a question ("can the fresh host gogo-5 migrate…"): the slash grammar takes that word as
 * the flag, a question only at its end ("can gogo-3 migrate to gogo-4, fresh").
 */
const DIRECTORY_WORDS = String.raw`(?:the\s+)?(?:ad|active\s+directory|directory|dcs?|domain\s+controllers?|ldap)`;
const FRESH_PHRASE = new RegExp(
  String.raw`(?<![\p{L}\p{N}_-])(?:` +
    [
      String.raw`re-?(?:read|query|load|fetch)(?:ing)?\s+(?:from\s+)?${DIRECTORY_WORDS}`,
      String.raw`(?:bypass|bypassing|skip|skipping|ignore|ignoring|without|not\s+from|not\s+using|no)\s+(?:the\s+|any\s+|your\s+)?cache(?:d\s+(?:copy|data|snapshot|answer|results?))?`,
      String.raw`refresh(?:ing)?\s+(?:the\s+|your\s+)?(?:cache|snapshot|data)`,
      String.raw`(?:straight|directly|live|fresh)\s+from\s+${DIRECTORY_WORDS}`,
      String.raw`(?:a\s+)?fresh\s+(?:read|copy|snapshot|lookup|look-?up|query|data)`,
      String.raw`--?(?:fresh|no-?cache)`,
      String.raw`afresh|uncached|no-cache|nocache`,
    ].join('|') +
    String.raw`)(?![\p{L}\p{N}_-])`,
  'iu',
);
/** A question's last word "fresh" ("can gogo-3 migrate to gogo-4, fresh please"). */
const FRESH_LAST_WORD = /(?<![\p{L}\p{N}_-])fresh[\s.,;:!?]*(?:(?:please|pls|plz|thanks|thx)[\s.,;:!?]*)?$/iu;

/** Takes every fresh phrasing out of `text` (so the rest parses as before); whether there was one. */
function takeFresh(text: string, question: boolean): { text: string; fresh: boolean } {
  const global = new RegExp(FRESH_PHRASE.source, 'giu');
  let rest = text.replace(global, ' ');
  if (question) rest = rest.replace(FRESH_LAST_WORD, ' ');
  return rest === text ? { text, fresh: false } : { text: rest.replace(/\s+/g, ' ').trim(), fresh: true };
}

/** The flag argument of `def` that `word` (lower case) sets, if any. */
function flagOf(def: CommandDefinition<{ kcd: string }, RegistryIntent>, word: string): CommandArgument | undefined {
  return def.arguments.find((a) => a.kind === 'flag' && a.field !== undefined && a.words?.includes(word));
}

/** Reads the arguments of `def` from `argText`; undefined when the text does not fit the grammar. */
function parseSlash(def: CommandDefinition<{ kcd: string }, RegistryIntent>, argText: string, hosts: HostVocabulary): ParsedCommand | undefined {
  const result = empty(def.intents[0]!, 'slash');
  const kinds = new Set(def.arguments.map((a) => a.kind));
  if (kinds.has('time')) {
    // The tokenizer splits "07:30"; take the time argument out of the text first.
    const time = TIME_ARGUMENT.exec(argText);
    if (time) {
      // A time that cannot be read is kept as written, so the answer names it (never a silent default).
      result.time = parseTimeArgument(time[0]) ?? time[0];
      argText = `${argText.slice(0, time.index)} ${argText.slice(time.index + time[0].length)}`;
    }
  }
  if (kinds.has('time-zone')) {
    const zone = ZONE_ARGUMENT.exec(argText);
    if (zone) {
      result.timeZone = canonicalTimeZone(zone[0]) ?? zone[0];
      argText = `${argText.slice(0, zone.index)} ${argText.slice(zone.index + zone[0].length)}`;
    }
  }
  if (def.arguments.some((a) => a.field === 'fresh')) {
    // Phrases of several words ("bypass the cache") do not fit the word-by-word grammar: take them out first.
    const taken = takeFresh(argText, false);
    argText = taken.text;
    result.fresh = taken.fresh;
  }
  const tokens = tokenize(argText);
  const fillers = new Set([...COMMON_FILLERS, ...(def.fillers ?? []), ...(def.id === 'help' ? COMMANDS.flatMap((c) => [c.id, ...c.aliases]) : [])]);

  if (kinds.has('count')) {
    // As typed ("-3" stays "-3", so the handler refuses it rather than reading 3).
    const words = argText.trim().split(/\s+/).filter((w) => w !== '' && !fillers.has(w.toLowerCase()));
    return words.length > 0 ? { ...result, count: words.join(' ') } : result;
  }
  // A paste must look like one ("diagnose gogo-3" is a question about a host, read as such).
  if (kinds.has('text')) return looksLikePaste(argText) ? { ...result, paste: argText.trim() } : undefined;
  if (kinds.has('topic')) {
    const topic = findTopic(argText);
    if (topic) return { ...result, topic };
    // "explain your commands", "explain why gogo-3 fails": not a topic; read it as a question.
    return tokens.some((t) => trimWord(t)) ? undefined : result;
  }

  const positional: Mention[] = [];
  const fileServers: Mention[] = [];
  const hostSlots = def.arguments.filter((a) => a.kind === 'host').length;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const lower = trimWord(token).toLowerCase();
    if (!lower || token === ARROW) continue;
    const flag = flagOf(def, lower);
    if (flag?.field) {
      result[flag.field] = true;
      continue;
    }
    if (kinds.has('keyword-host') && FILE_SERVER_WORDS.has(lower)) {
      const found = mentionAt(tokens, i + 1, hosts, true);
      if (!found) return undefined;
      fileServers.push({ ...found.mention, role: 'fileServer' });
      i += found.used;
      continue;
    }
    if (def.options?.some((o) => o.name === 'as me') && lower === 'as' && trimWord(tokens[i + 1] ?? '').toLowerCase() === 'me') {
      result.asker = true;
      i++;
      continue;
    }
    if (hostSlots > 0 && !fillers.has(lower)) {
      const found = mentionAt(tokens, i, hosts, true);
      if (found) {
        positional.push(found.mention);
        i += found.used - 1;
        continue;
      }
      // Too long for a host name: kept as the name given, so the answer refuses it as such (never a scan instead).
      const word = trimWord(token);
      if (word.length > MAX_LABEL && /^[\p{L}\p{N}][\p{L}\p{N}._$-]*$/u.test(word)) {
        positional.push({ typed: word, name: word, resolved: true, index: i });
        continue;
      }
    }
    if (fillers.has(lower)) continue;
    return undefined;
  }
  if (positional.length > hostSlots) return undefined;

  if (def.singleHostIntent && positional.length === 1) {
    result.intent = def.singleHostIntent;
    result.host = positional[0]!.name;
  } else {
    result.source = positional[0]?.name;
    result.destination = positional[1]?.name;
  }
  result.fileServers = dedupe(fileServers.map((m) => m.name)).slice(0, MAX_FILE_SERVERS);
  result.unresolved = unresolvedOf([...positional, ...fileServers], hosts);
  return withoutUndefined(result);
}

// ---------------------------------------------------------------------------------------------------
// Questions

/** Words between a marker and the host it introduces ("from the host gogo-3"). */
const GAP = String.raw`(?:\s+(?:the|a|an|host|server|node|hyper-v|hyperv|hypervisor|computer|machine|box|its|my|our|their|new|named|called))*\s*$`;
const FROM_MARKER = new RegExp(String.raw`\b(?:from|off|source|src)${GAP}`, 'i');
const TO_MARKER = new RegExp(String.raw`(?:\b(?:to|into|onto|towards?|destination|dest|target)|\u2192)${GAP}`, 'i');
const FILE_SERVER_MARKER = new RegExp(
  String.raw`(?:\b(?:via|through|thru)|\b(?:files?|isos?|vhdx?s?|disks?|shares?|images?|media|library|templates?|data|storage)\s+(?:(?:are|is|live|lives|sit|sits|stored|located|kept|reside|resides)\s+)?(?:on|at|in)|\bfile[- ]?servers?|\bfiler|\bnas)${GAP}`,
  'i',
);

const NO_STORAGE = /\b(?:without|no|excluding|not|w\/o)\s+(?:the\s+|its\s+)?storage\b|\bvm[- ]only\b|\bwithout (?:the |its )?(?:disks|vhds)\b/i;
const STORAGE =
  /\bstorage\b|\bincludestorage\b|\b(?:with|including|incl|plus|and)\.?\s+(?:its\s+|the\s+|their\s+|all\s+)?(?:disks?|vhdx?s?|virtual disks?)\b|\bmov(?:e|es|ing)\s+(?:the\s+|its\s+|their\s+)?(?:disks?|vhdx?s?|virtual disks?)\b|\bvhdx?s\b|\bvm files\b(?!\s+(?:are\s+|live\s+|sit\s+)?(?:on|at|in)\b)/i;
const SHARED_STORAGE = /\bshared storage\b/i;

/** The question is about the asker's own account: I, me, my (not "tell me", "show me", "for me"). */
const ASKER = /\b(?:i|me|my|myself|mine|im)\b/i;
const NOT_ASKER = /\b(?:tell|show|give|send|let|help|for|remind|notify)\s+me\b|\blet me know\b/gi;

/** Words that make a request with a host a delegation question rather than a chore ("reboot gogo-3"). */
const KCD_CUE =
  /\b(?:migrat\w*|mov(?:e|es|ed|ing)|delegat\w*|kcd|kerberos|spns?|check\w*|ready|evacuat\w*|drain\w*|where can|peers?|trust\w*|protocol|authentication|constrained|wrong|broken|status|health\w*|ok|okay|fine|correct\w*|right|properly|problems?|issues?|errors?|fail\w*|fix\w*|misconfigur\w*|set up|configured)\b/i;
/** Requests to change or run something (kcd only reads): never answered with a check or a scan. */
const UNSUPPORTED_ACTION =
  /\b(?:delete|remove|drop|erase|wipe|format|kill|uninstall|disable|rm\s+-|sudo|select\s+\S+\s+from|insert\s+into|truncate|drop\s+table|exec(?:ute)?\s+(?:this|the|a|my)?\s*(?:command|script|query|sql))\b/i;
/** An explicit request for an explanation, for explain without a known topic. */
const EXPLAIN_CUE = /\b(?:explain\w*|expain|define|definition|meaning)\b/i;
/** The whole fleet rather than one host. */
const FLEET_CUE = /\b(?:all|every|everything|everywhere|fleet|whole|entire|overall|hosts|servers|nodes|domain|forest)\b/i;

function roleOf(tokens: readonly string[], index: number, previous: Mention | undefined, unc: ReadonlySet<string>, typed: string): Role | undefined {
  if (unc.has(typed.toLowerCase())) return 'fileServer';
  const before = tokens.slice(Math.max(0, index - 6), index).join(' ').toLowerCase();
  if (FILE_SERVER_MARKER.test(before)) return 'fileServer';
  // "via fhost1 and nas01": a list continues the role of its first item.
  if (previous?.role === 'fileServer' && /(?:^|\s)(?:and|&)$/.test(before) && previous.index >= index - 3) return 'fileServer';
  if (FROM_MARKER.test(before)) return 'source';
  if (TO_MARKER.test(before)) return 'destination';
  return undefined;
}

/** A word that is no host and no English but close to a host name ("vmhost", "gogo"): a likely typo. */
function nearMiss(tokens: readonly string[], i: number, hosts: HostVocabulary): { mention: Mention; used: number } | undefined {
  const word = trimWord(tokens[i] ?? '');
  if (word.length < 3 || word.length > MAX_LABEL || isEnglishWord(word) || !/^\p{L}[\p{L}\p{N}._-]*$/u.test(word)) return undefined;
  if (hosts.suggest(word, 1).length === 0) return undefined;
  return { mention: { typed: word, name: word, resolved: false, index: i }, used: 1 };
}

function findMentions(tokens: readonly string[], hosts: HostVocabulary, unc: ReadonlySet<string>): Mention[] {
  const mentions: Mention[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const found = mentionAt(tokens, i, hosts, false) ?? nearMiss(tokens, i, hosts);
    if (!found) continue;
    const mention = found.mention;
    mention.role = roleOf(tokens, i, mentions.at(-1), unc, mention.typed.split(' ')[0]!);
    mentions.push(mention);
    i += found.used - 1;
  }
  return mentions;
}

/** Host names of UNC paths (\\fhost1\vms): file servers. */
function uncHosts(text: string): Set<string> {
  return new Set([...text.matchAll(/\\\\([\p{L}\p{N}][\p{L}\p{N}._-]*)/gu)].map((m) => m[1]!.toLowerCase()));
}

function parseNatural(text: string, hosts: HostVocabulary, classifier: IntentClassifier): ParsedCommand {
  // "re-read AD" and the like are taken out before the classifier and the host extraction see the text.
  const taken = takeFresh(cleanText(text), true);
  const cleaned = /[\p{L}\p{N}]/u.test(taken.text) ? taken.text : cleanText(text);
  const expanded = expandContractions(cleaned);
  const lower = expanded.toLowerCase();
  const tokens = tokenize(expanded);
  const mentions = findMentions(tokens, hosts, uncHosts(cleaned));
  const hostMentions = mentions.filter((m) => m.role !== 'fileServer');
  // What the classifier masks as HOSTNAME: the same words the mentions above were built from.
  const isHost = (w: string) => hosts.match(w) !== undefined || looksLikeHostName(w) || nearMiss([w], 0, hosts) !== undefined;
  const topic = findTopic(lower);

  let intent: Intent = classifier.classify(cleaned, isHost).intent;
  // Consistency: each rule turns a guess that cannot be acted on into one that can.
  if ((intent === 'check_host' || intent === 'check_pair') && OPERATE_CUE.test(lower) && !KCD_CUE.test(lower)) intent = 'unknown';
  // "delete all the hosts", "reboot every host": not a scan, whatever the word "hosts" suggests.
  const refused = !KCD_CUE.test(lower) ? (UNSUPPORTED_ACTION.exec(lower) ?? (intent === 'scan' ? OPERATE_CUE.exec(lower) : null)) : null;
  if (refused && (intent === 'check_host' || intent === 'check_pair' || intent === 'scan' || intent === 'unknown')) intent = 'unknown';
  if (intent === 'explain' && !topic && !EXPLAIN_CUE.test(lower)) intent = 'unknown';
  if ((intent === 'unknown' || intent === 'help') && topic && hostMentions.length === 0 && /\?|\b(?:what|why|how|explain)\b/.test(lower)) intent = 'explain';
  if (intent === 'check_host' && hostMentions.length >= 2) intent = 'check_pair';
  if (intent === 'check_host' && hostMentions.length === 0) intent = 'scan';
  if (intent === 'scan' && hostMentions.length === 1 && !FLEET_CUE.test(lower)) intent = 'check_host';
  if ((intent === 'summary' || intent === 'subscriptions') && parseTimeOfDay(cleaned)) intent = 'subscribe';

  const result = empty(intent, 'natural');
  if (refused && intent === 'unknown') result.refused = refused[0].trim();
  if (!SHARED_STORAGE.test(lower) && !NO_STORAGE.test(lower) && STORAGE.test(lower) && ['check_pair', 'check_host', 'scan'].includes(intent)) {
    result.storage = true;
  }
  if (taken.fresh && ['check_pair', 'check_host', 'scan'].includes(intent)) result.fresh = true;
  const slotted: Mention[] = [];
  if (intent === 'check_pair') {
    const remaining = hostMentions.filter((m) => m.role === undefined);
    let source = hostMentions.find((m) => m.role === 'source');
    let destination: Mention | undefined = hostMentions.find((m) => m.role === 'destination' && m !== source);
    source ??= remaining.shift();
    destination ??= remaining.find((m) => m !== source);
    result.source = source?.name;
    result.destination = destination?.name;
    slotted.push(...[source, destination].filter((m): m is Mention => m !== undefined));
  } else if (intent === 'check_host') {
    const host = hostMentions.find((m) => m.resolved) ?? hostMentions[0];
    result.host = host?.name;
    if (host) slotted.push(host);
  }
  if (intent === 'check_pair' || intent === 'check_host') {
    const used = new Set([result.source, result.destination, result.host].filter(Boolean).map((n) => n!.toLowerCase()));
    const fileServers = mentions.filter((m) => m.role === 'fileServer' && !used.has(m.name.toLowerCase())).slice(0, MAX_FILE_SERVERS);
    result.fileServers = dedupe(fileServers.map((m) => m.name));
    slotted.push(...fileServers);
    result.asker = ASKER.test(lower.replace(NOT_ASKER, ' ')) || /\bas me\b/.test(lower);
    result.unresolved = unresolvedOf(slotted, hosts);
  }
  if (intent === 'explain' && topic) result.topic = topic;
  if (intent === 'subscribe') {
    result.time = parseTimeOfDay(cleaned);
    result.timeZone = parseTimeZone(cleaned);
  }
  return withoutUndefined(result);
}

/** Drops optional fields that are undefined, so results compare and serialise cleanly. */
function withoutUndefined(command: ParsedCommand): ParsedCommand {
  for (const key of ['source', 'destination', 'host', 'topic', 'time', 'timeZone', 'paste', 'refused'] as const) {
    if (command[key] === undefined) delete command[key];
  }
  return command;
}

// ---------------------------------------------------------------------------------------------------

function parseUnsafe(text: string, hosts: HostVocabulary, options: ParseOptions): ParsedCommand {
  const cleaned = cleanText(text);
  if (!cleaned || !/[\p{L}\p{N}?]/u.test(cleaned)) return empty('help', 'slash');

  const prefix = PREFIX.exec(cleaned);
  const rest = prefix ? cleaned.slice(prefix[0].length) : cleaned.replace(/^\/\s*/, '');
  if (prefix && !/[\p{L}\p{N}?]/u.test(rest)) return empty('help', 'slash');

  const first = /^\S+/.exec(rest)?.[0] ?? '';
  const def = findCommand(first);
  if (def) {
    const parsed = parseSlash(def, rest.slice(first.length), hosts);
    if (parsed) return parsed;
  }
  return parseNatural(rest, hosts, options.classifier ?? defaultIntentClassifier());
}

/** Understands a chat message or command. Never throws: anything unreadable is `unknown` (or `help` when empty). */
export function parseCommand(text: string, hosts: HostVocabulary, options: ParseOptions = {}): ParsedCommand {
  try {
    return parseUnsafe(typeof text === 'string' ? text : '', hosts, options);
  } catch {
    return empty('unknown', 'natural');
  }
}
