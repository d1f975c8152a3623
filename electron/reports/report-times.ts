/**
 * Time cells of a report column as text. A column's times are numbers (UTC ms), except the
 * event's own `occurred_at`, which the store keeps as the RFC 3339 text the scanner sent; it is
 * shown normalised (the report's zone, milliseconds), exactly as `clock.iso` of its parsed
 * value — an unparseable one as the epoch, as reports always did.
 *
 * Parsing and formatting it again costs more than the rest of a CSV row, and nearly every
 * scanner already sends the normal UTC form (`2026-05-05T18:00:00.123Z`): in a UTC report such
 * a text is its own cell. Only texts whose every field is in range for any month (days up to
 * 28; 29–31 take the slow path) are passed through, so the shortcut never shows an impossible
 * date that the parser would have refused.
 */
import { parseRfc3339 } from '../../shared/contract';
import type { ReportClock } from './time-zone';

const NORMAL_UTC =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/** A formatter for one column of times (its own minute cache, see ReportClock.formatter). */
export function timeCells(clock: ReportClock): (value: unknown) => string {
  const iso = clock.formatter();
  const utc = clock.zone === 'UTC';
  return (value) => {
    if (typeof value === 'number') return iso(value);
    const text = String(value);
    if (utc && NORMAL_UTC.test(text)) return text;
    return iso(parseRfc3339(text) ?? 0);
  };
}

/** UTC ms of a time cell's value (see timeCells). */
export function timeValue(value: unknown): number {
  if (typeof value === 'number') return value;
  return parseRfc3339(String(value)) ?? 0;
}
