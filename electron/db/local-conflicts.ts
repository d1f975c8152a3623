/**
 * What one laptop knows about its conflicts that the conflict itself does not say: its arrival
 * number here, when it arrived, the relay's stamp, and how it came (this laptop's relay, another
 * laptop over venue sync, or this laptop's own check-in replaced by the hub's version). Never
 * synced: one plain SQLite table in the store's own file, next to LocalCheckIns, written in the
 * same transaction as the documents it describes where the writer has one (ingest).
 *
 * Arrival numbers only grow: a conflict from the relay keeps its ingest sequence when that is
 * higher than every number given so far, anything else gets the next one. So "everything above
 * the acknowledged mark" (the alert backlog) also covers conflicts that came from a peer.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { Subject, type Observable } from 'rxjs';

export type ConflictOrigin = 'relay' | 'peer' | 'resolved';
const ORIGIN_CODE: Readonly<Record<ConflictOrigin, number>> = { relay: 0, peer: 1, resolved: 2 };
const ORIGINS: readonly ConflictOrigin[] = ['relay', 'peer', 'resolved'];

export interface ConflictFacts {
  readonly id: string;
  readonly receivedAt: number;
  readonly relaySeq: string | null;
  readonly origin: ConflictOrigin;
  /** The ingest sequence (relay) or the v0 document's number (migration); default: next. */
  readonly seq?: number;
}

export interface LocalConflictRow {
  readonly seq: number;
  readonly id: string;
  readonly receivedAt: number;
  readonly relaySeq: string | null;
  readonly origin: ConflictOrigin;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS conflict_local (
  id TEXT PRIMARY KEY NOT NULL,
  seq INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  relay_seq TEXT,
  origin INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS conflict_local_seq ON conflict_local (seq);
`;

type SqlRow = Record<string, unknown>;

function toRow(r: SqlRow): LocalConflictRow {
  return {
    seq: Number(r['seq']),
    id: String(r['id']),
    receivedAt: Number(r['received_at']),
    relaySeq: r['relay_seq'] === null ? null : String(r['relay_seq']),
    origin: ORIGINS[Number(r['origin'])] ?? 'relay',
  };
}

export class LocalConflicts {
  private readonly changed = new Subject<ReadonlyArray<LocalConflictRow>>();
  private readonly statements = new Map<string, StatementSync>();
  /** Fires after each commit that recorded conflicts (see `publish`), with the new rows. */
  readonly changes$: Observable<ReadonlyArray<LocalConflictRow>> = this.changed.asObservable();

  constructor(readonly sql: DatabaseSync) {
    sql.exec(SCHEMA);
  }

  private stmt(sql: string): StatementSync {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.sql.prepare(sql);
      s.setReadBigInts(false);
      this.statements.set(sql, s);
    }
    return s;
  }

  /**
   * Records facts for conflicts not known here yet (an id already recorded keeps its facts).
   * Returns the rows recorded. Call inside the transaction that stores the documents.
   */
  record(facts: ReadonlyArray<ConflictFacts>): LocalConflictRow[] {
    const out: LocalConflictRow[] = [];
    if (facts.length === 0) return out;
    const known = this.has(facts.map((f) => f.id));
    let last = this.lastSeq();
    const insert = this.stmt(
      'INSERT INTO conflict_local (id, seq, received_at, relay_seq, origin) VALUES (?, ?, ?, ?, ?)',
    );
    for (const f of facts) {
      if (known.has(f.id)) continue;
      known.add(f.id);
      const seq = Math.max(f.seq ?? 0, last + 1);
      last = seq;
      insert.run(f.id, seq, f.receivedAt, f.relaySeq, ORIGIN_CODE[f.origin]);
      out.push({ seq, id: f.id, receivedAt: f.receivedAt, relaySeq: f.relaySeq, origin: f.origin });
    }
    return out;
  }

  /**
   * The facts of a conflict the v0 → v1 migration merged into one (the same conflict stored
   * twice): the earliest arrival is kept.
   */
  keepEarliest(facts: ConflictFacts & { seq: number }): void {
    this.stmt(
      'INSERT INTO conflict_local (id, seq, received_at, relay_seq, origin) VALUES (?, ?, ?, ?, ?)' +
        ' ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, received_at = excluded.received_at,' +
        ' relay_seq = excluded.relay_seq, origin = excluded.origin WHERE excluded.seq < seq',
    ).run(facts.id, facts.seq, facts.receivedAt, facts.relaySeq, ORIGIN_CODE[facts.origin]);
  }

  /** Ids of `ids` that have facts. */
  has(ids: readonly string[]): Set<string> {
    const out = new Set<string>();
    const one = this.stmt('SELECT 1 FROM conflict_local WHERE id = ?');
    for (const id of ids) if (one.get(id) !== undefined) out.add(id);
    return out;
  }

  get(ids: readonly string[]): Map<string, LocalConflictRow> {
    const out = new Map<string, LocalConflictRow>();
    const one = this.stmt('SELECT * FROM conflict_local WHERE id = ?');
    for (const id of ids) {
      const r = one.get(id) as SqlRow | undefined;
      if (r) out.set(id, toRow(r));
    }
    return out;
  }

  count(): number {
    return Number((this.stmt('SELECT count(*) AS n FROM conflict_local').get() as SqlRow)['n']);
  }

  lastSeq(): number {
    const r = this.stmt('SELECT max(seq) AS s FROM conflict_local').get() as SqlRow;
    return r['s'] === null ? 0 : Number(r['s']);
  }

  /** The newest arrival (null when none). */
  newest(): LocalConflictRow | null {
    const r = this.stmt('SELECT * FROM conflict_local ORDER BY seq DESC LIMIT 1').get() as
      SqlRow | undefined;
    return r ? toRow(r) : null;
  }

  /** A page, newest arrival first. */
  page(offset: number, limit: number): LocalConflictRow[] {
    return (
      this.stmt('SELECT * FROM conflict_local ORDER BY seq DESC LIMIT ? OFFSET ?').all(
        limit,
        offset,
      ) as SqlRow[]
    ).map(toRow);
  }

  /** How many arrived after `mark`, and the first of them. */
  after(mark: number): { count: number; first: LocalConflictRow | null } {
    const n = this.stmt('SELECT count(*) AS n FROM conflict_local WHERE seq > ?').get(
      mark,
    ) as SqlRow;
    const first = this.stmt('SELECT * FROM conflict_local WHERE seq > ? ORDER BY seq LIMIT 1').get(
      mark,
    ) as SqlRow | undefined;
    return { count: Number(n['n']), first: first ? toRow(first) : null };
  }

  /** After the commit that recorded `rows`: the activity model and the lists may follow. */
  publish(rows: ReadonlyArray<LocalConflictRow>): void {
    if (rows.length > 0) this.changed.next(rows);
  }

  close(): void {
    this.changed.complete();
  }
}
