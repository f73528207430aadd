/**
 * The 'delegate-to-peers' fix: a PowerShell loop over a migration group's peers that adds only the missing
 * msDS-AllowedToDelegateTo entries (fleet scans of groups too large to list every entry).
 */
import type { Finding, Fix } from '../../src/domain/finding';
import type { PeerQuery } from '../../src/domain/migration-group';
import { AD_VALUES_PER_OBJECT, ldapFilterValue, renderFix, renderFixScript } from '../../src/fixes/powershell';

const M = 'Microsoft Virtual System Migration Service';
const DOMAIN: PeerQuery = { domain: 'contoso.com', scope: 'subtree', label: 'all Hyper-V hosts of contoso.com' };

function loop(host: string, services: string[], peers: PeerQuery = DOMAIN, missing = 400, peerCount = 150): Extract<Fix, { kind: 'delegate-to-peers' }> {
  return { kind: 'delegate-to-peers', host, services, peers, missing, peerCount };
}

function finding(fix: Fix, rule = 'KCD001'): Finding {
  return { rule, severity: 'error', subject: 'X', message: '', why: '', data: {}, fix };
}

describe('the peer loop fix', () => {
  test('renders as one script block: pinned writable DC, current list read first, only missing entries added', () => {
    expect(renderFix(loop('HV1', [M, 'cifs']))).toBe(
      [
        '# HV1: delegate to all Hyper-V hosts of contoso.com (150 peers; 400 entries missing at scan time).',
        '# Reads the current msDS-AllowedToDelegateTo first and adds only what is missing; safe to run again.',
        '& {',
        "  $server = [string](Get-ADDomainController -DomainName 'contoso.com' -Discover -Writable).HostName",
        "  $self = Get-ADComputer -Identity 'HV1' -Server $server -Properties 'msDS-AllowedToDelegateTo'",
        "  $have = @($self.'msDS-AllowedToDelegateTo')",
        `  $peers = @(Get-ADComputer -Server $server -LDAPFilter '(servicePrincipalName=${M}/*)' -Properties 'dNSHostName' | Where-Object { $_.DistinguishedName -ne $self.DistinguishedName })`,
        `  $services = @('${M}', 'cifs')`,
        '  $wanted = @(foreach ($peer in $peers) { foreach ($service in $services) { foreach ($form in @($peer.Name, $peer.DNSHostName)) { if ($form) { "$service/$form" } } } })',
        '  $add = @($wanted | Where-Object { $have -notcontains $_ } | Sort-Object -Unique)',
        '  $change = @{}',
        "  if ($add.Count -gt 0) { $change['Add'] = @{'msDS-AllowedToDelegateTo' = [string[]]$add} }",
        '  if ($change.Count -gt 0) { Set-ADComputer -Identity $self -Server $server @change }',
        '  Write-Output "HV1: $($add.Count) entries added for $($peers.Count) peers"',
        '}',
      ].join('\n'),
    );
  });

  test('warns when the group needs more entries than AD keeps on one object', () => {
    const script = renderFix(loop('HV1', [M, 'cifs'], DOMAIN, 7000, 1999));
    expect(script).toContain('# About 7,996 entries in all: more than AD keeps on one object (about 1,200 values)');
    expect(script).toContain('KCD_MIGRATION_GROUP=parent-ou');
    expect(renderFix(loop('HV1', [M], DOMAIN, 100, 60))).not.toContain('more than AD keeps');
  });

  test('the warning starts just past AD_VALUES_PER_OBJECT entries, with the way out spelled in full', () => {
    // 600 peers × 2 name forms × 1 service = 1,200 entries: exactly what AD keeps, no warning yet.
    expect(renderFix(loop('HV1', [M], DOMAIN, 1200, AD_VALUES_PER_OBJECT / 2))).not.toContain('more than AD keeps');
    expect(renderFix(loop('HV1', [M], DOMAIN, 1202, AD_VALUES_PER_OBJECT / 2 + 1)).split('\n').slice(2, 5)).toEqual([
      '# About 1,202 entries in all: more than AD keeps on one object (about 1,200 values), so',
      '# the write may fail with "administrative limit exceeded". If these hosts are separate clusters, set',
      '# KCD_MIGRATION_GROUP=parent-ou (or group:<name> / ou:<DN>) and scan again instead.',
    ]);
  });

  test('a line break in a host name or group label cannot end a comment or a string early', () => {
    const lines = renderFix(loop('HV1\nRemove-Item', [M], { ...DOMAIN, label: 'hosts\r\nof x' })).split('\n');
    expect(lines[0]).toBe('# HV1 Remove-Item: delegate to hosts  of x (150 peers; 400 entries missing at scan time).');
    expect(lines.at(-2)).toBe('  Write-Output "HV1 Remove-Item: $($add.Count) entries added for $($peers.Count) peers"');
  });

  test('narrows the search as the migration group does: parent OU (one level), OU (subtree), AD group (nested)', () => {
    const ou = renderFix(loop('HV1', [M], { domain: 'contoso.com', searchBase: 'OU=Cluster A,DC=contoso,DC=com', scope: 'onelevel', label: 'x' }));
    expect(ou).toContain("Get-ADComputer -Server $server -SearchBase 'OU=Cluster A,DC=contoso,DC=com' -SearchScope OneLevel -LDAPFilter");
    const sub = renderFix(loop('HV1', [M], { domain: 'contoso.com', searchBase: 'OU=Hyper-V,DC=contoso,DC=com', scope: 'subtree', label: 'x' }));
    expect(sub).toContain("-SearchBase 'OU=Hyper-V,DC=contoso,DC=com' -LDAPFilter");
    expect(sub).not.toContain('SearchScope');
    const group = renderFix(loop('HV1', [M], { ...DOMAIN, memberOf: ['CN=HV (all),OU=Groups,DC=contoso,DC=com'] }));
    expect(group).toContain(
      `-LDAPFilter '(&(servicePrincipalName=${M}/*)(memberOf:1.2.840.113556.1.4.1941:=CN=HV \\28all\\29,OU=Groups,DC=contoso,DC=com))'`,
    );
    const two = renderFix(loop('HV1', [M], { ...DOMAIN, memberOf: ['CN=A,DC=x', 'CN=B,DC=x'] }));
    expect(two).toContain('(|(memberOf:1.2.840.113556.1.4.1941:=CN=A,DC=x)(memberOf:1.2.840.113556.1.4.1941:=CN=B,DC=x))');
    // No group matched: the loop must find nobody rather than the whole domain.
    expect(renderFix(loop('HV1', [M], { ...DOMAIN, memberOf: [] }))).toContain('(!(objectClass=*))');
  });

  test('escapes every value from AD: nothing in a host, OU, group or domain name can run', () => {
    const evil = "HV1'; Remove-Item C:\\ -Recurse; '$(whoami)\"`";
    const script = renderFix(
      loop(evil, [M], { domain: "contoso.com'; calc; '", searchBase: "OU=x'y,DC=contoso,DC=com", scope: 'onelevel', label: 'a\nRemove-Item C:\\', memberOf: ['CN=g*)(x,DC=y'] }),
    );
    // Single-quoted PowerShell strings: ' doubled, nothing else interpreted.
    expect(script).toContain("-Identity 'HV1''; Remove-Item C:\\ -Recurse; ''$(whoami)\"`' -Server $server");
    expect(script).toContain("-DomainName 'contoso.com''; calc; ''' -Discover");
    expect(script).toContain("-SearchBase 'OU=x''y,DC=contoso,DC=com'");
    // LDAP filter values escaped (RFC 4515), then quoted.
    expect(script).toContain('(memberOf:1.2.840.113556.1.4.1941:=CN=g\\2a\\29\\28x,DC=y)');
    // The double-quoted status line escapes $, " and ` so that nothing expands.
    expect(script).toContain('Write-Output "HV1\'; Remove-Item C:\\ -Recurse; \'`$(whoami)`"``: $($add.Count) entries added');
    // Comments stay comments: no line break from a value starts a command line.
    for (const line of script.split('\n')) expect(line).not.toMatch(/^Remove-Item/);
    expect(ldapFilterValue('a*b(c)d\\e\0')).toBe('a\\2ab\\28c\\29d\\5ce\\00');
  });

  test('renderFixScript merges a host\'s literal changes and loops into one read-modify-write, and purges the host', () => {
    const script = renderFixScript([
      finding({ kind: 'computer', host: 'HV1', addDelegation: [`${M}/HV2`, `cifs/HV2`] }),
      finding({ kind: 'computer', host: 'HV1', removeDelegation: [`${M}/GONE`] }, 'KCD012'),
      finding(loop('HV1', [M], DOMAIN, 300, 150)),
      finding(loop('hv1', ['cifs', 'CIFS'], DOMAIN, 300, 150), 'KCD002'),
      finding({ kind: 'computer', host: 'HV9', addDelegation: [`${M}/HV2`] }),
    ]);
    // HV1: one loop, both services, the literal add and the removal inside it, one Set-ADComputer for it.
    expect(script.match(/& \{/g)).toHaveLength(1);
    expect(script).toContain(`  $services = @('${M}', 'cifs')`);
    expect(script).toContain('(150 peers; 600 entries missing at scan time)');
    expect(script).toContain(`  $wanted += @('${M}/HV2', 'cifs/HV2')`);
    expect(script).toContain(`  $remove = @(@('${M}/GONE') | Where-Object { $have -contains $_ })`);
    expect(script).toContain("  if ($remove.Count -gt 0) { $change['Remove'] = @{'msDS-AllowedToDelegateTo' = [string[]]$remove} }");
    expect(script).not.toContain('Set-ADComputer -Identity HV1');
    expect(script.match(/Set-ADComputer/g)).toHaveLength(2); // HV1's loop, HV9's literal call
    expect(script).toContain("Set-ADComputer -Identity HV9 -Add @{'msDS-AllowedToDelegateTo'=@(\n  'Microsoft Virtual System Migration Service/HV2')}");
    // The loop comes where HV1's Set-ADComputer would be (before HV9), and the purge covers both hosts.
    expect(script.indexOf('& {')).toBeLessThan(script.indexOf('Set-ADComputer -Identity HV9'));
    const lines = script.split('\n');
    expect(lines.slice(-2)).toEqual(['Invoke-Command -ComputerName HV1 { klist -li 0x3e7 purge }', 'Invoke-Command -ComputerName HV9 { klist -li 0x3e7 purge }']);
  });

  test('a loop alone still ends with the purge on its host; enable and dNSHostName changes join the loop', () => {
    const alone = renderFixScript([finding(loop('HV1', [M]))]);
    expect(alone.split('\n').at(-1)).toBe('Invoke-Command -ComputerName HV1 { klist -li 0x3e7 purge }');
    const merged = renderFixScript([finding(loop('HV1', [M])), finding({ kind: 'computer', host: 'HV1', enable: true, dnsHostName: "hv1.contoso.com'" }, 'KCD009')]);
    expect(merged).toContain("  $change['Enabled'] = $true");
    expect(merged).toContain("  $change['DNSHostName'] = 'hv1.contoso.com'''");
    expect(merged).not.toContain('$wanted +=');
    expect(merged).not.toContain('$remove');
    expect(alone).not.toContain('Enabled');
  });

  test('loops of one host with different peer queries stay apart; the literal changes go into the first only', () => {
    const ou: PeerQuery = { domain: 'contoso.com', searchBase: 'OU=A,DC=contoso,DC=com', scope: 'onelevel', label: 'the Hyper-V hosts in OU=A' };
    const script = renderFixScript([
      finding({ kind: 'computer', host: 'HV1', addDelegation: [`${M}/HV2`] }),
      finding(loop('HV1', [M], DOMAIN, 300, 150)),
      finding(loop('HV1', [M], ou, 20, 10)),
    ]);
    expect(script.match(/& \{/g)).toHaveLength(2);
    expect(script.match(/\$wanted \+=/g)).toHaveLength(1);
    // The second loop's comment starts its own line, right after the first loop's closing brace.
    expect(script).toContain('}\n# HV1: delegate to the Hyper-V hosts in OU=A (10 peers; 20 entries missing at scan time).');
  });

  test('merged loops of one query count the larger peer count and every missing entry', () => {
    const script = renderFixScript([finding(loop('HV1', [M], DOMAIN, 300, 150)), finding(loop('HV1', ['cifs'], DOMAIN, 100, 149), 'KCD002')]);
    expect(script).toContain('# HV1: delegate to all Hyper-V hosts of contoso.com (150 peers; 400 entries missing at scan time).');
  });
});
