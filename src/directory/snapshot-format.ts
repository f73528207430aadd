/**
 * kcd's own snapshot file format: what `kcd snapshot --out file.json` writes and `--directory file.json`
 * reads back. It is DirectoryData (src/domain/model.ts) with a format marker and a version:
 *
 *   { "format": "kcd-snapshot", "version": 1, "source": {…}, "domains": […], "computers": […], … }
 *
 * Also the helpers every snapshot reader shares: text decoding (UTF-8 / UTF-16 with or without BOM),
 * JSON parsing with line/column errors, and zod issue formatting ("computers[3].userAccountControl:
 * expected number, got string "4096"").
 */
import { z } from 'zod';
import type { Computer, DirectoryData, Group, SourceInfo, SpnAccount, User } from '../domain/model';
import { SnapshotFileError } from '../domain/errors';
import { internDirectoryData } from '../domain/intern';

export const SNAPSHOT_FORMAT = 'kcd-snapshot';
export const SNAPSHOT_VERSION = 1;

/** How many problems a SnapshotFileError lists before "… and N more". */
export const MAX_REPORTED_PROBLEMS = 5;

// ---------------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------------

const name = z.string().min(1);
/** Optional string attributes: absent, null (hand-edited files) or a string. */
const optionalString = z.string().nullish();
const stringList = z.array(z.string());
/** Lists a hand-edited file may leave out; `kcd snapshot` always writes them. */
const optionalList = stringList.optional();
/** msDS-SupportedEncryptionTypes: absent or null when the attribute is not set. */
const encryptionTypes = z.number().int().nonnegative().max(0xffffffff).nullish();

export const sourceInfoSchema = z.object({
  kind: z.enum(['demo', 'ldap', 'snapshot']),
  label: z.string(),
  takenAt: z.string(),
});

/** One ACE of a resource-based delegation descriptor (Computer.resourceBasedAces). */
const resourceBasedAceSchema = z.object({
  sid: name,
  principal: optionalString,
  type: z.enum(['allow', 'deny']),
  mask: z.number().int().nonnegative().max(0xffffffff),
});

export const computerSchema = z.object({
  name,
  samAccountName: name,
  dnsHostName: optionalString,
  domain: z.string(),
  distinguishedName: name,
  sid: optionalString,
  userAccountControl: z.number().int().nonnegative(),
  servicePrincipalNames: stringList,
  allowedToDelegateTo: stringList,
  allowedToActOnBehalfOf: optionalList,
  /** Absent in files written before version 1 kept the ACEs: the descriptor rules then stay quiet. */
  resourceBasedAces: z.array(resourceBasedAceSchema).nullish(),
  operatingSystem: optionalString,
  operatingSystemVersion: optionalString,
  supportedEncryptionTypes: encryptionTypes,
  memberOf: optionalList,
});

export const userSchema = z.object({
  samAccountName: name,
  userPrincipalName: optionalString,
  distinguishedName: name,
  domain: z.string(),
  userAccountControl: z.number().int().nonnegative(),
  memberOf: optionalList,
  protectedUsers: z.boolean().nullish(),
  supportedEncryptionTypes: encryptionTypes,
});

export const groupSchema = z.object({
  distinguishedName: name,
  name: z.string(),
  sid: optionalString,
  memberOf: optionalList,
});

export const spnAccountSchema = z.object({
  samAccountName: name,
  distinguishedName: name,
  servicePrincipalNames: stringList,
  userAccountControl: z.number().int().nonnegative().nullish(),
});

/** The whole file. Unknown keys are ignored (dropped), so later minor additions stay readable. */
export const snapshotFileSchema = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  version: z.literal(SNAPSHOT_VERSION),
  source: sourceInfoSchema,
  domains: stringList,
  computers: z.array(computerSchema),
  users: z.array(userSchema).optional(),
  groups: z.array(groupSchema).optional(),
  spnAccounts: z.array(spnAccountSchema).optional(),
  spnMappings: optionalList,
});

export type SnapshotFile = z.infer<typeof snapshotFileSchema>;

// ---------------------------------------------------------------------------------------------------
// Canonical shapes (stable key order, no undefined/null keys)
// ---------------------------------------------------------------------------------------------------

type Loose<T> = { [K in keyof T]?: T[K] | null };

function canonicalSource(s: SourceInfo): SourceInfo {
  return { kind: s.kind, label: s.label, takenAt: s.takenAt };
}

