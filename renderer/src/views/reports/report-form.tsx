/**
 * The export form: format, event, gate, time range, time zone, personal data, BOM. A plain
 * form (Tab through it, Enter starts); times are wall-clock in the chosen zone, which main
 * parses with the same rules as `gate-ops export --from/--to`.
 */
import { useId, type FormEvent } from 'react';
import type { ExportRequestInput, ReportFormat } from '../../../../shared/api/channels/reports';
import { ZoneInput, zoneProblem } from '../../components/zone-input';

export interface ReportFormValues {
  format: ReportFormat;
  eventId: string;
  /** '*' all gates; '' check-ins without a gate. */
  gate: string;
  from: string;
  to: string;
  timeZone: string;
  includePii: boolean;
  bom: boolean;
}

export const ALL = '*';

const FORMATS: ReadonlyArray<{ id: ReportFormat; label: string; hint: string }> = [
  { id: 'csv', label: 'CSV', hint: 'one row per check-in, for any spreadsheet or script' },
  { id: 'xlsx', label: 'Excel', hint: 'check-ins plus summaries by gate, session, device, hour' },
  { id: 'pdf', label: 'PDF', hint: 'printable summary: totals, arrivals per hour, tables' },
];

export function toRequest(v: ReportFormValues): ExportRequestInput {
  return {
    format: v.format,
    filter: {
      ...(v.eventId !== ALL ? { eventId: v.eventId } : {}),
      ...(v.gate !== ALL ? { gate: v.gate } : {}),
      ...(v.from ? { from: v.from } : {}),
      ...(v.to ? { to: v.to } : {}),
    },
    includePii: v.includePii,
    bom: v.format === 'csv' && v.bom,
    timeZone: v.timeZone.trim(),
  };
}

/** A problem the form can show before asking main (main checks again). */
export function formProblem(v: ReportFormValues): string | null {
  if (v.from && v.to && v.from >= v.to) return '“From” must be before “to”.';
  return zoneProblem(v.timeZone, ['local']);
}

export function ReportForm(props: {
  values: ReportFormValues;
  onChange: (values: ReportFormValues) => void;
  onSubmit: () => void;
  events: ReadonlyArray<string>;
  gates: ReadonlyArray<string>;
  busy: boolean;
}) {
  const { values: v, onChange } = props;
  const set = <K extends keyof ReportFormValues>(key: K, value: ReportFormValues[K]) =>
    onChange({ ...v, [key]: value });
  const id = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!props.busy) props.onSubmit();
  };
  return (
    <form className="settings reports-form" onSubmit={submit} data-testid="report-form">
      <fieldset>
        <legend>Format</legend>
        <div className="reports-formats" role="radiogroup" aria-label="Format">
          {FORMATS.map((f) => (
            <label key={f.id} className="row reports-format">
              <input
                type="radio"
                name={`${id}-format`}
                value={f.id}
                checked={v.format === f.id}
                onChange={() => set('format', f.id)}
                data-testid={`report-format-${f.id}`}
              />
              <span>
                <strong>{f.label}</strong> <span className="muted">— {f.hint}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>Which check-ins</legend>
        <div className="reports-grid">
          <label>
            Event
            <select
              value={v.eventId}
              onChange={(e) => set('eventId', e.target.value)}
              data-testid="report-event"
            >
              <option value={ALL}>All events</option>
              {props.events.map((e) => (
                <option key={e} value={e}>
                  {e}
                </option>
              ))}
            </select>
          </label>
          <label>
            Gate
            <select
              value={v.gate}
              onChange={(e) => set('gate', e.target.value)}
              data-testid="report-gate"
            >
              <option value={ALL}>All gates</option>
              {props.gates.map((g) => (
                <option key={g} value={g}>
                  {g === '' ? '(no gate)' : g}
                </option>
              ))}
            </select>
          </label>
          <label>
            Checked in from
            <input
              type="datetime-local"
              step={1}
              value={v.from}
              onChange={(e) => set('from', e.target.value)}
              data-testid="report-from"
            />
          </label>
          <label>
            Checked in before
            <input
              type="datetime-local"
              step={1}
              value={v.to}
              onChange={(e) => set('to', e.target.value)}
              data-testid="report-to"
            />
          </label>
          <ZoneInput
            label="Time zone (times and hours)"
            value={v.timeZone}
            onChange={(z) => set('timeZone', z)}
            special={[{ value: 'local', label: "This computer's" }]}
            testId="report-tz"
          />
        </div>
        <p className="muted">Leave a time empty for no limit. Times are read in the zone chosen.</p>
      </fieldset>
      <fieldset>
        <legend>Options</legend>
        <label className="row">
          <input
            type="checkbox"
            checked={v.includePii}
            onChange={(e) => set('includePii', e.target.checked)}
            data-testid="report-pii"
          />
          Include attendee names and e-mails (personal data)
        </label>
        <label className="row">
          <input
            type="checkbox"
            checked={v.format === 'csv' && v.bom}
            disabled={v.format !== 'csv'}
            onChange={(e) => set('bom', e.target.checked)}
            data-testid="report-bom"
          />
          Byte-order mark for Excel (CSV only)
        </label>
      </fieldset>
      <div className="row">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={props.busy}
          data-testid="report-start"
        >
          Export {FORMATS.find((f) => f.id === v.format)?.label}
        </button>
      </div>
    </form>
  );
}
