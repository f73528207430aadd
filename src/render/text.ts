/** Reports as plain text for a terminal: what is wrong, why, and the PowerShell to fix it. */
import type { FleetReport, HostReport, PairReport } from '../checker';
import type { Finding } from '../domain/finding';
import { describeMigrationGroup } from '../domain/migration-group';
import { renderFixScript } from '../fixes/powershell';

const TAG: Record<Finding['severity'], string> = { error: 'ERROR', warning: 'WARN ', info: 'INFO ' };

/** Long lines wrapped at `width`, continuation lines indented. */
function wrap(text: string, indent: string, width = 100): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => indent + l).join('\n');
}

export function findingText(f: Finding, withWhy = true): string {
  const line = `[${TAG[f.severity]}] ${f.rule}  ${f.subject}: ${f.message}`;
  return withWhy ? [line, wrap(`Why: ${f.why}`, '        ')].join('\n') : line;
}

/** Findings as lines; a rule's "why" is printed once, with its first finding, so long lists stay readable. */
export function findingsText(findings: readonly Finding[]): string[] {
  const explained = new Set<string>();
  return findings.map((f) => {
    const first = !explained.has(f.rule);
    explained.add(f.rule);
    return findingText(f, first);
  });
}

export function summary(findings: readonly Finding[]): string {
  const n = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length;
  return `${n('error')} error(s), ${n('warning')} warning(s), ${n('info')} note(s)`;
}

function fixBlock(script: string): string[] {
  if (!script) return [];
  return ['', 'Fix (PowerShell with the ActiveDirectory module, as an account that may edit these objects):', '', ...script.split('\n').map((l) => `    ${l}`)];
}

const HOST_SIDE =
  'Host side (not in AD), on both hosts: Enable-VMMigration; ' +
  'Set-VMHost -VirtualMachineMigrationAuthenticationType Kerberos; a migration network (Set-VMMigrationNetwork); ' +
  'TCP 6600 open between the hosts. Start moves with Kerberos, not CredSSP: Credential Guard (on by default on ' +
  'Windows Server 2025) makes CredSSP moves fail and blocks unconstrained delegation.';

function header(directory: string): string {
  return `kcd · directory: ${directory}`;
}

export function pairText(report: PairReport, directory: string): string {
  const what = [
    report.storage ? 'with storage' : 'VM only',
    ...report.fileServers.map((f) => `files on ${f.name}`),
    report.user ? `started by ${report.user.samAccountName}` : undefined,
  ].filter(Boolean);
  const verdict = report.ready ? 'READY' : 'NOT READY';
  const lines = [
    header(directory),
    `${report.source.name} → ${report.destination.name} (${what.join(', ')}): ${verdict} — ${summary(report.findings)}`,
    '',
    ...findingsText(report.findings),
    ...fixBlock(renderFixScript(report.findings, { purgeOn: [report.source.name] })),
  ];
  if (report.findings.length === 0) lines.push('Nothing to fix in AD for this pair.');
  lines.push('', wrap(HOST_SIDE, ''));
  if (!report.user) lines.push(wrap('The account that starts the migration was not checked: add --as <user>.', ''));
  return lines.join('\n');
}

export function hostText(report: HostReport, directory: string): string {
  const lines = [
    header(directory),
    `${report.host.name}: ${report.ready ? 'READY' : 'NOT READY'} with ${report.peers.length} peer(s) (${describeMigrationGroup(report.group)}, ${report.storage ? 'with storage' : 'VM only'}) — ${summary(report.findings)}`,
    '',
  ];
  if (report.peers.length > 0) {
    const width = Math.max(4, ...report.peers.map((p) => p.peer.name.length));
    lines.push(`    ${'peer'.padEnd(width)}  ${`${report.host.name} → peer`.padEnd(24)}  peer → ${report.host.name}`);
    for (const p of report.peers) {
      const cell = (d: { ready: boolean; blockers: string[] }) => (d.ready ? 'ready' : `no (${d.blockers.join(', ')})`);
      lines.push(`    ${p.peer.name.padEnd(width)}  ${cell(p.outbound).padEnd(24)}  ${cell(p.inbound)}`);
    }
    lines.push('');
  } else {
    lines.push('    No other Hyper-V host is in this host\'s migration group.', '');
  }
  lines.push(...findingsText(report.findings), ...fixBlock(renderFixScript(report.findings)));
  return lines.join('\n');
}

export function fleetText(report: FleetReport, directory: string): string {
  const t = report.totals;
  const lines = [
    header(directory),
    `${t.hosts} Hyper-V host(s), ${t.hostsWithErrors} with errors; ${t.pairsReady} of ${t.pairsExpected} migration directions ready (${describeMigrationGroup(report.group)}, ${report.storage ? 'with storage' : 'VM only'}).`,
    '',
    ...(report.advice ?? []).flatMap((a) => [wrap(`Advice: ${a.message}`, ''), '']),
  ];
  const width = Math.max(4, ...report.hosts.map((h) => h.host.name.length));
  for (const h of report.hosts) {
    const rules = [...new Set(h.findings.filter((f) => f.severity !== 'info').map((f) => f.rule))].join(', ');
    lines.push(
      `    ${h.host.name.padEnd(width)}  ${(h.ready ? 'ready' : 'NOT READY').padEnd(9)}  ${`${h.peersReady}/${h.peersTotal} peers`.padEnd(12)}  ${rules}`,
    );
  }
  lines.push('', 'Run `kcd host <name>` for a host\'s findings and the PowerShell that fixes them.');
  return lines.join('\n');
}
