import { fromSnapshot } from '../../src/commands/host-vocabulary';
import { parseCommand } from '../../src/commands/parser';
import type { ParsedCommand } from '../../src/commands/types';
import { createSnapshot } from '../../src/domain/snapshot';
import { demoData } from '../../src/directory/demo-directory';

const hosts = fromSnapshot(createSnapshot(demoData()));

/** The full ParsedCommand with defaults for the fields a row does not mention. */
function expected(fields: Partial<ParsedCommand>): ParsedCommand {
  return { storage: false, fresh: false, fileServers: [], asker: false, unresolved: [], via: 'natural', ...fields } as ParsedCommand;
}

describe('parseCommand: the issue\'s questions', () => {
  test.each<[string, Partial<ParsedCommand>]>([
    ['can gogo-3 migrate to gogo-4?', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4' }],
    ['is gogo-3 ready to live migrate to gogo-4 with storage', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4', storage: true }],
    ["why can't I move VMs from gogo3 to gogo4", { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4', asker: true }],
    ["what's wrong with gogo-2", { intent: 'check_host', host: 'GOGO-2' }],
    ['which hosts are misconfigured?', { intent: 'scan' }],
    ['what is protocol transition?', { intent: 'explain', topic: 'protocol-transition' }],
    ['explain SPN', { intent: 'explain', topic: 'spn', via: 'slash' }],
    ['send me the daily report at 7', { intent: 'subscribe', time: '07:00' }],
    ['stop the daily report', { intent: 'unsubscribe' }],
    ['help', { intent: 'help', via: 'slash' }],
    ['what can you do', { intent: 'help' }],
  ])('%s', (text, fields) => {
    expect(parseCommand(text, hosts)).toEqual(expected(fields));
  });
});

describe('parseCommand: slash and bare commands', () => {
  test.each<[string, Partial<ParsedCommand>]>([
    ['/kcd check gogo-3 gogo-4', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4' }],
    ['kcd check gogo-3 gogo-4', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4' }],
    ['check gogo-3 gogo-4', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4' }],
    ['check gogo-3 to gogo-4', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4' }],
    ['check gogo-3 → gogo-4', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4' }],
    ['/KCD CHECK GoGo-3   gogo-4.contoso.com  Storage  VIA fhost1!!', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4', storage: true, fileServers: ['FHOST1'] }],
    ['check gogo-3 gogo-4 storage via fhost1 via mgmt1 as me', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4', storage: true, fileServers: ['FHOST1', 'MGMT1'], asker: true }],
    ['/kcd check gogo-3 gogo-4 --storage --file-server fhost1', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4', storage: true, fileServers: ['FHOST1'] }],
    ['check gogo 3 gogo 4', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4' }],
    ['check gogo-3', { intent: 'check_host', host: 'GOGO-3' }],
    ['/kcd check gogo-3.', { intent: 'check_host', host: 'GOGO-3' }],
    ['kcd host GOGO-3$', { intent: 'check_host', host: 'GOGO-3' }],
    ['check gogo-7 gogo-4', { intent: 'check_pair', source: 'gogo-7', destination: 'GOGO-4', unresolved: [{ text: 'gogo-7', suggestions: ['GOGO-2', 'GOGO-3', 'GOGO-4'] }] }],
    ['check gogo-3 gogo-4 via filer9', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4', fileServers: ['filer9'], unresolved: [{ text: 'filer9', suggestions: [] }] }],
    ['/kcd check', { intent: 'check_pair' }],
    ['/kcd scan', { intent: 'scan' }],
    ['scan all hosts', { intent: 'scan' }],
    ['/kcd explain protocol-transition', { intent: 'explain', topic: 'protocol-transition' }],
    ['/kcd explain any authentication protocol', { intent: 'explain', topic: 'protocol-transition' }],
    ['explain S4U2Proxy', { intent: 'explain', topic: 'protocol-transition' }],
    ['explain tgt', { intent: 'explain', topic: 'kdc' }],
    ['/kcd explain', { intent: 'explain' }],
    ['/kcd help', { intent: 'help' }],
    ['/kcd', { intent: 'help' }],
    ['kcd', { intent: 'help' }],
    ['HELP', { intent: 'help' }],
    ['help.', { intent: 'help' }],
    ['/kcd help check', { intent: 'help' }],
    ['/kcd subscribe', { intent: 'subscribe' }],
    ['/kcd subscribe 07:30 Europe/Berlin', { intent: 'subscribe', time: '07:30', timeZone: 'Europe/Berlin' }],
    ['subscribe 7pm america/new_york', { intent: 'subscribe', time: '19:00', timeZone: 'America/New_York' }],
    ['subscribe 6 UTC', { intent: 'subscribe', time: '06:00', timeZone: 'UTC' }],
    ['/kcd unsubscribe', { intent: 'unsubscribe' }],
    ['/kcd subscriptions', { intent: 'subscriptions' }],
    ['/kcd summary', { intent: 'summary' }],
  ])('%s', (text, fields) => {
    expect(parseCommand(text, hosts)).toEqual(expected({ via: 'slash', ...fields }));
  });

  test('text that does not fit a command grammar is read as a question; a bad time or zone stays as given', () => {
    expect(parseCommand('check if gogo-3 can go to gogo-4', hosts)).toEqual(expected({ intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4' }));
    expect(parseCommand('/kcd can gogo-3 migrate to gogo-4?', hosts)).toEqual(expected({ intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4' }));
    expect(parseCommand('help me with gogo-3', hosts)).toMatchObject({ via: 'natural' });
    // A time or zone that cannot be read is kept as written, so the answer names it instead of using a default.
    expect(parseCommand('subscribe at 25:00', hosts)).toEqual(expected({ intent: 'subscribe', via: 'slash', time: '25:00' }));
    expect(parseCommand('subscribe Mars/Olympus_Mons', hosts)).toEqual(expected({ intent: 'subscribe', via: 'slash', timeZone: 'Mars/Olympus_Mons' }));
  });
});

describe('parseCommand: extraction from questions', () => {
  test.each<[string, Partial<ParsedCommand>]>([
    ['gogo-3 -> gogo-4', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4' }],
    ['gogo-3 → gogo-4?', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4' }],
    ['gogo-3=>gogo-4', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4' }],
    ['shared nothing gogo-3 > gogo-4', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4' }],
    ['to gogo-4 from gogo-3, will it work', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4' }],
    ['can I migrate to gogo-4 from gogo-3', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4', asker: true }],
    ['can we move VMs between gogo-2 and gogo-4', { intent: 'check_pair', source: 'GOGO-2', destination: 'GOGO-4' }],
    ['can the host gogo-3 live-migrate to the host GoGo-4.contoso.com', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4' }],
    ['from gogo 3 to gogo 4 including storage', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4', storage: true }],
    ['move storage from gogo-3 to gogo-4', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4', storage: true }],
    ['can I move vm01 with its disks from gogo-3 to gogo-4', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4', storage: true, asker: true }],
    ['can gogo-3 migrate to gogo-4 without storage', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4' }],
    ['live-migrate gogo-3 to gogo-4 via fhost1', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4', fileServers: ['FHOST1'] }],
    ['migrate vms from gogo-3 to gogo-4, files on fhost1', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4', fileServers: ['FHOST1'] }],
    ['the vm has ISOs on fhost1, can it move from gogo-3 to gogo-4', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4', fileServers: ['FHOST1'] }],
    ['check migration gogo-3 to gogo-4, vhdx on \\\\fhost1\\vms', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4', fileServers: ['FHOST1'] }],
    ['gogo-3 to gogo-4 via fhost1 and mgmt1', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4', fileServers: ['FHOST1', 'MGMT1'] }],
    ['can gogo-7 migrate to gogo-4', { intent: 'check_pair', source: 'gogo-7', destination: 'GOGO-4', unresolved: [{ text: 'gogo-7', suggestions: ['GOGO-2', 'GOGO-3', 'GOGO-4'] }] }],
    ['can gogo-3 migrate to gogo-4 as me', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4', asker: true }],
    ['can my account live migrate from gogo-3 to gogo-4', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4', asker: true }],
    ['tell me if gogo-3 can live migrate to gogo-4', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4' }],
    ['can I migrate from gogo-3?', { intent: 'check_pair', source: 'GOGO-3', asker: true }],
    ['can vmhost migrate to gogo-4', { intent: 'check_pair', source: 'vmhost', destination: 'GOGO-4', unresolved: [{ text: 'vmhost', suggestions: ['VMHOST1', 'VMHOST2'] }] }],
    ['is hvold configured correctly', { intent: 'check_host', host: 'HV-OLD' }],
    ['show me the delegation status of gogo-4', { intent: 'check_host', host: 'GOGO-4' }],
    ['any problems with vmhots1?', { intent: 'check_host', host: 'VMHOST1' }],
    ['what is a TGT', { intent: 'explain', topic: 'kdc' }],
    ['what does "use any authentication protocol" mean?', { intent: 'explain', topic: 'protocol-transition' }],
    ['why is unconstrained delegation dangerous', { intent: 'explain', topic: 'unconstrained-delegation' }],
    // Concepts under the names admins give them.
    ['what is the double hop problem?', { intent: 'explain', topic: 'constrained-delegation' }],
    ["what's the second hop issue", { intent: 'explain', topic: 'constrained-delegation' }],
    ['explain the kerberos double-hop', { intent: 'explain', topic: 'constrained-delegation', via: 'slash' }],
    ['what is S4U?', { intent: 'explain', topic: 'protocol-transition' }],
    ['what is KCD', { intent: 'explain', topic: 'constrained-delegation' }],
    ['what are duplicate SPNs', { intent: 'explain', topic: 'duplicate-spn' }],
    ['tell me about protected users', { intent: 'explain', topic: 'protected-users' }],
    ['what is a upn', { intent: 'explain', topic: 'upn' }],
    ['explain constrained delegation', { intent: 'explain', topic: 'constrained-delegation', via: 'slash' }],
    ['send me the daily report at 7:30 pm Europe/Berlin', { intent: 'subscribe', time: '19:30', timeZone: 'Europe/Berlin' }],
    ['post a daily summary in this channel at 9am', { intent: 'subscribe', time: '09:00' }],
    ['notify me every day at 18:45 utc', { intent: 'subscribe', time: '18:45', timeZone: 'UTC' }],
    ['no more daily summaries please', { intent: 'unsubscribe' }],
    ['what am I subscribed to', { intent: 'subscriptions' }],
    ['give me the daily report now', { intent: 'summary' }],
    ['reboot gogo-3', { intent: 'unknown' }],
    ['tell me a joke', { intent: 'unknown' }],
    // Requests to change or run something: never a scan or a check, whatever "hosts" suggests.
    ['delete all the hosts', { intent: 'unknown', refused: 'delete' }],
    ['reboot every host please', { intent: 'unknown', refused: 'reboot' }],
    ['drop table hosts; select * from hosts', { intent: 'unknown', refused: 'drop' }],
  ])('%s', (text, fields) => {
    expect(parseCommand(text, hosts)).toEqual(expected(fields));
  });
});

describe('parseCommand: fresh (read AD now, bypass the cache)', () => {
  test.each<[string, Partial<ParsedCommand>]>([
    ['/kcd check gogo-3 gogo-4 fresh', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4', via: 'slash' }],
    ['/kcd scan --fresh', { intent: 'scan', via: 'slash' }],
    ['check gogo-3 --fresh', { intent: 'check_host', host: 'GOGO-3', via: 'slash' }],
    ['/kcd check gogo-3 gogo-4 storage via fhost1 --fresh', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4', storage: true, fileServers: ['FHOST1'], via: 'slash' }],
    ['/kcd check fresh gogo-3 to gogo-4', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4', via: 'slash' }],
    ['check gogo-3 gogo-4 --no-cache', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4', via: 'slash' }],
    ['scan uncached', { intent: 'scan', via: 'slash' }],
    ['check gogo-3 gogo-4 bypass the cache', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4', via: 'slash' }],
    ['/kcd check gogo-3 gogo-4 re-read AD', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4', via: 'slash' }],
    ['scan all hosts straight from the DC', { intent: 'scan', via: 'slash' }],
    ['can gogo-3 migrate to gogo-4? re-read AD', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4' }],
    ['re-read the directory and check gogo-2', { intent: 'check_host', host: 'GOGO-2' }],
    ["what's wrong with gogo-2 (skip the cache)", { intent: 'check_host', host: 'GOGO-2' }],
    ['which hosts are misconfigured, uncached', { intent: 'scan' }],
    ['can gogo-3 migrate to gogo-4, fresh please', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4' }],
    ['is gogo-3 ok? fresh read please', { intent: 'check_host', host: 'GOGO-3' }],
  ])('%s is fresh', (text, fields) => {
    expect(parseCommand(text, hosts)).toEqual(expected({ ...fields, fresh: true }));
  });

  test.each<[string, Partial<ParsedCommand>]>([
    // "now" is filler, not a request to bypass the cache.
    ['check gogo-3 now please', { intent: 'check_host', host: 'GOGO-3', via: 'slash' }],
    ['/kcd check gogo-3 gogo-4 now', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4', via: 'slash' }],
    ['scan now', { intent: 'scan', via: 'slash' }],
    ['can gogo-3 migrate to gogo-4 now?', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4' }],
    ['give me the daily report now', { intent: 'summary' }],
    // A bare "fresh" inside a question describes a host; commands without the flag ignore it.
    ['can the fresh host gogo-3 migrate to gogo-4', { intent: 'check_pair', source: 'GOGO-3', destination: 'GOGO-4' }],
    ['summary --fresh', { intent: 'summary' }],
    ['bypass the cache', { intent: 'unknown' }],
  ])('%s is not fresh', (text, fields) => {
    expect(parseCommand(text, hosts)).toEqual(expected(fields));
  });

  test('a fresh word inside a host name is no flag', () => {
    expect(parseCommand('check gogo-3 gogo-fresh', hosts)).toMatchObject({ fresh: false });
    expect(parseCommand('check gogo-3 re-read-ad', hosts)).toMatchObject({ fresh: false });
  });
});

describe('parseCommand never throws and stays bounded', () => {
  const hostile: Array<[string, unknown]> = [
    ['empty', ''],
    ['blanks', ' \t\n '],
    ['10 KB of text', 'lorem ipsum dolor '.repeat(600)],
    ['10 KB without spaces', 'x'.repeat(10_240)],
    ['control characters', '\u0000\u0001\u0002\u001b[31m\u007f'],
    ['LDAP filter injection', '*)(objectClass=*'],
    ['LDAP injection as a host', 'check *)(objectClass=*) gogo-4'],
    ['emoji', '😀🚀🔥 can 🙈 migrate?'],
    ['markup', '<at>kcd</at> <script>alert(1)</script>'],
    ['lone surrogates', '\ud800\udc00\ud800 gogo-3'],
    ['right-to-left override', '\u202egogo-3 to gogo-4'],
    ['only punctuation', '?!.,;:'],
    ['numbers', '1234567890 2016 0x80090322'],
    ['not a string', 42],
    ['null', null],
    ['huge repeated question', 'can gogo-3 migrate to gogo-4? '.repeat(400)],
  ];

  // How long a hostile text takes is measured by `npm run bench`, not asserted here (shared, noisy machines).
  test.each(hostile)('%s', (_name, text) => {
    const parsed = parseCommand(text as string, hosts);
    expect(['check_pair', 'check_host', 'scan', 'explain', 'help', 'subscribe', 'unsubscribe', 'subscriptions', 'summary', 'unknown']).toContain(parsed.intent);
    expect(Array.isArray(parsed.fileServers)).toBe(true);
    expect(Array.isArray(parsed.unresolved)).toBe(true);
    for (const field of [parsed.source, parsed.destination, parsed.host, ...parsed.fileServers]) {
      if (field !== undefined) expect(field.length).toBeLessThanOrEqual(255);
    }
    for (const u of parsed.unresolved) expect(u.text.length).toBeLessThanOrEqual(80);
    expect(() => JSON.stringify(parsed)).not.toThrow();
    expect(parsed.fresh).toBe(false);
  });

  test('empty, blank and symbol-only messages are help; chatter and injection attempts are unknown', () => {
    expect(parseCommand('', hosts).intent).toBe('help');
    expect(parseCommand('   ', hosts).intent).toBe('help');
    expect(parseCommand('*)(objectClass=*', hosts).intent).toBe('unknown');
    expect(parseCommand('x'.repeat(10_240), hosts).intent).toBe('unknown');
  });

  test('only the first 500 characters are read', () => {
    const padding = 'please '.repeat(80);
    expect(padding.length).toBeGreaterThan(500);
    expect(parseCommand(`check gogo-3 gogo-4 ${padding}`, hosts)).toMatchObject({ source: 'GOGO-3', destination: 'GOGO-4' });
    const late = parseCommand(`${padding} can gogo-3 migrate to gogo-4?`, hosts);
    expect(late.source).toBeUndefined();
    expect(late.destination).toBeUndefined();
  });

  test('a result never shares arrays with another', () => {
    const a = parseCommand('check gogo-3 gogo-4 via fhost1', hosts);
    a.fileServers.push('X');
    expect(parseCommand('check gogo-3 gogo-4 via fhost1', hosts).fileServers).toEqual(['FHOST1']);
  });
});
