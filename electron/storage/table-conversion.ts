/**
 * Converts a format-1 collection table (stored index-key columns) to format 2, in place:
 *
 *   1. one transaction: the old table is renamed `<t>--format1`, the new `<t>` created empty,
 *      the catalog says "converting from <t>--format1, up to rowid 0";
 *   2. chunks of CHUNK rows, each one transaction: copied in rowid order through the ordinary
 *      insert path (so irregular keys and the full-text index are built too), and the catalog's
 *      rowid moves on in the same transaction;
 *   3. one transaction: the old table dropped, the catalog says "format 2".
 *
 * Killed at any point, the file holds either the old table or both with a consistent
 * position, and the next open carries on from there. Nothing is deleted before its copy is
 * committed. The event loop gets a turn between chunks.
 */
import { CollectionTable } from './collection-table';
import { fullTextSignature, type FullTextOptions } from './full-text';
import { LegacyCollectionTable } from './legacy-collection-table';
import { ensurePageSize } from './page-size';
import { quoteIdentifier } from './sql-names';
import type { SqliteConnection } from './sqlite-connection';
import { CURRENT_FORMAT, readEntry, writeEntry, type CatalogEntry } from './table-catalog';
import type { TableRequest } from './table-request';

const CHUNK = 5_000;

export async function convertLegacyTable(
  connection: SqliteConnection,
  entry: CatalogEntry,
  request: TableRequest,
  fullText: FullTextOptions | undefined,
): Promise<void> {
  const db = connection.db;
  const table = new CollectionTable(db, request.tableName, request.schema, request.primaryPath, {
    fullText,
  });
  let current = entry;
  if (current.convertingFrom === null) {
    const legacyName = `${request.tableName}--format1`;
    const started: CatalogEntry = {
      ...current,
      format: CURRENT_FORMAT,
      fullText: fullText ? fullTextSignature(fullText) : null,
      convertingFrom: legacyName,
      convertedUpTo: 0,
      // The copy goes through the insert path, which indexes every row.
      fullTextFill: null,
    };
    connection.write(
      () => {
        // Its tombstone index would clash by name with the new table's; conversion needs none.
        db.exec(`DROP INDEX IF EXISTS ${quoteIdentifier(`${request.tableName}__cleanup`)}`);
        db.exec(
          `ALTER TABLE ${quoteIdentifier(request.tableName)} RENAME TO ${quoteIdentifier(legacyName)}`,
        );
        table.create();
        writeEntry(db, started);
      },
      () => undefined,
    );
    current = started;
  }
  const legacy = new LegacyCollectionTable(
    db,
    current.convertingFrom!,
    request.schema,
    request.primaryPath,
  );
  for (;;) {
    const position = readEntry(db, request.tableName)!.convertedUpTo;
    const rows = legacy.rowsAfter(position, CHUNK);
    if (rows.length === 0) break;
    connection.write(
      () => {
        table.insertAll(rows.map((row) => row.doc));
        writeEntry(db, { ...current, convertedUpTo: rows[rows.length - 1]!.rowid });
      },
      () => undefined,
    );
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  connection.write(
    () => {
      legacy.drop();
      writeEntry(db, { ...current, convertingFrom: null, convertedUpTo: 0 });
    },
    () => undefined,
  );
  ensurePageSize(connection.db);
}
