/**
 * How `kcd parse` shows a ParsedCommand: one JSON object (absent fields as null) or one readable line.
 */
import type { ParsedCommand } from './types';

export interface ParsedCommandJson {
  intent: ParsedCommand['intent'];
  source: string | null;
  destination: string | null;
  host: string | null;
  storage: boolean;
  fresh: boolean;
  fileServers: string[];
  topic: string | null;
  time: string | null;
  timeZone: string | null;
  asker: boolean;
  unresolved: ParsedCommand['unresolved'];
  via: ParsedCommand['via'];
}

export function parsedCommandJson(command: ParsedCommand): ParsedCommandJson {
  return {
    intent: command.intent,
    source: command.source ?? null,
    destination: command.destination ?? null,
    host: command.host ?? null,
    storage: command.storage,
    fresh: command.fresh,
    fileServers: [...command.fileServers],
    topic: command.topic ?? null,
    time: command.time ?? null,
    timeZone: command.timeZone ?? null,
    asker: command.asker,
    unresolved: command.unresolved.map((u) => ({ text: u.text, suggestions: [...u.suggestions] })),
    via: command.via,
  };
}

/** e.g. "check_pair: GOGO-3 → GOGO-4, with storage, via FHOST1 (natural)". */
export function parsedCommandText(command: ParsedCommand): string {
  const parts: string[] = [];
  if (command.intent === 'check_pair') parts.push(`${command.source ?? '?'} \u2192 ${command.destination ?? '?'}`);
  if (command.host) parts.push(command.host);
  if (command.storage) parts.push('with storage');
  if (command.fresh) parts.push('fresh from AD (cache bypassed)');
  if (command.fileServers.length > 0) parts.push(`via ${command.fileServers.join(', ')}`);
  if (command.topic) parts.push(`topic ${command.topic}`);
  if (command.time) parts.push(`at ${command.time}`);
  if (command.timeZone) parts.push(command.timeZone);
  if (command.asker) parts.push('as the asker');
  const details = parts.length > 0 ? `: ${parts.join(', ')}` : '';
  const unresolved = command.unresolved.map(
    (u) => `\n  unknown host "${u.text}"${u.suggestions.length > 0 ? `: did you mean ${u.suggestions.join(', ')}?` : ''}`,
  );
  return `${command.intent}${details} (${command.via})${unresolved.join('')}`;
}
