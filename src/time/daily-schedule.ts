/**
 * Time-of-day schedules in IANA time zones, as pure functions of an instant (no timers, no wall clock):
 * croner computes the occurrences (it is DST-correct: a 02:30 on a spring-forward day runs once, at
 * 03:30 local; an ambiguous 01:30 on a fall-back day runs once), Intl gives local dates and labels.
 *
 * "Once per local day" is enforced by the caller on the local date of an occurrence, not on instants,
 * so even a calculator that returned both 01:30s of a fall-back day could not cause a second post.
 */
import { Cron } from 'croner';

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/** "07:30" → true. The only form subscriptions store (the parser normalises "7pm", "7", "07.30"). */
export function isTimeOfDay(text: string): boolean {
  return HHMM.test(text);
}

/** True when Intl knows the zone (IANA names, UTC). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const crons = new Map<string, Cron>();

/** One paused croner instance per (time, zone): used only as a calculator, it never starts a timer. */
function cronFor(time: string, timeZone: string): Cron {
  const key = `${time} ${timeZone}`;
  let cron = crons.get(key);
  if (!cron) {
    const m = HHMM.exec(time);
    if (!m) throw new RangeError(`not a time of day (HH:MM): ${time}`);
    cron = new Cron(`${Number(m[2])} ${Number(m[1])} * * *`, { timezone: timeZone, paused: true });
    if (crons.size < 5000) crons.set(key, cron);
  }
  return cron;
}

export interface DailySchedule {
  /** "HH:MM", 24 h, local to `timeZone`. */
  time: string;
  /** IANA zone, e.g. Europe/Berlin. */
  timeZone: string;
}

/**
 * Occurrences are computed by croner in blocks (about a week) and kept: croner in a time zone costs
 * about half a millisecond per step, and the scheduler asks on every wake-up for every subscription.
 * A block holds every occurrence in (from, runs[last]]; it answers queries in [from + 2 days, runs[last]).
 */
interface Block {
  from: number;
  runs: number[];
}

const blocks = new Map<string, Block>();

function blockFor(schedule: DailySchedule, at: number): Block {
  const key = `${schedule.time} ${schedule.timeZone}`;
  const cached = blocks.get(key);
  if (cached && at >= cached.from + 2 * DAY_MS && at < cached.runs[cached.runs.length - 1]!) return cached;
  const cron = cronFor(schedule.time, schedule.timeZone);
  const from = at - 3 * DAY_MS;
  const runs: number[] = [];
  let cursor = from;
  while (runs.length === 0 || cursor <= at + 4 * DAY_MS) {
    const next = cron.nextRun(new Date(cursor));
    if (!next) throw new RangeError(`no next run for ${schedule.time} ${schedule.timeZone}`);
    cursor = next.getTime();
    runs.push(cursor);
  }
  const block = { from, runs };
  if (blocks.size >= 5000) blocks.clear();
  blocks.set(key, block);
  return block;
}

/** Index of the first run greater than `at` (runs are sorted). */
function firstAfter(runs: readonly number[], at: number): number {
  let lo = 0;
  let hi = runs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (runs[mid]! > at) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The first occurrence strictly after `after`. */
export function nextOccurrence(schedule: DailySchedule, after: number): number {
  const { runs } = blockFor(schedule, after);
  return runs[firstAfter(runs, after)]!;
}

/** The latest occurrence at or before `at`. */
export function lastOccurrence(schedule: DailySchedule, at: number): number | undefined {
  const { runs } = blockFor(schedule, at);
  const i = firstAfter(runs, at);
  return i > 0 ? runs[i - 1] : undefined;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(timeZone: string): Intl.DateTimeFormat {
  let f = dateFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hourCycle: 'h23' });
    dateFormats.set(timeZone, f);
  }
  return f;
}

/** The calendar date at `at` in `timeZone`, as "YYYY-MM-DD". */
export function localDate(at: number, timeZone: string): string {
  const parts = Object.fromEntries(dateFormat(timeZone).formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** "Tue 3 Mar 2026, 07:30 CET": how a card or a log line shows an instant to people in that zone. */
export function formatLocal(at: number, timeZone: string): string {
  const f = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  });
  const p = Object.fromEntries(f.formatToParts(new Date(at)).map((x) => [x.type, x.value]));
  return `${p.weekday} ${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute} ${p.timeZoneName}`;
}

/** "in 5 h 20 min" / "in 3 min" / "now". */
export function formatIn(ms: number): string {
  const minutes = Math.round(ms / 60000);
  if (minutes <= 0) return 'now';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `in ${h > 0 ? `${h} h` : ''}${h > 0 && m > 0 ? ' ' : ''}${m > 0 || h === 0 ? `${m} min` : ''}`;
}
