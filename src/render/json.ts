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
    hosts: report.hosts.map(fleetHostJson),
  };
}

function fleetHostJson(h: FleetReport['hosts'][number]) {
  return {
    host: h.host.name,
    ready: h.ready,
    peersReady: h.peersReady,
    peersTotal: h.peersTotal,
    ...counts(h.findings),
    findings: h.findings.map(findingJson),
  };
}

/** The opening and closing of `JSON.stringify([[x]], null, 2)` around x's text. */
const NESTED_OPEN = '[\n  [\n    '.length;
const NESTED_CLOSE = '\n  ]\n]'.length;

/**
 * One host's entry as it stands in the report's `hosts` array: its lines indented by four spaces (the first
 * line's indentation left to the caller). Stringified two arrays deep, so JSON.stringify indents it itself
 * (a pass of replace() over every host's text cost a third of the JSON time).
 */
function hostEntryText(h: FleetReport['hosts'][number]): string {
  // Most hosts of a fleet have no finding (4,093 of 5,000 on the benchmark DC): their entry is this template,
  // fleetHostJson's keys in its order, each value as JSON.stringify gives it (json.test.ts compares the two).
  if (h.findings.length === 0) {
    return (
      `{\n      "host": ${JSON.stringify(h.host.name)},\n      "ready": ${JSON.stringify(h.ready)},\n      "peersReady": ${JSON.stringify(h.peersReady)},` +
      `\n      "peersTotal": ${JSON.stringify(h.peersTotal)},\n      "errors": 0,\n      "warnings": 0,\n      "infos": 0,\n      "findings": []\n    }`
    );
  }
  const text = JSON.stringify([[fleetHostJson(h)]], null, 2);
  return text.slice(NESTED_OPEN, text.length - NESTED_CLOSE);
}

/**
 * fleetJson as indented JSON text (exactly `JSON.stringify(fleetJson(report, directory), null, 2)`), in chunks of
 * about `chunkChars`: a domain group of thousands of hosts is hundreds of MB of JSON, and V8 caps one string at
 * about 512 MB, so `kcd scan --json` writes it host by host instead of building one string.
 */
export function* fleetJsonChunks(report: FleetReport, directory: string, chunkChars = 1 << 20): Generator<string> {
  // Each host's entry is built when it is written: the whole report as objects would be as large as its text.
  const { hosts: _hosts, ...head } = fleetJson({ ...report, hosts: [] }, directory);
  const hosts = report.hosts;
  if (hosts.length === 0) {
    yield JSON.stringify({ ...head, hosts: [] }, null, 2);
    return;
  }
  // `hosts` is the last key: the head's text ends with `"hosts": []\n}`.
  const open = JSON.stringify({ ...head, hosts: [] }, null, 2);
  let chunk = `${open.slice(0, open.length - '[]\n}'.length)}[`;
  for (let i = 0; i < hosts.length; i++) {
    chunk += `\n    ${hostEntryText(hosts[i]!)}${i < hosts.length - 1 ? ',' : ''}`;
    if (chunk.length >= chunkChars) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}\n  ]\n}`;
}
