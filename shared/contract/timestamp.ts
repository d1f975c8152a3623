/**
 * RFC 3339 timestamps with a zone (`Z` or `±hh:mm`), as the contract decides. Anything else,
 * including a timestamp without a zone or an impossible date, is invalid.
 */
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/** Epoch milliseconds of a valid RFC 3339 timestamp, or `null`. */
export function parseRfc3339(value: string): number | null {
  if (value.length > 40) return null;
  const m = RFC3339.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone, sign, zh, zm] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return null;
  if (day > daysInMonth(year, month)) return null;
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const oh = Number(zh);
    const om = Number(zm);
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (oh * 60 + om) * (sign === '-' ? -1 : 1);
  }
  // A leap second (:60) is folded onto the next second; ordering is what matters here.
  const ms = frac ? Math.floor(Number(`0${frac}`) * 1000) : 0;
  const at =
    (year >= 100
      ? Date.UTC(year, month - 1, day, hour, minute)
      : utc(year, month - 1, day, hour, minute).getTime()) +
    second * 1000 +
    ms;
  return at - offsetMinutes * 60_000;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days of a month (1–12) in the proleptic Gregorian calendar, as Date counts them. */
function daysInMonth(year: number, month: number): number {
  if (month !== 2) return DAYS_IN_MONTH[month - 1]!;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/**
 * Date.UTC reads years 0–99 as 1900–1999; setUTCFullYear takes the year as written (the common
 * years go through Date.UTC: no Date object per timestamp).
 */
function utc(year: number, monthIndex: number, day: number, hour = 0, minute = 0): Date {
  const d = new Date(0);
  d.setUTCFullYear(year, monthIndex, day);
  d.setUTCHours(hour, minute, 0, 0);
  return d;
}

/** Timestamps the store can index: 1970-01-01 up to (not including) 2100-01-01, UTC. */
export const MIN_TIMESTAMP_MS = 0;
export const MAX_TIMESTAMP_MS = 4_102_444_800_000;
