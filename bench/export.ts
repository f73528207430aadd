/**
 * A customer's export as a consultant gets it (issue 18): `Get-ADComputer … | ConvertTo-Json` of N Hyper-V hosts
 * all in one OU (`OU=Hyper-V`), built as clusters of 16 whose members delegate to each other (migration service
 * and cifs, both name forms, protocol transition), about 10% of hosts with a fault, plus two DCs. Then
 * `kcd scan --json --directory <file>` end to end, in its own process: wall time, peak RSS, report size.
 *
 *   node dist/bench/export.js 20000        # prints one JSON line (the bench's export part runs it)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const CLUSTER = 16;
const MIGRATION = 'Microsoft Virtual System Migration Service';
const UAC_WORKSTATION = 0x1000;
const UAC_TRUSTED_TO_AUTH = 0x1000000;
const UAC_SERVER_TRUST = 0x2000;

/** A deterministic pseudo-random sequence (the same export every run). */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

interface ExportedComputer {
  DistinguishedName: string;
  DNSHostName: string;
  Enabled: boolean;
  'msDS-AllowedToDelegateTo': string[];
  Name: string;
  ObjectClass: 'computer';
  OperatingSystem: string;
  OperatingSystemVersion: string;
  SamAccountName: string;
  servicePrincipalName: string[];
  userAccountControl: number;
}

/** The export of `hosts` Hyper-V hosts; `faulty` is how many of them got one of the usual faults. */
export function exportedEstate(hosts: number): { computers: ExportedComputer[]; faulty: number } {
  const random = lcg(18);
  const name = (i: number) => `HV${String(i + 1).padStart(5, '0')}`;
  const fqdn = (i: number) => `${name(i).toLowerCase()}.contoso.com`;
  const computers: ExportedComputer[] = [];
  let faulty = 0;
  for (let i = 0; i < hosts; i++) {
    const first = i - (i % CLUSTER);
    const peers: number[] = [];
    for (let j = first; j < Math.min(first + CLUSTER, hosts); j++) if (j !== i) peers.push(j);
    let delegateTo = peers.flatMap((p) => [MIGRATION, 'cifs'].flatMap((c) => [`${c}/${name(p)}`, `${c}/${fqdn(p)}`]));
    let uac = UAC_WORKSTATION | UAC_TRUSTED_TO_AUTH;
    let spns = [`HOST/${name(i)}`, `HOST/${fqdn(i)}`, `${MIGRATION}/${name(i)}`, `${MIGRATION}/${fqdn(i)}`, `WSMAN/${fqdn(i)}`, `TERMSRV/${name(i)}`];
    if (random() < 0.1) {
      faulty++;
      const fault = Math.floor(random() * 4);
      if (fault === 0) delegateTo = delegateTo.filter((e) => !e.endsWith(`/${fqdn(peers[0]!)}`)); // a peer's FQDN entries missing
      else if (fault === 1) delegateTo = delegateTo.filter((e) => !e.startsWith('cifs/')); // no cifs at all
      else if (fault === 2) uac = UAC_WORKSTATION; // "Kerberos only"
      else spns = spns.filter((s) => s !== `${MIGRATION}/${fqdn(i)}`); // VMMS did not register its FQDN SPN (14050)
    }
    computers.push({
      DistinguishedName: `CN=${name(i)},OU=Hyper-V,DC=contoso,DC=com`,
      DNSHostName: fqdn(i),
      Enabled: true,
      'msDS-AllowedToDelegateTo': delegateTo,
      Name: name(i),
      ObjectClass: 'computer',
      OperatingSystem: 'Windows Server 2022 Datacenter',
      OperatingSystemVersion: '10.0 (20348)',
      SamAccountName: `${name(i)}$`,
      servicePrincipalName: spns,
      userAccountControl: uac,
    });
  }
  for (const dc of ['DC1', 'DC2']) {
    const f = `${dc.toLowerCase()}.contoso.com`;
    computers.push({
      DistinguishedName: `CN=${dc},OU=Domain Controllers,DC=contoso,DC=com`,
      DNSHostName: f,
      Enabled: true,
      'msDS-AllowedToDelegateTo': [],
      Name: dc,
      ObjectClass: 'computer',
      OperatingSystem: 'Windows Server 2022 Datacenter',
      OperatingSystemVersion: '10.0 (20348)',
      SamAccountName: `${dc}$`,
      servicePrincipalName: [`HOST/${dc}`, `HOST/${f}`, `ldap/${f}`, `GC/${f}/contoso.com`],
      userAccountControl: UAC_SERVER_TRUST | 0x80000,
    });
  }
  return { computers, faulty };
}

export interface ExportRun {
  hosts: number;
  faulty: number;
  exportMb: number;
  wallMs: number;
  /** The child's CPU time, user and system (a shared machine's wall time measures the neighbours too). */
  cpuMs: number;
  peakRssMb: number;
  reportBytes: number;
  exitCode: number | null;
  groups: string;
}

/** `kcd scan --json --directory <export>` in a child process; peak RSS from the child itself at exit. */
export async function runExportScan(hosts: number, env: Record<string, string> = {}): Promise<ExportRun> {
  const dir = mkdtempSync(join(tmpdir(), 'kcd-export-'));
  try {
    const { computers, faulty } = exportedEstate(hosts);
    const file = join(dir, 'computers.json');
    const text = JSON.stringify(computers, null, 2);
    writeFileSync(file, text);
    const root = resolve(__dirname, '..', '..');
    const reporter = join(dir, 'peak.js');
    writeFileSync(
      reporter,
      "process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write(`\\npeak-rss-kb ${u.maxRSS} cpu-us ${u.userCPUTime + u.systemCPUTime}\\n`); });\n",
    );
    const start = performance.now();
    const child = spawn(process.execPath, ['-r', reporter, join(root, 'bin', 'kcd.js'), 'scan', '--json', '--directory', file], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let reportBytes = 0;
    let head = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      reportBytes += d.length;
      if (head.length < 4096) head += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exitCode = await new Promise<number | null>((r) => child.on('close', r));
    const wallMs = performance.now() - start;
    const peak = /peak-rss-kb (\d+) cpu-us (\d+)/.exec(stderr);
    const group = /"migrationGroup":\s*"([^"]*)"/.exec(head);
    return { hosts, faulty, exportMb: text.length / 1024 / 1024, wallMs, cpuMs: peak ? Number(peak[2]) / 1000 : NaN, peakRssMb: peak ? Number(peak[1]) / 1024 : NaN, reportBytes, exitCode, groups: group?.[1] ?? '?' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const hosts = Number(process.argv[2] ?? 20_000);
  runExportScan(hosts)
    .then((run) => process.stdout.write(`${JSON.stringify(run)}\n`))
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      process.exit(1);
    });
}