function canonicalComputer(c: Loose<Computer> & Pick<Computer, 'name' | 'samAccountName' | 'distinguishedName' | 'domain' | 'userAccountControl'>): Computer {
  // Key order follows model.ts; optional keys are written only when they have a value.
  const out: Record<string, unknown> = { name: c.name, samAccountName: c.samAccountName };
  if (c.dnsHostName != null) out.dnsHostName = c.dnsHostName;
  out.domain = c.domain;
  out.distinguishedName = c.distinguishedName;
  if (c.sid != null) out.sid = c.sid;
  out.userAccountControl = c.userAccountControl;
  out.servicePrincipalNames = [...(c.servicePrincipalNames ?? [])];
  out.allowedToDelegateTo = [...(c.allowedToDelegateTo ?? [])];
  out.allowedToActOnBehalfOf = [...(c.allowedToActOnBehalfOf ?? [])];
  if (c.resourceBasedAces != null) {
    out.resourceBasedAces = c.resourceBasedAces.map((a) =>
      a.principal != null ? { sid: a.sid, principal: a.principal, type: a.type, mask: a.mask } : { sid: a.sid, type: a.type, mask: a.mask },
    );
  }
  if (c.operatingSystem != null) out.operatingSystem = c.operatingSystem;
  if (c.operatingSystemVersion != null) out.operatingSystemVersion = c.operatingSystemVersion;
  if (c.supportedEncryptionTypes != null) out.supportedEncryptionTypes = c.supportedEncryptionTypes;
  out.memberOf = [...(c.memberOf ?? [])];
  return out as unknown as Computer;
}

function canonicalUser(u: Loose<User> & Pick<User, 'samAccountName' | 'distinguishedName' | 'domain' | 'userAccountControl'>): User {
  const out: Record<string, unknown> = { samAccountName: u.samAccountName };
  if (u.userPrincipalName != null) out.userPrincipalName = u.userPrincipalName;
  out.distinguishedName = u.distinguishedName;
  out.domain = u.domain;
  out.userAccountControl = u.userAccountControl;
  out.memberOf = [...(u.memberOf ?? [])];
  if (u.protectedUsers != null) out.protectedUsers = u.protectedUsers;
  if (u.supportedEncryptionTypes != null) out.supportedEncryptionTypes = u.supportedEncryptionTypes;
  return out as unknown as User;
}

function canonicalGroup(g: Loose<Group> & Pick<Group, 'distinguishedName' | 'name'>): Group {
  const out: Record<string, unknown> = { distinguishedName: g.distinguishedName, name: g.name };
  if (g.sid != null) out.sid = g.sid;
  out.memberOf = [...(g.memberOf ?? [])];
  return out as unknown as Group;
}

function canonicalSpnAccount(a: Loose<SpnAccount> & Pick<SpnAccount, 'samAccountName' | 'distinguishedName'>): SpnAccount {
  const out: SpnAccount = {
    samAccountName: a.samAccountName,
    distinguishedName: a.distinguishedName,
    servicePrincipalNames: [...(a.servicePrincipalNames ?? [])],
  };
  if (a.userAccountControl != null) out.userAccountControl = a.userAccountControl;
  return out;
}

/** DirectoryData with every object's keys in model.ts order and absent optionals left out. */
export function canonicalDirectoryData(data: DirectoryData): DirectoryData {
  return {
    source: canonicalSource(data.source),
    domains: [...data.domains],
    computers: data.computers.map(canonicalComputer),
    users: data.users.map(canonicalUser),
    groups: data.groups.map(canonicalGroup),
    spnAccounts: data.spnAccounts.map(canonicalSpnAccount),
    spnMappings: [...data.spnMappings],
  };
}

// ---------------------------------------------------------------------------------------------------
// Serialise / parse
// ---------------------------------------------------------------------------------------------------

