/** The rules' shared helpers on their own (and domain/resource-based's name matching): OS generations, resource-based delegation names, name forms. */
import { answersToEvery, classIds, fqdnOrGuess, holdsSpn, missingEntries, missingSpns, nameForms, runs2016OrLater, runs2025OrLater } from '../../src/checks/helpers';
import { resourceBasedAllows } from '../../src/domain/resource-based';
import { createSnapshot } from '../../src/domain/snapshot';
import { CIFS, MIGRATION_SERVICE } from '../../src/domain/spn';
import { computer, forestOf } from '../support/small-forest';

describe('runs2016OrLater (KCD004: protocol transition needs 2016)', () => {
  test.each([
    // The version decides when recorded, whatever the name says.
    ['10.0 (14393)', 'Windows Server 2012 R2', true],
    ['6.3 (9600)', 'Windows Server 2016', false],
    [' 10.0', undefined, true],
    ['9.9', undefined, false],
    ['11.0 (30000)', undefined, true],
    // A version that does not start with one (garbled) is no version: the name decides.
    ['build 6.3 (9600)', 'Windows Server 2019 Standard', true],
    ['v10.0', 'Windows Server 2012 R2', false],
    // Without a version, the year in the name.
    [undefined, 'Windows Server 2016 Standard', true],
    [undefined, 'Windows Server 2012 R2 Datacenter', false],
    [undefined, 'Windows Server 2008 R2', false],
    [undefined, 'Windows Server 2025 Datacenter', true],
    // No year: old client names are not, anything else (and nothing) is taken as recent.
    [undefined, 'Windows 8.1 Enterprise', false],
    [undefined, 'windows xp professional', false],
    [undefined, 'Windows 7 Professional', false],
    [undefined, 'Windows 8 Pro', false],
    [undefined, 'Windows Vista Business', false],
    [undefined, 'Windows 10 Enterprise', true],
    [undefined, 'Windows Server Datacenter', true],
    [undefined, undefined, true],
  ])('version %p, name %p: %p', (operatingSystemVersion, operatingSystem, expected) => {
    expect(runs2016OrLater(computer({ operatingSystemVersion, operatingSystem }))).toBe(expected);
  });
});

describe('runs2025OrLater (KCD021: Credential Guard on by default)', () => {
  test.each([
    ['10.0 (26100)', undefined, true],
    ['10.0 (26099)', 'Windows Server 2025', false],
    ['10.0 (100000)', undefined, true],
    [undefined, 'Windows Server 2025', true],
    [undefined, 'Windows Server 2030', true],
    [undefined, 'Windows Server 2022', false],
    [undefined, 'Windows Server', false],
    ['10.0', 'Windows Server 2025', true],
    [undefined, undefined, false],
  ])('version %p, name %p: %p', (operatingSystemVersion, operatingSystem, expected) => {
    expect(runs2025OrLater(computer({ operatingSystemVersion, operatingSystem }))).toBe(expected);
  });
});

describe('resourceBasedAllows: DEST\'s msDS-AllowedToActOnBehalfOfOtherIdentity names SOURCE', () => {
  const source = computer({ name: 'SRC', samAccountName: 'SRC$' });
  test.each([
    [['SRC$'], true],
    [['src$'], true],
    [['CONTOSO\\SRC$'], true],
    [['SRC'], true],
    [['contoso\\src'], true],
    [['SRC2$'], false],
    [['XSRC$'], false],
    [['OTHER$', 'SRC$'], true],
    [[], false],
  ])('%j: %p', (principals, expected) => {
    expect(resourceBasedAllows(source, computer({ name: 'DST', allowedToActOnBehalfOf: principals }))).toBe(expected);
  });
});

