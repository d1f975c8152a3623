/**
 * The shift log: notes for the next supervisor, from every laptop of the venue, newest first.
 * Notes are never edited: "Correct" writes a new note that points at the old one, which stays,
 * marked as corrected.
 */
import { useState } from 'react';
import type { GateOpsApi } from '../../../shared/api/methods';
import { NOTE_MAX_CHARS, type NotesList } from '../../../shared/api/channels/sync';
import { useWatch } from '../hooks/use-watch';
import { useFormat } from '../format';
import './team-view.css';

export function LogView({ api }: { api: GateOpsApi }) {
  const fmt = useFormat();
  const list = useWatch<NotesList>((l) => api.watchNotes({ limit: 500 }, l), 'notes');
  const [text, setText] = useState('');
  const [gate, setGate] = useState('');
  const [corrects, setCorrects] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const byId = new Map((list?.notes ?? []).map((n) => [n.id, n]));
  const submit = () => {
    setBusy(true);
    setError(null);
    api
      .addNote({ text, gate: gate.trim(), corrects })
      .then(() => {
        setText('');
        setCorrects(null);
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => setBusy(false));
  };
  if (list && !list.available) {
    return <p className="muted">This store has no shift log.</p>;
  }
  return (
    <section className="log-view" data-testid="log-view">
      <h1>Shift log</h1>
      <form
        className="log-form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        {corrects && (
          <p>
            Correcting the note of {byId.get(corrects)?.author ?? '?'} at{' '}
            {fmt.when(byId.get(corrects)?.at ?? null)}{' '}
            <button type="button" onClick={() => setCorrects(null)}>
              Cancel
            </button>
          </p>
        )}
        <textarea
          data-testid="note-text"
          value={text}
          maxLength={NOTE_MAX_CHARS}
          onChange={(e) => setText(e.target.value)}
          placeholder="What the next shift should know"
          aria-label="note"
        />
        <div className="row">
          <label>
            Gate (optional){' '}
            <input data-testid="note-gate" value={gate} onChange={(e) => setGate(e.target.value)} />
          </label>
          <span className="muted">
            {text.length} / {NOTE_MAX_CHARS}
          </span>
          <button type="submit" data-testid="note-add" disabled={busy || text.trim() === ''}>
            {corrects ? 'Add correction' : 'Add note'}
          </button>
        </div>
        {error && (
          <p role="alert" className="team-error">
            {error}
          </p>
        )}
      </form>
      {list && list.notes.length === 0 && <p className="muted">No notes yet.</p>}
      <ol className="log-list" data-testid="log-list">
        {(list?.notes ?? []).map((n) => (
          <li
            key={n.id}
            className={`log-note${n.correctedBy.length > 0 ? ' corrected' : ''}`}
            data-testid="log-note"
          >
            <div className="meta">
              {fmt.when(n.at)} · {n.author}
              {n.gate && ` · ${n.gate}`}
              {n.corrects &&
                ` · corrects the note of ${fmt.when(byId.get(n.corrects)?.at ?? null)}`}
              {n.correctedBy.length > 0 && ' · corrected below'}{' '}
              <button type="button" onClick={() => setCorrects(n.id)}>
                Correct
              </button>
            </div>
            <p>{n.text}</p>
          </li>
        ))}
      </ol>
      {list && list.omitted > 0 && <p className="muted">{list.omitted} older notes not shown.</p>}
    </section>
  );
}
