/**
 * Expected attendance from a CSV of expected tickets (a ticketing system's export): one row per
 * ticket, with a `ticket_id` column and, if there are several events, `event_id`; a `gate`
 * column, when present, also gives per-gate expectations. Each ticket counts once per event.
 * The file arrives in parts (the headless websocket caps a message at 1 MiB) and is parsed as a
 * stream with csv-parse, so a big export is never held whole.
 */
import { randomUUID } from 'node:crypto';
import { parse, type Parser } from 'csv-parse';
import { ServiceError } from '../../shared/api/define';
import type { ExpectedImportResult } from '../../shared/api/channels/settings';

const TICKET = ['ticket_id', 'ticketid', 'ticket', 'ticket_number', 'barcode'];
const EVENT = ['event_id', 'eventid', 'event'];
const GATE = ['gate', 'entrance', 'gate_id'];
/** A whole file larger than this is refused (a stadium's export is a few MB). */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
const IDLE_MS = 120_000;
const PROBLEMS_KEPT = 10;

const norm = (h: string) =>
  h
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

interface Session {
  readonly parser: Parser;
  readonly fileName: string;
  bytes: number;
  line: number;
  cols: { ticket: number; event: number; gate: number } | null;
  readonly seen: Set<string>;
  readonly events: Map<string, number>;
  readonly gates: Map<string, number>;
  duplicates: number;
  skipped: number;
  readonly problems: string[];
  fatal: string | null;
  timer: ReturnType<typeof setTimeout>;
  readonly ended: Promise<void>;
}

export class ExpectedTicketsImport {
  private readonly sessions = new Map<string, Session>();

  /** `defaultEvent`: the event a file without an event column belongs to (null: ask for one). */
  constructor(private readonly defaultEvent: () => string | null) {}

  private open(fileName: string): { id: string; session: Session } {
    const id = randomUUID();
    const parser = parse({
      relax_column_count: true,
      skip_empty_lines: true,
      bom: true,
      trim: true,
    });
    let finish!: () => void;
    const ended = new Promise<void>((resolve) => (finish = resolve));
    const session: Session = {
      parser,
      fileName,
      bytes: 0,
      line: 0,
      cols: null,
      seen: new Set(),
      events: new Map(),
      gates: new Map(),
      duplicates: 0,
      skipped: 0,
      problems: [],
      fatal: null,
      timer: setTimeout(() => this.drop(id), IDLE_MS),
      ended,
    };
    session.timer.unref?.();
    parser.on('data', (row: string[]) => this.row(session, row));
    parser.on('error', (e: Error) => {
      session.fatal = `not a readable CSV: ${e.message}`;
      finish();
    });
    parser.on('end', () => finish());
    this.sessions.set(id, session);
    return { id, session };
  }

  private row(s: Session, row: string[]): void {
    s.line += 1;
    if (s.fatal) return;
    if (!s.cols) {
      const header = row.map(norm);
      const find = (names: string[]) => header.findIndex((h) => names.includes(h));
      const cols = { ticket: find(TICKET), event: find(EVENT), gate: find(GATE) };
      if (cols.ticket < 0) {
        s.fatal = `the first line must name the columns, with one called ticket_id (found: ${row.slice(0, 8).join(', ') || 'nothing'})`;
        return;
      }
      if (cols.event < 0 && this.defaultEvent() === null) {
        s.fatal =
          'the file has no event_id column and the store does not hold exactly one event: add an event_id column';
        return;
      }
      s.cols = cols;
      return;
    }
    const ticket = (row[s.cols.ticket] ?? '').trim();
    const event =
      s.cols.event >= 0 ? (row[s.cols.event] ?? '').trim() : (this.defaultEvent() ?? '');
    const problem = ticket === '' ? 'no ticket id' : event === '' ? 'no event id' : null;
    if (problem) {
      s.skipped += 1;
      if (s.problems.length < PROBLEMS_KEPT) s.problems.push(`line ${s.line}: ${problem}`);
      return;
    }
    const key = JSON.stringify([event, ticket]);
    if (s.seen.has(key)) {
      s.duplicates += 1;
      return;
    }
    s.seen.add(key);
    s.events.set(event, (s.events.get(event) ?? 0) + 1);
    const gate = s.cols.gate >= 0 ? (row[s.cols.gate] ?? '').trim() : '';
    if (gate !== '') s.gates.set(gate, (s.gates.get(gate) ?? 0) + 1);
  }

  private drop(id: string): void {
    const s = this.sessions.get(id);
    if (!s) return;
    clearTimeout(s.timer);
    s.parser.destroy();
    this.sessions.delete(id);
  }

  /**
   * Takes one part of the file. The first part has no `importId` and gets one back; the last
   * part (`done`) returns the counts. Nothing is saved here: the caller saves the result.
   */
  async part(req: {
    importId?: string | undefined;
    fileName: string;
    text: string;
    done: boolean;
  }): Promise<{ importId: string; result: ExpectedImportResult | null }> {
    let id = req.importId;
    let s = id ? this.sessions.get(id) : undefined;
    if (id && !s)
      throw new ServiceError('not_found', 'that import is no longer open: start it again');
    if (!s) ({ id, session: s } = this.open(req.fileName));
    clearTimeout(s.timer);
    s.timer = setTimeout(() => this.drop(id!), IDLE_MS);
    s.timer.unref?.();
    s.bytes += Buffer.byteLength(req.text);
    if (s.bytes > MAX_IMPORT_BYTES) {
      this.drop(id!);
      throw new ServiceError(
        'bad_request',
        `the file is over ${MAX_IMPORT_BYTES / 1024 / 1024} MB`,
      );
    }
    if (!s.fatal && req.text !== '') s.parser.write(req.text);
    if (!req.done) return { importId: id!, result: null };
    s.parser.end();
    await s.ended;
    this.drop(id!);
    if (s.fatal) throw new ServiceError('bad_request', `${s.fileName}: ${s.fatal}`);
    if (!s.cols) throw new ServiceError('bad_request', `${s.fileName} is empty`);
    if (s.seen.size === 0) throw new ServiceError('bad_request', `${s.fileName} lists no tickets`);
    return {
      importId: id!,
      result: {
        fileName: s.fileName,
        tickets: s.seen.size,
        events: Object.fromEntries(s.events),
        gates: Object.fromEntries(s.gates),
        duplicates: s.duplicates,
        skipped: s.skipped,
        problems: s.problems,
      },
    };
  }
}
