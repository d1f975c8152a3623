/**
 * Whether a file still holds check-ins of schema v0 that the v1 migration has to move: read
 * without writing, so a read-only command (`gate-ops stats`) can ask it on a read-only
 * connection, and without RxDB (the migration itself lives in checkins-v1.ts).
 */
import type { DatabaseSync } from 'node:sqlite';

export const V0_TABLE = 'checkins--v0';
/** The migration's own bookkeeping: one row per migration, `state` 'moving' until 'moved'. */
export const PROGRESS_TABLE = 'gate_ops_migrations';
export const MIGRATION_NAME = 'checkins-v1';

export function tableExists(sql: DatabaseSync, name: string): boolean {
  return (
    sql.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !==
    undefined
  );
}

export function needsCheckinsV1(sql: DatabaseSync): boolean {
  if (!tableExists(sql, V0_TABLE)) return false;
  if (!tableExists(sql, PROGRESS_TABLE)) return true;
  const row = sql.prepare(`SELECT state FROM ${PROGRESS_TABLE} WHERE name = ?`).get(MIGRATION_NAME);
  return row?.['state'] !== 'moved';
}
