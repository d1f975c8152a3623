/**
 * RxStorageInstance for one collection (at one schema version) on a shared SQLite connection.
 * Conflict rules, events and query semantics come from RxDB's own helpers; this file only maps
 * them onto SQL. Queries follow RxDB's query plan: a range scan on the plan's index column in
 * SQL, and JavaScript matching/sorting only where the plan says the index does not cover it.
 */
import type { Observable, Subject } from 'rxjs';
import {
  type BulkWriteRow,
  type EventBulk,
  type PreparedQuery,
  type RxDocumentData,
  type RxJsonSchema,
  type RxStorageBulkWriteResponse,
  type RxStorageChangeEvent,
  type RxStorageCountResult,
  type RxStorageDefaultCheckpoint,
  type RxStorageInstance,
  type RxStorageQueryResult,
  categorizeBulkWriteRows,
  getChangedDocumentsSinceQuery,
  getPrimaryFieldOfPrimaryKey,
  now,
  prepareQuery,
} from 'rxdb';
import type { CollectionTable, StoredRow } from './collection-table';
import type { FullTextOptions, FullTextQuery, FullTextState } from './full-text';
import type { LegacyCollectionTable } from './legacy-collection-table';
import { runCount, runQuery } from './query-runner';
import type { Doc } from './row-source';
import type { SqliteConnection } from './sqlite-connection';
import { StorageClosedError } from './storage-errors';

type Changes = EventBulk<RxStorageChangeEvent<Doc>, RxStorageDefaultCheckpoint>;

export type NodeSqliteInternals = Readonly<{
  connection: SqliteConnection;
  tableName: string;
  /**
   * The SQL column holding an indexed field's value (a VIRTUAL generated column, in RxDB's order
   * for regular documents; see index-columns.ts), for callers that read the table in SQL along
   * an index (exports). Null for a field that is not indexed, takes two columns, or a table in
   * the legacy format.
   */
  indexColumnOf(path: string): string | null;
}>;
export type NodeSqliteInstanceOptions = Readonly<{
  /** A full-text index over these document paths (see full-text.ts); format-2 tables only. */
  fullText?: FullTextOptions;
}>;

export type AnyTable = CollectionTable | LegacyCollectionTable;

/** Shared per table so two instances of one collection see each other's writes. */
export type TableState = {
  table: AnyTable;
  changes: Subject<Changes>;
  users: number;
  /** Drops the table and its catalog entry. */
  drop(): void;
};

export type FullTextResult<T> = Readonly<{
  documents: RxDocumentData<T>[];
  total: number;
  capped: boolean;
  mode: 'index' | 'scan';
  /**
   * 'complete'; older documents are still being indexed ('filling') or that failed; or
   * 'catching-up': `notIndexed` documents of a large write wait for the index and were not
   * looked at (the newest waiting ones are checked one by one and are in the result).
   */
  index: FullTextState;
  notIndexed: number;
}>;

export class NodeSqliteStorageInstance<RxDocType> implements RxStorageInstance<
  RxDocType,
  NodeSqliteInternals,
  NodeSqliteInstanceOptions,
  RxStorageDefaultCheckpoint
