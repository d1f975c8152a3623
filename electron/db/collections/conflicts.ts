/** `conflicts`: a dedupe key that came back with a different payload. The stored check-in is never overwritten. */
import type { RxJsonSchema } from 'rxdb';
import { MAX_TIMESTAMP_MS } from '../../../shared/contract/timestamp';

export interface ConflictDoc {
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

export const conflictsSchema: RxJsonSchema<ConflictDoc> = {
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
