/**
 * End to end on a real DC: the Samba lab DC (test/ad-lab/lab.ts: same provisioning, same machine-wide lock,
 * same fixed ports) loaded with N Hyper-V hosts, then, in rotating order, several timed runs of
 *   - the floor: OpenLDAP's ldapsearch doing the adapter's searches (same filters, attributes, paging, LDAPS
 *     with the lab CA, same bind account);
 *   - kcd: `node bin/kcd.js scan --json --directory ldap` (a fresh process each run, as an admin runs it), with
 *     the fast path off (the default) and on (KCD_LDAP_FAST_PATH=true);
 *   - the peer: ldapdomaindump (simple bind on plain 389, which the bench DC allows; the test DC does not).
 *
 * Loading 5,000 accounts takes minutes, so the loaded DC folder is cached (KCD_BENCH_DC_CACHE, default
 * <tmp>/kcd-bench-dc-cache) under a key made of the LDIF's hash and the samba version; each bench run copies
 * it into a fresh <tmp>/kcd-ad-lab-XXXXXX folder (the lab's naming, so the lab's stray-DC cleanup knows it).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  COMPUTER_ATTRIBUTES,
  COMPUTER_FILTER,
  DOMAIN_CROSSREF_FILTER,
  GROUP_ATTRIBUTES,
  GROUP_FILTER,
  LdapDirectory,
  SPN_ACCOUNT_ATTRIBUTES,
  SPN_ACCOUNT_FILTER,
} from '../src/directory/ldap-directory';
import { checkFleet } from '../src/checker';
import { SnapshotBuilder } from '../src/domain/snapshot';
import { fleetJsonChunks } from '../src/render/json';
import {
  acquireLabLock,
  freeLabPorts,
  LAB_BASE_DN,
  LAB_TLS_SERVERNAME,
  type LabEntry,
  type LabFacts,
  loadEntries,
  loadLdif,
  ouEntry,
  provisionLab,
  releaseLabLock,
  sambaVersion,
  startDc,
  stopDc,
  toLdif,
  userEntry,
  waitForDc,
} from '../test/ad-lab/lab';
import { installLdapFastPath } from '../src/directory/ldap/fast';
import { firstDifference } from '../test/support/ldap-reference';
import { fmtMs, log, median, runTimed, type RunResult } from './stats';
import { clusterOu, planFleet, syntheticHosts } from './synthetic';

const REPO = resolve(__dirname, '..', '..');
/** Bump when the way the bench DC is built changes (not its data: the LDIF hash covers that). */
const BENCH_DC_VERSION = 'v1';
const READER = 'kcd-reader';
const READER_DN = `CN=${READER},CN=Users,${LAB_BASE_DN}`;
const CONFIG_DN = `CN=Configuration,${LAB_BASE_DN}`;

export interface DcRow {
  tool: string;
  runs: number;
  medianMs: number;
  samplesMs: number[];
  /** Median / the floor's median. */
  ratio: number;
  /** CPU time (user + system) of the tool's processes per run, and its median, when /usr/bin/time is there. */
  cpuSamplesMs?: number[];
  cpuMedianMs?: number;
  note?: string;
}

export interface DcResult {
  hosts: number;
  rows: DcRow[];
  /** kcd's time split, measured in-process once (diagnostic). */
  breakdown: { nodeStartMs: number; readDataMs: number; snapshotMs: number; fleetMs: number; renderMs: number; computers: number };
  /** What kcd's runs leave out of the machine's environment, and what that is worth (see nodeStartEnvironment). */
  environment?: NodeStartEnvironment;
  /** The reader's DirectoryData with the fast path against without it, on this DC. */
  equivalence: string;
  cache: { built: boolean; loadMs?: number; key: string };
  samba: string;
  peerUnavailable?: string;
}

