/**
 * What the PDF needs of an open alert. The alert service (dashboard) plugs in through
 * `OpenAlertsSource`; without one a report says "No open alerts".
 */
export interface ReportAlert {
  readonly severity: string;
  readonly title: string;
  readonly detail?: string;
  /** UTC ms the alert was raised. */
  readonly since: number;
}

export type OpenAlertsSource = () =>
  Promise<ReadonlyArray<ReportAlert>> | ReadonlyArray<ReportAlert>;

export const noOpenAlerts: OpenAlertsSource = () => [];
