/**
 * Which collections venue sync carries, and how a document that arrives from another laptop is
 * checked before it is stored. Every transport (the venue hub's TLS websocket here, NATS
 * JetStream in `nats/`) goes through this one module, so "what syncs" and "what a peer may write"
 * have one definition.
 *
 * Each document is validated against its collection's own RxDB schema (converted to zod, strict:
 * no unknown fields; a well-formed document is accepted by a quick check built from the same
 * schema that never accepts what zod refuses, so zod runs only when it is not sure) plus the collection's domain rules, e.g. a check-in's id must be the digest
 * of its dedupe key and every field what the event says (`checkInDocProblem`), so a peer cannot
 * plant a document under another check-in's id. All synced
 * collections are append-only: a peer may add a document, never change or delete one.
 *
 * Not synced, on purpose: settings, tokens, the relay cursor and ingest counters (`state`),
 * quarantine (raw input stays where it came in), and the local facts of each check-in and
 * conflict (arrival order, relay stamp, re-entry flag, how it came: plain tables beside them).
 * Conflicts do sync (schema v1): their id is derived from the conflict itself, so the same
 * conflict seen by two laptops is one document (`conflictDocProblem`).
 */
import type { RxJsonSchema } from 'rxdb';
import type { z } from 'zod';
import {
  ACK_ALERT_ID_MAX,
  NOTE_TEXT_MAX,
  ackDocId,
  acksSchema,
  checkInDocProblem,
  checkinsSchema,
  conflictDocProblem,
  conflictsSchema,
  notesSchema,
  type AckDoc,
  type CheckInDoc,
  type ConflictDoc,
  type NoteDoc,
} from '../db';
import { jsonSchemaQuickCheck, jsonSchemaToZod } from './schema-to-zod';

export const SYNC_COLLECTION_NAMES = ['checkins', 'acks', 'notes', 'conflicts'] as const;
export type SyncCollectionName = (typeof SYNC_COLLECTION_NAMES)[number];

export interface SyncDocTypes {
  checkins: CheckInDoc;
  acks: AckDoc;
  notes: NoteDoc;
  conflicts: ConflictDoc;
}

export type ValidationResult<T> =
  { readonly ok: true; readonly doc: T } | { readonly ok: false; readonly error: string };

export interface SyncCollectionSpec<N extends SyncCollectionName = SyncCollectionName> {
  readonly name: N;
  /** The RxDB schema the documents must follow (its `version` must match on both laptops). */
  readonly schema: RxJsonSchema<SyncDocTypes[N]>;
  /** Validates one document as a peer sent it (plain fields; no `_deleted`/`_meta`/`_rev`). */
  validate(doc: unknown): ValidationResult<SyncDocTypes[N]>;
}

/** Domain rules beyond the schema: returns a reason, or null when the document is fine. */
type DomainRule<T> = (doc: T) => string | null;

function spec<N extends SyncCollectionName>(
  name: N,
  schema: RxJsonSchema<SyncDocTypes[N]>,
  rules: ReadonlyArray<DomainRule<SyncDocTypes[N]>>,
): SyncCollectionSpec<N> {
  const validator = jsonSchemaToZod(schema as never) as z.ZodType<SyncDocTypes[N]>;
  // Accepts only what the validator accepts; anything else goes to zod, which words the refusal.
  const quick = jsonSchemaQuickCheck(schema as never);
  return {
    name,
    schema,
    validate(doc) {
      let data: SyncDocTypes[N];
      if (quick(doc)) data = doc as SyncDocTypes[N];
      else {
        const parsed = validator.safeParse(doc);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          const where = issue?.path.length ? issue.path.join('.') : '(document)';
          return { ok: false, error: `${name}: ${where}: ${issue?.message ?? 'invalid'}` };
        }
        data = parsed.data;
      }
      for (const rule of rules) {
        const reason = rule(data);
        if (reason !== null) return { ok: false, error: `${name}: ${reason}` };
      }
      return { ok: true, doc: data };
    },
  };
}

const BASE64URL_22 = /^[A-Za-z0-9_-]{22}$/;

export const SYNC_COLLECTIONS: { readonly [N in SyncCollectionName]: SyncCollectionSpec<N> } = {
  checkins: spec('checkins', checkinsSchema, [(d) => checkInDocProblem(d)]),
  acks: spec('acks', acksSchema, [
    (d) => (BASE64URL_22.test(d.laptopId) ? null : 'laptopId is not a laptop id'),
    (d) => (d.alertId.length > 0 && d.alertId.length <= ACK_ALERT_ID_MAX ? null : 'empty alertId'),
    (d) =>
      d.id === ackDocId(d.alertId, d.laptopId) ? null : 'id is not derived from alert and laptop',
  ]),
  notes: spec('notes', notesSchema, [
    (d) => (BASE64URL_22.test(d.id) ? null : 'id is not a note id'),
    (d) => (BASE64URL_22.test(d.laptopId) ? null : 'laptopId is not a laptop id'),
    (d) => (d.text.trim().length > 0 ? null : 'empty note'),
    (d) => (d.text.length <= NOTE_TEXT_MAX ? null : `note longer than ${NOTE_TEXT_MAX} characters`),
    (d) =>
      d.corrects === '' || BASE64URL_22.test(d.corrects) ? null : 'corrects is not a note id',
    (d) => (d.corrects !== d.id ? null : 'a note cannot correct itself'),
  ]),
  conflicts: spec('conflicts', conflictsSchema, [(d) => conflictDocProblem(d)]),
};

export function isSyncCollection(name: unknown): name is SyncCollectionName {
  return typeof name === 'string' && (SYNC_COLLECTION_NAMES as readonly string[]).includes(name);
}

/** Validates a document for a collection given by name (unknown names are refused). */
export function validateSyncDocument(
  collection: string,
  doc: unknown,
): ValidationResult<SyncDocTypes[SyncCollectionName]> {
  if (!isSyncCollection(collection)) {
    return { ok: false, error: `collection "${collection.slice(0, 64)}" does not sync` };
  }
  return SYNC_COLLECTIONS[collection].validate(doc);
}

/**
 * Validates a document as RxDB's replication protocol pushes it (`WithDeleted<T>`): the fields
 * plus `_deleted`, which must be false (append-only collections never delete).
 */
export function validatePushedDocument(
  collection: string,
  doc: unknown,
): ValidationResult<SyncDocTypes[SyncCollectionName]> {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return { ok: false, error: `${collection.slice(0, 64)}: not an object` };
  }
  const { _deleted: deleted, ...fields } = doc as Record<string, unknown>;
  if (deleted !== false) {
    return { ok: false, error: `${collection.slice(0, 64)}: documents are append-only (deleted)` };
  }
  return validateSyncDocument(collection, fields);
}

/** The schema versions both ends of a link must agree on (sent in the pairing handshake). */
export function syncSchemaVersions(): Record<SyncCollectionName, number> {
  return Object.fromEntries(
    SYNC_COLLECTION_NAMES.map((n) => [n, SYNC_COLLECTIONS[n].schema.version]),
  ) as Record<SyncCollectionName, number>;
}