export interface NodeStartEnvironment {
  /** NODE_EXTRA_CA_CERTS as the machine set it (left out of kcd's runs), if it did. */
  extraCaCerts?: string;
  /** Median wall time of `node -e 0` without it, and with it when it was set. */
  nodeStartMs: number;
  nodeStartWithExtraCaCertsMs?: number;
}

/**
 * Node's start-up with and without NODE_EXTRA_CA_CERTS. Some machines (this benchmark's sandbox among them) set it
 * for every process to the system's whole CA bundle, which Node reads and parses before it runs any script (~70 ms
 * for ~150 certificates here): a cost of that environment, not of kcd, and one ldapsearch does not pay. kcd's runs
 * leave it out; this measures what it would add, for the results to say so.
 */
async function nodeStartEnvironment(extraCaCerts: string | undefined, without: NodeJS.ProcessEnv): Promise<NodeStartEnvironment> {
  const startMs = async (env: NodeJS.ProcessEnv): Promise<number> => {
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) samples.push((await runTimed(process.execPath, ['-e', '0'], { env })).ms);
    return median(samples);
  };
  const nodeStartMs = await startMs(without);
  if (!extraCaCerts) return { nodeStartMs };
  return { extraCaCerts, nodeStartMs, nodeStartWithExtraCaCertsMs: await startMs({ ...without, NODE_EXTRA_CA_CERTS: extraCaCerts }) };
}

export interface BenchDcMeta {
  key: string;
  adminPassword: string;
  readerPassword: string;
  domainSid: string;
  hosts: number;
  loadMs: number;
  builtAt: string;
}

function cacheRoot(): string {
  return process.env.KCD_BENCH_DC_CACHE ?? join(tmpdir(), 'kcd-bench-dc-cache');
}

/** The entries of the bench DC: OUs, then the hosts (no duplicate SPNs: Samba refuses them on write). */
function benchEntries(hosts: number): LabEntry[] {
  const plan = planFleet(hosts);
  const entries: LabEntry[] = [ouEntry('Hyper-V')];
  for (let c = 0; c < plan.clusters.length; c++) entries.push({ dn: clusterOu(c), attributes: { objectClass: 'organizationalUnit' } });
  for (const h of syntheticHosts(plan, { duplicates: false })) {
    const attributes: LabEntry['attributes'] = {
      objectClass: 'computer',
      sAMAccountName: `${h.name}$`,
      userAccountControl: h.userAccountControl,
      dNSHostName: `${h.name.toLowerCase()}.lab.test`,
      servicePrincipalName: h.spns,
      operatingSystem: h.operatingSystem,
      operatingSystemVersion: h.operatingSystemVersion,
    };
    if (h.delegateTo.length > 0) attributes['msDS-AllowedToDelegateTo'] = h.delegateTo;
    entries.push({ dn: h.dn, attributes });
  }
  return entries;
}

function randomPassword(prefix: string): string {
  return `${prefix}-${createHash('sha256').update(`${Date.now()}${Math.random()}`).digest('base64url').slice(0, 12).replace(/[-_]/g, 'x')}-9a!`;
}

function factsFor(dir: string, pid: number, meta: Pick<BenchDcMeta, 'adminPassword' | 'readerPassword' | 'domainSid'>): LabFacts {
  return {
    url: 'ldaps://127.0.0.1:636',
    ldapUrl: 'ldap://127.0.0.1:389',
    caFile: join(dir, 'private', 'tls', 'ca.pem'),
    tlsServername: LAB_TLS_SERVERNAME,
    baseDN: LAB_BASE_DN,
    configDN: CONFIG_DN,
    realm: 'LAB.TEST',
    domain: 'lab.test',
    netbiosDomain: 'LAB',
    domainSid: meta.domainSid,
    adminBindDN: `CN=Administrator,CN=Users,${LAB_BASE_DN}`,
    adminPassword: meta.adminPassword,
    readerBindDN: READER_DN,
    readerUpn: `${READER}@lab.test`,
    readerPassword: meta.readerPassword,
    krb5Conf: join(dir, 'krb5.conf'),
    dir,
    smbConf: join(dir, 'etc', 'smb.conf'),
    pid,
    factsFile: join(dir, 'facts.json'),
    startedAt: new Date().toISOString(),
    timings: { provisionMs: 0, fromTemplate: true, startMs: 0, setupMs: 0 },
  };
}

