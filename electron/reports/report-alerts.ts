/**
 * What a report says beyond its rows: the alerts open when it was made, the relay outages,
 * the quarantine / conflict totals and the shift log. Hosts with a running dashboard plug in its alerts and
 * outages; `gate-ops export` reads outages and totals from the store (storeReportContext).
 * Re-entries are not taken from here: the report counts them from its own rows, so a gate's
 * report lists that gate's re-entries only.
 */
import type { CheckInRange } from '../db';
import type { ReportNote } from './report-notes';

export interface ReportAlert {
  readonly severity: string;
  readonly title: string;
  readonly detail?: string;
  /** UTC ms the alert was raised. */
  readonly since: number;
  readonly kind?: string;
  /** The gate it is about; absent: the whole venue (the relay link, storage). */
  readonly gate?: string;
}

export interface ReportOutage {
  readonly from: number;
  readonly to: number | null;
  readonly caughtUp: number;
  readonly reason?: string;
}

export interface ReportContext {
  readonly openAlerts: ReadonlyArray<ReportAlert>;
  readonly outages: ReadonlyArray<ReportOutage>;
  /** Store-wide counts (quarantine and conflicts belong to no gate); null: not known. */
  readonly totals: {
    readonly quarantined: number;
    readonly conflicts: number;
    readonly redelivered: number;
  } | null;
  /** The whole shift log (the report picks its period's notes); absent: not known here. */
  readonly notes?: ReadonlyArray<ReportNote>;
}

export type OpenAlertsSource = () =>
  Promise<ReadonlyArray<ReportAlert>> | ReadonlyArray<ReportAlert>;
export type ReportContextSource = () => Promise<ReportContext> | ReportContext;

export const noOpenAlerts: OpenAlertsSource = () => [];
export const EMPTY_CONTEXT: ReportContext = { openAlerts: [], outages: [], totals: null };

/**
 * The open alerts a report with this filter should list: about its gate or the whole venue,
 * never re-entries (counted from the rows), and only when the report reaches up to now.
 */
export function alertsForReport(
  alerts: ReadonlyArray<ReportAlert>,
  range: CheckInRange,
  generatedAt: number,
): ReportAlert[] {
  if (range.to !== undefined && range.to <= generatedAt - 60 * 60_000) return [];
  return alerts.filter(
    (a) =>
      a.kind !== 'reentry' &&
      (range.gate === undefined || a.gate === undefined || a.gate === range.gate),
  );
}

/** Outages that overlap the report's time range. */
export function outagesForReport(
  outages: ReadonlyArray<ReportOutage>,
  range: CheckInRange,
  generatedAt: number,
): ReportOutage[] {
  const from = range.from ?? -Infinity;
  const to = range.to ?? Infinity;
  return outages
    .filter((o) => o.from < to && (o.to ?? generatedAt) > from)
    .sort((a, b) => a.from - b.from);
}
