/**
 * Opens the `checkins` v0 table of a data folder through the storage at the schema RxDB
 * recorded for it, as the app of the time between storage format 2 and check-in document v1
 * did: a format-1 table is converted to format 2 in chunks. Prints "done" and exits; the
 * migration test SIGKILLs it midway to get a half-converted v0 table.
 *   v0-convert-child.ts DATA_DIR
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { randomToken } from 'rxdb';
import { getRxStorageNodeSqlite } from '../../electron/storage';

const [dir] = process.argv.slice(2);
if (!dir) throw new Error('usage: v0-convert-child.ts DATA_DIR');
const sql = new DatabaseSync(join(dir, 'gate-ops.sqlite'), { readOnly: true });
const recorded = sql
  .prepare('SELECT json(data) AS data FROM "_rxdb_internal--v0" WHERE deleted = 0')
  .all()
  .map((r) => JSON.parse(String(r['data'])) as { data: { name?: string; schema?: any } })
  .find((d) => d.data.name === 'checkins' && d.data.schema?.version === 0);
sql.close();
if (!recorded) throw new Error('no recorded v0 schema of checkins');
const instance = await getRxStorageNodeSqlite({ directory: dir }).createStorageInstance({
  databaseInstanceToken: randomToken(10),
  databaseName: 'gate-ops',
  collectionName: 'checkins',
  schema: recorded.data.schema,
  options: {},
  multiInstance: false,
  devMode: false,
});
await instance.close();
console.log('done');
