/**
 * Reads the JSON an administrator gets from the ActiveDirectory PowerShell module (see
 * docs/snapshot-files.md for the exact commands):
 *
 *   Get-ADComputer -Filter * -Properties servicePrincipalName,msDS-AllowedToDelegateTo,userAccountControl,
 *     dNSHostName,OperatingSystem,OperatingSystemVersion,msDS-SupportedEncryptionTypes,msDS-AllowedToActOnBehalfOfOtherIdentity |
 *     Select-Object -Property *,@{n='ResourceBasedAces';e={ …each ACE's Sid, Principal, Type, Mask… }} | ConvertTo-Json -Depth 3
 *
 * and the user-side export (Get-ADUser … | Select-Object …,ProtectedUsers | ConvertTo-Json).
 *
 * Liberal in what it accepts — ConvertTo-Json's real shapes: one object instead of an array when a single
 * object matched; `{"value": [...], "Count": n}` wrappers (Windows PowerShell 5.1 with -InputObject, or
 * ADPropertyValueCollection at a small -Depth); property names in any case and the AD module's aliases
 * (ServicePrincipalNames, sAMAccountName, dNSHostName); SID as a string or an object with Value; extra
 * properties (PropertyNames, AddedProperties, ObjectGUID…) ignored. Strict in what it reports: a missing
 * userAccountControl or SPN list is an error naming the item and the -Properties the export needs.
 */
import type { Computer, DirectoryData, ResourceBasedAce, SourceInfo, User } from '../domain/model';
import { SnapshotFileError } from '../domain/errors';
import { createInterner, internAll, internComputer } from '../domain/intern';
import { domainOfDn } from '../domain/snapshot';
import { UAC } from '../domain/uac';
import { describeValue, formatPath, isPlainObject, parseJsonText, summariseProblems } from './snapshot-format';

/** The computer export, as documented (one line; works in Windows PowerShell 5.1 and PowerShell 7). */
export const COMPUTER_EXPORT_COMMAND =
  'Get-ADComputer -Filter * -Properties servicePrincipalName,msDS-AllowedToDelegateTo,userAccountControl,' +
  'dNSHostName,OperatingSystem,OperatingSystemVersion,msDS-SupportedEncryptionTypes,msDS-AllowedToActOnBehalfOfOtherIdentity | ' +
  "Select-Object -Property *,@{n='ResourceBasedAces';e={ if ($sd = $_.'msDS-AllowedToActOnBehalfOfOtherIdentity') { " +
  '@($sd.GetAccessRules($true,$false,[Security.Principal.SecurityIdentifier]) | ForEach-Object { [pscustomobject]@{ ' +
  'Sid = $_.IdentityReference.Value; Principal = $(try { $_.IdentityReference.Translate([Security.Principal.NTAccount]).Value } catch { $null }); ' +
  "Type = [string]$_.AccessControlType; Mask = [int64][int]$_.ActiveDirectoryRights } }) } }} -ExcludeProperty 'msDS-AllowedToActOnBehalfOfOtherIdentity' | " +
  'ConvertTo-Json -Depth 3 | Out-File -Encoding utf8 computers.json';

/**
 * The user export for the accounts that start migrations. Protected Users is found by SID (RID 525 of the
 * user's own domain; the group's name is localised) in tokenGroups, which lists every security group the
 * user is in, nested ones included. An empty tokenGroups means the reader may not see it (every user has
 * at least its primary group there): ProtectedUsers is then null, "unknown", rather than a wrong false.
 * krbtgt is in the list for its flags: marked sensitive, it stops every delegation of the domain (KCD020).
 */
export const USER_EXPORT_COMMAND =
  "'alice','bob','krbtgt' | ForEach-Object { Get-ADUser -Identity $_ -Properties userAccountControl,memberOf,userPrincipalName,tokenGroups,msDS-SupportedEncryptionTypes } | " +
  "Select-Object SamAccountName,UserPrincipalName,DistinguishedName,userAccountControl,MemberOf,msDS-SupportedEncryptionTypes," +
  "@{n='ProtectedUsers';e={ $pu = \"$($_.SID.AccountDomainSid)-525\"; " +
  'if ($_.tokenGroups.Count) { [bool]($_.tokenGroups | Where-Object Value -eq $pu) } else { $null } }} | ' +
  'ConvertTo-Json -Depth 3 | Out-File -Encoding utf8 users.json';

