import { canonicalTimeZone, maskSchedule, parseTimeArgument, parseTimeOfDay, parseTimeZone } from '../../src/commands/schedule';
import { cleanText, tokensOf } from '../../src/commands/text';
import { findTopic, TOPIC_IDS } from '../../src/commands/topics';

describe('times of day', () => {
  test.each<[string, string | undefined]>([
    ['send it at 7', '07:00'],
    ['at 7:30 pm', '19:30'],
    ['at 7:30pm', '19:30'],
    ['every morning at 8:30', '08:30'],
    ['daily at 18:00', '18:00'],
    ['at 9am', '09:00'],
    ['at 12 am', '00:00'],
    ['at 12pm', '12:00'],
    ['at 6 p.m.', '18:00'],
    ['18h30 please', '18:30'],
    ['at 0730', '07:30'],
    ['at noon', '12:00'],
    ['at midnight', '00:00'],
    ['at 25:00', undefined],
    ['at 13pm', undefined],
    ['at 7:75', undefined],
    ['version 10.10.1.1', undefined],
    ['the daily report', undefined],
  ])('%s → %s', (text, time) => {
    expect(parseTimeOfDay(text)).toBe(time);
  });

  test.each<[string, string | undefined]>([
    ['7', '07:00'],
    ['07:30', '07:30'],
    ['19h', '19:00'],
    ['7pm', '19:00'],
    ['7:30 p.m.', '19:30'],
    ['24', undefined],
    ['soon', undefined],
  ])('argument %s → %s', (word, time) => {
    expect(parseTimeArgument(word)).toBe(time);
  });
});

describe('time zones (validated with Intl)', () => {
  test.each<[string, string | undefined]>([
    ['Europe/Berlin', 'Europe/Berlin'],
    ['europe/berlin', 'Europe/Berlin'],
    ['America/New_York', 'America/New_York'],
    ['UTC', 'UTC'],
    ['utc', 'UTC'],
    ['Mars/Olympus_Mons', undefined],
    ['Berlin', undefined],
    ['CET', undefined],
    ['../../etc/passwd', undefined],
    ['a'.repeat(100) + '/b', undefined],
  ])('%s → %s', (name, zone) => {
    expect(canonicalTimeZone(name)).toBe(zone);
  });

  test('the first valid zone in a sentence', () => {
    expect(parseTimeZone('at 7 Europe/Paris please')).toBe('Europe/Paris');
    expect(parseTimeZone('files w/ storage at 7 Asia/Tokyo')).toBe('Asia/Tokyo');
    expect(parseTimeZone('at 7 in berlin')).toBeUndefined();
  });

  test('masking makes times and zones read alike', () => {
    expect(maskSchedule('at 7 Europe/Berlin')).toBe(maskSchedule('at 18:30 UTC'));
  });
});

describe('explain topics', () => {
  test.each<[string, string | undefined]>([
    ['what is an SPN?', 'spn'],
    ['service principal names', 'spn'],
    ['what is a UPN', 'upn'],
    ['what is a TGT', 'kdc'],
    ['how does the KDC issue a TGS', 'kdc'],
    ['what is kerberos', 'kdc'],
    ['protocol transition', 'protocol-transition'],
    ['"use any authentication protocol"', 'protocol-transition'],
    ['S4U2Self', 'protocol-transition'],
    ['kerberos only', 'protocol-transition'],
    ['constrained delegation', 'constrained-delegation'],
    ['what is kcd', 'constrained-delegation'],
    ['msDS-AllowedToDelegateTo', 'constrained-delegation'],
    ['unconstrained delegation', 'unconstrained-delegation'],
    ['trust this computer for delegation to any service', 'unconstrained-delegation'],
    ['Protected Users', 'protected-users'],
    ['account is sensitive and cannot be delegated', 'protected-users'],
    ['duplicate SPNs', 'duplicate-spn'],
    ['0x80090322', 'duplicate-spn'],
    ['how to use kcd bot', undefined],
    ['the weather', undefined],
  ])('%s → %s', (text, topic) => {
    expect(findTopic(text)).toBe(topic);
  });

  test('every topic id names itself', () => {
    for (const id of TOPIC_IDS) expect(findTopic(`explain ${id}`)).toBe(id);
  });
});

describe('text clean-up', () => {
  test('arrows, quotes, control characters and length', () => {
    expect(cleanText('gogo-3->gogo-4')).toBe('gogo-3 → gogo-4');
    expect(cleanText('gogo-3 => gogo-4 ⇒ x')).toBe('gogo-3 → gogo-4 → x');
    expect(cleanText('a\u0000b\u200bc')).toBe('a b c');
    expect(cleanText('x'.repeat(1000)).length).toBe(500);
    expect(cleanText(undefined)).toBe('');
  });

  test('the tokenizer keeps hyphens, FQDNs and $', () => {
    expect(tokensOf("can't GoGo-3$ reach gogo-4.contoso.com?")).toEqual(['can', 'not', 'GoGo-3$', 'reach', 'gogo-4.contoso.com', '?']);
  });
});