/** Bench DC only: allow simple bind on plain 389 (ldapdomaindump -at SIMPLE ldap://…). */
function allowPlainSimpleBind(dir: string): void {
  const file = join(dir, 'etc', 'smb.conf');
  let conf = readFileSync(file, 'utf8');
  if (/^\s*ldap server require strong auth\s*=/m.test(conf)) {
    conf = conf.replace(/^\s*ldap server require strong auth\s*=.*$/m, '\tldap server require strong auth = no');
  } else conf = conf.replace(/^\[global\]\s*$/m, '[global]\n\tldap server require strong auth = no');
  writeFileSync(file, conf);
}

function rewritePaths(dir: string, from: string): void {
  const file = join(dir, 'etc', 'smb.conf');
  writeFileSync(file, readFileSync(file, 'utf8').split(from).join(dir));
}

/** Builds the loaded DC folder once (needs the lab lock: it runs the DC to load it). */
async function ensureCache(hosts: number): Promise<{ dir: string; meta: BenchDcMeta; built: boolean }> {
  const entries = benchEntries(hosts);
  const ldif = toLdif(entries);
  const samba = sambaVersion().replace(/[^\w.-]/g, '_');
  const key = `dc-${BENCH_DC_VERSION}-${hosts}-${createHash('sha256').update(ldif).digest('hex').slice(0, 12)}-samba-${samba}`;
  const root = cacheRoot();
  const final = join(root, key);
  const metaFile = `${final}.json`;
  if (existsSync(metaFile) && existsSync(join(final, 'private', 'sam.ldb'))) {
    return { dir: final, meta: JSON.parse(readFileSync(metaFile, 'utf8')) as BenchDcMeta, built: false };
  }
  mkdirSync(root, { recursive: true, mode: 0o700 });
  for (const old of readdirSync(root)) {
    if (old.startsWith('dc-') && !old.startsWith(key)) rmSync(join(root, old), { recursive: true, force: true });
    if (old.startsWith('building-')) rmSync(join(root, old), { recursive: true, force: true });
  }
  const building = mkdtempSync(join(root, 'building-'));
  const dir = join(building, 'dc');
  log(`dc: building the bench DC with ${hosts} Hyper-V hosts (once; cached in ${final})`);
  const provision = provisionLab(dir);
  allowPlainSimpleBind(dir);
  const meta: BenchDcMeta = {
    key,
    adminPassword: provision.adminPassword,
    readerPassword: randomPassword('Rdr'),
    domainSid: provision.domainSid,
    hosts,
    loadMs: 0,
    builtAt: new Date().toISOString(),
  };
  const pid = startDc(dir).pid!;
  try {
    const facts = factsFor(dir, pid, meta);
    await waitForDc(facts);
    await loadEntries(facts, [userEntry({ name: READER, upn: `${READER}@lab.test`, password: meta.readerPassword })]);
    const t0 = Date.now();
    const batch = 250;
    for (let i = 0; i < entries.length; i += batch) {
      loadLdif(facts, toLdif(entries.slice(i, i + batch)));
      const done = Math.min(entries.length, i + batch);
      const rate = done / ((Date.now() - t0) / 1000);
      log(`dc: loaded ${done}/${entries.length} entries (${rate.toFixed(0)}/s, about ${((entries.length - done) / rate).toFixed(0)} s left)`);
    }
    meta.loadMs = Date.now() - t0;
  } finally {
    await stopDc(pid);
  }
  rmSync(join(dir, '.admin-password'), { force: true });
  rmSync(join(dir, 'samba.pid'), { force: true });
  const conf = join(dir, 'etc', 'smb.conf');
  writeFileSync(conf, readFileSync(conf, 'utf8').split(dir).join(final));
  rmSync(final, { recursive: true, force: true });
  renameSync(dir, final);
  writeFileSync(metaFile, JSON.stringify(meta, null, 2), { mode: 0o600 });
  rmSync(building, { recursive: true, force: true });
  log(`dc: bench DC built; loading took ${fmtMs(meta.loadMs)}`);
  return { dir: final, meta, built: true };
}

