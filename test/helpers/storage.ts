/** Helpers for the storage tests: temp folders, storage-level instances and write rows. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  BulkWriteRow,
  MangoQuery,
  RxDocumentData,
  RxJsonSchema,
  RxStorage,
  RxStorageInstance,
} from 'rxdb';
import {
  createRevision,
  fillWithDefaultSettings,
  normalizeMangoQuery,
  now,
  prepareQuery,
  randomToken,
} from 'rxdb';

export type TestDoc = {
  id: string;
  name: string;
  age: number;
  flag: boolean;
  tag?: string;
};
export type Data = RxDocumentData<TestDoc>;
export type Instance = RxStorageInstance<TestDoc, unknown, unknown>;

export const testSchema: RxJsonSchema<Data> = fillWithDefaultSettings<TestDoc>({
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 40 },
    name: { type: 'string', maxLength: 20 },
    age: { type: 'integer', minimum: 0, maximum: 150, multipleOf: 1 },
    flag: { type: 'boolean' },
    tag: { type: 'string' },
  },
  required: ['id', 'name', 'age', 'flag'],
  indexes: ['name', ['age', 'name'], 'flag'],
});

export function makeTempDir(prefix = 'gate-ops-storage-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function createInstance(
  storage: RxStorage<unknown, unknown>,
  databaseName = 'db' + randomToken(6),
  collectionName = 'items',
  schema: RxJsonSchema<Data> = testSchema,
): Promise<Instance> {
  return (await storage.createStorageInstance<TestDoc>({
    databaseInstanceToken: randomToken(10),
    databaseName,
    collectionName,
    schema,
    options: {},
    multiInstance: false,
    devMode: true,
  })) as Instance;
}

/** A document state as RxDB would write it (new revision, fresh lwt). */
export function docState(fields: TestDoc, previous?: Data, deleted = false): Data {
  const doc: Data = {
    ...fields,
    _deleted: deleted,
    _attachments: {},
    _meta: { lwt: now() },
    _rev: '',
  };
  doc._rev = createRevision(randomToken(10), previous);
  return doc;
}

export function insertRow(fields: TestDoc): BulkWriteRow<TestDoc> {
  return { document: docState(fields) };
}

/** The document's own fields, without RxDB's `_` metadata. */
export function plainFields(doc: Data): TestDoc {
  const copy: Partial<Data> = { ...doc };
  delete copy._deleted;
  delete copy._attachments;
  delete copy._meta;
  delete copy._rev;
  return copy as TestDoc;
}

export function updateRow(
  previous: Data,
  fields: Partial<TestDoc>,
  deleted = false,
): BulkWriteRow<TestDoc> {
  return {
    previous,
    document: docState({ ...plainFields(previous), ...fields }, previous, deleted),
  };
}

export function preparedQuery(query: MangoQuery<TestDoc>, schema: RxJsonSchema<Data> = testSchema) {
  return prepareQuery<Data>(schema, normalizeMangoQuery<Data>(schema, query as MangoQuery<Data>));
}