describe('name forms', () => {
  test('NetBIOS, then the FQDN when known; a guessed FQDN only when none is recorded', () => {
    expect(nameForms(computer({ dnsHostName: 'hv1.contoso.com' }))).toEqual(['HV1', 'hv1.contoso.com']);
    expect(nameForms(computer({}))).toEqual(['HV1']);
    expect(fqdnOrGuess(computer({ dnsHostName: 'hv1.corp.contoso.com' }))).toBe('hv1.corp.contoso.com');
    expect(fqdnOrGuess(computer({}))).toBe('hv1.contoso.com');
  });
});

/** HV1 answers to migration by its own SPNs and to cifs only through HOST/ (sPNMappings); HV2 holds cifs/HV2 itself. */
const hv1 = computer({
  name: 'HV1',
  samAccountName: 'HV1$',
  dnsHostName: 'hv1.contoso.com',
  distinguishedName: 'CN=HV1,DC=contoso,DC=com',
  servicePrincipalNames: [`${MIGRATION_SERVICE}/HV1`, `${MIGRATION_SERVICE}/hv1.contoso.com`, 'HOST/HV1', 'HOST/hv1.contoso.com'],
});
const hv2 = computer({ name: 'HV2', samAccountName: 'HV2$', distinguishedName: 'CN=HV2,DC=contoso,DC=com', servicePrincipalNames: ['cifs/HV2', 'NoSlashSpn'] });
/** HV3 holds nothing; a service account holds cifs/HV3. */
const hv3 = computer({ name: 'HV3', samAccountName: 'HV3$', distinguishedName: 'CN=HV3,DC=contoso,DC=com' });
const svc = { samAccountName: 'svc', distinguishedName: 'CN=svc,DC=contoso,DC=com', servicePrincipalNames: ['cifs/HV3'] };

describe('holdsSpn: the computer itself answers to the SPN, directly or through the sPNMappings alias', () => {
  const snapshot = createSnapshot(forestOf([hv1, hv2, hv3], { spnAccounts: [svc] }));
  test.each([
    [hv1, `${MIGRATION_SERVICE}/HV1`, true],
    [hv1, `${MIGRATION_SERVICE.toLowerCase()}/HV1.CONTOSO.COM`, true],
    [hv1, 'cifs/HV1', true], // HOST/HV1 stands in for cifs/HV1
    [hv1, 'CIFS/hv1.contoso.com', true], // the class in any case
    [hv1, 'cifs/HV2', false], // HV2 holds it, not HV1
    [hv2, 'cifs/HV2', true],
    [hv2, 'host/HV2', false], // the alias stands in one way only
    [hv2, 'NoSlashSpn', true],
    [hv1, 'NoSlashSpn', false],
    [hv3, 'cifs/HV3', false], // held by an account that is not HV3
    [hv1, 'cifs/', false], // no host part: nothing answers to it, not even through the alias
  ])('%#: %s', (c, spn, expected) => {
    expect({ host: c.name, spn, holds: holdsSpn(snapshot, c, spn) }).toEqual({ host: c.name, spn, holds: expected });
  });

  test('an SPN with no host part is held only as written: a computer holding the bare alias "HOST/" does not answer to "cifs/"', () => {
    const bare = computer({ name: 'HV6', samAccountName: 'HV6$', distinguishedName: 'CN=HV6,DC=contoso,DC=com', servicePrincipalNames: ['HOST/', 'http/'] });
    const withBare = createSnapshot(forestOf([bare]));
    expect(holdsSpn(withBare, bare, 'cifs/')).toBe(false);
    expect(holdsSpn(withBare, bare, 'host/')).toBe(true);
    expect(holdsSpn(withBare, bare, 'HTTP/')).toBe(true);
  });

  test('without cifs among the forest\'s HOST aliases, HOST/HV1 does not stand in for cifs/HV1', () => {
    const noCifsAlias = createSnapshot(forestOf([hv1, hv2], { spnMappings: ['host=http'] }));
    expect(holdsSpn(noCifsAlias, hv1, 'cifs/HV1')).toBe(false);
    expect(holdsSpn(noCifsAlias, hv1, 'http/HV1')).toBe(true);
    expect(missingSpns(noCifsAlias, hv1, CIFS)).toEqual(['cifs/HV1', 'cifs/hv1.contoso.com']);
    expect(answersToEvery(noCifsAlias, hv1, CIFS)).toBe(false);
    expect(answersToEvery(noCifsAlias, hv1, MIGRATION_SERVICE)).toBe(true);
  });
});