function ensureTools(): { peerUnavailable?: string } {
  const script = join(REPO, 'test', 'ad-lab', 'ensure-samba.sh');
  const res = spawnSync('bash', [script], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8', timeout: 15 * 60_000 });
  if (res.status !== 0) throw new Error(`ensure-samba.sh failed (exit ${res.status ?? res.signal}):\n${res.stderr ?? ''}`);
  if (!which('ldapdomaindump')) {
    if (process.getuid?.() === 0 && which('apt-get')) {
      log('dc: installing python3-ldapdomaindump (apt-get)');
      const apt = spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '-qq', 'python3-ldapdomaindump'], {
        stdio: ['ignore', 'ignore', 'pipe'],
        encoding: 'utf8',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
        timeout: 15 * 60_000,
      });
      if (apt.status !== 0) log(`dc: apt-get install python3-ldapdomaindump failed: ${apt.stderr.trim().split('\n').slice(-3).join(' ')}`);
    }
    if (!which('ldapdomaindump')) return { peerUnavailable: 'ldapdomaindump is not installed (apt-get install python3-ldapdomaindump)' };
  }
  return {};
}

function which(tool: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    if (dir && existsSync(join(dir, tool))) return join(dir, tool);
  }
  return undefined;
}

interface Tool {
  name: string;
  /** Wall time of the run, in ms; CPU time of its processes through `cpu` when measured. */
  run(round: number, cpu: (ms: number) => void): Promise<number>;
}

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Runs `cmd` under /usr/bin/time (when there) to learn its CPU time: user + system of the process and its children. */
async function runWithCpu(cmd: string, args: readonly string[], opts: Parameters<typeof runTimed>[2], cpuFile: string): Promise<RunResult & { cpuMs?: number }> {
  if (!TIME) return runTimed(cmd, args, opts);
  const res = await runTimed(TIME, ['-q', '-f', '%U %S', '-o', cpuFile, cmd, ...args], opts);
  const [user, system] = readFileSync(cpuFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
  return { ...res, cpuMs: Number.isFinite(user) && Number.isFinite(system) ? (user! + system!) * 1000 : undefined };
}

function check(res: RunResult, what: string, okCodes: number[] = [0]): void {
  if (res.code === null || !okCodes.includes(res.code)) {
    throw new Error(`${what} failed (exit ${res.code ?? res.signal}):\n${res.stderr.slice(-2000)}`);
  }
}

function countDn(file: string): number {
  return (readFileSync(file, 'utf8').match(/^dn:/gm) ?? []).length;
}

/** The bench DC, running from a fresh copy of the cache, with the lab lock held until `stop()`. */
export interface BenchDc {
  facts: LabFacts;
  meta: BenchDcMeta;
  built: boolean;
  dir: string;
  stop(): Promise<void>;
}

/** Takes the lab lock, builds the cache if needed and starts the bench DC (SIGINT/SIGTERM stop it). */
export async function startBenchDc(hosts: number): Promise<BenchDc> {
  process.env.KCD_AD_LAB_WAIT_SECONDS ??= '3600';
  log('dc: waiting for the AD lab lock (one DC per machine; a test run may hold it)');
  await acquireLabLock(log);
  let pid: number | undefined;
  let dir: string | undefined;
  const stop = async () => {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    if (pid !== undefined) await stopDc(pid);
    pid = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
    releaseLabLock();
  };
  const onSignal = () => void stop().then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await freeLabPorts(log);
    const cache = await ensureCache(hosts);
    dir = mkdtempSync(join(tmpdir(), 'kcd-ad-lab-'));
    rmSync(dir, { recursive: true, force: true });
    execFileSync('cp', ['-a', cache.dir, dir]);
    rewritePaths(dir, cache.dir);
    pid = startDc(dir).pid!;
    const facts = factsFor(dir, pid, cache.meta);
    await waitForDc(facts);
    log(`dc: bench DC up (${dir}, pid ${pid})`);
    return { facts, meta: cache.meta, built: cache.built, dir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export async function runDc(opts: { hosts: number; runs: number; peerRuns: number }): Promise<DcResult> {
  const { peerUnavailable } = ensureTools();
  const dc = await startBenchDc(opts.hosts);
  const { facts, dir } = dc;
  const cache = { dir: dc.dir, meta: dc.meta, built: dc.built };
  try {
    const out = join(dir, 'bench-out');
    mkdirSync(out);
    const pwFile = join(dir, '.reader-password');
    writeFileSync(pwFile, cache.meta.readerPassword, { mode: 0o600 });

    // The machine's environment, except NODE_EXTRA_CA_CERTS (see nodeStartEnvironment): kcd trusts the DC
    // through KCD_LDAP_CA_FILE, and ldapsearch, the floor, is not a Node process.
    const { NODE_EXTRA_CA_CERTS: extraCaCerts, ...inherited } = process.env;
    const kcdEnv = {
      ...inherited,
      KCD_LDAP_URL: facts.url,
      KCD_LDAP_BIND_DN: READER_DN,
      KCD_LDAP_BIND_PASSWORD: cache.meta.readerPassword,
      KCD_LDAP_CA_FILE: facts.caFile,
      KCD_LDAP_TIMEOUT_MS: '120000',
      KCD_MIGRATION_GROUP: 'parent-ou',
    };
    const kcdTool = (fastPath: boolean): Tool => ({
      name: `kcd scan --json --directory ldap${fastPath ? ' (KCD_LDAP_FAST_PATH=true)' : ''}`,
      async run(round, cpu) {
        const file = join(out, `kcd-${fastPath ? 'fast' : 'plain'}-${round}.json`);
        const fd = openSync(file, 'w');
        try {
          const res = await runWithCpu(process.execPath, [join(REPO, 'bin', 'kcd.js'), 'scan', '--json', '--directory', 'ldap'], {
            cwd: REPO,
            env: { ...kcdEnv, KCD_LDAP_FAST_PATH: String(fastPath) },
            stdio: ['ignore', fd, 'pipe'],
            timeoutMs: 10 * 60_000,
          }, `${file}.cpu`);
          check(res, 'kcd scan', [0, 1]);
          if (res.cpuMs !== undefined) cpu(res.cpuMs);
          const report = JSON.parse(readFileSync(file, 'utf8')) as { totals: { hosts: number } };
          if (report.totals.hosts !== opts.hosts) throw new Error(`kcd scan saw ${report.totals.hosts} Hyper-V hosts, expected ${opts.hosts}`);
          return res.ms;
        } finally {
          closeSync(fd);
        }
      },
    });
    const kcd = kcdTool(false);
    const kcdFast = kcdTool(true);

    const ldapEnv = { ...process.env, LDAPTLS_CACERT: facts.caFile, LDAPTLS_REQCERT: 'demand' };
    const common = ['-LLL', '-x', '-H', facts.url, '-D', READER_DN, '-y', pwFile, '-o', 'ldif-wrap=no', '-E', 'pr=500/noprompt'];
    const ldapsearch = async (args: string[], file: string) => {
      const fd = openSync(file, 'w');
      try {
        return await runWithCpu('ldapsearch', [...common, ...args], { env: ldapEnv, stdio: ['ignore', fd, 'pipe'], timeoutMs: 10 * 60_000 }, `${file}.cpu`);
      } finally {
        closeSync(fd);
      }
    };
    const floor: Tool = {
      name: 'ldapsearch (the floor)',
      async run(round, cpu) {
        const t0 = performance.now();
        const f = (n: string) => join(out, `ldapsearch-${round}-${n}.ldif`);
        const root = await ldapsearch(['-b', '', '-s', 'base', '(objectClass=*)', 'defaultNamingContext', 'configurationNamingContext', 'dnsHostName'], f('rootdse'));
        check(root, 'ldapsearch rootDSE');
        const results = await Promise.all([
          ldapsearch(['-b', LAB_BASE_DN, '-s', 'sub', COMPUTER_FILTER, ...COMPUTER_ATTRIBUTES], f('computers')),
          ldapsearch(['-b', LAB_BASE_DN, '-s', 'sub', SPN_ACCOUNT_FILTER, ...SPN_ACCOUNT_ATTRIBUTES], f('spn-accounts')),
          ldapsearch(['-b', LAB_BASE_DN, '-s', 'sub', GROUP_FILTER, ...GROUP_ATTRIBUTES], f('groups')),
          ldapsearch(['-b', `CN=Directory Service,CN=Windows NT,CN=Services,${CONFIG_DN}`, '-s', 'base', '(objectClass=*)', 'sPNMappings'], f('spnmappings')),
          ldapsearch(['-b', `CN=Partitions,${CONFIG_DN}`, '-s', 'one', DOMAIN_CROSSREF_FILTER, 'dnsRoot', 'nETBIOSName'], f('domains')),
        ]);
        const ms = performance.now() - t0;
        results.forEach((r, i) => check(r, `ldapsearch #${i + 1}`));
        const cpus = [root, ...results].map((r) => r.cpuMs);
        if (cpus.every((c) => c !== undefined)) cpu(cpus.reduce((sum, c) => sum + c, 0));
        const computers = countDn(f('computers'));
        if (computers < opts.hosts) throw new Error(`ldapsearch returned ${computers} computers, expected at least ${opts.hosts}`);
        return ms;
      },
    };

    const peer: Tool = {
      name: 'ldapdomaindump (peer)',
      async run(round) {
        const target = join(out, `ldapdomaindump-${round}`);
        mkdirSync(target);
        const res = await runTimed(
          which('ldapdomaindump')!,
          ['-u', `LAB\\${READER}`, '-p', cache.meta.readerPassword, '-at', 'SIMPLE', '-o', target, facts.ldapUrl.replace(/:389$/, '')],
          { stdio: ['ignore', 'pipe', 'pipe'], timeoutMs: 20 * 60_000 },
        );
        check(res, 'ldapdomaindump');
        const computers = JSON.parse(readFileSync(join(target, 'domain_computers.json'), 'utf8')) as unknown[];
        if (computers.length < opts.hosts) throw new Error(`ldapdomaindump wrote ${computers.length} computers, expected at least ${opts.hosts}`);
        return res.ms;
      },
    };

    const tools = [floor, kcd, kcdFast, ...(peerUnavailable ? [] : [peer])];
    const samples = new Map<Tool, number[]>(tools.map((t) => [t, []]));
    const cpuSamples = new Map<Tool, number[]>(tools.map((t) => [t, []]));
    // One unmeasured round (DC caches, page cache), then measured rounds in rotating order.
    for (const t of tools) await t.run(0, () => undefined);
    // kcd's time split, in-process, after the warm-up round (diagnostic only; the comparison uses the CLI runs).
    const start = await runTimed(process.execPath, ['-e', "require(process.argv[1])", join(REPO, 'dist', 'src', 'cli', 'program.js')], { cwd: REPO, env: kcdEnv });
    const environment = await nodeStartEnvironment(extraCaCerts, inherited);
    const directory = new LdapDirectory({
      url: facts.url,
      bindDN: READER_DN,
      bindPassword: cache.meta.readerPassword,
      caFile: facts.caFile,
      timeoutMs: 120_000,
    });
    // As `kcd scan` does it (LdapDirectory.snapshot): the computers are indexed while the next page is on its
    // way, so the "snapshot build" here is only what build() does once the last page is in.
    const b0 = performance.now();
    const builder = new SnapshotBuilder();
    const data = await directory.readData(builder);
    const b1 = performance.now();
    const snapshot = builder.build(data);
    const b2 = performance.now();
    const report = checkFleet(snapshot, { group: { kind: 'parent-ou' }, storage: true });
    const b3 = performance.now();
    let textLength = 0;
    for (const chunk of fleetJsonChunks(report, directory.describe().label)) textLength += chunk.length;
    const b4 = performance.now();
    await directory.close();
    // The fast path must read exactly what the plain reader reads (apart from takenAt).
    const fast = new LdapDirectory(
      { url: facts.url, bindDN: READER_DN, bindPassword: cache.meta.readerPassword, caFile: facts.caFile, timeoutMs: 120_000 },
      { paging: installLdapFastPath() },
    );
    const fastData = await fast.readData().finally(() => fast.close());
    const difference = firstDifference(data, fastData);
    if (difference) throw new Error(`the fast path's DirectoryData differs from the plain reader's: ${difference}`);
    const equivalence = `the fast path's identical to the plain reader's (${data.computers.length} computers, ${data.groups.length} groups, ${data.spnAccounts.length} other SPN holders)`;
    log(`dc: adapter output ${equivalence}`);
    const breakdown = {
      nodeStartMs: start.ms,
      readDataMs: b1 - b0,
      snapshotMs: b2 - b1,
      fleetMs: b3 - b2,
      renderMs: b4 - b3,
      computers: data.computers.length,
    };
    log(`dc: kcd in-process: readData (indexing as it reads) ${fmtMs(breakdown.readDataMs)}, snapshot build ${fmtMs(breakdown.snapshotMs)}, checkFleet ${fmtMs(breakdown.fleetMs)}, JSON ${fmtMs(breakdown.renderMs)} (${(textLength / 1e6).toFixed(1)} MB); node + require ${fmtMs(start.ms)}`);

    const rounds = Math.max(opts.runs, opts.peerRuns);
    for (let r = 1; r <= rounds; r++) {
      const order = tools.map((_, i) => tools[(i + r) % tools.length]!);
      for (const t of order) {
        if (t === peer && r > opts.peerRuns) continue;
        if (t !== peer && r > opts.runs) continue;
        let cpuMs: number | undefined;
        const ms = await t.run(r, (c) => (cpuMs = c));
        samples.get(t)!.push(ms);
        if (cpuMs !== undefined) cpuSamples.get(t)!.push(cpuMs);
        log(`dc: round ${r}: ${t.name} ${fmtMs(ms)}${cpuMs !== undefined ? ` (CPU ${fmtMs(cpuMs)})` : ''}`);
      }
    }
    const floorMs = median(samples.get(floor)!);
    const rows: DcRow[] = tools.map((t) => ({
      tool: t.name,
      runs: samples.get(t)!.length,
      medianMs: median(samples.get(t)!),
      samplesMs: samples.get(t)!,
      ratio: median(samples.get(t)!) / floorMs,
      ...(cpuSamples.get(t)!.length > 0 ? { cpuSamplesMs: cpuSamples.get(t)!, cpuMedianMs: median(cpuSamples.get(t)!) } : {}),
    }));
    return {
      hosts: opts.hosts,
      rows,
      breakdown,
      environment,
      equivalence,
      cache: { built: cache.built, loadMs: cache.built ? cache.meta.loadMs : undefined, key: cache.meta.key },
      samba: sambaVersion(),
      peerUnavailable,
    };
  } finally {
    await dc.stop();
  }
}
