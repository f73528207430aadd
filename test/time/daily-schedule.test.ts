/** Occurrences of daily times in IANA zones, across DST changes (croner as a pure calculator). */
import { formatIn, formatLocal, isTimeOfDay, isTimeZone, lastOccurrence, localDate, nextOccurrence } from '../../src/time/daily-schedule';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** Every occurrence in [from, to). */
function occurrences(time: string, timeZone: string, from: string, to: string): string[] {
  const out: string[] = [];
  let cursor = at(from) - 1;
  for (;;) {
    cursor = nextOccurrence({ time, timeZone }, cursor);
    if (cursor >= at(to)) return out;
    out.push(new Date(cursor).toISOString());
  }
}

describe('daily occurrences', () => {
  test.each([
    ['08:00', 'UTC', '2026-03-02T08:00:00.000Z'],
    ['08:00', 'Europe/Berlin', '2026-03-02T07:00:00.000Z'], // CET, UTC+1
    ['08:00', 'America/New_York', '2026-03-02T13:00:00.000Z'], // EST, UTC-5
    ['08:00', 'Asia/Kolkata', '2026-03-02T02:30:00.000Z'], // UTC+5:30
    ['08:00', 'Asia/Kathmandu', '2026-03-02T02:15:00.000Z'], // UTC+5:45
    ['08:00', 'Pacific/Auckland', '2026-03-02T19:00:00.000Z'], // NZDT, UTC+13: 08:00 on the 3rd local
  ])('%s %s after 2026-03-02T00:00Z → %s', (time, zone, expected) => {
    expect(iso(nextOccurrence({ time, timeZone: zone }, at('2026-03-02T00:00:00Z')))).toBe(expected);
  });

  test('Europe/Berlin spring forward (29 Mar 2026, 02:00 → 03:00): 02:30 runs once that day, at 03:30 CEST', () => {
    const runs = occurrences('02:30', 'Europe/Berlin', '2026-03-28T00:00:00Z', '2026-03-31T00:00:00Z');
    expect(runs).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z']);
    expect(runs.map((r) => localDate(at(r), 'Europe/Berlin'))).toEqual(['2026-03-28', '2026-03-29', '2026-03-30']);
  });

  test('Europe/Berlin fall back (25 Oct 2026, 03:00 → 02:00): 02:30 happens twice on the clock but runs once', () => {
    const runs = occurrences('02:30', 'Europe/Berlin', '2026-10-24T00:00:00Z', '2026-10-27T00:00:00Z');
    expect(runs).toHaveLength(3);
    expect(runs.map((r) => localDate(at(r), 'Europe/Berlin'))).toEqual(['2026-10-24', '2026-10-25', '2026-10-26']);
  });

  test('America/New_York fall back (1 Nov 2026): 01:30 runs once; spring forward (8 Mar 2026): 02:30 runs once', () => {
    const fall = occurrences('01:30', 'America/New_York', '2026-10-31T00:00:00Z', '2026-11-03T00:00:00Z');
    expect(fall.map((r) => localDate(at(r), 'America/New_York'))).toEqual(['2026-10-31', '2026-11-01', '2026-11-02']);
    const spring = occurrences('02:30', 'America/New_York', '2026-03-07T00:00:00Z', '2026-03-10T00:00:00Z');
    expect(spring.map((r) => localDate(at(r), 'America/New_York'))).toEqual(['2026-03-07', '2026-03-08', '2026-03-09']);
    expect(spring[1]).toBe('2026-03-08T07:30:00.000Z'); // 03:30 EDT
  });

  test('Australia/Lord_Howe (a 30-minute DST shift): 02:15 on the change day runs once', () => {
    const runs = occurrences('02:15', 'Australia/Lord_Howe', '2026-10-02T12:00:00Z', '2026-10-06T12:00:00Z');
    const dates = runs.map((r) => localDate(at(r), 'Australia/Lord_Howe'));
    expect(new Set(dates).size).toBe(dates.length);
    expect(dates).toContain('2026-10-04');
  });

  test('lastOccurrence: the latest at or before the instant', () => {
    const s = { time: '08:00', timeZone: 'UTC' };
    expect(iso(lastOccurrence(s, at('2026-03-02T08:00:00Z')))).toBe('2026-03-02T08:00:00.000Z');
    expect(iso(lastOccurrence(s, at('2026-03-02T07:59:59Z')))).toBe('2026-03-01T08:00:00.000Z');
    expect(iso(lastOccurrence(s, at('2026-03-02T23:00:00Z')))).toBe('2026-03-02T08:00:00.000Z');
  });

  test('local dates and labels follow the zone', () => {
    expect(localDate(at('2026-03-02T23:30:00Z'), 'UTC')).toBe('2026-03-02');
    expect(localDate(at('2026-03-02T23:30:00Z'), 'Europe/Berlin')).toBe('2026-03-03');
    expect(localDate(at('2026-03-02T03:00:00Z'), 'America/Los_Angeles')).toBe('2026-03-01');
    expect(formatLocal(at('2026-03-03T06:30:00Z'), 'Europe/Berlin')).toBe('Tue 3 Mar 2026, 07:30 CET');
    expect(formatIn(5 * 3600_000 + 20 * 60_000)).toBe('in 5 h 20 min');
    expect(formatIn(3 * 60_000)).toBe('in 3 min');
    expect(formatIn(2 * 3600_000)).toBe('in 2 h');
  });

  test('validation of times and zones', () => {
    expect(isTimeOfDay('07:30')).toBe(true);
    expect(isTimeOfDay('7:30')).toBe(false);
    expect(isTimeOfDay('24:00')).toBe(false);
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
