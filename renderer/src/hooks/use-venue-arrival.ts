import { useEffect, useState } from 'react';
import type { GateOpsApi } from '../../../shared/api/methods';

/**
 * When data last arrived over the venue sync (a peer's check-ins, acknowledgements or notes), so
 * the banner's "data as of" counts it on a laptop fed by the venue (no relay link of its own, or
 * its relay cut). Only that number is kept: the sync status is pushed every few seconds, and
 * the window re-renders only when the time changes.
 */
export function useVenueArrival(api: GateOpsApi): number | null {
  const [at, setAt] = useState<number | null>(null);
  useEffect(() => api.watchSyncStatus({}, (s) => setAt(s.lastArrivalAt)), [api]);
  return at;
}

/** The later of two "as of" times (either may be unknown). */
export function laterOf(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined) return b ?? null;
  if (b === null || b === undefined) return a;
  return Math.max(a, b);
}
