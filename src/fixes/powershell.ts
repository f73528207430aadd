/**
 * Fixes as copy-paste PowerShell. Fixes for one computer merge into one Set-ADComputer call that adds only
 * what is missing (-Add fails on a value already present), and every script ends with the ticket purge.
 */
import type { Finding, Fix } from '../domain/finding';

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

function renderSingle(fix: Exclude<Fix, { kind: 'computer' }>): string {
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
    if (fix.kind === 'computer') {
      const key = fix.host.toLowerCase();
      let change = computers.get(key);
      if (!change) computers.set(key, (change = { host: fix.host, add: [], remove: [], enable: false, seen: new Set() }));
      pushUnique(change, change.add, fix.addDelegation);
      pushUnique(change, change.remove, fix.removeDelegation);
      change.enable ||= fix.enable ?? false;
      change.dnsHostName ??= fix.dnsHostName;
      if (fix.addDelegation || fix.removeDelegation) touch(fix.host);
    } else {
      const line = renderSingle(fix);
      if (!seenOthers.has(line)) {
        seenOthers.add(line);
        others.push(line);
      }
      if (fix.kind === 'account-control') touch(fix.host);
    }
  }
  for (const host of options.purgeOn ?? []) touch(host);
  const lines = [...[...computers.values()].map(renderComputer), ...others];
  lines.push(
    '# Then let AD replicate to the DC the hosts use, and purge the SYSTEM ticket cache (or wait up to 15 minutes):',
    ...purge.map((host) => `Invoke-Command -ComputerName ${psName(host)} { klist -li 0x3e7 purge }`),
  );
  if (purge.length === 0) lines.push('klist purge   # on the machine you start the migration from');
  return lines.join('\n');
}
