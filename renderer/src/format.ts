/** Formatting for the door: times in the display timezone from settings, compact numbers. */
import { createContext, useContext } from 'react';

export interface Formatter {
  time(ms: number | null | undefined): string;
  dateTime(ms: number | null | undefined): string;
  minute(ms: number): string;
  zoneLabel: string;
}

export function makeFormatter(timezone: string): Formatter {
  const zone = timezone === 'local' ? undefined : timezone;
  let timeFmt: Intl.DateTimeFormat;
  let dateFmt: Intl.DateTimeFormat;
  let minuteFmt: Intl.DateTimeFormat;
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
  } catch {
    return makeFormatter('local');
  }
  const guard = (f: Intl.DateTimeFormat) => (ms: number | null | undefined) =>
    ms === null || ms === undefined ? '—' : f.format(ms);
  return {
    time: guard(timeFmt),
    dateTime: guard(dateFmt),
    minute: (ms) => minuteFmt.format(ms),
    zoneLabel: zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
  };
}

export const FormatContext = createContext<Formatter>(makeFormatter('local'));
export const useFormat = (): Formatter => useContext(FormatContext);

const nf = new Intl.NumberFormat();
export const num = (n: number): string => nf.format(n);

export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60 ? `${s % 60} s` : ''}`.trim();
  const h = Math.floor(m / 60);
  return `${h} h ${m % 60} min`;
}

/** Blank ids read as a dash, never as an empty cell. */
export const idText = (s: string, empty = '—'): string => (s === '' ? empty : s);
