/**
 * The RxStorage factory: `getRxStorageNodeSqlite({ directory })` stores each RxDB database in
 * `<directory>/<databaseName>.sqlite`, one table per collection and schema version.
 */
import path from 'node:path';
import {
  ensureRxStorageInstanceParamsAreCorrect,
  getPrimaryFieldOfPrimaryKey,
  RXDB_VERSION,
  type RxStorage,
  type RxStorageInstanceCreationParams,
} from 'rxdb';
import { Subject } from 'rxjs';
import { acquireConnection, type SqliteConnection } from './sqlite-connection';
import {
  NodeSqliteStorageInstance,
  type NodeSqliteInstanceOptions,
  type NodeSqliteInternals,
  type TableState,
} from './sqlite-storage-instance';
import { deleteEntry } from './table-catalog';
import { openTable } from './table-open';
import { AttachmentsUnsupportedError } from './storage-errors';

export type NodeSqliteStorageSettings = Readonly<{
  /** Folder that holds one `<databaseName>.sqlite` file per RxDB database. */
  directory: string;
}>;

export type RxStorageNodeSqlite = RxStorage<NodeSqliteInternals, NodeSqliteInstanceOptions> &
  Readonly<{ settings: NodeSqliteStorageSettings; filePathOf(databaseName: string): string }>;

export const RX_STORAGE_NAME_NODE_SQLITE = 'node-sqlite';

const tablesByConnection = new WeakMap<SqliteConnection, Map<string, Promise<TableState>>>();

export function getRxStorageNodeSqlite(settings: NodeSqliteStorageSettings): RxStorageNodeSqlite {
  const filePathOf = (databaseName: string): string => {
    // The name becomes a file name: keep it to one plain path segment.
    if (!/^[\w$.-]+$/.test(databaseName) || databaseName.startsWith('.')) {
      throw new Error(`Database name "${databaseName}" cannot be used as a file name`);
    }
    return path.join(settings.directory, `${databaseName}.sqlite`);
  };
  return {
    name: RX_STORAGE_NAME_NODE_SQLITE,
    rxdbVersion: RXDB_VERSION,
    settings,
    filePathOf,
    async createStorageInstance<RxDocType>(
      params: RxStorageInstanceCreationParams<RxDocType, NodeSqliteInstanceOptions>,
    ) {
      ensureRxStorageInstanceParamsAreCorrect(params);
      if (params.schema.attachments) throw new AttachmentsUnsupportedError(params.collectionName);
      const connection = acquireConnection(filePathOf(params.databaseName));
      const tableName = `${params.collectionName}--v${params.schema.version}`;
      let state: TableState;
      try {
        state = await tableState(connection, tableName, params);
      } catch (error) {
        connection.release();
        throw error;
      }
      state.users++;
      const tables = tablesByConnection.get(connection);
      return new NodeSqliteStorageInstance<RxDocType>(
        params.databaseName,
        params.collectionName,
        params.schema,
        params.options,
        connection,
        state,
        () => {
          state.users--;
          if (state.users === 0) {
            state.changes.complete();
            tables?.delete(tableName);
          }
          connection.release();
        },
      );
    },
  };
}

/** One state per table and connection, shared by every instance (creation may be converting). */
function tableState<RxDocType>(
  connection: SqliteConnection,
  tableName: string,
  params: RxStorageInstanceCreationParams<RxDocType, NodeSqliteInstanceOptions>,
): Promise<TableState> {
  let tables = tablesByConnection.get(connection);
  if (!tables) {
    tables = new Map();
    tablesByConnection.set(connection, tables);
  }
  let state = tables.get(tableName);
  if (!state) {
    const primaryPath = getPrimaryFieldOfPrimaryKey(params.schema.primaryKey) as string;
    const opening = openTable(connection, {
      tableName,
      collectionName: params.collectionName,
      schema: params.schema as never,
      primaryPath,
      fullText: params.options?.fullText,
    }).then((table): TableState => {
      const tableState: TableState = {
        table,
        changes: new Subject(),
        users: 0,
        drop: () => {
          table.drop();
          deleteEntry(connection.db, tableName);
          tables!.delete(tableName);
        },
      };
      return tableState;
    });
    // A failed open must not be cached.
    opening.catch(() => tables!.delete(tableName));
    state = opening;
    tables.set(tableName, state);
  }
  return state;
}
