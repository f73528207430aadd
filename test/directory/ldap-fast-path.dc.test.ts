/**
 * The fast path (src/directory/ldap/fast/, KCD_LDAP_FAST_PATH) against the plain reader on the lab DC: the same
 * DirectoryData (apart from takenAt), and `kcd scan` through the bin gives the same report, byte for byte, and
 * the same exit code either way. The lab holds whatever the other dc test files loaded, plus the objects below
 * (resource-based delegation, non-computer SPN holders, nested groups). `npm run bench -- --only dc` compares
 * the DirectoryData on the 5,000-host bench DC.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LdapDirectory } from '../../src/directory/ldap-directory';
import { installLdapFastPath } from '../../src/directory/ldap/fast';
import { firstDifference } from '../support/ldap-reference';
import { labCliEnv, labLdapOptions } from '../support/scenario-lab';
import {
  computerEntry,
  groupEntry,
  labFacts,
  loadEntries,
  MIGRATION_SERVICE_CLASS,
  ouEntry,
  readSid,
  UAC_TRUSTED_TO_AUTH_FOR_DELEGATION,
  UAC_WORKSTATION_TRUST_ACCOUNT,
  uniqueName,
  userEntry,
} from '../ad-lab/lab';

// The dc project's testTimeout in jest.config.js is not applied (testTimeout is a global-only option).
jest.setTimeout(180_000);

const facts = labFacts();
const run = promisify(execFile);
const BIN = join(__dirname, '..', '..', 'bin', 'kcd.js');

/** `kcd scan` through the bin (as an admin runs it), with the fast path on or off. */
async function scan(args: string[], fastPath: boolean): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...labCliEnv(facts), KCD_MIGRATION_GROUP: 'parent-ou', KCD_LDAP_FAST_PATH: String(fastPath) };
  const result = await run(process.execPath, [BIN, 'scan', ...args], { env, timeout: 120_000, maxBuffer: 256 << 20 }).catch(
    (e: { code?: number; stdout?: string; stderr?: string }) => e,
  );
  return { code: (result as { code?: number }).code ?? 0, stdout: String(result.stdout), stderr: String(result.stderr) };
}

describe('the fast path reads what the plain reader reads (lab DC)', () => {
  const ou = uniqueName('EQV');
  const ouDn = `OU=${ou},${facts.baseDN}`;
  const prefix = ou.slice(-8);
  const names = Array.from({ length: 30 }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`.slice(0, 15));

  beforeAll(async () => {
    const fqdn = (n: string) => `${n.toLowerCase()}.${facts.domain}`;
    await loadEntries(facts, [
      ouEntry(ou),
      ...names.map((name, i) =>
        computerEntry({
          name,
          container: ouDn,
          hyperV: true,
          userAccountControl: UAC_WORKSTATION_TRUST_ACCOUNT | UAC_TRUSTED_TO_AUTH_FOR_DELEGATION,
          delegateTo: names
            .filter((_, j) => j !== i)
            .flatMap((peer) => [`${MIGRATION_SERVICE_CLASS}/${peer}`, `${MIGRATION_SERVICE_CLASS}/${fqdn(peer)}`, `cifs/${peer}`, `cifs/${fqdn(peer)}`]),
          operatingSystem: 'Windows Server 2022 Datacenter',
          operatingSystemVersion: '10.0 (20348)',
        }),
      ),
      userEntry({ name: `${prefix}svc`.toLowerCase(), upn: `${prefix}svc@${facts.domain}`.toLowerCase(), spns: [`HTTP/${prefix}svc.${facts.domain}`] }),
      groupEntry({ name: `${prefix}HVG`, members: names.slice(0, 10).map((n) => `CN=${n},${ouDn}`) }),
    ]);
    const sid = await readSid(facts, `CN=${names[0]},${ouDn}`);
    await loadEntries(facts, [computerEntry({ name: `${prefix}RB`, container: ouDn, allowedToActOnBehalfOfSids: [sid, 'S-1-5-21-1-2-3-4444'] })]);
  });

  it('is installed on this ldapts (the version it mirrors), and not on another', () => {
    expect(installLdapFastPath()).toBeDefined();
    expect(installLdapFastPath('8.3.0')).toBeUndefined();
  });

  it('gives deep-equal DirectoryData (apart from takenAt), twice in a row on the same connections', async () => {
    const warnings: string[] = [];
    const plain = new LdapDirectory(labLdapOptions(facts, { warn: (m) => warnings.push(m) }));
    const fast = new LdapDirectory(labLdapOptions(facts, { warn: (m) => warnings.push(m) }), { paging: installLdapFastPath() });
    try {
      for (let round = 0; round < 2; round++) {
        const expected = await plain.readData();
        const got = await fast.readData();
        expect(got.computers.length).toBeGreaterThanOrEqual(names.length + 1);
        expect(got.computers.some((c) => c.allowedToActOnBehalfOf.includes(`${names[0]}$`))).toBe(true);
        expect(firstDifference(expected, got)).toBeUndefined();
      }
    } finally {
      await plain.close();
      await fast.close();
    }
    expect(warnings).toEqual([]);
  });

  it.each([[['--json']], [[]]])('kcd scan %j: the same report byte for byte, the same exit code', async (args) => {
    const off = await scan(args, false);
    const on = await scan(args, true);
    expect(off.stderr).toBe('');
    expect(off.stdout).toContain(names[0]);
    expect(on.stdout).toBe(off.stdout);
    expect(on.stderr).toBe(off.stderr);
    expect(on.code).toBe(off.code);
    expect([0, 1]).toContain(off.code);
  });
});
