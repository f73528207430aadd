/**
 * A Directory read from files instead of a domain controller: `kcd … --directory customer.json`.
 *
 * Each file is detected by its content:
 * - kcd's own format (`kcd snapshot --out file.json`, see snapshot-format.ts);
 * - a PowerShell export of Get-ADComputer and/or Get-ADUser (see powershell-export.ts), in UTF-8 (with or
 *   without BOM) or UTF-16 (Windows PowerShell 5.1's `> file`).
 * Several files combine: typically the computers export plus a user export for the accounts that start
 * migrations. Files are read once, on the first snapshot(), and cached.
 */
import { readFile as fsReadFile, stat as fsStat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Computer, DirectoryData, Group, SourceInfo, SpnAccount, User } from '../domain/model';
import { SnapshotFileError } from '../domain/errors';
import { createSnapshot, type DirectorySnapshot } from '../domain/snapshot';
import type { Directory } from './port';
import { isPowerShellExport, parsePowerShellExport, powerShellSource, powerShellToDirectoryData } from './powershell-export';
import { SNAPSHOT_FORMAT, decodeSnapshotBytes, isPlainObject, looksLikeOwnFormat, parseJsonText, parseSnapshotValue } from './snapshot-format';

/** One file's content, already read: what loadSnapshotFiles combines (pure, for tests and the CLI). */
export interface SnapshotFileInput {
  /** The path as the user gave it (used in error messages). */
  path: string;
  /** Raw bytes (any supported encoding) or already-decoded text. */
  content: Uint8Array | string;
  /** The file's modification time: a PowerShell export's "taken at". */
  modifiedAt: Date;
}

export interface SnapshotDirectoryOptions {
  readFile?: (path: string) => Promise<Uint8Array>;
  stat?: (path: string) => Promise<{ mtime: Date }>;
}

const NEITHER_FORMAT =
  `JSON, but neither accepted format. Expected either a kcd snapshot (an object starting ` +
  `{"format": "${SNAPSHOT_FORMAT}", "version": 1, …}, written by \`kcd snapshot --out file.json\`) or a PowerShell export ` +
  `(Get-ADComputer -Filter * -Properties servicePrincipalName,msDS-AllowedToDelegateTo,userAccountControl,dNSHostName,` +
  `OperatingSystem,OperatingSystemVersion,msDS-SupportedEncryptionTypes | ConvertTo-Json -Depth 3, or the Get-ADUser export: objects with ` +
  `DistinguishedName and SamAccountName; see docs/snapshot-files.md)`;

function describeJsonShape(value: unknown): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return 'an empty array';
    const first: unknown = value[0];
    return isPlainObject(first) ? `an array of objects with keys ${keyList(first)}` : `an array of ${first === null ? 'null' : typeof first}`;
  }
  if (isPlainObject(value)) return `an object with keys ${keyList(value)}`;
  return `a bare ${value === null ? 'null' : typeof value}`;
}

function keyList(obj: Record<string, unknown>): string {
  const keys = Object.keys(obj);
  if (keys.length === 0) return '(none)';
  return keys.slice(0, 6).join(', ') + (keys.length > 6 ? ', …' : '');
}

interface LoadedFile {
  path: string;
  kind: 'kcd' | 'powershell';
  data: DirectoryData;
}

function loadOne(input: SnapshotFileInput): LoadedFile {
  const text = typeof input.content === 'string' ? input.content : decodeSnapshotBytes(input.content);
  const value = parseJsonText(input.path, text);
  if (looksLikeOwnFormat(value)) return { path: input.path, kind: 'kcd', data: parseSnapshotValue(input.path, value) };
  if (isPowerShellExport(value)) {
    const exported = parsePowerShellExport(input.path, value);
    const source = powerShellSource(basename(input.path), input.modifiedAt.toISOString());
    return { path: input.path, kind: 'powershell', data: powerShellToDirectoryData(exported, source) };
  }
  if (Array.isArray(value) && value.length === 0) {
    throw new SnapshotFileError(input.path, 'the file holds an empty JSON array: the export matched no objects');
  }
  throw new SnapshotFileError(input.path, `${NEITHER_FORMAT}; found ${describeJsonShape(value)}`);
}

function sourceOf(primary: LoadedFile, others: LoadedFile[]): SourceInfo {
  const name = basename(primary.path);
  let label: string;
  if (primary.kind === 'powershell') label = primary.data.source.label;
  else {
    const original = primary.data.source;
    label = original.kind === 'snapshot' ? `snapshot ${name}` : `snapshot ${name} (kcd snapshot of ${original.label})`;
  }
  if (others.length > 0) label += ` + ${others.map((f) => basename(f.path)).join(' + ')}`;
  return { kind: 'snapshot', label, takenAt: primary.data.source.takenAt };
}

function pushUnique<T>(into: T[], seen: Set<string>, items: readonly T[], key: (item: T) => string): void {
  for (const item of items) {
    const k = key(item);
    if (seen.has(k)) continue;
    seen.add(k);
    into.push(item);
  }
}

/**
 * Combines already-read snapshot files into one DirectoryData. Computers, groups and SPN accounts are
 * de-duplicated by DN (first wins); a user given again in a later file replaces the earlier one (user
 * exports carry ProtectedUsers). Throws SnapshotFileError for the first bad file, or when no file holds
 * computers.
 */
