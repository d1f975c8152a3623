/** Quarantine channels: rejected messages with their reasons and raw text, paged. */
import { z } from 'zod';
import { query } from '../define';

const reasonSchema = z.object({ code: z.string(), path: z.string(), message: z.string() });

export const quarantineRowSchema = z.object({
  id: z.string(),
  ingestSeq: z.number().int().nonnegative(),
  receivedAt: z.number().int(),
  code: z.string(),
  reasons: z.array(reasonSchema),
  /** The first 200 characters of the raw text. */
  preview: z.string(),
  size: z.number().int(),
  truncated: z.boolean(),
});
export type QuarantineRow = z.infer<typeof quarantineRowSchema>;

export const conflictRowSchema = z.object({
  id: z.string(),
  ingestSeq: z.number().int().nonnegative(),
  receivedAt: z.number().int(),
  /**
   * How this laptop learnt of it: its own relay, another laptop (venue sync), or its own check-in
   * that venue sync replaced with the hub's version (`resolved`).
   */
  origin: z.enum(['relay', 'peer', 'resolved']),
  /** The dedupe key both messages share. */
  key: z.string(),
  /** Primary key of the stored check-in it collides with. */
  checkinId: z.string(),
  /** The first 200 characters of the conflicting message. */
  preview: z.string(),
  size: z.number().int(),
  /** The ticket of the stored check-in ('' when it cannot be read). */
  ticketId: z.string(),
  /** What differs from the stored check-in, e.g. "gate: East 08 → Moved gate". */
  changes: z.array(z.string()),
});
export type ConflictRow = z.infer<typeof conflictRowSchema>;

export const conflictDetailSchema = conflictRowSchema.extend({
  text: z.string(),
  /** The stored check-in's event, to compare with. */
  storedRaw: z.string().nullable(),
  storedFingerprint: z.string(),
  fingerprint: z.string(),
});
export type ConflictDetail = z.infer<typeof conflictDetailSchema>;

const pageRequest = {
  offset: z.number().int().min(0).max(10_000_000).default(0),
  limit: z.number().int().min(1).max(500).default(100),
};

export const quarantineChannels = {
  'conflicts:list': query(
    z.object(pageRequest).strict(),
    z.object({
      total: z.number().int().nonnegative(),
      offset: z.number().int().nonnegative(),
      rows: z.array(conflictRowSchema),
    }),
  ),
  'conflicts:get': query(z.object({ id: z.string().max(64) }).strict(), conflictDetailSchema),
  'quarantine:list': query(
    z
      .object({
        code: z.string().max(64).optional(),
        offset: z.number().int().min(0).max(10_000_000).default(0),
        limit: z.number().int().min(1).max(500).default(100),
      })
      .strict(),
    z.object({
      total: z.number().int().nonnegative(),
      offset: z.number().int().nonnegative(),
      rows: z.array(quarantineRowSchema),
    }),
  ),
  'quarantine:get': query(
    z.object({ id: z.string().max(64) }).strict(),
    quarantineRowSchema.extend({ text: z.string(), key: z.string().optional() }),
  ),
};

export const quarantineMethods = {
  listConflicts: { kind: 'query', channel: 'conflicts:list' },
  getConflict: { kind: 'query', channel: 'conflicts:get' },
  listQuarantine: { kind: 'query', channel: 'quarantine:list' },
  getQuarantined: { kind: 'query', channel: 'quarantine:get' },
} as const;
