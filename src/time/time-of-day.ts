/**
 * Times of day and IANA time zones as people write them: "at 7" → "07:00", "7:30 pm" → "19:30",
 * "europe/berlin" → "Europe/Berlin" (checked with Intl). Used by the chat parser (commands/) and by the
 * configuration (KCD_SUMMARY_DEFAULT_TIME, KCD_SUMMARY_TIME_ZONE), so both accept the same forms.
 * Pure text functions: no clock. The patterns are exported for the classifier's masks (commands/schedule.ts).
 */

const NOT_WORD_AFTER = '(?![\\p{L}\\p{N}]|[.:]\\d)';
const NOT_WORD_BEFORE = '(?<![\\p{L}\\p{N}:.])';
const MERIDIEM = '(a\\.?m\\.?|p\\.?m\\.?)';

/** 8:30, 18.30, 18h30, 7:30 pm */
export const CLOCK = new RegExp(`${NOT_WORD_BEFORE}(\\d{1,2})[:.h](\\d{2})(?:\\s*${MERIDIEM})?${NOT_WORD_AFTER}`, 'iu');
/** 7am, 7 p.m. */
export const HOUR_MERIDIEM = new RegExp(`${NOT_WORD_BEFORE}(\\d{1,2})\\s*${MERIDIEM}(?![\\p{L}\\p{N}])`, 'iu');
/** at 7, at 0730, @ 18, around 6 o'clock */
export const AT_HOUR = new RegExp(`(\\b(?:at|around|by|for)\\s+|@\\s*)(\\d{1,2}|\\d{4})(?:\\s*(?:o'?clock|h|hrs))?(?![\\p{L}\\p{N}:.])`, 'iu');
const NAMED = /\b(noon|midday|midnight)\b/i;

function hhmm(hour: number, minute: number): string {
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

function withMeridiem(hour: number, meridiem: string | undefined): number | undefined {
  if (!meridiem) return hour <= 23 ? hour : undefined;
  if (hour < 1 || hour > 12) return undefined;
  const pm = meridiem.toLowerCase().startsWith('p');
  return (hour % 12) + (pm ? 12 : 0);
}

/** The first time of day in the text as "HH:MM" (24 h), or undefined. */
export function parseTimeOfDay(text: string): string | undefined {
  const clock = CLOCK.exec(text);
  if (clock) {
    const hour = withMeridiem(Number(clock[1]), clock[3]);
    const minute = Number(clock[2]);
    if (hour !== undefined && minute <= 59) return hhmm(hour, minute);
  }
  const meridiem = HOUR_MERIDIEM.exec(text);
  if (meridiem) {
    const hour = withMeridiem(Number(meridiem[1]), meridiem[2]);
    if (hour !== undefined) return hhmm(hour, 0);
  }
  const at = AT_HOUR.exec(text);
  if (at) {
    const digits = at[2]!;
    const hour = Number(digits.length === 4 ? digits.slice(0, 2) : digits);
    const minute = digits.length === 4 ? Number(digits.slice(2)) : 0;
    if (hour <= 23 && minute <= 59) return hhmm(hour, minute);
  }
  const named = NAMED.exec(text);
  if (named) return named[1]!.toLowerCase() === 'midnight' ? '00:00' : '12:00';
  return undefined;
}

/** A bare slash-command argument: "7", "07:30", "7pm", "19h". */
export function parseTimeArgument(word: string): string | undefined {
  const w = word.trim();
  if (/^\d{1,2}h?$/i.test(w)) {
    const hour = Number(w.replace(/h$/i, ''));
    return hour <= 23 ? hhmm(hour, 0) : undefined;
  }
  if (/^\d{1,2}[:.h]\d{2}(?:\s*(?:a\.?m\.?|p\.?m\.?))?$|^\d{1,2}\s*(?:a\.?m\.?|p\.?m\.?)$/i.test(w)) return parseTimeOfDay(w);
  return undefined;
}

/** The canonical IANA name of a zone Intl knows ("europe/berlin" → "Europe/Berlin"), or undefined. */
const zoneCache = new Map<string, string | undefined>();

export function canonicalTimeZone(name: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){0,2}$/.test(name) || name.length > 64) return undefined;
  if (!name.includes('/') && !/^(?:utc|gmt)$/i.test(name)) return undefined;
  const key = name.toLowerCase();
  if (zoneCache.has(key)) return zoneCache.get(key);
  let zone: string | undefined;
  try {
    zone = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    zone = undefined;
  }
  if (zoneCache.size < 1000) zoneCache.set(key, zone);
  return zone;
}

export const ZONE_CANDIDATE = /(?<![\p{L}\p{N}/])([A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){1,2}|utc|gmt)(?![\p{L}\p{N}/])/giu;

/** The first valid IANA time zone named in the text (UTC and GMT count), canonicalised. */
export function parseTimeZone(text: string): string | undefined {
  for (const m of text.matchAll(ZONE_CANDIDATE)) {
    const zone = canonicalTimeZone(m[1]!);
    if (zone) return zone;
  }
  return undefined;
}
