/** `quarantine`: every rejected message, with its raw text (or first bytes) and every reason. */
import type { RxJsonSchema } from 'rxdb';
import { MAX_TIMESTAMP_MS } from '../../../shared/contract/timestamp';

export interface QuarantineDoc {
  /** `q` + zero-padded ingestSeq. */
  id: string;
  ingestSeq: number;
  receivedAt: number;
  /** Dedupe key when one could be read. */
  key?: string;
  /** First reason's code, for filtering. */
  code: string;
  reasons: Array<{ code: string; path: string; message: string }>;
  /** The message as received, or its first bytes when over the size limit. */
  text: string;
  size: number;
  truncated: boolean;
  sequence?: string;
}

export const quarantineSchema: RxJsonSchema<QuarantineDoc> = {
  title: 'quarantined messages',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 24 },
    ingestSeq: { type: 'integer', minimum: 0, maximum: 1e15, multipleOf: 1 },
    receivedAt: { type: 'integer', minimum: 0, maximum: MAX_TIMESTAMP_MS, multipleOf: 1 },
    key: { type: 'string' },
    code: { type: 'string', maxLength: 64 },
    reasons: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          code: { type: 'string' },
          path: { type: 'string' },
          message: { type: 'string' },
        },
        required: ['code', 'path', 'message'],
      },
    },
    text: { type: 'string' },
    size: { type: 'integer' },
    truncated: { type: 'boolean' },
    sequence: { type: 'string' },
  },
  required: ['id', 'ingestSeq', 'receivedAt', 'code', 'reasons', 'text', 'size', 'truncated'],
  indexes: ['ingestSeq', ['code', 'ingestSeq']],
};
