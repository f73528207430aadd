/**
 * The parsed form of a chat message or `/kcd` command: what the bot, the CLI's `kcd parse` and the
 * dialogs code against. Produced by `parseCommand` (parser.ts); never thrown at. The intents are the
 * registry's (each command declares its own), plus 'unknown'.
 */
import type { ParsedFields } from './parsed-fields';
import type { RegistryIntent } from './registry';

export type Intent = RegistryIntent | 'unknown';

export interface ParsedCommand extends ParsedFields {
  intent: Intent;
}

export { INTENTS } from './registry';
