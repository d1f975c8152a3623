/**
 * What the NATS transport needs to know about a collection that syncs. The list (which
 * collections, and each one's check of incoming documents) comes from the venue-sync module; this
 * transport takes it as given and never decides it.
 */
import type { RxCollection } from 'rxdb';

export interface SyncCollection {
  /** Collection name; also the subject token, so letters, digits, `-`, `_`. */
  readonly name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly collection: RxCollection<any>;
  /** Null when a document from another laptop may be stored, else why not. */
  readonly validate?: (doc: unknown) => string | null;
  /** Documents are only ever added: a deletion from the stream is refused. */
  readonly appendOnly?: boolean;
}

/** Subject token used by laptop presence messages; no collection may take it. */
export const PRESENCE_TOKEN = 'presence';
