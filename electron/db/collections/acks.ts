/**
 * `acks`: alert acknowledgements, synced between the laptops of a venue. Append-only: one
 * document per alert per laptop, never changed and never deleted, so two laptops acknowledging
 * the same alert offline both keep their acknowledgement (an alert is acknowledged when any
 * laptop acknowledged it). The id is derived from (alert, laptop), so acknowledging twice on one
 * laptop is the same document.
 */
import type { RxJsonSchema } from 'rxdb';
import { MAX_TIMESTAMP_MS } from '../../../shared/contract/timestamp';

export interface AckDoc {
  /** `ackDocId(alertId, laptopId)` (electron/db/ids.ts). */
  id: string;
  /** The alert's id: deterministic from the data, the same on every laptop. */
  alertId: string;
  laptopId: string;
  /** The laptop's name when it acknowledged ("North doors — Anna"). */
  author: string;
  at: number;
}

export const ACK_ALERT_ID_MAX = 400;
export const AUTHOR_MAX = 80;
export const LAPTOP_ID_LENGTH = 22;

export const acksSchema: RxJsonSchema<AckDoc> = {
  title: 'alert acknowledgements',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 22 },
    alertId: { type: 'string', maxLength: ACK_ALERT_ID_MAX },
    laptopId: { type: 'string', maxLength: LAPTOP_ID_LENGTH },
    author: { type: 'string', maxLength: AUTHOR_MAX },
    at: { type: 'integer', minimum: 0, maximum: MAX_TIMESTAMP_MS, multipleOf: 1 },
  },
  required: ['id', 'alertId', 'laptopId', 'author', 'at'],
  indexes: ['at'],
};
