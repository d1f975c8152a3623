/**
 * The venue-sync wire protocol: one JSON object per websocket text frame, each parsed with zod
 * before anything acts on it (unlike RxDB's replication-websocket server, which `JSON.parse`s and
 * dispatches any method name a client sends). Documents inside push/pull frames are only shaped
 * here (`unknown`); their content is checked per collection by sync-collections.
 *
 * Order on a link: hub `hello` → laptop `auth` → hub `welcome` (or `refused` and close) → from
 * then on requests (`pull`, `push`) answered by `result`, the hub's `change` stream per
 * subscribed collection, and `status`/`team` reports.
 */
import { z } from 'zod';
import { SYNC_COLLECTION_NAMES } from '../sync-collections';

export const PROTOCOL_VERSION = 1;

const id = z.string().min(1).max(64);
const b64 = (n: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .max(n);
const collection = z.enum(SYNC_COLLECTION_NAMES);
/** A checkpoint is opaque to us (the storage's own: {id, lwt}); bounded in size. */
const checkpoint = z
  .object({ id: z.string().max(256), lwt: z.number().finite() })
  .strict()
  .nullable();
/**
 * A document inside a frame: only its shape (a plain JSON object) is checked here, without
 * copying it; its content is checked once, per collection, by sync-collections before anything
 * stores it (validating it here too would walk and copy every document twice).
 */
const doc = z.custom<Record<string, unknown>>(
  (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
  { message: 'a document must be an object' },
);

export const laptopStatusSchema = z
  .object({
    /** The laptop's own relay link: live / reconnecting / offline / none (venue sync only). */
    relay: z.enum(['live', 'connecting', 'reconnecting', 'offline', 'auth-failed', 'none']),
    simulated: z.boolean(),
    checkins: z.number().int().nonnegative(),
    /** Local documents not yet confirmed by the hub. */
    pending: z.number().int().nonnegative(),
    /** Newest change from the hub this laptop has stored (ms, the hub's clock), or null. */
    inSyncThrough: z.number().int().nonnegative().nullable(),
  })
  .strict();
export type LaptopStatus = z.infer<typeof laptopStatusSchema>;

export const laptopFrameSchema = z.discriminatedUnion('t', [
  z
    .object({
      t: z.literal('auth'),
      v: z.number().int(),
      laptopId: b64(22),
      name: z.string().max(80),
      generation: z.number().int().nonnegative(),
      nonce: b64(32),
      proof: b64(64),
      schemas: z.record(z.string(), z.number().int()),
      /** This laptop shows the demo venue's simulated data (never mixed with real data). */
      simulated: z.boolean(),
    })
    .strict(),
  z
    .object({
      t: z.literal('pull'),
      id,
      c: collection,
      checkpoint: checkpoint.optional(),
      limit: z.number().int().min(1).max(2000),
    })
    .strict(),
  z
    .object({
      t: z.literal('push'),
      id,
      c: collection,
      rows: z
        .array(z.object({ newDocumentState: doc, assumedMasterState: doc.optional() }).strict())
        .min(1)
        .max(2000),
    })
    .strict(),
  z.object({ t: z.literal('subscribe'), c: collection }).strict(),
  z.object({ t: z.literal('status'), status: laptopStatusSchema }).strict(),
]);
export type LaptopFrame = z.infer<typeof laptopFrameSchema>;

export const teamMemberSchema = z
  .object({
    laptopId: z.string().max(22),
    name: z.string().max(80),
    role: z.enum(['hub', 'joined']),
    connected: z.boolean(),
    lastContactAt: z.number().int().nonnegative(),
    status: laptopStatusSchema.nullable(),
  })
  .strict();
export type TeamMember = z.infer<typeof teamMemberSchema>;

export const hubFrameSchema = z.discriminatedUnion('t', [
  z
    .object({
      t: z.literal('hello'),
      v: z.number().int(),
      hubId: b64(22),
      name: z.string().max(80),
      nonce: b64(32),
    })
    .strict(),
  z
    .object({
      t: z.literal('welcome'),
      proof: b64(64),
      /** Identity of this hub's data: replication checkpoints belong to it. */
      replicationId: z.string().min(1).max(128),
    })
    .strict(),
  z
    .object({
      t: z.literal('refused'),
      code: z.enum(['wrong-code', 'old-code', 'version', 'schema', 'data-kind']),
      reason: z.string().max(400),
    })
    .strict(),
  z
    .object({
      t: z.literal('result'),
      id,
      ok: z.boolean(),
      /** When ok — pull: {documents, checkpoint}; push: the hub's version of conflicting documents. */
      result: z.unknown().optional(),
      /** When not ok: why, and when to try again. */
      error: z.string().max(400).optional(),
      retryAfterMs: z.number().int().nonnegative().optional(),
    })
    .strict(),
  z
    .object({
      t: z.literal('change'),
      c: collection,
      documents: z.array(doc).max(5000),
      checkpoint,
    })
    .strict(),
  z
    .object({ t: z.literal('team'), laptops: z.array(teamMemberSchema).max(200), at: z.number() })
    .strict(),
]);
export type HubFrame = z.infer<typeof hubFrameSchema>;

/** Websocket close codes (4000–4999 are the application's). */
export const CLOSE = {
  refused: 4401,
  malformed: 4400,
  invalidDocument: 4422,
  tooMany: 4429,
  replaced: 4410,
  shuttingDown: 4503,
} as const;

export const pullResultSchema = z
  .object({ documents: z.array(doc).max(2000), checkpoint })
  .strict();
export const pushResultSchema = z.array(doc).max(2000);

/** Parses one text frame; returns null when it is not JSON or not a known frame. */
export function parseFrame<T>(schema: z.ZodType<T>, text: string): T | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