/** What one PowerShell export file holds (a computers export, a users export, or both mixed). */
export interface PowerShellExport {
  computers: Computer[];
  users: User[];
}

/** What ADPropertyValueCollection becomes when ConvertTo-Json runs out of depth. */
const COLLECTION_TYPE_NAME = /^Microsoft\.ActiveDirectory\.Management\.ADPropertyValueCollection$/i;

const COMPUTER_PROPERTIES = 'servicePrincipalName,msDS-AllowedToDelegateTo,userAccountControl,dNSHostName,OperatingSystem,OperatingSystemVersion,msDS-SupportedEncryptionTypes';

// ---------------------------------------------------------------------------------------------------
// Detection
// ---------------------------------------------------------------------------------------------------

/** `{"value": [...], "Count": n}` → the array (ConvertTo-Json -InputObject on Windows PowerShell 5.1). */
function unwrapTopLevel(value: unknown): unknown {
  if (isPlainObject(value)) {
    const keys = Object.keys(value).map((k) => k.toLowerCase());
    const v = get(value, 'value');
    if (Array.isArray(v?.value) && keys.every((k) => k === 'value' || k === 'count')) return v.value;
  }
  return value;
}

function looksLikeAdObject(value: unknown): boolean {
  return isPlainObject(value) && (get(value, 'DistinguishedName') !== undefined || get(value, 'SamAccountName', 'sAMAccountName') !== undefined);
}

/**
 * True when a parsed JSON value is (or wraps) Get-ADComputer / Get-ADUser output: an AD object, or an array
 * whose first element is one.
 */
export function isPowerShellExport(value: unknown): boolean {
  const items = unwrapTopLevel(value);
  if (Array.isArray(items)) return items.length > 0 && looksLikeAdObject(items[0]);
  return looksLikeAdObject(items);
}

// ---------------------------------------------------------------------------------------------------
// Field access (case-insensitive, with aliases)
// ---------------------------------------------------------------------------------------------------

interface Found {
  key: string;
  value: unknown;
}

/** The first of `names` present on `obj`, compared case-insensitively. */
function get(obj: Record<string, unknown>, ...names: string[]): Found | undefined {
  const keys = Object.keys(obj);
  for (const name of names) {
    const lower = name.toLowerCase();
    const key = keys.find((k) => k.toLowerCase() === lower);
    if (key !== undefined) return { key, value: obj[key] };
  }
  return undefined;
}

class Problems {
  readonly list: string[] = [];
  /** "kind field" → items it is missing from (reported once per field when several items lack it). */
  readonly missing = new Map<string, { kind: ItemKind; field: string; where: Array<{ index: number; label: string }> }>();

  add(path: Array<string | number>, message: string, label?: string): void {
    this.list.push(`${formatPath(path)}: ${message}${label ? ` (in "${label}")` : ''}`);
  }

  addMissing(kind: ItemKind, field: string, index: number, label: string): void {
    const key = `${kind} ${field}`;
    const entry = this.missing.get(key) ?? { kind, field, where: [] };
    entry.where.push({ index, label });
    this.missing.set(key, entry);
  }
}

/** A string property; null and absent are undefined. Non-strings are reported. */
function optionalString(
  obj: Record<string, unknown>,
  path: number,
  problems: Problems,
  label: string,
  ...names: string[]
): string | undefined {
  const found = get(obj, ...names);
  if (!found || found.value === null || found.value === undefined) return undefined;
  if (typeof found.value === 'string') return found.value.trim() === '' ? undefined : found.value;
  problems.add([path, found.key], `expected string, got ${describeValue(found.value)}`, label);
  return undefined;
}

