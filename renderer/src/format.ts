/**
 * Formatting for the door: times in the display time zone from settings (with the date when it
 * is not today there: festivals run for days), numbers grouped, big numbers compact where room
 * is short (chart axes, cards).
 */
import { createContext, useContext } from 'react';

export interface Formatter {
  time(ms: number | null | undefined): string;
  dateTime(ms: number | null | undefined): string;
  /** The time, with the date in front when it is not today in the display zone. */
  when(ms: number | null | undefined): string;
  minute(ms: number): string;
  /** "Mon 4 May" style, in the display zone. */
  day(ms: number): string;
  /** The IANA zone times are shown in. */
  zone: string;
  zoneLabel: string;
}

export function makeFormatter(
  timezone: string,
  venueZone: string | null = null,
  now: () => number = Date.now,
): Formatter {
  const wanted = timezone === 'venue' ? venueZone : timezone;
  const zone = !wanted || wanted === 'local' ? undefined : wanted;
  let timeFmt: Intl.DateTimeFormat;
  let dateFmt: Intl.DateTimeFormat;
  let minuteFmt: Intl.DateTimeFormat;
  let dayFmt: Intl.DateTimeFormat;
  let keyFmt: Intl.DateTimeFormat;
  try {
    timeFmt = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium', timeZone: zone });
    dateFmt = new Intl.DateTimeFormat(undefined, {
      dateStyle: 'short',
      timeStyle: 'medium',
      timeZone: zone,
    });
    minuteFmt = new Intl.DateTimeFormat(undefined, {
      hour: '2-digit',
      minute: '2-digit',
      timeZone: zone,
    });
    dayFmt = new Intl.DateTimeFormat(undefined, {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      timeZone: zone,
    });
    keyFmt = new Intl.DateTimeFormat('en-CA', { dateStyle: 'short', timeZone: zone });
  } catch {
    return makeFormatter('local', null, now);
  }
  const guard = (f: (ms: number) => string) => (ms: number | null | undefined) =>
    ms === null || ms === undefined ? '—' : f(ms);
  const resolved = timeFmt.resolvedOptions().timeZone;
  return {
    time: guard((ms) => timeFmt.format(ms)),
    dateTime: guard((ms) => dateFmt.format(ms)),
    when: guard((ms) =>
      keyFmt.format(ms) === keyFmt.format(now())
        ? timeFmt.format(ms)
        : `${dayFmt.format(ms)}, ${timeFmt.format(ms)}`,
    ),
    minute: (ms) => minuteFmt.format(ms),
    day: (ms) => dayFmt.format(ms),
    zone: resolved,
    zoneLabel: timezone === 'venue' && venueZone ? `${resolved} (venue)` : resolved,
  };
}

export const FormatContext = createContext<Formatter>(makeFormatter('local'));
export const useFormat = (): Formatter => useContext(FormatContext);

const nf = new Intl.NumberFormat();
export const num = (n: number): string => nf.format(n);

const compactFmt = new Intl.NumberFormat(undefined, {
  notation: 'compact',
  maximumFractionDigits: 1,
});
/** 297,000 → "297K": for tight cells. Below 10,000 as is. */
export const compact = (n: number): string =>
  Math.abs(n) < 10_000 ? nf.format(n) : compactFmt.format(n);

/** Axis labels: all compact once the biggest reaches 10,000 ("0 · 5K · 10K · 15K"), one style. */
export function axisLabels(ticks: ReadonlyArray<number>): string[] {
  const big = Math.max(0, ...ticks.map(Math.abs)) >= 10_000;
  return ticks.map((t) => (big ? compactFmt.format(t) : nf.format(t)));
}

/** A per-minute rate: one decimal while small, whole numbers from 100 on (no clipped "2,70…"). */
export const rate = (n: number): string =>
  n >= 100 ? nf.format(Math.round(n)) : nf.format(Math.round(n * 10) / 10);

export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60 ? `${s % 60} s` : ''}`.trim();
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** Blank ids read as a dash, never as an empty cell. */
export const idText = (s: string, empty = '—'): string => (s === '' ? empty : s);
