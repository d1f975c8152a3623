import { describe, expect, it } from 'vitest';
import { venueZoneOf } from '../../../../shared/domain/venue-zone';
import { canonicalZone, suggestZones, timeZoneProblem } from '../../../../shared/time-zones';

const event = (data: Record<string, unknown>) => JSON.stringify({ data });

describe('venue time zone from the events', () => {
  it('takes an IANA name a producer adds, else the offset of checked_in_at', () => {
    expect(venueZoneOf(event({ venue_time_zone: 'europe/berlin' }))).toEqual({
      zone: 'Europe/Berlin',
      from: 'name',
    });
    expect(venueZoneOf(event({ venue: { time_zone: 'America/New_York' } }))?.zone).toBe(
      'America/New_York',
    );
    expect(venueZoneOf(event({ checked_in_at: '2026-05-05T14:00:00+02:00' }))).toEqual({
      zone: 'Etc/GMT-2',
      from: 'offset',
    });
    expect(venueZoneOf(event({ checked_in_at: '2026-05-05T07:00:00-05:00' }))?.zone).toBe(
      'Etc/GMT+5',
    );
    expect(venueZoneOf(event({ checked_in_at: '2026-05-05T12:00:00.000Z' }))).toBeNull();
    expect(venueZoneOf(event({ checked_in_at: '2026-05-05T12:00:00+05:30' }))).toBeNull();
    expect(venueZoneOf(event({ time_zone: 'Berlin' }))).toBeNull();
    expect(venueZoneOf('not json')).toBeNull();
    expect(venueZoneOf({ data: { timezone: 'UTC' } })?.zone).toBe('UTC');
  });
});

describe('time zone names', () => {
  it('refuses what is not a zone, with the zones it may have meant', () => {
    expect(timeZoneProblem('Berlin')).toContain('Europe/Berlin');
    expect(timeZoneProblem('+02:00')).not.toBeNull();
    expect(timeZoneProblem('Europe/Berlin')).toBeNull();
    expect(timeZoneProblem('venue')).toBeNull();
    expect(canonicalZone('europe/berlin')).toBe('Europe/Berlin');
    expect(suggestZones('new york')).toContain('America/New_York');
  });
});
