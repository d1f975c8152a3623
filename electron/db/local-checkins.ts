/**
 * What one laptop knows about its check-ins that the event does not say: arrival order here,
 * received time, the relay's sequence stamp, where the document came from, and the re-entry
 * flag. Never synced, so not an RxDB collection: three plain SQLite tables in the store's own
 * file, written inside the same transaction as the documents they describe (about 150 bytes a
 * check-in, against ~400 for an RxDB document with its revision and index columns).
 *
 * Re-entry is decided by `(checkedInAt, id)` order per ticket, the same on every laptop: a
 * check-in is a re-entry iff its ticket has a stored check-in that sorts before it. `ticket_first`
 * holds each ticket's first; when an earlier scan arrives later (a late upload, or from a peer)
 * the old first becomes a re-entry, recorded in `checkin_flips` so the activity model, which
 * folded it as a first scan, can follow.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { Subject, type Observable } from 'rxjs';
import type { CheckInRow } from '../../shared/api/channels/checkins';
import { checkInDetails } from '../../shared/contract';
import type { CheckInDoc } from './collections/checkins';

export type CheckInOrigin = 'relay' | 'peer' | 'migrated';
const ORIGIN_CODE: Readonly<Record<CheckInOrigin, number>> = { relay: 0, peer: 1, migrated: 2 };
const ORIGINS: readonly CheckInOrigin[] = ['relay', 'peer', 'migrated'];

export interface LocalFacts {
  readonly receivedAt: number;
  /** The relay's `sequence` stamp, when it came from a relay that stamps. */
  readonly relaySeq: string | null;
  readonly origin: CheckInOrigin;
  /** Arrival order to keep (the v0 migration keeps the old numbers); default: next. */
  readonly seq?: number;
}

export interface LocalRow {
  /** Arrival order on this laptop. */
  readonly seq: number;
  readonly id: string;
  readonly receivedAt: number;
  readonly relaySeq: string | null;
  readonly origin: CheckInOrigin;
  readonly reentry: boolean;
}

