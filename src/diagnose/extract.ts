/**
 * What a pasted failure says: a Move-VM error with its PowerShell position lines, a Hyper-V-VMMS event copied
 * from Event Viewer or Get-WinEvent, or a sentence with a code. Pure: text in, facts out; host names are as
 * written (the diagnosis resolves them against the directory).
 *
 * Hosts are taken only from the phrases that name them ("failed at migration source 'X'", "with host 'Y'",
 * -DestinationHost Y, "to destination host 'Y'", an event's Computer field, "started it on X", "from X to Y", and
 * in a sentence about the move, "moving vm01 to gogo-4" / "migrating it from gogo-3" for names shaped like hosts):
 * VM names ("operation for 'VM01'"), GUIDs, paths and position lines are never hosts.
 */

export interface PasteFacts {
  source?: string;
  destination?: string;
  /** A storage move: -IncludeStorage, Move-VMStorage, "storage migration", a file copy. */
  storage: boolean;
  /** SMB file servers named in UNC paths (\\FHOST1\VMs\…). */
  fileServers: string[];
  /** Error codes as 0x + 8 upper-case hex digits, in order of appearance, once each. */
  codes: string[];
  /** Event ids, in order of appearance, once each. */
  events: number[];
  /** Host names seen without a role (the event's computer for events not logged on the source). */
  hosts: string[];
}

import { knownEvent } from './knowledge';

/** A host name as Windows prints it: NetBIOS or FQDN (no spaces, no path characters). */
const HOST = String.raw`[A-Za-z0-9][A-Za-z0-9-]{0,62}(?:\.[A-Za-z0-9][A-Za-z0-9-]{0,62})*`;
const QUOTED = String.raw`['"‘’“”]?(${HOST})['"‘’“”]?`;

/**
 * A host named in a sentence of the user's own ("moving vm01 to gogo-4 failed", "from X to Y"): a quoted name, or
 * one shaped like a host name (a digit, a hyphen or a dot in it), so "to the new host" names nobody.
 */
const HOSTLIKE = String.raw`['"‘’“”]?((?:(?<=['"‘’“”])|(?=[A-Za-z0-9.-]*[0-9.-]))${HOST})['"‘’“”]?(?![\w-])`;
const MOVING = String.raw`\b(?:mov|migrat|live[- ]migrat)\w*\b[^.\n]{0,60}?`;

const SOURCE_PATTERNS: readonly RegExp[] = [
  new RegExp(String.raw`failed at (?:the )?migration source\s+${QUOTED}`, 'i'),
  new RegExp(String.raw`at (?:the )?source host\s+${QUOTED}`, 'i'),
  new RegExp(String.raw`\bI (?:started|ran|launched|kicked off) (?:it|the (?:move|migration)|the Move-VM)? ?(?:on|from)\s+${QUOTED}`, 'i'),
  new RegExp(String.raw`\bfrom\s+${HOSTLIKE}\s+to\s+(?:host\s+)?${HOSTLIKE}`, 'i'),
  new RegExp(String.raw`${MOVING}\bfrom\s+(?:host\s+)?${HOSTLIKE}`, 'i'),
];

const DESTINATION_PATTERNS: readonly RegExp[] = [
  new RegExp(String.raw`-DestinationHost\s+${QUOTED}`, 'i'),
  new RegExp(String.raw`to (?:the )?destination host\s+${QUOTED}`, 'i'),
  new RegExp(String.raw`failed at (?:the )?migration destination\s+${QUOTED}`, 'i'),
  new RegExp(String.raw`(?:migration|connection) with host\s+${QUOTED}`, 'i'),
  new RegExp(String.raw`\bfrom\s+${HOSTLIKE}\s+to\s+(?:host\s+)?${HOSTLIKE}`, 'i'),
  new RegExp(String.raw`${MOVING}\bto\s+(?:host\s+)?${HOSTLIKE}`, 'i'),
];

