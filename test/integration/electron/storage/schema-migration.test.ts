/** An RxDB schema migration (v0 → v1) on a file-backed database, across a reopen. */
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { addRxPlugin, createRxDatabase, type RxJsonSchema } from 'rxdb';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { getRxStorageNodeSqlite } from '../../../../electron/storage';
import { makeTempDir } from '../../../helpers/storage';

addRxPlugin(RxDBMigrationSchemaPlugin);

type V0 = { id: string; name: string };
type V1 = { id: string; firstName: string; lastName: string };
const v0: RxJsonSchema<V0> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: { id: { type: 'string', maxLength: 20 }, name: { type: 'string' } },
  required: ['id', 'name'],
};
const v1: RxJsonSchema<V1> = {
  version: 1,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 20 },
    firstName: { type: 'string', maxLength: 40 },
    lastName: { type: 'string' },
  },
  required: ['id', 'firstName', 'lastName'],
  indexes: ['firstName'],
};

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => (temp = makeTempDir()));
afterEach(() => temp.cleanup());

async function open() {
  return createRxDatabase({
    name: 'migrate',
    storage: getRxStorageNodeSqlite({ directory: temp.dir }),
    multiInstance: false,
  });
}

it('migrates stored v0 documents to v1 and drops the old table', async () => {
  const before = await open();
  await before.addCollections({ people: { schema: v0 } });
  await before.people!.bulkInsert([
    { id: 'p1', name: 'Ada Lovelace' },
    { id: 'p2', name: 'Grace Hopper' },
  ]);
  await before
    .people!.findOne('p2')
    .exec()
    .then((d) => d!.remove());
  await before.close();

  const after = await open();
  await after.addCollections({
    people: {
      schema: v1,
      migrationStrategies: {
        1: (old: V0): V1 => {
          const [firstName = '', ...rest] = old.name.split(' ');
          return { id: old.id, firstName, lastName: rest.join(' ') };
        },
      },
    },
  });
  const docs = await after.people!.find({ sort: [{ id: 'asc' }] }).exec();
  expect(docs.map((d) => d.toJSON())).toEqual([
    { id: 'p1', firstName: 'Ada', lastName: 'Lovelace' },
  ]);
  expect(await after.people!.find({ selector: { firstName: 'Ada' } }).exec()).toHaveLength(1);
  await after.close();
  const file = new DatabaseSync(path.join(temp.dir, 'migrate.sqlite'), { readOnly: true });
  const tables = file.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
  file.close();
  expect(tables.map((t) => t.name)).toContain('people--v1');
  expect(tables.map((t) => t.name)).not.toContain('people--v0');

  const reopened = await open();
  await reopened.addCollections({
    people: { schema: v1, migrationStrategies: { 1: (d: V1) => d } },
  });
  expect(await reopened.people!.count().exec()).toBe(1);
  await reopened.close();
});
