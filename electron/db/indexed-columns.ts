/**
 * The SQL columns our storage keeps for indexed fields, read from the table's own definition,
 * for a connection that has no storage instance to ask (a read-only reader of the file).
 *
 * The storage gives each indexed field of a document a VIRTUAL generated column computed from
 * the JSON in `data` (docs/storage.md, storage/index-columns.ts): `"f6" AS (coalesce(
 * json_extract(data, '$."gate"'), '')) VIRTUAL`. A field whose value needs two columns (a wide
 * decimal: `f10`, `f10_d`) has no single column and is left out, as the storage's own
 * `indexColumnOf` does. A definition this does not recognise gives no column (callers then
 * read another way), never a wrong one. A test checks it against the storage's `indexColumnOf`.
 */
import type { DatabaseSync } from 'node:sqlite';

const GENERATED = /"((?:[^"]|"")+)" AS \((.*?)\) VIRTUAL/g;
const JSON_PATH = /json_extract\(data, '\$((?:\."(?:[^"']|"")*")+)'\)/g;
const PATH_PART = /\."((?:[^"]|"")*)"/g;

/** Field path (`event.data.gate`) → the unquoted name of its single generated column. */
export function indexedColumnsOf(sql: DatabaseSync, table: string): Map<string, string> {
  const row = sql
    .prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?")
    .get(table);
  const definition = typeof row?.['sql'] === 'string' ? row['sql'] : '';
  const found = new Map<string, string>();
  const names = new Set<string>();
  const byPath = new Map<string, string[]>();
  for (const [, quoted, expression] of definition.matchAll(GENERATED)) {
    const name = quoted!.replace(/""/g, '"');
    names.add(name);
    const paths = [...expression!.matchAll(JSON_PATH)].map((m) =>
      [...m[1]!.matchAll(PATH_PART)].map((p) => p[1]!.replace(/""/g, '"')).join('.'),
    );
    // One field per column; a column reading several fields is not a field's column.
    if (new Set(paths).size !== 1) continue;
    const list = byPath.get(paths[0]!) ?? [];
    list.push(name);
    byPath.set(paths[0]!, list);
  }
  for (const [path, columns] of byPath) {
    // Two columns for one field (whole and decimal part): no single column orders it.
    if (columns.length !== 1 || names.has(`${columns[0]}_d`)) continue;
    found.set(path, columns[0]!);
  }
  return found;
}