describe('missingSpns and answersToEvery (KCD007), per name form', () => {
  const hv4 = computer({
    name: 'HV4',
    samAccountName: 'HV4$',
    dnsHostName: 'hv4.contoso.com',
    distinguishedName: 'CN=HV4,DC=contoso,DC=com',
    servicePrincipalNames: [`${MIGRATION_SERVICE}/HV4`, 'cifs/hv4.contoso.com'],
  });
  const snapshot = createSnapshot(forestOf([hv1, hv2, hv3, hv4], { spnAccounts: [svc] }));
  test.each([
    [hv1, MIGRATION_SERVICE, []],
    [hv1, CIFS, []],
    [hv2, CIFS, []],
    [hv2, MIGRATION_SERVICE, [`${MIGRATION_SERVICE}/HV2`]],
    [hv3, CIFS, ['cifs/HV3']], // the service account's cifs/HV3 is not HV3's
    [hv4, MIGRATION_SERVICE, [`${MIGRATION_SERVICE}/hv4.contoso.com`]],
    [hv4, CIFS, ['cifs/HV4']],
    [hv2, 'http', ['http/HV2']], // a class outside the learnt slots
    [hv1, 'http', []], // HOST/ stands in for http by default
  ])('%#: %s %s', (c, serviceClass, expected) => {
    expect({ host: c.name, missing: missingSpns(snapshot, c, serviceClass) }).toEqual({ host: c.name, missing: expected });
    expect({ host: c.name, every: answersToEvery(snapshot, c, serviceClass) }).toEqual({ host: c.name, every: expected.length === 0 });
  });
});

