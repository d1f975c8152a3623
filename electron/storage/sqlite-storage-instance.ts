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
  getPrimaryFieldOfPrimaryKey,
  getQueryMatcher,
  getSortComparator,
  getStartIndexStringFromLowerBound,
  getStartIndexStringFromUpperBound,
  now,
} from 'rxdb';
import type { CollectionTable, RangeQuery } from './collection-table';
import { encodeIndexKey } from './index-key-encoding';
import type { SqliteConnection } from './sqlite-connection';
import { StorageClosedError } from './storage-errors';

type Doc = RxDocumentData<Record<string, unknown>>;
type Changes = EventBulk<RxStorageChangeEvent<Doc>, RxStorageDefaultCheckpoint>;

export type NodeSqliteInternals = Readonly<{ connection: SqliteConnection; tableName: string }>;
export type NodeSqliteInstanceOptions = Record<string, never>;

/** Shared per table so two instances of one collection see each other's writes. */
export type TableState = { table: CollectionTable; changes: Subject<Changes>; users: number };

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
    this.internals = { connection, tableName: state.table.tableName };
  }

  private get table(): CollectionTable {
    return this.state.table;
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
        const ids = rows.map((row) => row.document[primaryPath] as string);
        const docsInDb = new Map<string, Doc>();
        for (const doc of this.table.getByIds(ids)) {
          docsInDb.set(doc[primaryPath] as string, doc);
        }
        const result = categorizeBulkWriteRows<Doc>(
          this as unknown as RxStorageInstance<Doc, unknown, unknown>,
          primaryPath as never,
          docsInDb,
          rows,
          context,
        );
        for (const row of result.bulkInsertDocs) this.table.insert(row.document);
        for (const row of result.bulkUpdateDocs) this.table.update(row.document);
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
    const found = new Map<string, Doc>();
    for (const doc of this.table.getByIds(ids)) {
      if (withDeleted || !doc._deleted) found.set(doc[this.primaryPath] as string, doc);
    }
    // In the order asked for, like the memory storage.
    const result: Doc[] = [];
    for (const id of ids) {
      const doc = found.get(id);
      if (doc) result.push(doc);
    }
    return result as unknown as RxDocumentData<RxDocType>[];
  }

  async query(prepared: PreparedQuery<RxDocType>): Promise<RxStorageQueryResult<RxDocType>> {
    this.ensureOpen('query');
    const { query, queryPlan } = prepared;
    const skip = query.skip ? query.skip : 0;
    const limit = typeof query.limit === 'number' ? query.limit : Infinity;
    if (limit === 0) return { documents: [] };
    const range = this.rangeOf(prepared);
    const mustSort = !queryPlan.sortSatisfiedByIndex;

    let documents: Doc[] = [];
    if (queryPlan.selectorSatisfiedByIndex && !mustSort) {
      // The index answers everything: let SQLite page.
      const paged = limit === Infinity ? -1 : limit;
      for (const json of this.table.rangeRows(range, paged, skip)) documents.push(JSON.parse(json));
      return { documents: documents as unknown as RxDocumentData<RxDocType>[] };
    }
    const matches = queryPlan.selectorSatisfiedByIndex
      ? undefined
      : getQueryMatcher(this.schema, query as never);
    const enough = skip + limit;
    for (const json of this.table.rangeRows(range)) {
      const doc = JSON.parse(json) as Doc;
      if (matches && !matches(doc as never)) continue;
      documents.push(doc);
      if (!mustSort && documents.length >= enough) break;
    }
    if (mustSort)
      documents.sort(
        getSortComparator(this.schema, query as never) as unknown as (a: Doc, b: Doc) => number,
      );
    if (skip !== 0 || documents.length > enough) documents = documents.slice(skip, enough);
    return { documents: documents as unknown as RxDocumentData<RxDocType>[] };
  }

  async count(prepared: PreparedQuery<RxDocType>): Promise<RxStorageCountResult> {
    this.ensureOpen('count');
    const range = this.rangeOf(prepared);
    if (prepared.queryPlan.selectorSatisfiedByIndex) {
      return { count: this.table.countRange(range), mode: 'fast' };
    }
    const matches = getQueryMatcher(this.schema, prepared.query as never);
    let count = 0;
    for (const json of this.table.rangeRows(range)) {
      if (matches(JSON.parse(json))) count++;
    }
    // Honest: this scanned documents in JavaScript (RxDB then needs allowSlowCount).
    return { count, mode: 'slow' };
  }

  /** Changes after the checkpoint, by the ['_meta.lwt', primary] index RxDB always adds. */
  async getChangedDocumentsSince(
    limit: number,
    checkpoint?: RxStorageDefaultCheckpoint,
  ): Promise<{ documents: RxDocumentData<RxDocType>[]; checkpoint: RxStorageDefaultCheckpoint }> {
    this.ensureOpen('getChangedDocumentsSince');
    const index = ['_meta.lwt', this.primaryPath];
    const column = this.table.columnOf(index);
    if (column === undefined) throw new Error(`index ${index.join(',')} is missing`);
    const schema = this.schema as RxJsonSchema<RxDocumentData<unknown>>;
    const range: RangeQuery = {
      column,
      lower: encodeIndexKey(
        checkpoint
          ? getStartIndexStringFromLowerBound(schema, index, [checkpoint.lwt, checkpoint.id])
          : '',
      ),
      // Encoded keys never start with 0xff (CESU-8 lead bytes stop at 0xef).
      upper: new Uint8Array([0xff]),
      inclusiveStart: false,
      inclusiveEnd: true,
    };
    const documents: Doc[] = [];
    for (const json of this.table.rangeRows(range, limit)) documents.push(JSON.parse(json));
    const last = documents[documents.length - 1];
    return {
      documents: documents as unknown as RxDocumentData<RxDocType>[],
      checkpoint: last
        ? { id: last[this.primaryPath] as string, lwt: last._meta.lwt }
        : (checkpoint ?? { id: '', lwt: 0 }),
    };
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
      () => this.table.drop(),
      () => undefined,
    );
    await this.close();
  }

  private rangeOf(prepared: PreparedQuery<RxDocType>): RangeQuery {
    const plan = prepared.queryPlan;
    const column = this.table.columnOf(plan.index);
    if (column === undefined) {
      throw new Error(`index does not exist in ${this.collectionName}: ${plan.index.join(',')}`);
    }
    const schema = this.schema as RxJsonSchema<RxDocumentData<unknown>>;
    return {
      column,
      lower: encodeIndexKey(getStartIndexStringFromLowerBound(schema, plan.index, plan.startKeys)),
      upper: encodeIndexKey(getStartIndexStringFromUpperBound(schema, plan.index, plan.endKeys)),
      inclusiveStart: plan.inclusiveStart,
      inclusiveEnd: plan.inclusiveEnd,
    };
  }

  private ensureOpen(what: string): void {
    if (this.closed || this.connection.isClosed) throw new StorageClosedError(what);
  }
}
