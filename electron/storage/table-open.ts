/**
 * Opening a collection table: create it (format 2), use it, or bring an old one up to date.
 *
 * - A format-1 table (files written before issue 16) is converted to format 2 in chunks, each
 *   its own transaction, with the progress in the catalog: a kill at any point leaves a file
 *   that opens and resumes; the old rows stay until the last chunk is in (table-conversion.ts).
 *   Exception: a format-1 table of an older schema version while a newer version of the same
 *   collection exists is only being read by RxDB's schema migration and then dropped, so it is
 *   served as it is.
 * - A full-text declaration (instance option `fullText`) that the table does not have yet, or
 *   has with other fields, (re)creates the FTS index, and the documents already
 *   stored are indexed in the background, a chunk per transaction, resuming at the next open if
 *   the app stops first (full-text-fill.ts); a missing FTS table is rebuilt the same way.
 * - Rows a large write left to the full-text index's background pass (full-text-pending.ts)
 *   and not indexed yet when the app stopped are added in the background after open.
 * - A format-2 table (indexes ending with the primary key) is used as it is, and its indexes
 *   are rebuilt as format 3 in the background, one per transaction (index-upgrade.ts).
 */
import { CollectionTable } from './collection-table';
import { fullTextSignature, type FullTextOptions } from './full-text';
import { LegacyCollectionTable } from './legacy-collection-table';
import type { SqliteConnection } from './sqlite-connection';
import {
  CURRENT_FORMAT,
  ensureCatalog,
  readEntry,
  versionsOf,
  writeEntry,
  type CatalogEntry,
} from './table-catalog';
import { convertLegacyTable } from './table-conversion';
import { fillInBackground } from './full-text-fill';
import { indexPendingInBackground } from './full-text-pending';
import { upgradeIndexesInBackground } from './index-upgrade';
import type { AnyTable } from './sqlite-storage-instance';
import type { TableRequest } from './table-request';

export type { TableRequest } from './table-request';

export async function openTable(
  connection: SqliteConnection,
  request: TableRequest,
): Promise<AnyTable> {
  const db = connection.db;
  ensureCatalog(db);
  const indexes = JSON.stringify(
    (request.schema.indexes ?? []).map((index) =>
      typeof index === 'string' ? [index] : [...index],
    ),
  );
  const entry = readEntry(db, request.tableName);
  if (entry && entry.indexes !== indexes) {
    // Index columns are built from the list; another list for the same version would misread.
    throw new Error(
      `Table ${request.tableName} was created with indexes ${entry.indexes}, ` +
        `but the schema now has ${indexes}; change the schema version to change indexes`,
    );
  }
  if (!entry) return createTable(connection, request, indexes);
  if (entry.format === 1) {
    const newer = versionsOf(db, request.collectionName).some((v) => v > entry.version);
    if (newer) {
      return new LegacyCollectionTable(db, request.tableName, request.schema, request.primaryPath);
    }
  }
  const fullText = request.fullText ?? storedFullText(entry);
  if (entry.format === 1 || entry.convertingFrom !== null) {
    await convertLegacyTable(connection, entry, request, fullText);
    return openCurrent(connection, request, readEntry(db, request.tableName)!, fullText);
  }
  return openCurrent(connection, request, entry, fullText);
}

function createTable(
  connection: SqliteConnection,
  request: TableRequest,
  indexes: string,
): CollectionTable {
  const table = new CollectionTable(
    connection.db,
    request.tableName,
    request.schema,
    request.primaryPath,
    { fullText: request.fullText },
  );
  connection.write(
    () => {
      table.create();
      writeEntry(connection.db, {
        name: request.tableName,
        collection: request.collectionName,
        version: request.schema.version,
        indexes,
        format: CURRENT_FORMAT,
        fullText: request.fullText ? fullTextSignature(request.fullText) : null,
        convertingFrom: null,
        convertedUpTo: 0,
        fullTextFill: null,
      });
    },
    () => undefined,
  );
  if (table.fullText) {
    const index = table.fullText;
    index.setPendingRunner(() => indexPendingInBackground(connection, index));
  }
  return table;
}

function openCurrent(
  connection: SqliteConnection,
  request: TableRequest,
  entry: CatalogEntry,
  fullText: FullTextOptions | undefined,
): CollectionTable {
  const table = new CollectionTable(
    connection.db,
    request.tableName,
    request.schema,
    request.primaryPath,
    { fullText },
  );
  // Format 2 indexes are rebuilt in the background; the table serves queries meanwhile.
  if (entry.format === 2) table.startIndexUpgrade(upgradeIndexesInBackground(connection, table));
  const index = table.fullText;
  if (!index) return table;
  const declared = index.signature;
  let fill = entry.fullTextFill;
  if (entry.fullText !== declared || !index.exists()) {
    // The empty index and the position in one transaction: from here on every write is indexed
    // as it happens, and the documents already stored are added in the background.
    fill = connection.write(
      () => {
        index.drop();
        index.create();
        const end = index.lastRid();
        const started = end === null ? null : { after: Number.MIN_SAFE_INTEGER, end };
        writeEntry(connection.db, { ...entry, fullText: declared, fullTextFill: started });
        return started;
      },
      () => undefined,
    );
  }
  if (fill) index.startFill(fillInBackground(connection, index, request.tableName));
  // Rows a large write left out of the index (a run stopped or killed before it added them):
  // added in the background once start is over (full-text-pending.ts).
  index.setPendingRunner(() => indexPendingInBackground(connection, index));
  connection.write(
    () => index.ensurePending(),
    () => undefined,
  );
  if (index.hasPending()) {
    index.lastDeferredAt = performance.now();
    index.kickPending();
  }
  return table;
}

function storedFullText(entry: CatalogEntry): FullTextOptions | undefined {
  if (!entry.fullText) return undefined;
  const { fields, newestBy } = JSON.parse(entry.fullText) as FullTextOptions;
  return newestBy === undefined ? { fields } : { fields, newestBy };
}