> {
  readonly primaryPath: string;
  readonly internals: NodeSqliteInternals;
  private closed = false;

  constructor(
    readonly databaseName: string,
    readonly collectionName: string,
    readonly schema: Readonly<RxJsonSchema<RxDocumentData<RxDocType>>>,
    readonly options: Readonly<NodeSqliteInstanceOptions>,
    private readonly connection: SqliteConnection,
    private readonly state: TableState,
    private readonly onClose: () => void,
  ) {
    this.primaryPath = getPrimaryFieldOfPrimaryKey(schema.primaryKey) as string;
    this.internals = {
      connection,
      tableName: state.table.tableName,
      // Read at each call: a legacy table is replaced by a converted one while open.
      indexColumnOf: (path) =>
        'indexColumnOf' in this.state.table ? this.state.table.indexColumnOf(path) : null,
    };
  }

  private get table(): AnyTable {
    return this.state.table;
  }

  private get docSchema(): RxJsonSchema<Doc> {
    return this.schema as unknown as RxJsonSchema<Doc>;
  }

  async bulkWrite(
    documentWrites: BulkWriteRow<RxDocType>[],
    context: string,
  ): Promise<RxStorageBulkWriteResponse<RxDocType>> {
    this.ensureOpen('bulkWrite');
    const rows = documentWrites as unknown as BulkWriteRow<Doc>[];
    const primaryPath = this.primaryPath;
    const categorized = this.connection.write(
      () => {
        const stored = this.table.rowsByIds(rows.map((row) => row.document[primaryPath] as string));
        const docsInDb = new Map<string, Doc>();
        for (const [id, row] of stored) docsInDb.set(id, row.doc);
        const result = categorizeBulkWriteRows<Doc>(
          this as unknown as RxStorageInstance<Doc, unknown, unknown>,
          primaryPath as never,
          docsInDb,
          rows,
          context,
        );
        this.table.insertAll(result.bulkInsertDocs.map((row) => row.document));
        for (const row of result.bulkUpdateDocs) {
          const previous = stored.get(row.document[primaryPath] as string) as StoredRow;
          this.table.update(previous, row.document);
        }
        return result;
      },
      (result) => {
        if (result.eventBulk.events.length === 0 || !result.newestRow) return;
        const newest = result.newestRow.document;
        result.eventBulk.checkpoint = {
          id: newest[primaryPath] as string,
          lwt: newest._meta.lwt,
        };
        this.state.changes.next(result.eventBulk as Changes);
      },
      {
        collection: this.collectionName,
        ids: (result) =>
          [...result.bulkInsertDocs, ...result.bulkUpdateDocs].map(
            (row) => row.document[primaryPath] as string,
          ),
      },
    );
    return { error: categorized.errors } as unknown as RxStorageBulkWriteResponse<RxDocType>;
  }

  async findDocumentsById(
    ids: string[],
    withDeleted: boolean,
  ): Promise<RxDocumentData<RxDocType>[]> {
    this.ensureOpen('findDocumentsById');
    const found = this.table.rowsByIds(ids);
    // In the order asked for, like the memory storage.
    const result: Doc[] = [];
    for (const id of ids) {
      const row = found.get(id);
      if (row && (withDeleted || !row.doc._deleted)) result.push(row.doc);
    }
    return result as unknown as RxDocumentData<RxDocType>[];
  }

  async query(prepared: PreparedQuery<RxDocType>): Promise<RxStorageQueryResult<RxDocType>> {
    this.ensureOpen('query');
    const documents = runQuery(this.table, this.docSchema, prepared as PreparedQuery<unknown>);
    return { documents: documents as unknown as RxDocumentData<RxDocType>[] };
  }

  async count(prepared: PreparedQuery<RxDocType>): Promise<RxStorageCountResult> {
    this.ensureOpen('count');
    return runCount(this.table, this.docSchema, prepared as PreparedQuery<unknown>);
  }

  /** Changes after the checkpoint: RxDB's own query for it, on the ['_meta.lwt', id] index. */
  async getChangedDocumentsSince(
    limit: number,
    checkpoint?: RxStorageDefaultCheckpoint,
  ): Promise<{ documents: RxDocumentData<RxDocType>[]; checkpoint: RxStorageDefaultCheckpoint }> {
    this.ensureOpen('getChangedDocumentsSince');
    const prepared = prepareQuery<RxDocumentData<RxDocType>>(
      this.schema,
      getChangedDocumentsSinceQuery(this as never, limit, checkpoint),
    );
    const documents = runQuery(this.table, this.docSchema, prepared as PreparedQuery<unknown>);
    const last = documents[documents.length - 1];
    return {
      documents: documents as unknown as RxDocumentData<RxDocType>[],
      checkpoint: last
        ? { id: last[this.primaryPath] as string, lwt: last._meta.lwt }
        : (checkpoint ?? { id: '', lwt: 0 }),
    };
  }

  /** Full-text search (collections created with `fullText`), newest first. */
  fullTextSearch(query: FullTextQuery): FullTextResult<RxDocType> | undefined {
    this.ensureOpen('fullTextSearch');
    const table = this.table;
    if (!('search' in table)) return undefined;
    return table.search(query) as FullTextResult<RxDocType> | undefined;
  }

  /** Resolves once the table's indexes are in the current layout (format-2 files: rebuilt). */
  indexesReady(): Promise<void> {
    this.ensureOpen('indexesReady');
    const table = this.table;
    return 'indexesReady' in table ? table.indexesReady() : Promise.resolve();
  }

  /**
   * Resolves when every stored document is in the full-text index (documents stored before the
   * index existed, and those of a large write, are added in the background); rejects if that
   * failed. At once without one.
   */
  fullTextReady(): Promise<void> {
    this.ensureOpen('fullTextReady');
    const table = this.table;
    return ('fullText' in table && table.fullText?.ready()) || Promise.resolve();
  }

  changeStream(): Observable<
    EventBulk<RxStorageChangeEvent<RxDocumentData<RxDocType>>, RxStorageDefaultCheckpoint>
  > {
    this.ensureOpen('changeStream');
    return this.state.changes.asObservable() as never;
  }

  async cleanup(minimumDeletedTime: number): Promise<boolean> {
    this.ensureOpen('cleanup');
    const upTo = now() - minimumDeletedTime;
    this.connection.write(
      () => this.table.deleteTombstonesUpTo(upTo),
      () => undefined,
    );
    return true;
  }

  async getAttachmentData(): Promise<Blob> {
    throw new Error('The node:sqlite storage does not support RxDB attachments');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }

  async remove(): Promise<void> {
    // RxDB's storage rules (its upstream test suite) want a plain Error here, not a subclass.
    if (this.closed || this.connection.isClosed) {
      throw new Error('remove: the storage instance is closed');
    }
    this.connection.write(
      () => this.state.drop(),
      () => undefined,
    );
    await this.close();
  }

  private ensureOpen(what: string): void {
    if (this.closed || this.connection.isClosed) throw new StorageClosedError(what);
  }
}
