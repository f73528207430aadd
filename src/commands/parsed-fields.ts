/**
 * What the parser extracts from a message besides its intent: the fields a command's `request` reads.
 * A leaf module, so command entries and the registry can use it without importing the parser's types.
 */
export interface ParsedFields {
  /** An intent name of the registry, or 'unknown' (ParsedCommand narrows it to the registry's Intent). */
  intent: string;
  source?: string; // host names as the directory knows them (canonical NetBIOS name, e.g. "GOGO-3") when resolved; otherwise as typed
  destination?: string;
  host?: string;
  storage: boolean;
  /** check/scan: read AD now rather than answer from the cache ("fresh", "--fresh", "re-read AD", "bypass the cache"). */
  fresh: boolean;
  fileServers: string[];
  topic?: string; // explain topic id, e.g. 'spn', 'upn', 'kdc', 'constrained-delegation', 'protocol-transition', 'unconstrained-delegation', 'protected-users', 'duplicate-spn'
  time?: string; // subscribe: "HH:MM" (24h)
  timeZone?: string; // subscribe: IANA zone, validated with Intl
  paste?: string; // diagnose: the pasted error, as written
  count?: string; // audit: how many records, as typed (the handler refuses what is not a number)
  refused?: string; // unknown: the action asked for that kcd does not do ("delete", "reboot"), for "I can't do that"

  asker: boolean; // the question is about "I"/"me" ("can I migrate…"): the bot checks the sender's own account
  /** Host-like words that matched no directory host, with up to 3 suggestions each (for "did you mean"). */
  unresolved: { text: string; suggestions: string[] }[];
  /** How the text was understood: 'slash' for /kcd and bare commands, 'natural' for questions. */
  via: 'slash' | 'natural';
}
