/** Reports as plain JSON objects: the CLI's --json contract (and what the bot may log or attach). */
import type { FleetReport, HostReport, PairReport } from '../checker';
import type { Finding } from '../domain/finding';
import { describeMigrationGroup } from '../domain/migration-group';
import { renderFix, renderFixScript } from '../fixes/powershell';

export interface FindingJson {
  rule: string;
  severity: Finding['severity'];
  subject: string;
  message: string;
  why: string;
  data: Finding['data'];
  /** PowerShell for this finding alone ('' when only a person can fix it). */
  fix: string;
}

export function findingJson(f: Finding): FindingJson {
  return {
    rule: f.rule,
    severity: f.severity,
    subject: f.subject,
    message: f.message,
    why: f.why,
    data: f.data,
    fix: f.fix ? renderFix(f.fix) : '',
  };
}

function counts(findings: readonly Finding[]) {
  return {
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    infos: findings.filter((f) => f.severity === 'info').length,
  };
}

export function pairJson(report: PairReport, directory: string) {
  return {
    source: report.source.name,
    destination: report.destination.name,
    ready: report.ready,
    storage: report.storage,
    fileServers: report.fileServers.map((f) => f.name),
    user: report.user?.samAccountName ?? null,
    directory,
    ...counts(report.findings),
    findings: report.findings.map(findingJson),
    fixScript: renderFixScript(report.findings, { purgeOn: [report.source.name] }),
  };
}

export function hostJson(report: HostReport, directory: string) {
  return {
    host: report.host.name,
    ready: report.ready,
    storage: report.storage,
    migrationGroup: describeMigrationGroup(report.group),
    directory,
    peers: report.peers.map((p) => ({ peer: p.peer.name, outbound: p.outbound, inbound: p.inbound })),
    ...counts(report.findings),
    findings: report.findings.map(findingJson),
    fixScript: renderFixScript(report.findings),
  };
}

export function fleetJson(report: FleetReport, directory: string) {
  return {
    directory,
    storage: report.storage,
    migrationGroup: describeMigrationGroup(report.group),
    totals: report.totals,
    // Only when there is advice, so reports without it keep their exact shape.
    ...(report.advice ? { advice: report.advice } : {}),
    hosts: report.hosts.map((h) => ({
      host: h.host.name,
      ready: h.ready,
      peersReady: h.peersReady,
      peersTotal: h.peersTotal,
      ...counts(h.findings),
      findings: h.findings.map(findingJson),
    })),
  };
}
