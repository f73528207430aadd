/** What a paste says, from real message shapes (fixtures named by scenario in test/fixtures/pastes). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractFacts, looksLikePaste } from '../../src/diagnose/extract';

const paste = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', 'pastes', name), 'utf8');

describe('extractFacts', () => {
  test('Move-VM output: source from "failed at migration source", destination from -DestinationHost, storage, the code once; the VM and the GUID are not hosts', () => {
    expect(extractFacts(paste('move-vm-no-credentials-gogo3-gogo4-storage.txt'))).toEqual({
      source: 'GOGO-3',
      destination: 'GOGO-4',
      storage: true,
      fileServers: [],
      codes: ['0x8009030E'],
      events: [],
      hosts: [],
    });
  });

  test('an Event Viewer copy of 20306: the Computer field is the source (logged there), "with host" the destination', () => {
    expect(extractFacts(paste('event-20306-on-gogo2-with-gogo5.txt'))).toMatchObject({ source: 'gogo-2.contoso.com', destination: 'GOGO-5', codes: ['0x8009030E'], events: [20306], hosts: [] });
  });

  test('14050 is logged on the host it is about: a host without a role', () => {
    expect(extractFacts(paste('event-14050-gogo5.txt'))).toEqual({ storage: false, fileServers: [], codes: [], events: [14050], hosts: ['GOGO-5.contoso.com'] });
  });

  test('Get-WinEvent | Format-List: Id line, FQDN destination, the VM name with a dash is not a host', () => {
    expect(extractFacts(paste('get-winevent-21502-vmhost1.txt'))).toMatchObject({ source: 'VMHOST1', destination: 'vmhost2.contoso.com', events: [21502], codes: ['0x8009030E'] });
  });

  test('a sentence: "I started it on", "to destination host", a socket code, a file server in a UNC path', () => {
    expect(extractFacts(paste('sentence-socket-code.txt'))).toEqual({
      source: 'gogo-4',
      destination: 'GOGO-2',
      storage: false,
      fileServers: ['FHOST1'],
      codes: ['0x8007274D'],
      events: [],
      hosts: [],
    });
  });

  test('"from X to Y" and a lone code; codes are normalised and kept once, in order', () => {
    expect(extractFacts('live migration from gogo-3 to gogo-4 failed: 0x8009030e, then 0X80090322 and again 0x8009030E')).toMatchObject({
      source: 'gogo-3',
      destination: 'gogo-4',
      codes: ['0x8009030E', '0x80090322'],
    });
  });

  test.each([
    ['the destination of a move in the user\'s words', 'moving vm01 to gogo-4 failed with 0x8009030E', { destination: 'gogo-4' }],
    ['the source of a move in the user\'s words', 'Live migrating web01 from GOGO-3 failed (0x8009030E)', { source: 'GOGO-3' }],
    ['an FQDN at the end of a sentence', 'I was moving the vm to gogo-4.contoso.com. It failed: 0x8009030E', { destination: 'gogo-4.contoso.com' }],
    ['a quoted name of any shape', "move to 'HYPERV' failed 0x8009030E", { destination: 'HYPERV' }],
    ['"from X to Y" with quoted names of any shape', "from 'ALPHA' to 'BETA' failed 0x8009030E", { source: 'ALPHA', destination: 'BETA' }],
  ])('%s', (_name, text, hosts) => {
    const facts = extractFacts(text);
    expect({ source: facts.source, destination: facts.destination }).toEqual({ source: undefined, destination: undefined, ...hosts });
  });

  test.each([
    ['"the new host"', 'migrating VM01 from gogo-3 to the new host failed (0x8009030E)', { source: 'gogo-3' }],
    ['plain words', 'moving the vm from home to work failed 0x8009030E', {}],
    ['a path', 'moving files to C:\\VMs failed 0x80070005', {}],
  ])('words that are not host names are not taken as hosts: %s', (_name, text, hosts) => {
    const facts = extractFacts(text);
    expect({ source: facts.source, destination: facts.destination }).toEqual({ source: undefined, destination: undefined, ...hosts });
  });

  test('paths, position lines and GUIDs never become hosts', () => {
    const facts = extractFacts("At line:1 char:1\n+ ~~~~~~\nC:\\ClusterStorage\\Volume1\\VM01 {5C3F9A0E-2B7D-4E51-9C1A-0D2B7E1F4A21} (0x80070005)");
    expect(facts).toEqual({ storage: false, fileServers: [], codes: ['0x80070005'], events: [], hosts: [] });
  });
});

describe('looksLikePaste', () => {
  test.each([
    ['a code in a sentence', 'migration fails with 0x8009030E'],
    ['an event id', 'Event ID: 20306 on gogo-3'],
    ['the wording of a failed move', "Virtual machine migration operation for 'VM01' failed at migration source 'GOGO-3'."],
    ['Move-VM output with a position line', 'Move-VM : something\nAt line:1 char:1'],
  ])('%s is a paste', (_name, text) => expect(looksLikePaste(text)).toBe(true));

  test.each([
    ['a question', 'can gogo-3 migrate to gogo-4?'],
    ['a question about the code', 'what does no credentials mean'],
    ['help', '/kcd help'],
  ])('%s is not', (_name, text) => expect(looksLikePaste(text)).toBe(false));
});
