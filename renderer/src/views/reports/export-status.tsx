/** A job's progress bar with Cancel, then its result: where it was saved, or the download. */
import { useEffect, useRef } from 'react';
import type { ExportJob } from '../../../../shared/api/channels/reports';
import { num } from '../../format';

/** Headless mode: the download route checks the run's token like the API does. */
function downloadHref(url: string): string {
  let token: string | null = null;
  try {
    token = sessionStorage.getItem('gate-ops-token');
  } catch {
    /* storage blocked: the link still works if the host does not ask for the token */
  }
  return token ? `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}` : url;
}

function size(bytes: number | null): string {
  if (bytes === null) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function ExportStatus({ job, onCancel }: { job: ExportJob; onCancel: () => void }) {
  // When the job ends, move focus to its result (the download link or the message), which also
  // scrolls it into view: keyboard users press Enter once more to download.
  const resultRef = useRef<HTMLElement | null>(null);
  useEffect(() => {
    if (job.state !== 'running') resultRef.current?.focus();
  }, [job.state]);
  const pct = job.rowsTotal === 0 ? 0 : Math.min(100, (job.rowsDone / job.rowsTotal) * 100);
  if (job.state === 'running') {
    return (
      <section className="panel reports-status" aria-live="polite" data-testid="report-running">
        <h3>Exporting {job.fileName}</h3>
        <progress
          max={Math.max(1, job.rowsTotal)}
          {...(job.phase === 'counting' ? {} : { value: job.rowsDone })}
          aria-label="Export progress"
          data-testid="report-progress"
        />
        <div className="row">
          <span
            className="grow"
            data-testid="report-progress-text"
            data-phase={job.phase ?? 'reading'}
          >
            {job.phase === 'counting'
              ? 'Counting the check-ins to export…'
              : job.phase === 'writing'
                ? `All ${num(job.rowsDone)} check-ins read; writing the ${job.format.toUpperCase()}…`
                : `${num(job.rowsDone)} of ${num(job.rowsTotal)} check-ins (${Math.floor(pct)}%)`}
          </span>
          <button type="button" className="btn" onClick={onCancel} data-testid="report-cancel">
            Cancel
          </button>
        </div>
      </section>
    );
  }
  if (job.state === 'done') {
    return (
      <section className="panel reports-status" role="status" data-testid="report-result">
        <h3 className="good-text">
          Done: {num(job.rowsDone)} check-ins {size(job.bytes) ? `(${size(job.bytes)})` : ''}
        </h3>
        {job.path ? (
          <p
            tabIndex={-1}
            ref={(el) => {
              resultRef.current = el;
            }}
          >
            Saved to <code data-testid="report-path">{job.path}</code>
          </p>
        ) : job.downloadUrl ? (
          <p>
            <a
              ref={(el) => {
                resultRef.current = el;
              }}
              className="btn btn-primary"
              href={downloadHref(job.downloadUrl)}
              download={job.fileName}
              data-testid="report-download"
            >
              Download {job.fileName}
            </a>
          </p>
        ) : null}
      </section>
    );
  }
  return (
    <section
      className="panel reports-status"
      role="status"
      data-testid="report-result"
      tabIndex={-1}
      ref={(el) => {
        resultRef.current = el;
      }}
    >
      {job.state === 'cancelled' ? (
        <p className="warn-text" data-testid="report-cancelled">
          Export cancelled after {num(job.rowsDone)} check-ins. No file was written.
        </p>
      ) : (
        <p className="bad-text" data-testid="report-failed">
          The export failed: {job.error ?? 'unknown error'}. No file was written.
        </p>
      )}
    </section>
  );
}
