/**
 * `conflicts` as schema v0 stored it (before venue sync carried conflicts): a local id from the
 * arrival number, and the local facts (arrival, received time, relay stamp) inside the document.
 * Kept for the migrations that read a v0 table (checkins-v1.ts, conflicts-v1.ts) and the tests.
 */
import type { RxJsonSchema } from 'rxdb';
import { MAX_TIMESTAMP_MS } from '../../../shared/contract/timestamp';

export interface ConflictDocV0 {
  /** `c` + zero-padded ingestSeq. */
  id: string;
  ingestSeq: number;
  receivedAt: number;
  key: string;
  /** Primary key of the stored check-in it collides with. */
  checkinId: string;
  storedFingerprint: string;
  fingerprint: string;
  /** The conflicting event exactly as received. */
  text: string;
  sequence?: string;
}

export const conflictsSchemaV0: RxJsonSchema<ConflictDocV0> = {
  title: 'conflicting redeliveries',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 24 },
    ingestSeq: { type: 'integer', minimum: 0, maximum: 1e15, multipleOf: 1 },
    receivedAt: { type: 'integer', minimum: 0, maximum: MAX_TIMESTAMP_MS, multipleOf: 1 },
    key: { type: 'string' },
    checkinId: { type: 'string', maxLength: 22 },
    storedFingerprint: { type: 'string' },
    fingerprint: { type: 'string' },
    text: { type: 'string' },
    sequence: { type: 'string' },
  },
  required: [
    'id',
    'ingestSeq',
    'receivedAt',
    'key',
    'checkinId',
    'storedFingerprint',
    'fingerprint',
    'text',
  ],
  indexes: ['ingestSeq'],
};
