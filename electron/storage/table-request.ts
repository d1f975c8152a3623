/**
 * What opening a collection table needs to know. Its own file so that opening (table-open.ts)
 * and converting an old table (table-conversion.ts) can both use it without importing each other.
 */
import type { RxJsonSchema } from 'rxdb';
import type { FullTextOptions } from './full-text';
import type { Doc } from './row-source';

export type TableRequest = Readonly<{
  tableName: string;
  collectionName: string;
  schema: RxJsonSchema<Doc>;
  primaryPath: string;
  fullText?: FullTextOptions;
}>;