describe('missingEntries and classIds: one per name form, per snapshot', () => {
  /** SRC lists both migration forms of HV1 and cifs/HV2. */
  const src = computer({
    name: 'SRC',
    samAccountName: 'SRC$',
    distinguishedName: 'CN=SRC,DC=contoso,DC=com',
    allowedToDelegateTo: [`${MIGRATION_SERVICE}/HV1`, `${MIGRATION_SERVICE}/hv1.contoso.com`, 'cifs/HV2'],
  });

  test('entries listed by SOURCE are not missing; the rest are, NetBIOS before FQDN', () => {
    const snapshot = createSnapshot(forestOf([hv1, hv2, src]));
    expect(missingEntries(snapshot, src, hv1, MIGRATION_SERVICE)).toEqual([]);
    expect(missingEntries(snapshot, src, hv1, CIFS)).toEqual(['cifs/HV1', 'cifs/hv1.contoso.com']);
    expect(missingEntries(snapshot, src, hv2, CIFS)).toEqual([]);
    expect(missingEntries(snapshot, src, hv2, MIGRATION_SERVICE)).toEqual([`${MIGRATION_SERVICE}/HV2`]);
    expect(missingEntries(snapshot, hv2, hv1, MIGRATION_SERVICE)).toEqual([`${MIGRATION_SERVICE}/HV1`, `${MIGRATION_SERVICE}/hv1.contoso.com`]);
    // Ids of listed entries are their delegation targets; an entry nobody lists has none.
    const idOf = (spn: string) => snapshot.delegationTargets.get(spn)!.id;
    expect(classIds(snapshot, hv1, MIGRATION_SERVICE)).toEqual([idOf(`${MIGRATION_SERVICE}/HV1`), idOf(`${MIGRATION_SERVICE}/hv1.contoso.com`)]);
    expect(classIds(snapshot, hv2, CIFS)).toEqual([idOf('cifs/HV2')]);
    expect(classIds(snapshot, hv1, CIFS)).toEqual([-1, -1]);
    expect(classIds(snapshot, hv2, 'http')).toEqual([-1]);
  });

  test('an empty dnsHostName is no second name form', () => {
    const blank = computer({ name: 'HV5', samAccountName: 'HV5$', dnsHostName: '', distinguishedName: 'CN=HV5,DC=contoso,DC=com' });
    const snapshot = createSnapshot(forestOf([blank, src]));
    expect(missingEntries(snapshot, src, blank, CIFS)).toEqual(['cifs/HV5']);
    expect(missingEntries(snapshot, src, blank, 'http')).toEqual(['http/HV5']);
    expect(missingSpns(snapshot, blank, MIGRATION_SERVICE)).toEqual([`${MIGRATION_SERVICE}/HV5`]);
    expect(classIds(snapshot, blank, CIFS)).toEqual([-1]);
  });

  test('other service classes of one target are kept apart, whichever is asked first', () => {
    // HV7 answers to http/ by both names and to nothing of wsman; SRC7 lists wsman/HV7 only.
    const hv7 = computer({ name: 'HV7', samAccountName: 'HV7$', dnsHostName: 'hv7.contoso.com', distinguishedName: 'CN=HV7,DC=contoso,DC=com', servicePrincipalNames: ['HTTP/HV7', 'HTTP/hv7.contoso.com'] });
    const src7 = computer({ name: 'SRC7', samAccountName: 'SRC7$', distinguishedName: 'CN=SRC7,DC=contoso,DC=com', allowedToDelegateTo: ['wsman/HV7'] });
    const snapshot = createSnapshot(forestOf([hv7, src7]));
    expect(missingSpns(snapshot, hv7, 'http')).toEqual([]);
    expect(missingSpns(snapshot, hv7, 'wsman')).toEqual(['wsman/HV7', 'wsman/hv7.contoso.com']);
    expect(missingSpns(snapshot, hv7, CIFS)).toEqual(['cifs/HV7', 'cifs/hv7.contoso.com']);
    expect(missingEntries(snapshot, src7, hv7, 'http')).toEqual(['http/HV7', 'http/hv7.contoso.com']);
    expect(missingEntries(snapshot, src7, hv7, 'wsman')).toEqual(['wsman/hv7.contoso.com']);
    expect(classIds(snapshot, hv7, 'wsman')).toEqual([snapshot.delegationTargets.get('wsman/HV7')!.id, -1]);
  });

  test('two snapshots of the same computers answer each for itself, asked in turn (the facts are cached per snapshot)', () => {
    // Same Computer objects; only the second has a SOURCE listing cifs/HV2, and only the first maps HOST to cifs.
    const other = computer({ name: 'OTHER', samAccountName: 'OTHER$', distinguishedName: 'CN=OTHER,DC=contoso,DC=com' });
    const first = createSnapshot(forestOf([hv1, hv2, other]));
    const second = createSnapshot(forestOf([hv1, hv2, src], { spnMappings: ['host=http'] }));
    for (let round = 0; round < 2; round++) {
      for (const [snapshot, source, cifsOfHv2, hv1Cifs] of [
        [first, other, ['cifs/HV2'], []],
        [second, src, [], ['cifs/HV1', 'cifs/hv1.contoso.com']],
      ] as const) {
        const where = { round, source: source.name };
        expect({ ...where, missing: missingEntries(snapshot, source, hv2, CIFS) }).toEqual({ ...where, missing: cifsOfHv2 });
        expect({ ...where, missingSpns: missingSpns(snapshot, hv1, CIFS) }).toEqual({ ...where, missingSpns: hv1Cifs });
        expect({ ...where, http: missingEntries(snapshot, source, hv2, 'http') }).toEqual({ ...where, http: ['http/HV2'] });
      }
    }
  });
});
