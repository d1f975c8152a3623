/**
 * Expected attendance in Settings: a number per event (and optionally per gate), typed in or
 * imported from a CSV of expected tickets. The import goes to main in parts (the headless
 * link caps a message at 1 MiB) and saves at once; typed numbers are saved with the form.
 */
import { useRef, useState } from 'react';
import type { Progress } from '../../../../shared/api/channels/activity';
import type { GateOpsApi } from '../../../../shared/api/methods';
import type { CapacitySettings } from '../../../../shared/settings';
import { num, useFormat } from '../../format';

const PART = 256 * 1024;

async function uploadCsv(api: GateOpsApi, file: File): Promise<string> {
  const text = await file.text();
  let importId: string | undefined;
  for (let at = 0; ; at += PART) {
    const done = at + PART >= text.length;
    const res = await api.importExpectedTickets({
      ...(importId ? { importId } : {}),
      fileName: file.name.slice(0, 256),
      text: text.slice(at, at + PART),
      done,
    });
    importId = res.importId;
    if (done) {
      const r = res.result;
      if (!r) return 'Imported.';
      const events = Object.entries(r.events)
        .map(([e, n]) => `${e}: ${num(n)}`)
        .join(', ');
      return (
        `Imported ${num(r.tickets)} expected tickets from ${r.fileName} (${events})` +
        (Object.keys(r.gates).length ? `, ${Object.keys(r.gates).length} gates` : '') +
        (r.duplicates ? `; ${num(r.duplicates)} duplicates counted once` : '') +
        (r.skipped
          ? `; ${num(r.skipped)} rows skipped (${r.problems.slice(0, 3).join('; ')})`
          : '') +
        '.'
      );
    }
  }
}

export function CapacityFields(props: {
  api: GateOpsApi;
  value: CapacitySettings;
  onChange: (value: CapacitySettings) => void;
  progress: Progress | undefined;
  gates: ReadonlyArray<string>;
  /** Kept by the owner: an import saves at once and the form starts over with the new values. */
  status: { ok: boolean; text: string } | null;
  setStatus: (status: { ok: boolean; text: string } | null) => void;
}) {
  const { api, value, onChange, progress } = props;
  const fmt = useFormat();
  const file = useRef<HTMLInputElement>(null);
  const { status, setStatus } = props;
  const [busy, setBusy] = useState(false);
  const [newGate, setNewGate] = useState('');
  const events = [
    ...new Set([...(progress?.events.map((e) => e.eventId) ?? []), ...Object.keys(value.events)]),
  ];
  const admitted = (eventId: string) =>
    progress?.events.find((e) => e.eventId === eventId)?.admitted ?? 0;
  const setEvent = (eventId: string, text: string) => {
    const n = Math.floor(Number(text));
    const events = { ...value.events };
    if (text.trim() === '' || !Number.isFinite(n) || n <= 0) delete events[eventId];
    else events[eventId] = n;
    onChange({ ...value, events });
  };
  const setGate = (gate: string, text: string | null) => {
    const gates = { ...value.gates };
    const n = text === null ? NaN : Math.floor(Number(text));
    if (text === null || !Number.isFinite(n) || n <= 0) delete gates[gate];
    else gates[gate] = n;
    onChange({ ...value, gates });
  };
  const onFile = async (f: File | undefined) => {
    if (!f) return;
    setBusy(true);
    setStatus(null);
    try {
      setStatus({ ok: true, text: await uploadCsv(api, f) });
    } catch (e) {
      setStatus({ ok: false, text: `Not imported: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      setBusy(false);
      if (file.current) file.current.value = '';
    }
  };
  return (
    <fieldset data-testid="settings-capacity">
      <legend>Expected attendance</legend>
      <p className="muted">
        Tickets expected per event: the Overview shows the share checked in and, at the current
        rate, when 90 % and 100 % will be reached.
        {value.source
          ? ` Last import: ${value.source.fileName}, ${num(value.source.tickets)} tickets, ${fmt.when(value.source.importedAt)}.`
          : ''}
      </p>
      {events.length === 0 ? (
        <p className="muted">No event seen yet: import a CSV, or wait for the first check-in.</p>
      ) : (
        <table className="table capacity-table">
          <thead>
            <tr>
              <th>Event</th>
              <th className="num">Checked in</th>
              <th>Expected</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e}>
                <td>
                  <span className="id" title={e}>
                    {e}
                  </span>
                </td>
                <td className="num">{num(admitted(e))}</td>
                <td>
                  <input
                    type="number"
                    min={1}
                    max={10_000_000}
                    aria-label={`Expected attendance for ${e}`}
                    placeholder="not set"
                    value={value.events[e] ?? ''}
                    onChange={(ev) => setEvent(e, ev.target.value)}
                    data-testid="capacity-event"
                    data-event={e}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <details open={Object.keys(value.gates).length > 0}>
        <summary>Per gate (optional)</summary>
        {Object.entries(value.gates).map(([gate, n]) => (
          <div className="row" key={gate}>
            <span className="grow">{gate}</span>
            <input
              type="number"
              min={1}
              aria-label={`Expected through gate ${gate}`}
              value={n}
              onChange={(e) => setGate(gate, e.target.value)}
            />
            <button type="button" className="btn" onClick={() => setGate(gate, null)}>
              Remove
            </button>
          </div>
        ))}
        <div className="row">
          <select
            value={newGate}
            onChange={(e) => setNewGate(e.target.value)}
            aria-label="Gate to set an expectation for"
          >
            <option value="">Add a gate…</option>
            {props.gates
              .filter((g) => g !== '' && value.gates[g] === undefined)
              .map((g) => (
                <option key={g} value={g}>
                  {g}
                </option>
              ))}
          </select>
          <button
            type="button"
            className="btn"
            disabled={newGate === ''}
            onClick={() => {
              setGate(newGate, '1000');
              setNewGate('');
            }}
          >
            Add
          </button>
        </div>
      </details>
      <div className="row">
        <label className="btn file-btn">
          {busy ? 'Importing…' : 'Import CSV of expected tickets…'}
          <input
            ref={file}
            type="file"
            accept=".csv,text/csv"
            disabled={busy}
            onChange={(e) => void onFile(e.target.files?.[0])}
            data-testid="capacity-csv"
          />
        </label>
        <span className="muted">
          Columns: ticket_id, and event_id (and gate) when there are several.
        </span>
      </div>
      {status ? (
        <p
          className={status.ok ? 'good-text' : 'error'}
          role="status"
          data-testid="capacity-status"
        >
          {status.text}
        </p>
      ) : null}
    </fieldset>
  );
}
