import { ENGLISH_WORDS, fromSnapshot, HostVocabulary, looksLikeHostName } from '../../src/commands/host-vocabulary';
import { createSnapshot } from '../../src/domain/snapshot';
import { demoData } from '../../src/directory/demo-directory';

const demo = createSnapshot(demoData());
const hosts = fromSnapshot(demo);

describe('HostVocabulary', () => {
  test('holds every computer of the snapshot, Hyper-V hosts first', () => {
    const hyperV = demo.hyperVHosts.map((h) => h.name);
    const others = demo.data.computers.map((c) => c.name).filter((name) => !hyperV.includes(name));
    expect(hosts.hyperVHosts).toEqual([...hyperV].sort());
    expect(hosts.hyperVHosts).toEqual(expect.arrayContaining(['AZ-HV1', 'EU-HV1', 'GOGO-3', 'VMHOST2']));
    expect(hosts.hosts).toEqual([...hosts.hyperVHosts, ...others.sort()]);
    expect(hosts.hosts).toEqual(expect.arrayContaining(['AZ-FS1', 'DC1', 'FHOST1', 'MGMT1', 'NAS1']));
    expect(hosts.isHyperV('gogo-3')).toBe(true);
    expect(hosts.isHyperV('FHOST1')).toBe(false);
    expect(hosts.isHyperV('AZ-FS1')).toBe(false);
  });

  test.each([
    ['GOGO-3', 'GOGO-3'],
    ['gogo-3', 'GOGO-3'],
    ['GOGO-3$', 'GOGO-3'],
    ['gogo-3.contoso.com', 'GOGO-3'],
    ['GoGo-4.contoso.com', 'GOGO-4'],
    ['gogo-4?', 'GOGO-4'],
    ['"fhost1",', 'FHOST1'],
    ['eu-hv1.eu.contoso.com', 'EU-HV1'],
  ])('exact: %s → %s', (word, name) => {
    expect(hosts.match(word)).toEqual({ name, how: 'exact', hyperV: name !== 'FHOST1' });
  });

  test.each([
    ['gogo3', 'GOGO-3'],
    ['GOGO4', 'GOGO-4'],
    ['gogp-3', 'GOGO-3'],
    ['goog-3', 'GOGO-3'],
    ['hvold', 'HV-OLD'],
    ['vmhots1', 'VMHOST1'],
    ['gogo-4.fabrikam.com', 'GOGO-4'],
    ['gogo_2', 'GOGO-2'],
  ])('fuzzy: %s → %s', (word, name) => {
    expect(hosts.match(word)).toMatchObject({ name, how: 'fuzzy' });
  });

  test.each([['gogo-7'], ['gogo33'], ['gogo'], ['vmhost'], ['host1'], ['vm01'], ['x'], [''], ['a'.repeat(300)]])('no match: %j', (word) => {
    expect(hosts.match(word)).toBeUndefined();
  });

  test('unknown names get up to three suggestions, Hyper-V hosts first', () => {
    expect(hosts.suggest('gogo-7')).toEqual(['GOGO-2', 'GOGO-3', 'GOGO-4']);
    expect(hosts.suggest('fhost')).toEqual(['FHOST1']);
    expect(hosts.suggest('zzzz')).toEqual([]);
  });

  test('ordinary English words never become hosts, even next to similar names', () => {
    const tricky = HostVocabulary.fromNames(['TO-1', 'HOSTS1', 'HOST-2', 'STORAGE2', 'MIGRATOR', 'THE1', 'SERVER9', 'VMS1']);
    for (const word of ['to', 'migrate', 'host', 'hosts', 'storage', 'the', 'server', 'vms', 'vm', 'from', 'check', 'ready', 'live', 'move']) {
      expect({ word, match: tricky.match(word) }).toEqual({ word, match: undefined });
      expect({ word, match: hosts.match(word) }).toEqual({ word, match: undefined });
    }
    expect(ENGLISH_WORDS.has('migrate')).toBe(true);
    expect(ENGLISH_WORDS.has('gogo-3')).toBe(false);
  });

  test('a host whose name is a word still matches exactly (but never a grammatical word)', () => {
    const named = HostVocabulary.fromNames(['BACKUP', 'TO']);
    expect(named.match('backup')).toMatchObject({ name: 'BACKUP', how: 'exact' });
    expect(named.match('to')).toBeUndefined();
  });
});

describe('looksLikeHostName', () => {
  test.each(['gogo-3', 'hv01', 'srv-hv-12', 'gogo-4.contoso.com', 'GOGO-3$', 'fileserver$', 'eu-hv1'])('%s looks like a host', (w) => {
    expect(looksLikeHostName(w)).toBe(true);
  });
  test.each(['gogo', 'migrate', 's4u2proxy', 'ws2019', 'win2016', '0x80090322', '2016', '7pm', 'v2', 'e.g', 'x64', 'live-migrate', 'kb5005413', 'utc+2', 'smb3', ''])(
    '%j does not',
    (w) => {
      expect(looksLikeHostName(w)).toBe(false);
    },
  );
});
