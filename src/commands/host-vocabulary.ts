/**
 * The host names a message may mention, built once per directory snapshot, and the rules for telling a
 * host name from an ordinary word.
 *
 * match(word): exact first (NetBIOS name, sAMAccountName with or without `$`, FQDN, case-insensitive),
 * then fuzzy: the directory's own `suggest` (letters-and-digits skeleton plus Jaro-Winkler) proposes
 * candidates, and a candidate is taken only when it is the one candidate with the same digits and
 * natural's Jaro-Winkler similarity of the two spellings is high. So "gogo3" → GOGO-3, but "gogo-7"
 * (no such host) stays unresolved with suggestions, and English words never become hosts.
 */
import { JaroWinklerDistance } from 'natural/lib/natural/distance';
import { suggest as suggestNames } from '../domain/names';
import type { DirectorySnapshot } from '../domain/snapshot';
import { CORPUS, CORPUS_HOST_NAMES } from './corpus';
import { expandContractions, tokenize } from './text';

export interface HostEntry {
  /** Canonical (NetBIOS) name as the directory knows it, e.g. GOGO-3. */
  name: string;
  dnsHostName?: string;
  /** With the trailing `$`, e.g. GOGO-3$. */
  samAccountName?: string;
  hyperV: boolean;
}

export interface HostMatch {
  /** The canonical name, e.g. GOGO-3. */
  name: string;
  how: 'exact' | 'fuzzy';
  hyperV: boolean;
}

/** Same cap as the directory's name resolution. */
const MAX_NAME = 255;
/** Jaro-Winkler similarity a fuzzy match needs on top of the skeleton/suggest shortlist. */
const FUZZY_SIMILARITY = 0.88;

/** Words that look like "letters and digits" but are not host names. */
const TECHNICAL_TERM =
  /^(?:s4u\w*|win\d+\w*|windows\d+|ws\d+\w*|w2k\d*\w*|server\d+\w*|2k\d+|rc4\w*|aes\d+\w*|des\d*|v\d+(?:\.\d+)*|krb5\w*|kerberos5|ipv[46]|x(?:64|86)|arm64|sha\d+|md[45]|kb\d+|tls\d*(?:\.\d+)?|ssl\d*|utc[+-]?\d*|gmt[+-]?\d*|etc\/\S+|event\d*|0x[0-9a-f]+|[mo]365|ntlmv?\d|smb\d*(?:\.\d+)?|http\d?|cve-\S+|p2v|v2v|h\d|q[1-4]|\d+(?:st|nd|rd|th|am|pm|h|hrs?|m|min|mins|s|sec|gb|tb|mb|kb|ghz|x|d|%)?)$/i;

/** Grammatical words that never name a host, even when a directory has an account spelled that way. */
const FUNCTION_WORDS = new Set(
  (
    'a an and are as at be but by can could did do does for from has have how i if in into is it its me my ' +
    'no not of off on onto or our please pls so the their them then there these they this those to too ' +
    'towards us via was we were what when where which who why will with would you your'
  ).split(' '),
);

/** "gogo-3", "hv01", "srv-hv-12", "gogo-4.contoso.com", "GOGO-3$": shaped like a computer name. */
export function looksLikeHostName(word: string): boolean {
  const w = word.toLowerCase();
  if (w.length < 2 || w.length > MAX_NAME) return false;
  if (TECHNICAL_TERM.test(w)) return false;
  if (/^[\p{L}\p{N}][\p{L}\p{N}_-]*\$$/u.test(w)) return true;
  const labels = w.split('.');
  if (labels.some((l) => l.length === 0)) return false;
  if (labels.length === 1) return /^\p{L}[\p{L}\p{N}_-]*$/u.test(w) && /\p{N}/u.test(w) && /\p{L}/u.test(w);
  // An FQDN: host label of two or more characters, a final label with letters.
  return labels[0]!.length >= 2 && /^[\p{L}\p{N}-]+$/u.test(labels[0]!) && /\p{L}/u.test(labels[labels.length - 1]!) && labels.every((l) => /^[\p{L}\p{N}_-]+$/u.test(l));
}

/**
 * Ordinary words: every word of the utterance corpus that is not a host name, plus grammatical words.
 * Fuzzy matching never applies to these ("to", "migrate", "host", "storage", "the").
 */
export const ENGLISH_WORDS: ReadonlySet<string> = (() => {
  const words = new Set(FUNCTION_WORDS);
  const hostNames = new Set(CORPUS_HOST_NAMES);
  for (const u of CORPUS) {
    for (const token of tokenize(expandContractions(u.text))) {
      const w = token.toLowerCase();
      if (!looksLikeHostName(w) && !hostNames.has(w)) words.add(w);
    }
  }
  for (const w of ['host', 'hosts', 'server', 'servers', 'node', 'nodes', 'vm', 'vms', 'cluster', 'domain', 'storage', 'hyper-v', 'hyperv', 'share', 'shares', 'file', 'files', 'disk', 'disks']) words.add(w);
  return words;
})();

export function isEnglishWord(word: string): boolean {
  return ENGLISH_WORDS.has(word.toLowerCase());
}

export function isFunctionWord(word: string): boolean {
  return FUNCTION_WORDS.has(word.toLowerCase());
}

