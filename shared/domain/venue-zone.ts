/**
 * The venue's time zone as the events give it. The contract has no zone field, so two sources,
 * strongest first: an IANA name in a field a producer adds (`data.venue_time_zone`,
 * `data.time_zone`, `data.timezone`, or the same under `data.venue`), which unknown-field
 * handling keeps; else the UTC offset the scanner wrote into `checked_in_at` (`…+02:00`), as the
 * fixed-offset zone Etc/GMT-2 (no daylight-saving rules: a weaker guess). `Z` says nothing.
 */
import { canonicalZone } from '../time-zones';

export interface VenueZone {
  readonly zone: string;
  readonly from: 'name' | 'offset';
}

const NAME_FIELDS = ['venue_time_zone', 'venue_timezone', 'time_zone', 'timezone'] as const;

function named(data: Record<string, unknown>): string | null {
  const venue = data['venue'];
  const places = [
    data,
    ...(venue && typeof venue === 'object' ? [venue as Record<string, unknown>] : []),
  ];
  for (const place of places) {
    for (const f of NAME_FIELDS) {
      const v = place[f];
      if (typeof v === 'string') {
        const zone = canonicalZone(v);
        if (zone) return zone;
      }
    }
  }
  return null;
}

function fromOffset(checkedInAt: unknown): string | null {
  if (typeof checkedInAt !== 'string') return null;
  const m = /([+-])(\d{2}):?(\d{2})$/.exec(checkedInAt);
  if (!m || m[3] !== '00') return null;
  const hours = Number(m[2]);
  if (hours === 0) return 'UTC';
  if (hours > 14) return null;
  // POSIX sign: Etc/GMT-2 is two hours *ahead* of UTC.
  return `Etc/GMT${m[1] === '+' ? '-' : '+'}${hours}`;
}

/** Reads the zone from one stored event (its raw text or parsed object); null: it says none. */
export function venueZoneOf(raw: unknown): VenueZone | null {
  let event: unknown = raw;
  if (typeof raw === 'string') {
    try {
      event = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  const data = (event as { data?: unknown } | null)?.data;
  if (!data || typeof data !== 'object') return null;
  const d = data as Record<string, unknown>;
  const zone = named(d);
  if (zone) return { zone, from: 'name' };
  const offset = fromOffset(d['checked_in_at']);
  return offset ? { zone: offset, from: 'offset' } : null;
}
