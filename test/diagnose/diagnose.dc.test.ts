/**
 * `kcd diagnose` against the real Samba DC, through the bin as an admin runs it: a Move-VM paste naming two
 * hosts of the lab (one delegates to the other's migration service under one name form only, and is not
 * trusted for protocol transition), read over LDAPS. The codes are explained by the findings the DC's data
 * gives; a pair that is fine in AD sends the admin outside AD.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { diagnosisJson } from '../../src/render/diagnose';
import { labCliEnv } from '../support/scenario-lab';
import { computerEntry, labFacts, loadEntries, MIGRATION_SERVICE_CLASS, UAC_TRUSTED_TO_AUTH_FOR_DELEGATION, UAC_WORKSTATION_TRUST_ACCOUNT, uniqueName } from '../ad-lab/lab';

jest.setTimeout(180_000);

const facts = labFacts();
const BIN = join(__dirname, '..', '..', 'bin', 'kcd.js');

function diagnose(paste: string): Promise<{ code: number | null; out: ReturnType<typeof diagnosisJson> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'diagnose', '--json', '--directory', 'ldap'], { env: { ...labCliEnv(facts) } });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve({ code, out: JSON.parse(stdout) as ReturnType<typeof diagnosisJson> });
      } catch (error) {
        reject(new Error(`not JSON (exit ${code}): ${stdout.slice(0, 500)}`, { cause: error }));
      }
    });
    child.stdin.end(paste);
  });
}

describe('kcd diagnose on the lab DC', () => {
  const prefix = uniqueName('DG').slice(-8);
  const source = `${prefix}S`.slice(0, 15);
  const dest = `${prefix}D`.slice(0, 15);
  const fine = `${prefix}F`.slice(0, 15);
  // VMMS registered only the NetBIOS form of its migration SPN (event 14050 for the FQDN).
  const halfRegistered = `${prefix}H`.slice(0, 15);

  beforeAll(async () => {
    const fqdn = (n: string) => `${n.toLowerCase()}.${facts.domain}`;
    await loadEntries(facts, [
      // SOURCE: "Kerberos only" (no protocol transition) and only the NetBIOS form of DEST's migration service.
      computerEntry({ name: source, hyperV: true, delegateTo: [`${MIGRATION_SERVICE_CLASS}/${dest}`], operatingSystem: 'Windows Server 2022 Datacenter', operatingSystemVersion: '10.0 (20348)' }),
      computerEntry({ name: dest, hyperV: true, userAccountControl: UAC_WORKSTATION_TRUST_ACCOUNT | UAC_TRUSTED_TO_AUTH_FOR_DELEGATION }),
      // FINE delegates to DEST under both name forms, with protocol transition.
      computerEntry({
        name: fine,
        hyperV: true,
        userAccountControl: UAC_WORKSTATION_TRUST_ACCOUNT | UAC_TRUSTED_TO_AUTH_FOR_DELEGATION,
        delegateTo: [`${MIGRATION_SERVICE_CLASS}/${dest}`, `${MIGRATION_SERVICE_CLASS}/${fqdn(dest)}`],
      }),
      computerEntry({ name: halfRegistered, spns: [`${MIGRATION_SERVICE_CLASS}/${halfRegistered}`] }),
    ]);
  });

  test('0x8009030E from SOURCE to DEST (FQDN): explained by KCD001 and KCD004 read from the DC', async () => {
    const paste = [
      `Move-VM : Virtual machine migration operation for 'APP01' failed at migration source '${source}'.`,
      `The Virtual Machine Management Service failed to establish a connection for a Virtual Machine migration with host '${dest.toLowerCase()}.${facts.domain}': No credentials are available in the security package (0x8009030E).`,
      'At line:1 char:1',
      `+ Move-VM -Name APP01 -DestinationHost ${dest.toLowerCase()}.${facts.domain}`,
    ].join('\n');
    const { code, out } = await diagnose(paste);
    expect(code).toBe(1);
    expect(out.source).toBe(source);
    expect(out.destination).toBe(dest);
    expect(out.causes).toEqual([expect.objectContaining({ code: '0x8009030E', known: true, explainedBy: ['KCD001', 'KCD004'] }) as unknown]);
    expect(out.check?.ready).toBe(false);
  });

  test('a socket code between hosts AD has nothing against: not explained by AD, the network named', async () => {
    const { code, out } = await diagnose(`the move from ${fine} to ${dest} failed with 0x8007274D`);
    expect(code).toBe(0);
    expect(out.check?.ready).toBe(true);
    expect(out.causes).toEqual([expect.objectContaining({ code: '0x8007274D', explainedBy: [], notInAd: expect.arrayContaining([expect.stringContaining('TCP 6600')]) as unknown }) as unknown]);
  });

  test('14050 copied from Event Viewer on a host whose FQDN migration SPN is missing: that host checked, KCD007 explains it', async () => {
    const paste = [
      'Log Name:      Microsoft-Windows-Hyper-V-VMMS-Admin',
      'Event ID:      14050',
      `Computer:      ${halfRegistered.toLowerCase()}.${facts.domain}`,
      'Description:',
      'Failed to register service principal name.',
    ].join('\n');
    const { code, out } = await diagnose(paste);
    expect(code).toBe(1);
    expect(out.check).toBeNull();
    const host = (out as { host?: { host: string; ready: boolean } }).host;
    expect(host).toMatchObject({ host: halfRegistered, ready: false });
    expect(out.causes).toEqual([expect.objectContaining({ event: 14050, known: true, explainedBy: ['KCD007'] }) as unknown]);
  });
});
