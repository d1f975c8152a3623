/**
 * Reports: choose what to export, start it, follow the progress, cancel, then open the result
 * (the desktop app saves through the native dialog; headless mode offers a download). The
 * export runs in main; this view only holds the form and the job's small status object.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ExportJob, ReportOptions } from '../../../shared/api/channels/reports';
import type { GateOpsApi } from '../../../shared/api/methods';
import { useFormat } from '../format';
import { ExportStatus } from './reports/export-status';
import {
  ALL,
  formProblem,
  ReportForm,
  toRequest,
  type ReportFormValues,
} from './reports/report-form';
import './reports/reports-view.css';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function ReportsView({ api }: { api: GateOpsApi }) {
  const displayZone = useFormat().zone;
  const [options, setOptions] = useState<ReportOptions | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [values, setValues] = useState<ReportFormValues>({
    format: 'csv',
    eventId: ALL,
    gate: ALL,
    from: '',
    to: '',
    timeZone: displayZone,
    includePii: true,
    bom: false,
  });
  const [job, setJob] = useState<ExportJob | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);

  useEffect(() => {
    let live = true;
    api
      .getReportOptions({})
      .then((o) => {
        if (!live) return;
        setOptions(o);
        // Reopening the view while an export runs: show that one.
        const running = o.jobs.find((j) => j.state === 'running');
        if (running) setJob(running);
      })
      .catch((e: unknown) => live && setLoadError(message(e)));
    return () => {
      live = false;
    };
  }, [api]);

  const jobId = job?.jobId;
  const running = job?.state === 'running';
  useEffect(() => {
    if (!jobId || !running) return;
    return api.onExportProgress({ jobId }, (j) => setJob(j));
  }, [api, jobId, running]);

  const start = useCallback(async () => {
    const problem = formProblem(values);
    if (problem) {
      setError(problem);
      return;
    }
    setError(null);
    setStarting(true);
    try {
      const { job: started } = await api.startExport(toRequest(values));
      if (started) setJob(started);
    } catch (e) {
      setError(message(e));
    } finally {
      setStarting(false);
    }
  }, [api, values]);

  const cancel = useCallback(() => {
    if (jobId) api.cancelExport({ jobId }).catch((e: unknown) => setError(message(e)));
  }, [api, jobId]);

  const state = loadError ? 'error' : !options ? 'loading' : running ? 'running' : 'ready';

  return (
    <div className="view reports" data-testid="reports-view" data-state={state}>
      <div className="toolbar">
        <h2>Attendance reports</h2>
      </div>
      {loadError ? (
        <p className="error" role="alert" data-testid="report-error">
          Reports are not available: {loadError}
        </p>
      ) : null}
      {options ? (
        <>
          <ReportForm
            values={values}
            onChange={setValues}
            onSubmit={() => void start()}
            events={options.events}
            gates={options.gates}
            busy={starting || running}
          />
          <p className="muted">
            {options.delivery === 'save-dialog'
              ? 'You choose where to save the file.'
              : 'The file is prepared here, then offered as a download.'}
          </p>
        </>
      ) : !loadError ? (
        <p className="empty">Loading…</p>
      ) : null}
      {error ? (
        <p className="error" role="alert" data-testid="report-error">
          {error}
        </p>
      ) : null}
      {job ? <ExportStatus job={job} onCancel={cancel} /> : null}
    </div>
  );
}