/** Strips quotes, brackets and sentence punctuation around a word ("gogo-4?" → "gogo-4"). */
export function trimWord(word: string): string {
  return word.trim().replace(/^["'([{<]+/, '').replace(/[)\]}>"'.,;:!?]+$/, '');
}

function digitsOf(name: string): string {
  return (name.split('.')[0]!.match(/\p{N}+/gu) ?? []).map((d) => String(Number(d))).join(',');
}

export class HostVocabulary {
  private readonly byKey = new Map<string, HostEntry>();
  private readonly byName = new Map<string, HostEntry>();
  /** Canonical names, Hyper-V hosts first, then every other computer; each group sorted. */
  readonly hosts: readonly string[];
  readonly hyperVHosts: readonly string[];
  private readonly otherHosts: readonly string[];

  constructor(entries: readonly HostEntry[]) {
    const sorted = [...entries].sort((a, b) => Number(b.hyperV) - Number(a.hyperV) || a.name.localeCompare(b.name));
    for (const e of sorted) {
      if (this.byName.has(e.name.toLowerCase())) continue;
      this.byName.set(e.name.toLowerCase(), e);
      const keys = [e.name, e.samAccountName, e.samAccountName?.replace(/\$$/, ''), e.dnsHostName];
      for (const k of keys) if (k && !this.byKey.has(k.toLowerCase())) this.byKey.set(k.toLowerCase(), e);
    }
    const all = [...this.byName.values()];
    this.hyperVHosts = all.filter((e) => e.hyperV).map((e) => e.name);
    this.otherHosts = all.filter((e) => !e.hyperV).map((e) => e.name);
    this.hosts = [...this.hyperVHosts, ...this.otherHosts];
  }

  /** Every computer of the snapshot; the ones with the migration SPN are the Hyper-V hosts. */
  static fromSnapshot(snapshot: DirectorySnapshot): HostVocabulary {
    const hyperV = new Set(snapshot.hyperVHosts);
    return new HostVocabulary(
      snapshot.data.computers.map((c) => ({ name: c.name, dnsHostName: c.dnsHostName, samAccountName: c.samAccountName, hyperV: hyperV.has(c) })),
    );
  }

  /** For tests and tools: plain names (treated as Hyper-V hosts) or full entries. */
  static fromNames(names: ReadonlyArray<string | HostEntry>): HostVocabulary {
    return new HostVocabulary(names.map((n) => (typeof n === 'string' ? { name: n, hyperV: true } : n)));
  }

  get size(): number {
    return this.hosts.length;
  }

  isHyperV(name: string): boolean {
    return this.byName.get(name.toLowerCase())?.hyperV ?? false;
  }

  /** NetBIOS name, sAMAccountName (with or without `$`) or FQDN, case-insensitively. */
  exact(word: string): HostMatch | undefined {
    const w = trimWord(word);
    if (!w || w.length > MAX_NAME) return undefined;
    const key = w.toLowerCase();
    const entry = this.byKey.get(key) ?? this.byKey.get(key.replace(/\$$/, '')) ?? this.byKey.get(key.replace(/\.$/, ''));
    return entry ? { name: entry.name, how: 'exact', hyperV: entry.hyperV } : undefined;
  }

  /** Exact, then fuzzy ("gogo3" → GOGO-3, "gogo-4.fabrikam.com" → GOGO-4); never an English word. */
  match(word: string): HostMatch | undefined {
    const w = trimWord(word);
    if (!w || w.length > MAX_NAME) return undefined;
    const exact = this.exact(w);
    if (exact) return isFunctionWord(w) ? undefined : exact;
    if (isEnglishWord(w) || TECHNICAL_TERM.test(w)) return undefined;
    const label = w.toLowerCase().replace(/\$$/, '').split('.')[0]!;
    if (label.replace(/[^\p{L}\p{N}]/gu, '').length < 2) return undefined;
    // Another domain suffix, same host label: "gogo-4.fabrikam.com".
    if (label !== w.toLowerCase()) {
      const byLabel = this.byKey.get(label);
      if (byLabel) return { name: byLabel.name, how: 'fuzzy', hyperV: byLabel.hyperV };
    }
    const wanted = digitsOf(label);
    const sameDigits = suggestNames(label, this.hosts, 5).filter((name) => digitsOf(name) === wanted);
    if (sameDigits.length !== 1) return undefined;
    const name = sameDigits[0]!;
    if (JaroWinklerDistance(label, name.toLowerCase(), {}) < FUZZY_SIMILARITY) return undefined;
    const entry = this.byName.get(name.toLowerCase())!;
    return { name: entry.name, how: 'fuzzy', hyperV: entry.hyperV };
  }

  /** Up to `limit` names that look like `word`, Hyper-V hosts first (for "did you mean"). */
  suggest(word: string, limit = 3): string[] {
    const w = trimWord(word).slice(0, MAX_NAME);
    if (!w) return [];
    const out = suggestNames(w, this.hyperVHosts, limit);
    if (out.length < limit) out.push(...suggestNames(w, this.otherHosts, limit - out.length));
    return out;
  }
}

/** Builds the vocabulary of a directory snapshot (once per snapshot). */
export function fromSnapshot(snapshot: DirectorySnapshot): HostVocabulary {
  return HostVocabulary.fromSnapshot(snapshot);
}