export function loadSnapshotFiles(inputs: readonly SnapshotFileInput[]): DirectoryData {
  if (inputs.length === 0) throw new SnapshotFileError('(none)', 'no snapshot file given');
  const loaded = inputs.map(loadOne);
  const primary = loaded.find((f) => f.data.computers.length > 0);
  if (!primary) {
    throw new SnapshotFileError(
      inputs.map((i) => i.path).join(', '),
      'no computers in the given file(s): give the Get-ADComputer export or a kcd snapshot as well as the user export',
    );
  }
  const others = loaded.filter((f) => f !== primary);

  const computers: Computer[] = [];
  const groups: Group[] = [];
  const spnAccounts: SpnAccount[] = [];
  const spnMappings: string[] = [];
  const domains: string[] = [];
  const seenComputers = new Set<string>();
  const seenGroups = new Set<string>();
  const seenSpnAccounts = new Set<string>();
  const seenMappings = new Set<string>();
  const seenDomains = new Set<string>();
  const users = new Map<string, User>();
  const byDn = (o: { distinguishedName: string }) => o.distinguishedName.toLowerCase();

  for (const file of [primary, ...others]) {
    const d = file.data;
    pushUnique(computers, seenComputers, d.computers, byDn);
    pushUnique(groups, seenGroups, d.groups, byDn);
    pushUnique(spnAccounts, seenSpnAccounts, d.spnAccounts, byDn);
    pushUnique(spnMappings, seenMappings, d.spnMappings, (m) => m);
    pushUnique(domains, seenDomains, d.domains.map((x) => x.toLowerCase()), (x) => x);
    for (const u of d.users) users.set(`${u.domain.toLowerCase()}\\${u.samAccountName.toLowerCase()}`, u);
  }
  const allUsers = [...users.values()];
  pushUnique(
    domains,
    seenDomains,
    [...computers, ...allUsers].map((o) => o.domain.toLowerCase()).filter((x) => x !== ''),
    (x) => x,
  );
  return {
    source: sourceOf(primary, others),
    domains,
    computers,
    users: allUsers,
    groups,
    spnAccounts,
    spnMappings,
  };
}

/**
 * `--directory a.json,b.json --directory users.json` → ["a.json", "b.json", "users.json"]. Commas separate
 * files; empty parts are dropped.
 */
export function splitDirectoryOption(values: string | readonly string[]): string[] {
  const list = typeof values === 'string' ? [values] : values;
  return list.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

function readProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'file not found';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, not a file';
    default:
      return `cannot read the file: ${error instanceof Error ? error.message : String(error)}`;
  }
}

export class SnapshotDirectory implements Directory {
  readonly files: readonly string[];
  private readonly readFile: (path: string) => Promise<Uint8Array>;
  private readonly stat: (path: string) => Promise<{ mtime: Date }>;
  private loading: Promise<DirectorySnapshot> | undefined;
  private loaded: DirectorySnapshot | undefined;

  /** One or more files: a computers export or kcd snapshot, plus optional user exports (any order). */
  constructor(files: string | readonly string[], options: SnapshotDirectoryOptions = {}) {
    this.files = typeof files === 'string' ? [files] : [...files];
    if (this.files.length === 0) throw new SnapshotFileError('(none)', 'no snapshot file given');
    this.readFile = options.readFile ?? ((path) => fsReadFile(path));
    this.stat = options.stat ?? ((path) => fsStat(path));
  }

  describe(): { kind: 'snapshot'; label: string } {
    const label = this.loaded?.data.source.label ?? `snapshot ${this.files.map((f) => basename(f)).join(' + ')}`;
    return { kind: 'snapshot', label };
  }

  snapshot(): Promise<DirectorySnapshot> {
    if (!this.loading) {
      this.loading = this.load().then(
        (snapshot) => {
          this.loaded = snapshot;
          return snapshot;
        },
        (error: unknown) => {
          this.loading = undefined; // a fixed file can be retried
          throw error;
        },
      );
    }
    return this.loading;
  }

  async findUser(name: string): Promise<User | undefined> {
    const snapshot = await this.snapshot();
    const key = name.trim().toLowerCase();
    // DOMAIN\alice → alice (sAMAccountNames are unique per domain; the snapshot rarely spans several).
    const bare = key.includes('\\') ? key.slice(key.lastIndexOf('\\') + 1) : key;
    return snapshot.usersByName.get(key) ?? snapshot.usersByName.get(bare);
  }

  async close(): Promise<void> {
    // Nothing held open: files are read whole.
  }

  private async load(): Promise<DirectorySnapshot> {
    // One after another, so the error names the first bad file in the order given.
    const inputs: SnapshotFileInput[] = [];
    for (const path of this.files) {
      try {
        const [content, info] = await Promise.all([this.readFile(path), this.stat(path)]);
        inputs.push({ path, content, modifiedAt: info.mtime });
      } catch (error) {
        throw new SnapshotFileError(path, readProblem(error));
      }
    }
    return createSnapshot(loadSnapshotFiles(inputs));
  }
}
