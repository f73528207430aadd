/**
 * Fixes as copy-paste PowerShell. Fixes for one computer merge into one Set-ADComputer call that adds only
 * what is missing (-Add fails on a value already present), and every script ends with the ticket purge.
 */
import type { Finding, Fix } from '../domain/finding';
import type { PeerQuery } from '../domain/migration-group';
import { MIGRATION_SERVICE } from '../domain/spn';

/** PowerShell single-quoted string: the only escape is '' for '. Values come from AD and must not run. */
export function psQuote(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, "''")}'`;
}

/** Host and account names print bare when they are plain (as admins write them), quoted otherwise. */
export function psName(value: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._$-]*$/.test(value) ? value : psQuote(value);
}

function psArray(values: readonly string[], indent: string): string {
  return `@(\n${values.map((v) => `${indent}${psQuote(v)}`).join(',\n')})`;
}

type PeerFix = Extract<Fix, { kind: 'delegate-to-peers' }>;

/** RFC 4515: a value inside an LDAP filter escapes * ( ) \ and NUL as \hh. */
export function ldapFilterValue(value: string): string {
  return value.replace(/[*()\\\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** What makes a computer a Hyper-V host (isHyperVHost), plus the group's membership, as an LDAP filter. */
export function peerFilter(peers: PeerQuery): string {
  const spn = `(servicePrincipalName=${ldapFilterValue(MIGRATION_SERVICE)}/*)`;
  if (peers.memberOf === undefined) return spn;
  const groups = peers.memberOf.map((dn) => `(memberOf:1.2.840.113556.1.4.1941:=${ldapFilterValue(dn)})`);
  // No group matched: a filter that matches nothing, rather than every host of the domain.
  const member = groups.length === 0 ? '(!(objectClass=*))' : groups.length === 1 ? groups[0]! : `(|${groups.join('')})`;
  return `(&${spn}${member})`;
}

/**
 * AD keeps roughly 1,200 values summed over an object's non-linked multi-valued attributes (servicePrincipalName
 * counts too); past it a write fails with "The administrative limit for this request was exceeded".
 */
export const AD_VALUES_PER_OBJECT = 1200;

const count = (n: number) => n.toLocaleString('en-US');

/**
 * The loop for one host: one writable DC for the read and the write (a write to another DC could replicate over
 * it), the peers from AD, then one Set-ADComputer with only the missing entries. `change` carries the literal
 * changes of the same host (merged by renderFixScript) so that the attribute is written once.
 */
function renderPeerLoop(fix: PeerFix, change?: ComputerChange): string {
  const q = fix.peers;
  const entries = fix.peerCount * 2 * fix.services.length;
  const search = [
    '-Server $server',
    ...(q.searchBase !== undefined ? [`-SearchBase ${psQuote(q.searchBase)}`] : []),
    ...(q.scope === 'onelevel' ? ['-SearchScope OneLevel'] : []),
    `-LDAPFilter ${psQuote(peerFilter(q))}`,
    "-Properties 'dNSHostName'",
  ].join(' ');
  const lines = [
    `# ${fix.host.replace(/[\r\n]/g, ' ')}: delegate to ${q.label.replace(/[\r\n]/g, ' ')} (${count(fix.peerCount)} peers; ${count(fix.missing)} entries missing at scan time).`,
    '# Reads the current msDS-AllowedToDelegateTo first and adds only what is missing; safe to run again.',
    ...(entries > AD_VALUES_PER_OBJECT
      ? [
          `# About ${count(entries)} entries in all: more than AD keeps on one object (about ${count(AD_VALUES_PER_OBJECT)} values), so`,
          '# the write may fail with "administrative limit exceeded". If these hosts are separate clusters, set',
          '# KCD_MIGRATION_GROUP=parent-ou (or group:<name> / ou:<DN>) and scan again instead.',
        ]
      : []),
    '& {',
    `  $server = [string](Get-ADDomainController -DomainName ${psQuote(q.domain)} -Discover -Writable).HostName`,
    `  $self = Get-ADComputer -Identity ${psQuote(fix.host)} -Server $server -Properties 'msDS-AllowedToDelegateTo'`,
    "  $have = @($self.'msDS-AllowedToDelegateTo')",
    q.names !== undefined
      ? `  $peers = @(foreach ($name in ${psInline(q.names)}) { Get-ADComputer -Identity $name -Server $server -Properties 'dNSHostName' })`
      : `  $peers = @(Get-ADComputer ${search} | Where-Object { $_.DistinguishedName -ne $self.DistinguishedName })`,
    `  $services = ${psInline(fix.services)}`,
    '  $wanted = @(foreach ($peer in $peers) { foreach ($service in $services) { foreach ($form in @($peer.Name, $peer.DNSHostName)) { if ($form) { "$service/$form" } } } })',
  ];
  if (change && change.add.length > 0) lines.push(`  $wanted += ${psInline(change.add)}`);
  lines.push(
    // -notcontains and Sort-Object -Unique compare case-insensitively, as AD compares these values.
    '  $add = @($wanted | Where-Object { $have -notcontains $_ } | Sort-Object -Unique)',
    // Splatted into one Set-ADComputer (indexer, not $change.Add: that is the hashtable's own method).
    '  $change = @{}',
    "  if ($add.Count -gt 0) { $change['Add'] = @{'msDS-AllowedToDelegateTo' = [string[]]$add} }",
  );
  if (change && change.remove.length > 0) {
    lines.push(
      `  $remove = @(${psInline(change.remove)} | Where-Object { $have -contains $_ })`,
      "  if ($remove.Count -gt 0) { $change['Remove'] = @{'msDS-AllowedToDelegateTo' = [string[]]$remove} }",
    );
  }
  if (change?.enable) lines.push("  $change['Enabled'] = $true");
  if (change?.dnsHostName) lines.push(`  $change['DNSHostName'] = ${psQuote(change.dnsHostName)}`);
  lines.push(
    '  if ($change.Count -gt 0) { Set-ADComputer -Identity $self -Server $server @change }',
    `  Write-Output "${psDoubleQuotedText(fix.host)}: $($add.Count) entries added for $($peers.Count) peers"`,
    '}',
  );
  return lines.join('\n');
}

/** A one-line @('a', 'b') array. */
function psInline(values: readonly string[]): string {
  return `@(${values.map(psQuote).join(', ')})`;
}

/** Text inside a double-quoted PowerShell string: ` escapes $ " ` and the typographic quotes; no line breaks. */
function psDoubleQuotedText(value: string): string {
  return value.replace(/[\r\n]/g, ' ').replace(/[`$"\u201c\u201d\u201e]/g, (c) => `\`${c}`);
}

interface ComputerChange {
  host: string;
  add: string[];
  remove: string[];
  enable: boolean;
  dnsHostName?: string;
  /** Lower-cased values already in add/remove (SPNs compare case-insensitively), so merging stays linear. */
  seen: Set<string>;
}

function pushUnique(change: ComputerChange, list: string[], values: readonly string[] | undefined): void {
  for (const v of values ?? []) {
    const key = `${list === change.add ? '+' : '-'}${v.toLowerCase()}`;
    if (change.seen.has(key)) continue;
    change.seen.add(key);
    list.push(v);
  }
}

function renderComputer(c: ComputerChange): string {
  const parts = [`Set-ADComputer -Identity ${psName(c.host)}`];
  if (c.enable) parts.push('-Enabled $true');
  if (c.dnsHostName) parts.push(`-DNSHostName ${psQuote(c.dnsHostName)}`);
  if (c.add.length > 0) parts.push(`-Add @{'msDS-AllowedToDelegateTo'=${psArray(c.add, '  ')}}`);
  if (c.remove.length > 0) parts.push(`-Remove @{'msDS-AllowedToDelegateTo'=${psArray(c.remove, '  ')}}`);
  return parts.join(' ');
}

type ResourceBasedFix = Extract<Fix, { kind: 'resource-based' }>;

/** One Set-ADComputer that writes the whole descriptor (comments first: the notes say why this way). */
function renderResourceBased(fix: ResourceBasedFix): string {
  const notes = (fix.note ?? '').split('\n').filter((l) => l.trim().length > 0).map((l) => `# ${l}`);
  const principals = fix.principals.map(psQuote).join(',');
  return [...notes, `Set-ADComputer -Identity ${psName(fix.host)} -PrincipalsAllowedToDelegateToAccount @(${principals})`].join('\n');
}

function renderSingle(fix: Exclude<Fix, { kind: 'computer' | 'delegate-to-peers' | 'resource-based' }>): string {
  switch (fix.kind) {
    case 'account-control':
      return (
        `Get-ADComputer -Identity ${psName(fix.host)} | ` +
        'Set-ADAccountControl -TrustedForDelegation $false -TrustedToAuthForDelegation $true'
      );
    case 'register-spn':
      return fix.spns
        .map((spn) => `setspn -S ${psQuote(spn)} ${psName(fix.host)}${fix.note ? `   # ${fix.note.replace(/[\r\n]/g, ' ')}` : ''}`)
        .join('\n');
    case 'remove-spn':
      return `setspn -D ${psQuote(fix.spn)} ${psName(fix.account)}`;
    case 'user-delegable':
      return `Set-ADAccountControl -Identity ${psName(fix.user)} -AccountNotDelegated $false`;
    case 'encryption-types':
      return `${fix.accountKind === 'computer' ? 'Set-ADComputer' : 'Set-ADUser'} -Identity ${psName(fix.account)} -KerberosEncryptionType AES128,AES256`;
    case 'leave-group':
      return (
        `Remove-ADGroupMember -Identity ${psQuote(fix.group)} -Members ${psName(fix.member)} -Confirm:$false` +
        (fix.group.toLowerCase() === 'protected users' ? '' : '   # the group that puts the account in Protected Users')
      );
    case 'manual':
      return fix.text
        .split('\n')
        .map((line) => `# ${line}`)
        .join('\n');
  }
}

/** The PowerShell for one fix on its own (what a single finding shows). */
export function renderFix(fix: Fix): string {
  if (fix.kind === 'delegate-to-peers') return renderPeerLoop(fix);
  if (fix.kind === 'resource-based') return renderResourceBased(fix);
  if (fix.kind === 'computer') {
    return renderComputer({
      host: fix.host,
      add: fix.addDelegation ?? [],
      remove: fix.removeDelegation ?? [],
      enable: fix.enable ?? false,
      dnsHostName: fix.dnsHostName,
      seen: new Set(),
    });
  }
  return renderSingle(fix);
}

export interface FixScriptOptions {
  /** Hosts whose SYSTEM ticket cache must be purged even if no fix touched them (the migration's sources). */
  purgeOn?: readonly string[];
}

/**
 * All fixes of a report as one script: one Set-ADComputer per host (adds and removes merged), then
 * account-control, SPN and user changes, then the ticket purge on every host whose delegation changed.
 * Returns '' when there is nothing to fix.
 */
export function renderFixScript(findings: readonly Finding[], options: FixScriptOptions = {}): string {
  const fixes = findings.map((f) => f.fix).filter((f): f is Fix => f !== undefined);
  if (fixes.length === 0) return '';
  const computers = new Map<string, ComputerChange>();
  /** Per host (lower-cased): its peer loops, one per distinct query, services merged. */
  const loops = new Map<string, PeerFix[]>();
  /** Per host (lower-cased): one descriptor, the principals of every fix for it merged (each write replaces the last). */
  const descriptors = new Map<string, ResourceBasedFix>();
  const others: string[] = [];
  const seenOthers = new Set<string>();
  const purge: string[] = [];
  const purged = new Set<string>();
  const touch = (host: string) => {
    if (purged.has(host.toLowerCase())) return;
    purged.add(host.toLowerCase());
    purge.push(host);
  };
  for (const fix of fixes) {
    if (fix.kind === 'delegate-to-peers') {
      const key = fix.host.toLowerCase();
      // Keeps the host's place among the Set-ADComputer lines: the loop takes over its literal changes.
      if (!computers.has(key)) computers.set(key, { host: fix.host, add: [], remove: [], enable: false, seen: new Set() });
      const list = loops.get(key) ?? [];
      const same = list.find((l) => JSON.stringify(l.peers) === JSON.stringify(fix.peers));
      if (same) {
        for (const s of fix.services) if (!same.services.some((t) => t.toLowerCase() === s.toLowerCase())) same.services.push(s);
        same.missing += fix.missing;
        same.peerCount = Math.max(same.peerCount, fix.peerCount);
      } else list.push({ ...fix, services: [...fix.services] });
      loops.set(key, list);
      touch(fix.host);
    } else if (fix.kind === 'computer') {
      const key = fix.host.toLowerCase();
      let change = computers.get(key);
      if (!change) computers.set(key, (change = { host: fix.host, add: [], remove: [], enable: false, seen: new Set() }));
      pushUnique(change, change.add, fix.addDelegation);
      pushUnique(change, change.remove, fix.removeDelegation);
      change.enable ||= fix.enable ?? false;
      change.dnsHostName ??= fix.dnsHostName;
      if (fix.addDelegation || fix.removeDelegation) touch(fix.host);
    } else if (fix.kind === 'resource-based') {
      const key = fix.host.toLowerCase();
      const known = descriptors.get(key);
      if (!known) descriptors.set(key, { ...fix, principals: [...fix.principals] });
      else {
        for (const p of fix.principals) if (!known.principals.some((q) => q.toLowerCase() === p.toLowerCase())) known.principals.push(p);
        // Blank lines may join here: rendering drops them.
        const lines = (known.note ?? '').split('\n');
        for (const l of (fix.note ?? '').split('\n')) if (!lines.includes(l)) lines.push(l);
        known.note = lines.join('\n');
      }
      // The accounts that delegate hold refused tickets in their SYSTEM cache until it is purged.
      for (const p of fix.principals) if (p.endsWith('$')) touch(p.slice(0, -1));
    } else {
      const line = renderSingle(fix);
      if (!seenOthers.has(line)) {
        seenOthers.add(line);
        others.push(line);
      }
      if (fix.kind === 'account-control') touch(fix.host);
      // The host's cached RC4 tickets stay in use until they expire or are purged.
      if (fix.kind === 'encryption-types' && fix.accountKind === 'computer') touch(fix.account);
    }
  }
  for (const host of options.purgeOn ?? []) touch(host);
  const renderHost = (change: ComputerChange): string => {
    const hostLoops = loops.get(change.host.toLowerCase());
    if (!hostLoops) return renderComputer(change);
    // The first loop also writes the host's literal changes: one read-modify-write of the attribute per host.
    return hostLoops.map((loop, i) => renderPeerLoop(loop, i === 0 ? change : undefined)).join('\n');
  };
  const lines = [...[...computers.values()].map(renderHost), ...[...descriptors.values()].map(renderResourceBased), ...others];
  lines.push(
    '# Then let AD replicate to the DC the hosts use, and purge the SYSTEM ticket cache (or wait up to 15 minutes):',
    ...purge.map((host) => `Invoke-Command -ComputerName ${psName(host)} { klist -li 0x3e7 purge }`),
  );
  if (purge.length === 0) lines.push('klist purge   # on the machine you start the migration from');
  return lines.join('\n');
}
