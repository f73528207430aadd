/**
 * The parsed form of a chat message or `/kcd` command: what the bot, the CLI's `kcd parse` and the
 * dialogs code against. Produced by `parseCommand` (parser.ts); never thrown at.
 */
import type { HostVocabulary } from './host-vocabulary';

export type Intent =
  | 'check_pair'
  | 'check_host'
  | 'scan'
  | 'explain'
  | 'help'
  | 'subscribe'
  | 'unsubscribe'
  | 'subscriptions'
  | 'summary'
  | 'unknown';

export const INTENTS: readonly Intent[] = [
  'check_pair',
  'check_host',
  'scan',
  'explain',
  'help',
  'subscribe',
  'unsubscribe',
  'subscriptions',
  'summary',
  'unknown',
];

export interface ParsedCommand {
  intent: Intent;
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
  asker: boolean; // the question is about "I"/"me" ("can I migrate…"): the bot checks the sender's own account
  /** Host-like words that matched no directory host, with up to 3 suggestions each (for "did you mean"). */
  unresolved: { text: string; suggestions: string[] }[];
  /** How the text was understood: 'slash' for /kcd and bare commands, 'natural' for questions. */
  via: 'slash' | 'natural';
}

export type ParseCommand = (text: string, hosts: HostVocabulary) => ParsedCommand;