/** What a committed transaction changed, in order: new rows first, then flips. */
export interface LocalChange {
  /** The new check-ins' documents, in the order of `rows`. */
  readonly docs: ReadonlyArray<Readonly<CheckInDoc>>;
  /** New check-ins with the re-entry flag they got when stored. */
  readonly rows: ReadonlyArray<CheckInRow>;
  /** Check-ins stored earlier (or earlier in this change) that have just become re-entries. */
  readonly flips: ReadonlyArray<CheckInRow & { readonly flip: number }>;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS checkin_local (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  received_at INTEGER NOT NULL,
  relay_seq TEXT,
  origin INTEGER NOT NULL,
  reentry INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS checkin_local_reentries ON checkin_local (seq) WHERE reentry = 1;
CREATE TABLE IF NOT EXISTS ticket_first (
  ticket_id TEXT PRIMARY KEY NOT NULL,
  id TEXT NOT NULL,
  checked_in_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkin_flips (n INTEGER PRIMARY KEY, id TEXT NOT NULL);
`;

/**
 * How many rows `checkin_local` holds, kept by `record()` (the only writer of the table) in the
 * writing transaction, one update a batch (so a rolled-back batch is not counted): count(*) walks
 * a million-entry index, and venue sync's status asks every 2 s (up to 150 ms a time at 1M
 * stored). A file without it gets it counted once. (A trigger per row cost ingest more than the
 * count saved; a file that got those triggers from an earlier build loses them here.)
 */
const COUNTER = `
SAVEPOINT checkin_local_counter;
CREATE TABLE IF NOT EXISTS checkin_local_count (one INTEGER PRIMARY KEY CHECK (one = 1), n INTEGER NOT NULL);
DROP TRIGGER IF EXISTS checkin_local_counted;
DROP TRIGGER IF EXISTS checkin_local_uncounted;
INSERT INTO checkin_local_count (one, n)
  SELECT 1, (SELECT count(*) FROM checkin_local) WHERE NOT EXISTS (SELECT 1 FROM checkin_local_count);
RELEASE checkin_local_counter;
`;

function keepsCount(sql: DatabaseSync): boolean {
  try {
    sql.exec(COUNTER);
    return true;
  } catch (error) {
    // A read-only connection (stats, export) on a file from before the counter: count(*) then.
    try {
      sql.exec('ROLLBACK TO checkin_local_counter; RELEASE checkin_local_counter');
    } catch {
      // No savepoint left open (it failed at its first statement).
    }
    if (!/readonly/i.test(String(error))) throw error;
    return false;
  }
}

/** A row of `checkin_local` as node:sqlite returns it. */
type SqlRow = Record<string, unknown>;

function toLocal(r: SqlRow): LocalRow {
  return {
    seq: Number(r['seq']),
    id: String(r['id']),
    receivedAt: Number(r['received_at']),
    relaySeq: r['relay_seq'] === null ? null : String(r['relay_seq']),
    origin: ORIGINS[Number(r['origin'])] ?? 'relay',
    reentry: r['reentry'] === 1,
  };
}

/** The row a view shows: the document's fields and details with this laptop's facts. */
export function checkInRow(doc: Readonly<CheckInDoc>, local: LocalRow): CheckInRow {
  const d = checkInDetails(doc.event);
  const row: CheckInRow = {
    id: doc.id,
    ingestSeq: local.seq,
    ticketId: doc.ticketId,
    checkInId: d.checkInId,
    gate: doc.gate,
    deviceId: doc.deviceId,
    sessionId: doc.sessionId,
    productId: d.productId,
    eventId: doc.eventId,
    checkedInAt: doc.checkedInAt,
    occurredAt: d.occurredAt,
    receivedAt: local.receivedAt,
    reentry: local.reentry,
  };
  if (d.attendeeName !== undefined) row.attendeeName = d.attendeeName;
  if (d.attendeeEmail !== undefined) row.attendeeEmail = d.attendeeEmail;
  if (d.time !== undefined) row.time = d.time;
  return row;
}

export class LocalCheckIns {
  private readonly insert: StatementSync;
  private readonly firstOf: StatementSync;
  private readonly insertFirst: StatementSync;
  private readonly updateFirst: StatementSync;
  private readonly markReentry: StatementSync;
  private readonly insertFlip: StatementSync;
  private readonly byIds: StatementSync;
  private readonly statements = new Map<string, StatementSync>();
  private readonly changed = new Subject<LocalChange>();
  /** Fires after each commit that stored check-ins (see `publish`). */
  readonly changes$: Observable<LocalChange> = this.changed.asObservable();

  /** Whether `checkin_local_count` is kept (not on a read-only file written before it). */
  private readonly counted: boolean;
  private readonly addCount: StatementSync | null;

  constructor(readonly sql: DatabaseSync) {
    sql.exec(SCHEMA);
    this.counted = keepsCount(sql);
    this.addCount = this.counted ? sql.prepare('UPDATE checkin_local_count SET n = n + ?') : null;
    this.insert = sql.prepare(
      'INSERT INTO checkin_local (seq, id, received_at, relay_seq, origin, reentry) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.firstOf = sql.prepare('SELECT id, checked_in_at FROM ticket_first WHERE ticket_id = ?');
    this.insertFirst = sql.prepare(
      'INSERT INTO ticket_first (ticket_id, id, checked_in_at) VALUES (?, ?, ?)',
    );
    this.updateFirst = sql.prepare(
      'UPDATE ticket_first SET id = ?, checked_in_at = ? WHERE ticket_id = ?',
    );
    this.markReentry = sql.prepare('UPDATE checkin_local SET reentry = 1 WHERE id = ?');
    this.insertFlip = sql.prepare('INSERT INTO checkin_flips (id) VALUES (?)');
    this.byIds = sql.prepare(
      'SELECT seq, id, received_at, relay_seq, origin, reentry FROM checkin_local' +
        ' WHERE id IN (SELECT value FROM json_each(?))',
    );
    for (const s of [this.firstOf, this.byIds]) s.setReadBigInts(false);
  }

  /**
   * Records new documents (none of them stored before) with their local facts, deciding each
   * one's re-entry flag; run it inside the transaction that stores the documents. Returns the
   * flags as stored and the ids of earlier check-ins that became re-entries (in flip order).
   */
  record(
    docs: ReadonlyArray<Readonly<CheckInDoc>>,
    facts: (doc: Readonly<CheckInDoc>, index: number) => LocalFacts,
  ): { locals: LocalRow[]; flipped: Array<{ id: string; flip: number }> } {
    const locals: LocalRow[] = [];
    const flipped: Array<{ id: string; flip: number }> = [];
    for (let i = 0; i < docs.length; i++) {
      const doc = docs[i]!;
      const f = facts(doc, i);
      const first = this.firstOf.get(doc.ticketId) as SqlRow | undefined;
      let reentry = false;
      if (first === undefined) {
        this.insertFirst.run(doc.ticketId, doc.id, doc.checkedInAt);
      } else {
        const at = Number(first['checked_in_at']);
        const firstId = String(first['id']);
        if (at < doc.checkedInAt || (at === doc.checkedInAt && firstId < doc.id)) {
          reentry = true;
        } else {
          // This scan is earlier than the ticket's first so far: the old first is a re-entry now.
          this.updateFirst.run(doc.id, doc.checkedInAt, doc.ticketId);
          this.markReentry.run(firstId);
          const { lastInsertRowid } = this.insertFlip.run(firstId);
          flipped.push({ id: firstId, flip: Number(lastInsertRowid) });
        }
      }
      const { lastInsertRowid } = this.insert.run(
        f.seq ?? null,
        doc.id,
        f.receivedAt,
        f.relaySeq,
        ORIGIN_CODE[f.origin],
        reentry ? 1 : 0,
      );
      locals.push({
        seq: Number(lastInsertRowid),
        id: doc.id,
        receivedAt: f.receivedAt,
        relaySeq: f.relaySeq,
        origin: f.origin,
        reentry,
      });
    }
    if (docs.length > 0) this.addCount?.run(docs.length);
    return { locals, flipped };
  }

  /** Local facts of the given check-ins (those that have them). */
  get(ids: readonly string[]): Map<string, LocalRow> {
    const out = new Map<string, LocalRow>();
    if (ids.length === 0) return out;
    for (const r of this.byIds.all(JSON.stringify(ids)) as SqlRow[])
      out.set(String(r['id']), toLocal(r));
    return out;
  }

  /** Check-ins stored here (rows of `checkin_local`). */
  count(): number {
    return this.counted
      ? this.scalar('count', 'SELECT n FROM checkin_local_count')
      : this.scalar('count', 'SELECT count(*) FROM checkin_local');
  }

  /** Tickets checked in at least once. */
  ticketCount(): number {
    return this.scalar('tickets', 'SELECT count(*) FROM ticket_first');
  }

  reentryCount(): number {
    return this.scalar('reentries', 'SELECT count(*) FROM checkin_local WHERE reentry = 1');
  }

  /** The highest arrival number (0 when empty). */
  lastSeq(): number {
    return this.scalar('last', 'SELECT coalesce(max(seq), 0) FROM checkin_local');
  }

  /** The highest flip number (0 when none). */
  lastFlip(): number {
    return this.scalar('lastFlip', 'SELECT coalesce(max(n), 0) FROM checkin_flips');
  }

  /** Rows after `afterSeq` in arrival order, `limit` at a time. */
  rowsAfter(afterSeq: number, limit: number): LocalRow[] {
    const s = this.cached(
      'after',
      'SELECT seq, id, received_at, relay_seq, origin, reentry FROM checkin_local' +
        ' WHERE seq > ? ORDER BY seq LIMIT ?',
    );
    return (s.all(afterSeq, limit) as SqlRow[]).map(toLocal);
  }

  /** Flips after `afterFlip`, oldest first, with the arrival number of the flipped check-in. */
  flipsAfter(afterFlip: number): Array<{ flip: number; id: string; seq: number }> {
    const s = this.cached(
      'flips',
      'SELECT f.n AS n, f.id AS id, l.seq AS seq FROM checkin_flips f' +
        ' JOIN checkin_local l ON l.id = f.id WHERE f.n > ? ORDER BY f.n',
    );
    return (s.all(afterFlip) as SqlRow[]).map((r) => ({
      flip: Number(r['n']),
      id: String(r['id']),
      seq: Number(r['seq']),
    }));
  }

  /** Re-entries newest first by arrival: `offset`/`limit` over the partial index. */
  reentriesNewestFirst(offset: number, limit: number): LocalRow[] {
    const s = this.cached(
      'reentries-page',
      'SELECT seq, id, received_at, relay_seq, origin, reentry FROM checkin_local' +
        ' WHERE reentry = 1 ORDER BY seq DESC LIMIT ? OFFSET ?',
    );
    return (s.all(limit, offset) as SqlRow[]).map(toLocal);
  }

  /** Emits a committed change to `changes$` (the caller calls it once its transaction committed). */
  publish(change: LocalChange): void {
    if (change.rows.length === 0 && change.flips.length === 0) return;
    this.changed.next(change);
  }

  close(): void {
    this.changed.complete();
  }

  private scalar(name: string, sql: string): number {
    const row = this.cached(name, sql).get() as SqlRow | undefined;
    return row === undefined ? 0 : Number(Object.values(row)[0] ?? 0);
  }

  private cached(name: string, sql: string): StatementSync {
    let s = this.statements.get(name);
    if (!s) {
      s = this.sql.prepare(sql);
      s.setReadBigInts(false);
      this.statements.set(name, s);
    }
    return s;
  }
}
