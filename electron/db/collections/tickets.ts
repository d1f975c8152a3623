/**
 * `tickets`: one document per ticket ever checked in, keyed by a digest of the ticket id. It
 * answers "has this ticket been checked in before?" (re-entry) with primary-key lookups, which
 * every storage does in O(batch); a `$in` query on `checkins.ticketId` would scan the whole index
 * range between the smallest and largest id in the batch (RxDB's query planner). Its count is
 * the number of unique tickets.
 */
import type { RxJsonSchema } from 'rxdb';

export interface TicketDoc {
  /** `ticketDocId(ticketId)` (electron/db/ids.ts). */
  id: string;
  ticketId: string;
  /** Primary key of the ticket's first stored check-in. */
  firstCheckin: string;
  firstCheckedInAt: number;
}

export const ticketsSchema: RxJsonSchema<TicketDoc> = {
  title: 'tickets seen',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 22 },
    ticketId: { type: 'string', maxLength: 128 },
    firstCheckin: { type: 'string', maxLength: 22 },
    firstCheckedInAt: { type: 'integer', minimum: 0, maximum: 4_102_444_800_000, multipleOf: 1 },
  },
  required: ['id', 'ticketId', 'firstCheckin', 'firstCheckedInAt'],
};