const CODE = /\b0x([0-9a-f]{8})\b/gi;
const EVENT_PATTERNS: readonly RegExp[] = [/\bEvent\s*ID\s*[:#]?\s*(\d{3,5})\b/gi, /^\s*Id\s*:\s*(\d{3,5})\s*$/gim, /\bevents?\s+(\d{4,5})\b/gi];
/** Event Viewer's "Computer:" and Get-WinEvent's "MachineName :" (also when a client flattened the lines). */
const COMPUTER = new RegExp(String.raw`\bComputer\s*:\s*(${HOST})(?![\w.-])`, 'i');
const MACHINE_NAME = new RegExp(String.raw`\bMachineName\s*:\s*(${HOST})(?![\w.-])`, 'i');
const UNC = new RegExp(String.raw`\\\\(${HOST})\\`, 'g');
const STORAGE = /-IncludeStorage\b|\bMove-VMStorage\b|\bstorage (?:migration|move)\b|\bfile copy\b|\bcopying (?:the )?(?:files|disks|vhdx?)\b/i;

/** PowerShell position lines ("At line:1 char:1", "+ ~~~~", "+ CategoryInfo …"): not part of the message. The echoed command stays (it names -DestinationHost). */
function withoutPositionLines(text: string): string {
  return text
    .split(/\r?\n/)
    .filter((line) => !/^\s*At line:\d+ char:\d+/i.test(line) && !/^\s*\+\s*~+\s*$/.test(line) && !/^\s*\+\s*(?:CategoryInfo|FullyQualifiedErrorId)\b/i.test(line))
    .join('\n');
}

function firstMatch(text: string, patterns: readonly RegExp[], group: (m: RegExpExecArray) => string | undefined): string | undefined {
  for (const re of patterns) {
    const m = re.exec(text);
    const value = m ? group(m) : undefined;
    if (value) return value;
  }
  return undefined;
}

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];

/** The facts of a paste (at most the first 20,000 characters are read). */
export function extractFacts(paste: string): PasteFacts {
  const raw = paste.slice(0, 20_000);
  const text = withoutPositionLines(raw);
  const codes = unique([...text.matchAll(CODE)].map((m) => `0x${m[1]!.toUpperCase()}`));
  const events = unique(
    EVENT_PATTERNS.flatMap((re) => [...text.matchAll(re)].map((m) => ({ at: m.index ?? 0, id: Number(m[1]) })))
      .sort((a, b) => a.at - b.at)
      .map((e) => e.id),
  );
  let source = firstMatch(text, SOURCE_PATTERNS, (m) => m[1]);
  // "from X to Y" has two names: the second is the destination.
  let destination = firstMatch(text, DESTINATION_PATTERNS, (m) => m[2] ?? m[1]);
  const hosts: string[] = [];
  const computer = COMPUTER.exec(text)?.[1] ?? MACHINE_NAME.exec(text)?.[1];
  if (computer) {
    // Migration events are logged on the source; others (14050) on the host they are about.
    const onSource = events.some((id) => knownEvent(id)?.loggedOnSource === true);
    if (onSource && !source) source = computer;
    else if (!onSource) hosts.push(computer);
  }
  if (source && destination && sameHost(source, destination)) destination = undefined;
  return {
    ...(source ? { source } : {}),
    ...(destination ? { destination } : {}),
    storage: STORAGE.test(text),
    fileServers: unique([...raw.matchAll(UNC)].map((m) => m[1]!)).filter((f) => !/^(?:localhost|\?|\.)$/i.test(f)),
    codes,
    events,
    hosts: unique(hosts),
  };
}

function sameHost(a: string, b: string): boolean {
  const short = (s: string) => s.split('.')[0]!.toLowerCase();
  return short(a) === short(b);
}

/**
 * Whether a chat message is a pasted failure rather than a question: an error code or an event id, or the
 * wording of a failed move, or several lines of PowerShell error output.
 */
export function looksLikePaste(text: string): boolean {
  if (/\b0x[0-9a-f]{8}\b/i.test(text)) return true;
  if (/\bEvent\s*ID\s*[:#]?\s*\d{3,5}\b/i.test(text)) return true;
  if (/failed at (?:the )?migration (?:source|destination)|failed to establish a connection for a Virtual Machine migration|Live migration did not succeed/i.test(text)) return true;
  return /\bMove-VM\b/i.test(text) && /At line:\d+ char:\d+|FullyQualifiedErrorId/i.test(text);
}
