/**
 * Display time zones: 'local' (this computer's), 'venue' (the zone the events give, else local)
 * or an IANA zone name. A name the runtime does not know ("Berlin") is refused with a message
 * naming the zones it may have meant, never saved to fail silently later. Pure (Intl only).
 */
export const SPECIAL_ZONES = ['venue', 'local'] as const;

let zones: string[] | null = null;

/** Every IANA zone this runtime knows, UTC included, sorted. */
export function knownTimeZones(): ReadonlyArray<string> {
  if (!zones) {
    const list =
      typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
    zones = [...new Set([...list, 'UTC'])].sort();
  }
  return zones;
}

/** The canonical spelling of an IANA zone ("europe/berlin" → "Europe/Berlin"), or null. */
export function canonicalZone(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > 64) return null;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions()
      .timeZone;
    // Offsets like "+02:00" resolve too; only IANA names (Area/City, Etc/GMT-2, UTC) are kept.
    return resolved === 'UTC' || /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)+$/.test(resolved)
      ? resolved
      : null;
  } catch {
    return null;
  }
}

/** Zones whose city or name contains the text ("Berlin" → Europe/Berlin). */
export function suggestZones(name: string, max = 3): string[] {
  const t = name.trim().toLowerCase().replace(/\s+/g, '_');
  if (t.length < 2) return [];
  return knownTimeZones()
    .filter((z) => z.toLowerCase().includes(t))
    .slice(0, max);
}

/** Null when `name` can be saved as the display zone; otherwise what to tell the user. */
export function timeZoneProblem(name: string): string | null {
  if ((SPECIAL_ZONES as ReadonlyArray<string>).includes(name)) return null;
  if (canonicalZone(name)) return null;
  const hints = suggestZones(name);
  return (
    `“${name}” is not a time zone name. Choose one from the list` +
    (hints.length ? ` (did you mean ${hints.join(', ')}?)` : ', e.g. Europe/Berlin') +
    ', or “venue” / “local”.'
  );
}
