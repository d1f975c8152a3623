/**
 * Reads and writes for the ingest hot path, one level below RxDB's collection API: straight on
 * the collection's (wrapped) storage instance, which still stamps revisions and feeds the
 * collection's change stream, so reactive queries see every write. Skipping the collection layer
 * saves building an RxDocument per stored check-in (a third of the CPU at catch-up rates) and,
 * more importantly for correctness, never reads from RxDB's document cache: after a rolled-back
 * transaction that cache still holds documents that were never committed.
 */
import type { RxCollection, RxDocumentData } from 'rxdb';
import { INGEST_WRITE_CONTEXT as CONTEXT } from '../db/collections/checkins';

type AnyCollection<T> = Pick<RxCollection<T>, 'storageInstance'>;

export async function readByIds<T extends { id: string }>(
  collection: AnyCollection<T>,
  ids: readonly string[],
): Promise<Map<string, RxDocumentData<T>>> {
  const out = new Map<string, RxDocumentData<T>>();
  if (ids.length === 0) return out;
  const found = await collection.storageInstance.findDocumentsById([...ids], false);
  for (const doc of found) out.set(doc.id, doc);
  return out;
}

/** Inserts new documents; any conflict (or other error) throws, rolling the batch back. */
export async function insertNew<T>(
  collection: AnyCollection<T>,
  docs: readonly T[],
): Promise<void> {
  if (docs.length === 0) return;
  const meta = { lwt: 0 };
  const rows = docs.map((doc) => ({
    document: {
      ...doc,
      _deleted: false,
      _attachments: {},
      _meta: meta,
      _rev: '',
    } as RxDocumentData<T>,
  }));
  throwOnErrors(await collection.storageInstance.bulkWrite(rows, CONTEXT));
}

/** Writes one document over its current version (or as new). */
export async function put<T extends { id: string }>(
  collection: AnyCollection<T>,
  doc: T,
): Promise<void> {
  const [previous] = await collection.storageInstance.findDocumentsById([doc.id], false);
  const document = {
    ...doc,
    _deleted: false,
    _attachments: {},
    _meta: { lwt: 0 },
    _rev: previous?._rev ?? '',
  } as RxDocumentData<T>;
  const row = previous ? { previous, document } : { document };
  throwOnErrors(await collection.storageInstance.bulkWrite([row], CONTEXT));
}

function throwOnErrors(result: {
  error: ReadonlyArray<{ status: number; documentId: string }>;
}): void {
  if (result.error.length === 0) return;
  const first = result.error[0]!;
  throw new Error(
    `storing ${result.error.length} document(s) failed (first: ${first.documentId}, status ${first.status})`,
  );
}
