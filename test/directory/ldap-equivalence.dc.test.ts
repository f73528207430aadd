/**
 * The streamed, interned reader (LdapDirectory.readData) against the reader it replaced (bench/ldap-reference.ts:
 * collect every search, then convert with the generic helpers), on the lab DC: the DirectoryData must be
 * deep-equal apart from takenAt. The lab holds whatever the other dc test files loaded, plus the objects
 * below (resource-based delegation, non-computer SPN holders, nested groups, a host in a child OU).
 * `npm run bench -- --only dc` runs the same comparison against the 5,000-host bench DC.
 */
import { LdapDirectory } from '../../src/directory/ldap-directory';
import { firstDifference, referenceReadData } from '../../bench/ldap-reference';
import { labLdapOptions } from '../support/scenario-lab';
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

describe('streamed reader = reference reader (lab DC)', () => {
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

  it('gives deep-equal DirectoryData (apart from takenAt), twice in a row', async () => {
    const warnings: string[] = [];
    const directory = new LdapDirectory(labLdapOptions(facts, { warn: (m) => warnings.push(m) }));
    try {
      for (let round = 0; round < 2; round++) {
        const reference = await referenceReadData(labLdapOptions(facts));
        const streamed = await directory.readData();
        expect(streamed.computers.length).toBeGreaterThanOrEqual(names.length + 1);
        expect(streamed.computers.some((c) => c.allowedToActOnBehalfOf.includes(`${names[0]}$`))).toBe(true);
        expect(firstDifference(reference, streamed)).toBeUndefined();
      }
    } finally {
      await directory.close();
    }
    expect(warnings).toEqual([]);
  });
});
