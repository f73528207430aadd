/**
 * The masks the intent classifier uses so any time or zone reads the same to it ("at 7" and "at 18:30"
 * alike). Parsing times and zones lives in src/time/time-of-day.ts (the configuration needs it too);
 * it is re-exported here for the command parser.
 */
import { AT_HOUR, CLOCK, HOUR_MERIDIEM, ZONE_CANDIDATE, canonicalTimeZone } from '../time/time-of-day';

export { canonicalTimeZone, parseTimeArgument, parseTimeOfDay, parseTimeZone } from '../time/time-of-day';

export const TIME_TOKEN = 'TIMEOFDAY';
export const ZONE_TOKEN = 'TIMEZONE';

/** Replaces times of day and time zones by placeholder words, so "at 7" and "at 18:30" read alike. */
export function maskSchedule(text: string): string {
  let out = text;
  for (const re of [CLOCK, HOUR_MERIDIEM]) out = out.replace(new RegExp(re.source, 'giu'), ` ${TIME_TOKEN} `);
  // Keep the "at" of "at 7": it reads like the "at" of "at 7:30".
  out = out.replace(new RegExp(AT_HOUR.source, 'giu'), (_m, lead: string) => `${lead} ${TIME_TOKEN} `);
  out = out.replace(ZONE_CANDIDATE, (m) => (canonicalTimeZone(m) ? ` ${ZONE_TOKEN} ` : m));
  return out;
}
