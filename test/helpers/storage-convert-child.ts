/**
 * Opens collection `items` (the storage tests' schema) of database `<name>` in `<dir>`, which
 * converts a format-1 table and then rebuilds the file's pages; prints "done" and exits.
 * The conversion tests SIGKILL it midway.
 */
import { randomToken } from 'rxdb';
import { getRxStorageNodeSqlite } from '../../electron/storage';
import { testSchema } from './storage';

const [dir, name] = process.argv.slice(2);
if (!dir || !name) throw new Error('usage: storage-convert-child.ts <dir> <databaseName>');
const instance = await getRxStorageNodeSqlite({ directory: dir }).createStorageInstance({
  databaseInstanceToken: randomToken(10),
  databaseName: name,
  collectionName: 'items',
  schema: testSchema,
  options: {},
  multiInstance: false,
  devMode: false,
});
await instance.close();
console.log('done');