/** The text `kcd snapshot` writes: pretty JSON (2 spaces), stable key order, trailing newline. */
export function serializeSnapshot(data: DirectoryData): string {
  const file = { format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, ...canonicalDirectoryData(data) };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** True when a parsed JSON value claims to be kcd's own format (it has a `format` key). */
export function looksLikeOwnFormat(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && 'format' in value;
}

/**
 * Parses and validates a kcd snapshot file (text already decoded; a leading BOM is ignored).
 * Throws SnapshotFileError(file, problem) naming what is wrong and where.
 */
export function parseSnapshotFile(file: string, text: string): DirectoryData {
  return parseSnapshotValue(file, parseJsonText(file, text));
}

/** Validates an already-parsed JSON value as kcd's own format. */
export function parseSnapshotValue(file: string, value: unknown): DirectoryData {
  if (!isPlainObject(value)) {
    throw new SnapshotFileError(file, `unknown format: expected a JSON object with "format": "${SNAPSHOT_FORMAT}", got ${describeValue(value)}`);
  }
  if (!('format' in value)) {
    throw new SnapshotFileError(file, `unknown format: no "format" key (a kcd snapshot starts with "format": "${SNAPSHOT_FORMAT}", "version": ${SNAPSHOT_VERSION})`);
  }
  if (value.format !== SNAPSHOT_FORMAT) {
    const shown = typeof value.format === 'string' ? JSON.stringify(value.format) : describeValue(value.format);
    throw new SnapshotFileError(file, `unknown format ${shown}: expected "${SNAPSHOT_FORMAT}"`);
  }
  if (value.version !== SNAPSHOT_VERSION) {
    const v = value.version;
    const problem =
      typeof v === 'number' && Number.isInteger(v) && v > SNAPSHOT_VERSION
        ? `version ${v} is newer than this kcd understands (${SNAPSHOT_VERSION}): upgrade kcd, or write the snapshot again with this version`
        : `version: expected ${SNAPSHOT_VERSION}, got ${describeValue(v)}`;
    throw new SnapshotFileError(file, problem);
  }
  const result = snapshotFileSchema.safeParse(value);
  if (!result.success) {
    throw new SnapshotFileError(file, summariseProblems(formatZodIssues(result.error.issues, value)));
  }
  const f = result.data;
  // One string per distinct value (peers repeat each other's SPNs): see src/domain/intern.ts.
  return internDirectoryData(
    canonicalDirectoryData({
      source: f.source,
      domains: f.domains,
      computers: f.computers as Computer[],
      users: (f.users ?? []) as User[],
      groups: (f.groups ?? []) as Group[],
      spnAccounts: (f.spnAccounts ?? []) as SpnAccount[],
      spnMappings: f.spnMappings ?? [],
    }),
  );
}

// ---------------------------------------------------------------------------------------------------
// Shared helpers: decoding, JSON, problem formatting
// ---------------------------------------------------------------------------------------------------

/**
 * Decodes a snapshot file's bytes. Windows PowerShell 5.1's `> file` writes UTF-16LE with a BOM;
 * `Out-File -Encoding utf8` writes UTF-8 with a BOM; PowerShell 7 writes UTF-8 without one.
 * Also recognises UTF-16BE with BOM and BOM-less UTF-16 (every other byte zero).
 */
export function decodeSnapshotBytes(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.subarray(3).toString('utf8');
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return swapBytes(buf.subarray(2)).toString('utf16le');
  if (buf.length >= 4 && buf.length % 2 === 0) {
    // No BOM: ASCII JSON starts with '{', '[' or whitespace, so a zero in the first pair means UTF-16.
    if (buf[0] !== 0 && buf[1] === 0 && buf[3] === 0) return buf.toString('utf16le');
    if (buf[0] === 0 && buf[1] !== 0 && buf[2] === 0) return swapBytes(buf).toString('utf16le');
  }
  return buf.toString('utf8');
}

function swapBytes(buf: Buffer): Buffer {
  const out = Buffer.alloc(buf.length - (buf.length % 2));
  for (let i = 0; i + 1 < buf.length; i += 2) {
    out[i] = buf[i + 1]!;
    out[i + 1] = buf[i]!;
  }
  return out;
}

/**
 * JSON.parse with snapshot-file errors: "empty file", or "not JSON: <reason> at line L column C".
 * A leading U+FEFF (a BOM that survived decoding) is ignored.
 */
export function parseJsonText(file: string, text: string): unknown {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw new SnapshotFileError(file, 'empty file');
  try {
    return JSON.parse(body);
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    const reported = /at position (\d+)/.exec(raw);
    const position = reported ? Number(reported[1]) : jsonErrorPosition(body);
    const reason = raw
      .replace(/\s*\(line \d+ column \d+\)/, '')
      .replace(/\s*in JSON at position \d+/, '')
      .replace(/\s*at position \d+/, '')
      // V8 quotes a snippet of the text: keep it on one line.
      .replace(/\r/g, '\\r')
      .replace(/\n/g, '\\n')
      .replace(/\t/g, '\\t');
    const { line, column } = lineColumn(body, position);
    throw new SnapshotFileError(file, `not JSON: ${reason} at line ${line} column ${column}${notJsonHint(body, raw)}`);
  }
}

/** What usually went wrong when an export is not JSON. */
function notJsonHint(body: string, message: string): string {
  if (/^\s*</.test(body)) return ' (this looks like XML or HTML: export with ConvertTo-Json -Depth 3, not Export-Clixml)';
  if (/^\s*[A-Za-z][\w-]*\s+:\s/m.test(body) && !/^\s*[[{]/.test(body)) {
    return " (this looks like PowerShell's list output: pipe the objects to ConvertTo-Json -Depth 3)";
  }
  if (/non-whitespace character after JSON/.test(message)) {
    return ' (two JSON documents in one file, e.g. appended with >>: give each export its own file)';
  }
  return '';
}

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(position, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}

/** Thrown inside jsonErrorPosition's scanner to stop at the first invalid offset. */
class JsonErrorAt extends Error {
  constructor(readonly at: number) {
    super(`invalid JSON at offset ${at}`);
  }
}

/**
 * The offset where a JSON text stops being valid (Node 20's JSON.parse does not always say).
 * A small recursive-descent scanner; returns text.length for truncated input.
 */
export function jsonErrorPosition(text: string): number {
  let i = 0;
  // Annotated on the name so that a call narrows like a throw does (`if (ch === undefined) fail(i)`).
  const fail: (at: number) => never = (at) => {
    throw new JsonErrorAt(at);
  };
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail(i);
      i++;
    }
  };
  const string = () => {
    i++; // opening quote
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === '"') {
        i++;
        return;
      }
      if (ch < ' ') fail(i);
      if (ch === '\\') {
        const next = text[i + 1];
        if (next === undefined) fail(i + 1);
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail(i + 2);
          i += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(next)) fail(i + 1);
        i += 2;
        continue;
      }
      i++;
    }
    fail(i);
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail(i);
    i += m[0].length;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === undefined) fail(i);
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(i);
        string();
        ws();
        if (text[i] !== ':') fail(i);
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(i);
      }
    }
    if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(i);
      }
    }
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    if (ch === '-' || (ch >= '0' && ch <= '9')) return number();
    fail(i);
  };
  try {
    value();
    ws();
    return i < text.length ? i : text.length;
  } catch (error) {
    return error instanceof JsonErrorAt ? error.at : text.length;
  }
}

