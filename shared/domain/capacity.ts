/**
 * Progress toward the expected attendance: per event (and per gate where one is expected),
 * tickets admitted (first scans; re-entries do not count twice), the percentage, and at the
 * rate of the last 15 minutes when 90 % and 100 % will be reached. Without an expectation
 * the figure is `null` (the view says "not set", never 0 %). Pure.
 */
import type { Progress } from '../api/channels/activity';
import type { CapacitySettings } from '../settings';
import { MINUTE, scansSince, type ActivityState } from './activity-aggregator';

/** The rate the forecast uses: admissions per minute over this many minutes. */
export const FORECAST_MINUTES = 15;

const pct = (admitted: number, expected: number): number =>
  Math.round((admitted / expected) * 1000) / 10;

/** When `target` admissions will be reached at `rate` per minute; null when not at this rate. */
function eta(admitted: number, target: number, rate: number, now: number): number | null {
  if (admitted >= target) return null;
  if (rate <= 0) return null;
  return Math.round(now + ((target - admitted) / rate) * MINUTE);
}

export function progressVm(
  state: Readonly<ActivityState>,
  capacity: CapacitySettings,
  now: number,
): Progress {
  const ids = new Set([...state.events.keys(), ...Object.keys(capacity.events)]);
  const events = [...ids]
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
    .map((eventId) => {
      const e = state.events.get(eventId);
      const admitted = e ? e.checkins - e.reentries : 0;
      const expected = capacity.events[eventId] ?? null;
      const rate = e
        ? Math.round(
            (scansSince(e.recentAdmissions, now, FORECAST_MINUTES) / FORECAST_MINUTES) * 10,
          ) / 10
        : 0;
      return {
        eventId,
        admitted,
        expected,
        percent: expected ? pct(admitted, expected) : null,
        ratePerMin: rate,
        eta90: expected ? eta(admitted, Math.ceil(expected * 0.9), rate, now) : null,
        eta100: expected ? eta(admitted, expected, rate, now) : null,
      };
    });
  const gates = Object.entries(capacity.gates)
    .sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }))
    .map(([gate, expected]) => {
      const g = state.gates.get(gate);
      const admitted = g ? g.count - g.reentries : 0;
      return { gate, expected, admitted, percent: pct(admitted, expected) };
    });
  const withExpected = events.filter((e) => e.expected !== null);
  const expected = withExpected.reduce((a, e) => a + (e.expected ?? 0), 0);
  const admitted = withExpected.reduce((a, e) => a + e.admitted, 0);
  const rate = withExpected.reduce((a, e) => a + e.ratePerMin, 0);
  return {
    configured: withExpected.length > 0,
    events,
    gates,
    total:
      withExpected.length > 0
        ? {
            expected,
            admitted,
            percent: pct(admitted, expected),
            ratePerMin: Math.round(rate * 10) / 10,
            eta90: eta(admitted, Math.ceil(expected * 0.9), rate, now),
            eta100: eta(admitted, expected, rate, now),
          }
        : null,
    source: capacity.source,
  };
}
