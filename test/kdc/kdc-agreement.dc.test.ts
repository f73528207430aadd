/**
 * Confirmed by the real KDC: for generated scenarios, `kcd check SRC DST --storage --as USER --json` says
 * ready exactly when Samba's KDC grants S4U2Proxy from SRC to cifs/DEST in both name forms
 * (`kinit -f SRC$`, then `kvno -U USER -P cifs/DEST` and `cifs/dest.lab.test`).
 *
 * The generated dimensions are the ones Samba's KDC enforces as Windows' KDC does: the cifs entries (each
 * name form, and written in another letter case: SPNs compare case-insensitively), protocol transition, a
 * sensitive user, and a disabled source. Sources run Windows Server 2019 (on 2012 R2 "Kerberos only" is
 * right, but the client's own forwardable TGT is used there, which kvno -U cannot imitate).
 *
 * Left to the LDAP scenario tests, because Samba 4.17's KDC is more lenient than Windows' there (measured
 * here): it finds `cifs/<host>` for an account without any HOST/ or cifs/ SPN (it falls back to the
 * account named <host>$), it issues tickets for a disabled destination account, it does not find SPNs
 * containing spaces (the migration service), and it does not enforce Protected Users.
 */
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { kerberosEnv, labFacts, type LabFacts } from '../ad-lab/lab';
import { ScenarioNames, type Scenario } from '../support/scenario';
import { labCliEnv, loadScenarios } from '../support/scenario-lab';

// The DC work (loading accounts, KDC round trips) takes longer than jest's default 5 s.
jest.setTimeout(600_000);

const run = promisify(execFile);
const BIN = join(__dirname, '..', '..', 'bin', 'kcd.js');
const M = 'Microsoft Virtual System Migration Service';
const PASSWORD = 'Host-Pa55word!-kdc';

interface Dimensions {
  cifsShort: boolean;
  cifsFqdn: boolean;
  protocolTransition: boolean;
  sensitiveUser: boolean;
  /** Entries written in upper case (CIFS/DST.LAB.TEST): must make no difference. */
  upperCase: boolean;
  sourceDisabled?: boolean;
}

function scenarioFor(d: Dimensions, i: number): Scenario {
  const cifs = d.upperCase ? 'CIFS' : 'cifs';
  const fqdn = d.upperCase ? '{DST}.LAB.TEST' : '{dst}';
  const delegateTo = [`${M}/{DST}`, `${M}/{dst}`, ...(d.cifsShort ? [`${cifs}/{DST}`] : []), ...(d.cifsFqdn ? [`${cifs}/${fqdn}`] : [])];
  return {
    id: `kdc-${i}`,
    description: JSON.stringify(d),
    hosts: [
      { name: 'SRC', hyperV: true, os: '2019', delegation: d.protocolTransition ? 'protocol-transition' : 'member', disabled: d.sourceDisabled, delegateTo },
      { name: 'DST', hyperV: true, os: '2019' },
    ],
    users: [{ name: 'u', sensitive: d.sensitiveUser }],
    question: { source: 'SRC', destination: 'DST', storage: true, as: 'u' },
    expect: [],
    ready: false,
  };
}

/** All 32 combinations of the five dimensions, plus a disabled source. */
function generate(): Dimensions[] {
  const out: Dimensions[] = [];
  for (let bits = 0; bits < 32; bits++) {
    out.push({
      cifsShort: (bits & 1) !== 0,
      cifsFqdn: (bits & 2) !== 0,
      protocolTransition: (bits & 4) !== 0,
      sensitiveUser: (bits & 8) !== 0,
      upperCase: (bits & 16) !== 0,
    });
  }
  out.push({ cifsShort: true, cifsFqdn: true, protocolTransition: true, sensitiveUser: false, upperCase: false, sourceDisabled: true });
  return out;
}

async function kdcGrants(facts: LabFacts, names: ScenarioNames): Promise<{ granted: boolean; why: string }> {
  const env = kerberosEnv(facts, names.prefix.replace(/-$/, ''));
  const principal = `${names.host('SRC')}$@${facts.realm}`;
  const kinit = await new Promise<{ ok: boolean; stderr: string }>((resolve) => {
    const child = spawn('kinit', ['-f', principal], { env, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => resolve({ ok: false, stderr: String(e) }));
    child.on('exit', (code) => resolve({ ok: code === 0, stderr }));
    child.stdin.end(`${PASSWORD}\n`);
  });
  if (!kinit.ok) return { granted: false, why: `kinit: ${kinit.stderr.trim()}` };
  for (const spn of [`cifs/${names.host('DST')}`, `cifs/${names.fqdn('DST')}`]) {
    try {
      await run('kvno', ['-U', names.user('u'), '-P', spn], { env, timeout: 30_000 });
    } catch (e) {
      return { granted: false, why: `kvno ${spn}: ${String((e as { stderr?: string }).stderr ?? e).trim()}` };
    }
  }
  return { granted: true, why: 'granted' };
}

async function kcdSaysReady(facts: LabFacts, names: ScenarioNames): Promise<boolean> {
  const args = [BIN, 'check', names.host('SRC'), names.host('DST'), '--storage', '--as', names.user('u'), '--json'];
  const result = await run(process.execPath, args, { env: labCliEnv(facts), timeout: 60_000 }).catch((e: { code?: number; stdout?: string }) => e);
  const out = JSON.parse(String(result.stdout)) as { ready?: boolean; error?: unknown };
  if (out.error !== undefined) throw new Error(`kcd failed: ${JSON.stringify(out.error)}`);
  expect((result as { code?: number }).code ?? 0).toBe(out.ready ? 0 : 1);
  return out.ready === true;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!);
      }
    }),
  );
  return results;
}

describe('verdicts confirmed by the real KDC', () => {
  const tag = Date.now().toString(36).slice(-3).toUpperCase();
  const cases = generate().map((d, i) => ({ d, scenario: scenarioFor(d, i), names: new ScenarioNames(`K${tag}${i.toString(36).toUpperCase()}-`) }));

  beforeAll(async () => {
    await loadScenarios(labFacts(), cases, { password: PASSWORD });
  });

  test(`kcd check agrees with S4U2Proxy on ${cases.length} generated scenarios`, async () => {
    const facts = labFacts();
    const outcomes = await mapLimit(cases, 4, async (c) => {
      const [kcd, kdc] = await Promise.all([kcdSaysReady(facts, c.names), kdcGrants(facts, c.names)]);
      return { ...c, kcd, kdc: kdc.granted, why: kdc.why };
    });
    const agree = outcomes.filter((o) => o.kcd === o.kdc);
    const granted = outcomes.filter((o) => o.kdc).length;
    console.log(`KDC agreement: ${agree.length}/${outcomes.length} scenarios (KDC granted ${granted}, refused ${outcomes.length - granted})`);
    const disagreements = outcomes.filter((o) => o.kcd !== o.kdc).map((o) => ({ dimensions: o.d, kcd: o.kcd, kdc: o.kdc, why: o.why }));
    expect(disagreements).toEqual([]);
    // Both outcomes occur, so the comparison can fail either way.
    expect(granted).toBeGreaterThan(0);
    expect(granted).toBeLessThan(outcomes.length);
  });
});