/**
 * A multi-valued attribute (ADPropertyValueCollection). Accepts an array of strings, `{"Value": [...]}`
 * (small -Depth), a single string, or null (empty). Returns undefined when the property is absent.
 */
function stringList(found: Found | undefined, path: Array<string | number>, problems: Problems, label: string): string[] | undefined {
  if (!found) return undefined;
  const walk = (value: unknown, at: Array<string | number>): string[] => {
    if (value === null || value === undefined) return [];
    if (Array.isArray(value)) {
      const out: string[] = [];
      value.forEach((item, i) => {
        if (typeof item === 'string') out.push(item);
        else if (item !== null) problems.add([...at, i], `expected string, got ${describeValue(item)}`, label);
      });
      return out;
    }
    if (typeof value === 'string') {
      if (COLLECTION_TYPE_NAME.test(value.trim())) {
        problems.add(at, 'holds only the type name ADPropertyValueCollection: export again with ConvertTo-Json -Depth 3', label);
        return [];
      }
      return value.trim() === '' ? [] : [value];
    }
    if (isPlainObject(value)) {
      const inner = get(value, 'Value', 'value', 'ValueList');
      if (inner) return walk(inner.value, [...at, inner.key]);
    }
    problems.add(at, `expected a list of strings, got ${describeValue(value)}`, label);
    return [];
  };
  return walk(found.value, path);
}

/** A non-negative whole number, as a number or a numeric string. */
function flagsNumber(found: Found, path: Array<string | number>, problems: Problems, label: string): number | undefined {
  const v = found.value;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && /^\s*\d+\s*$/.test(v)) return Number(v);
  problems.add(path, `expected number, got ${describeValue(v)}`, label);
  return undefined;
}

/** An optional bit set (msDS-SupportedEncryptionTypes): absent and null are undefined; anything but a number is reported. */
function optionalFlags(item: Record<string, unknown>, index: number, problems: Problems, label: string, name: string): number | undefined {
  const found = get(item, name);
  if (!found || found.value === null || found.value === undefined) return undefined;
  return flagsNumber(found, [index, found.key], problems, label);
}

function booleanValue(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true' || s === '1' || s === 'yes') return true;
    if (s === 'false' || s === '0' || s === 'no' || s === '') return false;
  }
  return undefined;
}

