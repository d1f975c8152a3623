/**
 * `state`: small named documents: the resume cursor and ingest counters (written in the same
 * transaction as the batch they cover), settings, alert acknowledgements, activity snapshots.
 */
import type { RxJsonSchema } from 'rxdb';

/** The activity model's snapshot (electron/activity). */
export const ACTIVITY_SNAPSHOT_ID = 'activity';

export interface StateDoc {
  /** e.g. 'ingest', 'settings', 'alert-acks', 'activity'. */
  id: string;
  value: Record<string, unknown>;
  updatedAt: number;
}

export const stateSchema: RxJsonSchema<StateDoc> = {
  title: 'named state documents',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 64 },
    value: { type: 'object' },
    updatedAt: { type: 'integer' },
  },
  required: ['id', 'value', 'updatedAt'],
};