/** A short, safe description of a JSON value for messages: `string "abc"`, `number 4096`, `array`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array (${value.length} item${value.length === 1 ? '' : 's'})`;
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value;
}

/** `computers[3].userAccountControl`, `[0].msDS-AllowedToDelegateTo`, `source.kind`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$-]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out === '' ? '(top level)' : out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let at: unknown = root;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

/** For a path into a list of named objects, the object's name ("GOGO-4"), to help find it in big files. */
function ownerName(root: unknown, path: readonly PropertyKey[]): string | undefined {
  const at = path.findIndex((key) => typeof key === 'number');
  if (at === -1 || at === path.length - 1) return undefined;
  const owner = valueAt(root, path.slice(0, at + 1));
  if (!isPlainObject(owner)) return undefined;
  for (const key of ['name', 'Name', 'samAccountName', 'SamAccountName', 'sAMAccountName']) {
    const v = owner[key];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

type Issue = z.core.$ZodIssue;

function describeIssue(issue: Issue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = issue.expected === 'int' ? 'whole number' : issue.expected;
      return value === undefined ? `missing (expected ${expected})` : `expected ${expected}, got ${describeValue(value)}`;
    }
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${describeValue(value)}`;
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'must not be empty';
      return `must be at least ${String(issue.minimum)}, got ${describeValue(value)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}, got ${describeValue(value)}`;
    case 'invalid_format':
      return `${issue.message}, got ${describeValue(value)}`;
    default:
      return issue.message;
  }
}

/**
 * Turns zod issues into "path: what is wrong" lines. `root` is the validated value, used to say what was
 * found instead and which named object the path points into. `prefix` is prepended to every path.
 */
export function formatZodIssues(issues: readonly Issue[], root: unknown, prefix: readonly PropertyKey[] = []): string[] {
  return issues.map((issue) => {
    const path = [...prefix, ...issue.path];
    const value = valueAt(root, issue.path);
    const owner = ownerName(root, issue.path);
    const where = formatPath(path);
    return `${where}: ${describeIssue(issue, value)}${owner ? ` (in "${owner}")` : ''}`;
  });
}

/** One problem line from several: the first MAX_REPORTED_PROBLEMS, then "… and N more". */
export function summariseProblems(problems: readonly string[]): string {
  if (problems.length === 1) return problems[0]!;
  const shown = problems.slice(0, MAX_REPORTED_PROBLEMS);
  const more = problems.length - shown.length;
  return `${problems.length} problems: ${shown.join('; ')}${more > 0 ? `; … and ${more} more` : ''}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