function firstRdnValue(dn: string): string | undefined {
  const m = /^\s*CN=((?:\\.|[^,\\])+)/i.exec(dn);
  return m ? m[1]!.replace(/\\(.)/g, '$1') : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Items
// ---------------------------------------------------------------------------------------------------

type ItemKind = 'computer' | 'user';

function classify(item: Record<string, unknown>): ItemKind | undefined {
  if (get(item, 'ProtectedUsers') !== undefined) return 'user';
  const objectClass = get(item, 'ObjectClass')?.value;
  const classes = (Array.isArray(objectClass) ? objectClass : [objectClass]).map((c) => String(c).toLowerCase());
  if (classes.includes('computer') || classes.some((c) => c.startsWith('msds-') && c.endsWith('serviceaccount'))) return 'computer';
  if (classes.includes('user') || classes.includes('person') || classes.includes('inetorgperson')) return 'user';
  const sam = get(item, 'SamAccountName', 'sAMAccountName')?.value;
  if (typeof sam === 'string' && sam.endsWith('$')) return 'computer';
  if (get(item, 'DNSHostName', 'servicePrincipalName', 'ServicePrincipalNames', 'msDS-AllowedToDelegateTo', 'OperatingSystem')) {
    return 'computer';
  }
  if (get(item, 'DistinguishedName') !== undefined) return 'user';
  return undefined;
}

function readComputer(item: Record<string, unknown>, index: number, problems: Problems): Computer | undefined {
  const dn = optionalString(item, index, problems, '', 'DistinguishedName');
  const nameProp = optionalString(item, index, problems, '', 'Name', 'cn');
  const samProp = optionalString(item, index, problems, '', 'SamAccountName', 'sAMAccountName');
  const name = nameProp ?? samProp?.replace(/\$$/, '') ?? (dn ? firstRdnValue(dn) : undefined);
  const label = name ?? '';
  if (!dn) {
    problems.add([index, 'DistinguishedName'], 'missing (needed for the domain)', label);
    return undefined;
  }
  if (!name) {
    problems.add([index, 'Name'], 'missing', label);
    return undefined;
  }
  const uacFound = get(item, 'userAccountControl');
  let userAccountControl: number | undefined;
  if (!uacFound || uacFound.value === null) problems.addMissing('computer', 'userAccountControl', index, label);
  else userAccountControl = flagsNumber(uacFound, [index, uacFound.key], problems, label);

  const spnFound = get(item, 'servicePrincipalName', 'ServicePrincipalNames');
  const spns = stringList(spnFound, [index, spnFound?.key ?? 'servicePrincipalName'], problems, label);
  if (spns === undefined) problems.addMissing('computer', 'servicePrincipalName', index, label);
  const delegFound = get(item, 'msDS-AllowedToDelegateTo');
  const delegation = stringList(delegFound, [index, delegFound?.key ?? 'msDS-AllowedToDelegateTo'], problems, label);
  if (delegation === undefined) problems.addMissing('computer', 'msDS-AllowedToDelegateTo', index, label);
  const memberFound = get(item, 'MemberOf');
  const memberOf = stringList(memberFound, [index, memberFound?.key ?? 'MemberOf'], problems, label) ?? [];

  if (userAccountControl === undefined || spns === undefined || delegation === undefined) return undefined;
  const computer: Computer = {
    name,
    samAccountName: samProp ?? `${name}$`,
    domain: domainOfDn(dn),
    distinguishedName: dn,
    userAccountControl,
    servicePrincipalNames: spns,
    allowedToDelegateTo: delegation,
    allowedToActOnBehalfOf: [],
    memberOf,
  };
  const dnsHostName = optionalString(item, index, problems, label, 'DNSHostName');
  const operatingSystem = optionalString(item, index, problems, label, 'OperatingSystem');
  const operatingSystemVersion = optionalString(item, index, problems, label, 'OperatingSystemVersion');
  if (dnsHostName !== undefined) computer.dnsHostName = dnsHostName;
  if (operatingSystem !== undefined) computer.operatingSystem = operatingSystem;
  if (operatingSystemVersion !== undefined) computer.operatingSystemVersion = operatingSystemVersion;
  const encryptionTypes = optionalFlags(item, index, problems, label, 'msDS-SupportedEncryptionTypes');
  if (encryptionTypes !== undefined) computer.supportedEncryptionTypes = encryptionTypes;
  const aces = resourceBasedAces(get(item, 'ResourceBasedAces'), [index, 'ResourceBasedAces'], problems, label);
  if (aces !== undefined && aces.length > 0) {
    computer.resourceBasedAces = aces;
    computer.allowedToActOnBehalfOf = [...new Set(aces.filter((a) => a.type === 'allow').map((a) => a.principal ?? a.sid))];
  }
  return computer;
}

/**
 * The export's ResourceBasedAces (one object per ACE: Sid, Principal — null when the SID resolves to no account —,
 * Type Allow/Deny, Mask): an array, a single object, or `{"value": [...]}`. Absent (older exports) is undefined.
 */
function resourceBasedAces(found: Found | undefined, path: Array<string | number>, problems: Problems, label: string): ResourceBasedAce[] | undefined {
  if (!found || found.value === null || found.value === undefined) return undefined;
  let list: unknown = found.value;
  if (isPlainObject(list) && Array.isArray(get(list, 'value')?.value)) list = get(list, 'value')!.value;
  const items = Array.isArray(list) ? list : [list];
  const out: ResourceBasedAce[] = [];
  items.forEach((item, i) => {
    const at = [...path, i];
    if (!isPlainObject(item)) return problems.add(at, `expected an ACE (Sid, Principal, Type, Mask), got ${describeValue(item)}`, label);
    const sid = get(item, 'Sid')?.value;
    const principal = get(item, 'Principal')?.value;
    const type = aceType(get(item, 'Type')?.value);
    const mask = get(item, 'Mask')?.value;
    if (typeof sid !== 'string' || !/^S-1-/i.test(sid)) return problems.add([...at, 'Sid'], `expected a SID, got ${describeValue(sid)}`, label);
    if (type === undefined) return problems.add([...at, 'Type'], `expected Allow or Deny, got ${describeValue(get(item, 'Type')?.value)}`, label);
    if (typeof mask !== 'number' || !Number.isInteger(mask)) return problems.add([...at, 'Mask'], `expected number, got ${describeValue(mask)}`, label);
    // [int] of the rights enum is signed: GENERIC_READ (0x80000000) arrives negative.
    const ace: ResourceBasedAce = { sid, type, mask: mask >>> 0 };
    if (typeof principal === 'string' && principal.trim() !== '') ace.principal = principal;
    out.push(ace);
  });
  return out;
}

/** AccessControlType as [string] writes it (Allow, Deny), or as the enum's number (0, 1). */
function aceType(v: unknown): 'allow' | 'deny' | undefined {
  if (v === 0 || (typeof v === 'string' && v.trim().toLowerCase() === 'allow')) return 'allow';
  if (v === 1 || (typeof v === 'string' && v.trim().toLowerCase() === 'deny')) return 'deny';
  return undefined;
}

function readUser(item: Record<string, unknown>, index: number, problems: Problems): User | undefined {
  const sam = optionalString(item, index, problems, '', 'SamAccountName', 'sAMAccountName');
  const label = sam ?? '';
  const dn = optionalString(item, index, problems, label, 'DistinguishedName');
  if (!sam) problems.add([index, 'SamAccountName'], 'missing', label);
  if (!dn) problems.add([index, 'DistinguishedName'], 'missing (needed for the domain)', label);
  const upn = optionalString(item, index, problems, label, 'UserPrincipalName');
  const memberFound = get(item, 'MemberOf');
  const memberOf = stringList(memberFound, [index, memberFound?.key ?? 'MemberOf'], problems, label) ?? [];

  let userAccountControl: number | undefined;
  const uacFound = get(item, 'userAccountControl');
  if (uacFound && uacFound.value !== null) {
    userAccountControl = flagsNumber(uacFound, [index, uacFound.key], problems, label);
  } else {
    // Get-ADUser's own view: AccountNotDelegated (+ Enabled) carries the one bit the checker reads.
    const notDelegated = booleanValue(get(item, 'AccountNotDelegated')?.value);
    if (notDelegated === undefined) problems.addMissing('user', 'userAccountControl', index, label);
    else {
      const enabled = booleanValue(get(item, 'Enabled')?.value);
      userAccountControl = 0x200 | (notDelegated ? UAC.NOT_DELEGATED : 0) | (enabled === false ? UAC.ACCOUNTDISABLE : 0);
    }
  }

  let protectedUsers: boolean | undefined;
  const pu = get(item, 'ProtectedUsers');
  if (pu && pu.value !== null) {
    protectedUsers = booleanValue(pu.value);
    if (protectedUsers === undefined) problems.add([index, pu.key], `expected true or false, got ${describeValue(pu.value)}`, label);
  } else if (memberOf.some((g) => /^\s*CN=Protected Users,/i.test(g))) {
    // No ProtectedUsers column: direct membership under the English name is still visible in MemberOf.
    protectedUsers = true;
  }

  if (!sam || !dn || userAccountControl === undefined) return undefined;
  const user: User = { samAccountName: sam, distinguishedName: dn, domain: domainOfDn(dn), userAccountControl, memberOf };
  if (upn !== undefined) user.userPrincipalName = upn;
  if (protectedUsers !== undefined) user.protectedUsers = protectedUsers;
  const encryptionTypes = optionalFlags(item, index, problems, label, 'msDS-SupportedEncryptionTypes');
  if (encryptionTypes !== undefined) user.supportedEncryptionTypes = encryptionTypes;
  return user;
}

// ---------------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------------

/**
 * Maps a parsed PowerShell export (Get-ADComputer and/or Get-ADUser objects) to computers and users.
 * Throws SnapshotFileError listing the first problems ("[3].userAccountControl: expected number, got
 * string "abc" (in "GOGO-4")").
 */
export function parsePowerShellExport(file: string, value: unknown): PowerShellExport {
  const top = unwrapTopLevel(value);
  const items = Array.isArray(top) ? top : [top];
  if (items.length === 0) throw new SnapshotFileError(file, 'the export is an empty list: no computer or user objects');
  const problems = new Problems();
  const computers: Computer[] = [];
  const users: User[] = [];
  // One string per distinct value (peers repeat each other's SPNs): see src/domain/intern.ts.
  const intern = createInterner();
  items.forEach((item, index) => {
    if (!isPlainObject(item)) {
      problems.add([index], `expected an AD object, got ${describeValue(item)}`);
      return;
    }
    const kind = classify(item);
    if (kind === 'computer') {
      const c = readComputer(item, index, problems);
      if (c) computers.push(internComputer(c, intern));
    } else if (kind === 'user') {
      const u = readUser(item, index, problems);
      if (u) {
        u.domain = intern(u.domain);
        internAll(u.memberOf, intern);
        users.push(u);
      }
    } else {
      problems.add([index], 'not a computer or user object (no DistinguishedName)');
    }
  });
  const all = [...problems.list];
  for (const kind of ['computer', 'user'] as const) {
    const entries = [...problems.missing.values()].filter((m) => m.kind === kind);
    if (entries.length === 0) continue;
    const needs =
      kind === 'user'
        ? 'run Get-ADUser with -Properties userAccountControl,memberOf,userPrincipalName (see docs/snapshot-files.md)'
        : `run Get-ADComputer with -Properties ${COMPUTER_PROPERTIES}`;
    if (entries.length === 1) {
      const { field, where } = entries[0]!;
      const first = where[0]!;
      const at = `${formatPath([first.index, field])}: missing${first.label ? ` (in "${first.label}")` : ''}`;
      const more = where.length > 1 ? ` and from ${where.length - 1} more ${kind} object${where.length > 2 ? 's' : ''}` : '';
      all.push(`${at}${more}: ${needs}`);
    } else {
      // Several properties missing: the export was made without (some of) -Properties. Say it once.
      const fields = entries.map((e) => e.field);
      const items = new Map<number, string>();
      for (const e of entries) for (const w of e.where) items.set(w.index, w.label);
      const [firstIndex, firstLabel] = [...items.entries()].sort((a, b) => a[0] - b[0])[0]!;
      const list = `${fields.slice(0, -1).join(', ')} and ${fields[fields.length - 1]}`;
      all.push(
        `${list} missing from ${items.size} ${kind} object${items.size === 1 ? '' : 's'} ` +
          `(first ${formatPath([firstIndex])}${firstLabel ? ` "${firstLabel}"` : ''}): ${needs}`,
      );
    }
  }
  if (all.length > 0) throw new SnapshotFileError(file, summariseProblems(all));
  return { computers, users };
}

/** parsePowerShellExport from the file's decoded text. */
export function parsePowerShellExportText(file: string, text: string): PowerShellExport {
  return parsePowerShellExport(file, parseJsonText(file, text));
}

/** The source label of a PowerShell export: "snapshot customer.json (PowerShell export)". */
export function powerShellSource(basename: string, takenAt: string): SourceInfo {
  return { kind: 'snapshot', label: `snapshot ${basename} (PowerShell export)`, takenAt };
}

/**
 * DirectoryData from a PowerShell export. No groups, non-computer SPN holders or sPNMappings are in the
 * export: the SPN index then covers computers only, and the checker uses Windows' default sPNMappings.
 */
export function powerShellToDirectoryData(exported: PowerShellExport, source: SourceInfo): DirectoryData {
  const domains: string[] = [];
  for (const o of [...exported.computers, ...exported.users]) if (o.domain && !domains.includes(o.domain)) domains.push(o.domain);
  return {
    source,
    domains,
    computers: exported.computers,
    users: exported.users,
    groups: [],
    spnAccounts: [],
    spnMappings: [],
  };
}
