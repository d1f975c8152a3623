/**
 * Times in reports: ISO 8601 in UTC (`…Z`) by default, or wall-clock time in an IANA zone with
 * its offset (`2026-05-05T14:00:00.000+02:00`). Looking up a zone offset through Intl costs
 * microseconds, and a million rows have three times each, so offsets are cached per quarter
 * hour: every zone in the tz database changes offset only on a quarter-hour boundary.
 */

const QUARTER_HOUR = 15 * 60_000;
const HOUR = 60 * 60_000;

export interface ReportClock {
  /** The IANA zone name, or 'UTC'. */
  readonly zone: string;
  /** Offset of the zone from UTC at `ms`, in milliseconds (east positive). */
  offsetAt(ms: number): number;
  /** ISO 8601 with milliseconds and the zone's offset (`Z` for UTC). */
  iso(ms: number): string;
  /**
   * A function like `iso` with a cache of its own: a report's column of times (rows in time
   * order share their minute) keeps its cache warm next to the other time columns.
   */
  formatter(): (ms: number) => string;
  /** Start (UTC ms) of the wall-clock hour in the zone that holds `ms`. */
  hourStart(ms: number): number;
  /** `YYYY-MM-DD HH:00` in the zone: the label of an hour bucket. */
  hourLabel(hourStartMs: number): string;
  /** `YYYY-MM-DD HH:MM` in the zone, for headings. */
  short(ms: number): string;
}

/** Resolves 'local' (the settings' default) to this machine's zone; throws on an unknown zone. */
export function resolveTimeZone(zone: string | undefined): string {
  if (zone === undefined || zone === '' || zone.toUpperCase() === 'UTC' || zone === 'Z') {
    return 'UTC';
  }
  if (zone === 'local') return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    throw new RangeError(`unknown time zone "${zone}" (use an IANA name such as Europe/Berlin)`);
  }
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

function offsetText(offsetMs: number): string {
  if (offsetMs === 0) return 'Z';
  const sign = offsetMs < 0 ? '-' : '+';
  const minutes = Math.abs(offsetMs) / 60_000;
  return `${sign}${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
}

export function createReportClock(zoneInput?: string): ReportClock {
  const zone = resolveTimeZone(zoneInput);
  const utc = zone === 'UTC';
  const parts = utc
    ? undefined
    : new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
  const cache = new Map<number, number>();

  const offsetAt = (ms: number): number => {
    if (!parts) return 0;
    const bucket = Math.floor(ms / QUARTER_HOUR);
    const hit = cache.get(bucket);
    if (hit !== undefined) return hit;
    const at = bucket * QUARTER_HOUR;
    const f: Record<string, number> = {};
    for (const p of parts.formatToParts(at)) if (p.type !== 'literal') f[p.type] = Number(p.value);
    const wall = Date.UTC(f.year!, f.month! - 1, f.day!, f.hour!, f.minute!, f.second!);
    const offset = wall - at;
    // A festival spans days, not years: the cache stays small, but bound it anyway.
    if (cache.size > 100_000) cache.clear();
    cache.set(bucket, offset);
    return offset;
  };

  /** toISOString of the wall-clock time, without its trailing Z. */
  const wallIso = (ms: number, offset: number): string =>
    new Date(ms + offset).toISOString().slice(0, -1);

  // Rows of a report come in time order, so consecutive times share their minute: keep the
  // formatted `YYYY-MM-DDTHH:MM:` and the offset of the last minute and append seconds.
  const formatter = (): ((ms: number) => string) => {
    let lastMinute = NaN;
    let prefix = '';
    let suffix = '';
    return (ms: number): string => {
      const minute = Math.floor(ms / 60_000);
      if (minute !== lastMinute) {
        const offset = offsetAt(ms);
        prefix = wallIso(minute * 60_000, offset).slice(0, 17);
        suffix = offsetText(offset);
        lastMinute = minute;
      }
      const rest = ms - minute * 60_000;
      const sec = Math.floor(rest / 1000);
      const milli = rest - sec * 1000;
      return `${prefix}${sec < 10 ? '0' : ''}${sec}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}${suffix}`;
    };
  };
  const iso = formatter();

  return {
    zone,
    offsetAt,
    iso,
    formatter,
    hourStart(ms) {
      const offset = offsetAt(ms);
      return Math.floor((ms + offset) / HOUR) * HOUR - offset;
    },
    hourLabel(hourStartMs) {
      return wallIso(hourStartMs, offsetAt(hourStartMs)).slice(0, 13).replace('T', ' ') + ':00';
    },
    short(ms) {
      return wallIso(ms, offsetAt(ms)).slice(0, 16).replace('T', ' ');
    },
  };
}

const ZONED = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Parses a filter bound: RFC 3339 with `Z` or an offset, or a wall-clock time without one
 * (`2026-05-05`, `2026-05-05T18:00`, `2026-05-05 18:00:30`) read in the report's zone.
 * Returns UTC milliseconds, or null when the text is not such a time.
 */
export function parseReportTime(text: string, clock: ReportClock): number | null {
  const s = text.trim();
  if (WITH_OFFSET.test(s)) {
    const ms = Date.parse(s.replace(' ', 'T'));
    return Number.isFinite(ms) ? ms : null;
  }
  const m = ZONED.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map((v) => (v === undefined ? 0 : Number(v)));
  const millis = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
  const wall = Date.UTC(y!, mo! - 1, d!, h!, mi!, sec!, millis);
  const check = new Date(wall);
  if (
    check.getUTCFullYear() !== y ||
    check.getUTCMonth() !== mo! - 1 ||
    check.getUTCDate() !== d ||
    h! > 23 ||
    mi! > 59 ||
    sec! > 59
  ) {
    return null;
  }
  // The offset at the wall time read as UTC is right except within an hour of a DST change;
  // one correction step settles it.
  let utcMs = wall - clock.offsetAt(wall);
  utcMs = wall - clock.offsetAt(utcMs);
  return utcMs;
}
