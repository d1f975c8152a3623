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

export const quarantineChannels = {
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
  listQuarantine: { kind: 'query', channel: 'quarantine:list' },
  getQuarantined: { kind: 'query', channel: 'quarantine:get' },
} as const;
