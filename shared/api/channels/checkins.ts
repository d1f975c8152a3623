/**
 * Check-in browsing and search: pages read through the database indexes (the full-text index for
 * text; gate/session/device by check-in time), never the whole table.
 */
import { z } from 'zod';
import { query, subscription } from '../define';

const id = z.string().max(128);

export const checkInRowSchema = z.object({
  id: z.string(),
  ingestSeq: z.number().int().nonnegative(),
  ticketId: z.string(),
  checkInId: z.string(),
  attendeeName: z.string().optional(),
  attendeeEmail: z.string().optional(),
  gate: z.string(),
  deviceId: z.string(),
  sessionId: z.string(),
  productId: z.string(),
  eventId: z.string(),
  checkedInAt: z.number().int(),
  occurredAt: z.number().int(),
  /** The CloudEvents `time` (when the scanner or its uplink sent it), when the event has one. */
  time: z.number().int().optional(),
  receivedAt: z.number().int(),
  reentry: z.boolean(),
});
export type CheckInRow = z.infer<typeof checkInRowSchema>;

export const SEARCH_FIELDS = ['any', 'ticket', 'name', 'email'] as const;
/** A search with only short words (1–2 characters) looks at this many newest check-ins. */
export const SEARCH_SCAN_NEWEST = 20_000;

/** Columns the check-in list sorts by: time always; the others through their index. */
export const CHECKIN_SORTS = ['time', 'ticket', 'name', 'email'] as const;
export type CheckinSort = (typeof CHECKIN_SORTS)[number];

export const checkinsSearchRequestSchema = z
  .object({
    /**
     * What the supervisor typed: every word must occur (substring, case- and accent-insensitive)
     * in the field chosen, or in any of name, e-mail, ticket, check-in, session and device id.
     * Empty lists everything (newest first).
     */
    text: z.string().max(128).default(''),
    field: z.enum(SEARCH_FIELDS).default('any'),
    gate: id.optional(),
    sessionId: id.optional(),
    deviceId: id.optional(),
    reentryOnly: z.boolean().default(false),
    sort: z.enum(CHECKIN_SORTS).default('time'),
    dir: z.enum(['asc', 'desc']).default('desc'),
    offset: z.number().int().min(0).max(10_000_000).default(0),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();
export type CheckinsSearchRequest = z.input<typeof checkinsSearchRequestSchema>;

export const checkinsPageSchema = z.object({
  /** Matching rows; for a text search over "any" field this is capped (see `capped`). */
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  rows: z.array(checkInRowSchema),
  capped: z.boolean(),
  /**
   * The order the rows are in: the one asked for, or `time` (newest first) when the set is too
   * big to sort by that column here (see `SORT_IN_MEMORY_MAX`).
   */
  sortedBy: z.enum(CHECKIN_SORTS),
  /**
   * How much of the store a text search looked at: 'all'; 'newest' (text with no word of 3+
   * characters checks only the newest SEARCH_SCAN_NEWEST check-ins); 'indexing' (check-ins
   * stored before the search index existed are still being added to it); 'catching-up'
   * (`notIndexed` check-ins of a backlog just caught up are not in the search index yet and were
   * not looked at); 'index-failed'.
   */
  coverage: z.enum(['all', 'newest', 'indexing', 'catching-up', 'index-failed']).optional(),
  /** With coverage 'catching-up': how many check-ins the search could not look at yet. */
  notIndexed: z.number().int().nonnegative().optional(),
});
export type CheckinsPage = z.infer<typeof checkinsPageSchema>;

export const checkInDetailSchema = checkInRowSchema.extend({
  key: z.string(),
  source: z.string(),
  ceId: z.string(),
  sequence: z.string().optional(),
  raw: z.string(),
  /** Other check-ins of the same ticket, oldest first (a re-entry shows its history). */
  sameTicket: z.array(checkInRowSchema),
});
export type CheckInDetail = z.infer<typeof checkInDetailSchema>;

export const checkinsChannels = {
  'checkins:search': query(checkinsSearchRequestSchema, checkinsPageSchema),
  'checkins:get': query(z.object({ id: z.string().max(64) }).strict(), checkInDetailSchema),
  /** Fires (coalesced) when check-ins were stored: the page in view may have changed. */
  'checkins:changes': subscription(
    z.object({}).strict(),
    z.object({ lastIngestSeq: z.number().int().nonnegative(), total: z.number().int() }),
  ),
};

export const checkinsMethods = {
  searchCheckIns: { kind: 'query', channel: 'checkins:search' },
  getCheckIn: { kind: 'query', channel: 'checkins:get' },
  onCheckInsChanged: { kind: 'subscription', channel: 'checkins:changes' },
} as const;
