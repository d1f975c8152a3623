/**
 * Progress toward the expected attendance on the Overview: the share checked in, a bar, and at
 * the rate of the last 15 minutes when 90 % and 100 % will be reached. Without expectations it
 * says so (and where to set them), never "0 %".
 */
import type { CSSProperties } from 'react';
import type { Progress } from '../../../shared/api/channels/activity';
import { num, rate, useFormat } from '../format';

export function ProgressCard({ progress }: { progress: Progress }) {
  const fmt = useFormat();
  const t = progress.total;
  if (!t) {
    return (
      <section
        className="stat stat-progress"
        style={{ '--stat-chars': 6 } as CSSProperties}
        aria-label="Expected attendance"
        data-testid="progress-card"
      >
        <h3>Expected</h3>
        <div
          className="stat-value stat-none"
          data-testid="progress-percent"
          data-configured="false"
        >
          Not set
        </div>
        <div className="stat-sub">Set it in Settings (9) or import a CSV of tickets.</div>
      </section>
    );
  }
  const when = (at: number | null, pct: number) =>
    t.percent >= pct ? 'reached' : at === null ? 'not at this rate' : `~${fmt.when(at)}`;
  const events = progress.events.filter((e) => e.expected !== null);
  const percent = `${t.percent.toLocaleString(undefined, { maximumFractionDigits: 1 })} %`;
  return (
    <section
      className="stat stat-progress"
      style={{ '--stat-chars': percent.length } as CSSProperties}
      aria-label="Expected attendance"
      data-testid="progress-card"
      title={events
        .map((e) => `${e.eventId}: ${num(e.admitted)} of ${num(e.expected ?? 0)} (${e.percent} %)`)
        .join('\n')}
    >
      <h3>Of expected</h3>
      <div className="stat-value" data-testid="progress-percent" data-configured="true">
        {percent}
      </div>
      <div className="progress-bar" aria-hidden>
        <span style={{ width: `${Math.min(100, t.percent)}%` }} />
        <i style={{ left: '90%' }} />
      </div>
      <div className="stat-sub" data-testid="progress-detail">
        {num(t.admitted)} of {num(t.expected)} · {rate(t.ratePerMin)}/min
      </div>
      <div className="stat-sub" data-testid="progress-eta">
        90 %: {when(t.eta90, 90)} · 100 %: {when(t.eta100, 100)}
      </div>
    </section>
  );
}
