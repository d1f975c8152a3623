/**
 * Migration of `conflicts` from schema v0 (local ids, local facts inside) to v1 (id from the
 * conflict itself, so venue sync can carry it), through RxDB's own schema migration
 * (`migrationStrategies[1]`, on any storage; conflicts are few):
 *
 * - each v0 document becomes `conflictDoc(key, storedFingerprint, fingerprint, event)`, its
 *   arrival number, received time and relay stamp going to LocalConflicts;
 * - two v0 documents of one conflict (the relay sent the same conflicting event twice, with two
 *   stamps) become one: the first keeps the document, the earliest arrival keeps the facts, and
 *   the second counts as a redelivery in the ingest totals (`finishConflictsV1`, after the
 *   collections are added), so the totals keep matching what the store holds;
 * - a v0 document whose text no longer reads as a check-in event (it always did when stored)
 *   keeps its text as it was, so nothing is lost.
 *
 * Crash-safe: which v0 document went to which v1 id is recorded in `conflicts_v1_moved` as it is
 * migrated; RxDB resumes a killed migration and keeps what the new table holds, and the table
 * says which v0 document of a conflict becomes the v1 one (the first recorded), in every run, so
 * a run killed before that document was written writes it in the next.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { classify } from '../../../shared/contract';
import { runInStorageTransaction } from '../../storage';
import { conflictDoc, type ConflictDoc } from '../collections/conflicts';
import type { GateOpsDatabase } from '../database-types';
import { conflictDocId, checkInDocId } from '../ids';
import { INGEST_STATE_ID, parseTotals } from '../ingest-totals';
import type { LocalConflicts } from '../local-conflicts';
import type { ConflictDocV0 } from './conflicts-v0';

const MOVED = 'conflicts_v1_moved';

function movedTable(sql: DatabaseSync): void {
  sql.exec(
    `CREATE TABLE IF NOT EXISTS ${MOVED} (old_id TEXT PRIMARY KEY NOT NULL, new_id TEXT NOT NULL)`,
  );
}

/** Whether a store still holds `conflicts` at v0 (RxDB removes the old table once migrated). */
export function needsConflictsV1(sql: DatabaseSync): boolean {
  return (
    sql
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'conflicts--v0'")
      .get() !== undefined
  );
}

/** The v1 document of a v0 one (pure: no facts recorded). */
export function conflictV1Of(old: ConflictDocV0): ConflictDoc {
  const v = classify(old.text);
  if (v.verdict === 'checkin') {
    return conflictDoc(old.key, old.storedFingerprint, old.fingerprint, v.event);
  }
  return {
    id: conflictDocId(old.key, old.storedFingerprint, old.fingerprint),
    key: old.key,
    checkinId: checkInDocId(old.key),
    storedFingerprint: old.storedFingerprint,
    fingerprint: old.fingerprint,
    text: old.text,
  };
}

/** `migrationStrategies[1]` for `conflicts`: see the header. */
export function migrateConflictV0(
  local: LocalConflicts,
): (old: ConflictDocV0) => ConflictDoc | null {
  const sql = local.sql;
  // Made at the first v0 document only: a store without any has nothing to finish.
  let statements: { winner: StatementSync; remember: StatementSync } | null = null;
  return (old) => {
    if (!statements) {
      movedTable(sql);
      statements = {
        // The first v0 document recorded for a v1 id is the one that becomes it, in every run.
        winner: sql.prepare(`SELECT old_id FROM ${MOVED} WHERE new_id = ? ORDER BY rowid LIMIT 1`),
        remember: sql.prepare(`INSERT OR IGNORE INTO ${MOVED} (old_id, new_id) VALUES (?, ?)`),
      };
    }
    const { winner, remember } = statements;
    const doc = conflictV1Of(old);
    remember.run(old.id, doc.id);
    local.keepEarliest({
      id: doc.id,
      seq: old.ingestSeq,
      receivedAt: old.receivedAt,
      relaySeq: old.sequence ?? null,
      origin: 'relay',
    });
    // Another v0 document becomes this one: this is a redelivery of the same conflict.
    return (winner.get(doc.id) as Record<string, unknown>)['old_id'] === old.id ? doc : null;
  };
}

/**
 * After `addCollections` (RxDB's migration has run): the merged duplicates move from the
 * conflict count to the redelivery count of the ingest totals, once. Idempotent.
 */
export async function finishConflictsV1(db: GateOpsDatabase, sql: DatabaseSync): Promise<void> {
  const exists = sql
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
    .get(MOVED);
  if (exists === undefined) return;
  const apply = async () => {
    const row = sql
      .prepare(`SELECT count(*) - count(DISTINCT new_id) AS merged FROM ${MOVED}`)
      .get() as Record<string, unknown>;
    const merged = Number(row['merged']);
    const state = await db.state.findOne(INGEST_STATE_ID).exec();
    if (state && merged > 0) {
      const totals = parseTotals(state.toJSON().value);
      await state.incrementalPatch({
        value: {
          ...state.toJSON().value,
          conflicts: Math.max(0, totals.conflicts - merged),
          redelivered: totals.redelivered + merged,
        },
        updatedAt: Date.now(),
      });
    }
    sql.exec(`DROP TABLE ${MOVED}`);
  };
  const onSqlite = (db.internalStore as { internals?: { connection?: { db?: unknown } } }).internals
    ?.connection?.db;
  if (onSqlite === sql) await runInStorageTransaction(db, apply);
  else await apply();
}
