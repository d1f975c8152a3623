/**
 * Venue sync channels: this laptop's role and link, the team of laptops at the venue, the join
 * code (text + QR modules), becoming the hub / joining / leaving, and the shift log.
 */
import { z } from 'zod';
import { query, subscription } from '../define';

export const SYNC_LINK_STATES = ['connecting', 'live', 'down', 'refused', 'stopped'] as const;

export const laptopRelaySchema = z.enum([
  'live',
  'connecting',
  'reconnecting',
  'offline',
  'auth-failed',
  'none',
]);

export const teamLaptopSchema = z.object({
  laptopId: z.string(),
  name: z.string(),
  role: z.enum(['hub', 'joined']),
  connected: z.boolean(),
  /** Last time the hub heard from it (ms). */
  lastContactAt: z.number(),
  relay: laptopRelaySchema.nullable(),
  checkins: z.number().int().nonnegative().nullable(),
  pending: z.number().int().nonnegative().nullable(),
  /** How far its copy is behind the hub's newest change (ms); null when not known. */
  behindMs: z.number().nonnegative().nullable(),
  isThisLaptop: z.boolean(),
});
export type TeamLaptop = z.infer<typeof teamLaptopSchema>;

/**
 * Venue sync over NATS JetStream as the supervisor sees it: the link (connected, reconnecting,
 * refused credentials, stream missing, …), what moved per collection, and each venue's freshness
 * (the operations centre: every venue it reads; a venue laptop: its own venue's laptops).
 */
export const NATS_LINK_STATES = [
  'misconfigured',
  'connecting',
  'connected',
  'reconnecting',
  'refused',
  'stream-missing',
  'unreachable',
  'failed',
  'stopped',
] as const;
export type NatsLinkStateName = (typeof NATS_LINK_STATES)[number];

export const natsVenueFreshnessSchema = z.object({
  venue: z.string(),
  /** Newest word from any of the venue's laptops (their clocks, ms); null: none heard yet. */
  asOf: z.number().nullable(),
  laptops: z.array(
    z.object({
      laptopId: z.string(),
      name: z.string(),
      at: z.number(),
      /** Check-ins that laptop held when it last said so. */
      checkins: z.number().int().nonnegative().nullable(),
    }),
  ),
});
export type NatsVenueFreshness = z.infer<typeof natsVenueFreshnessSchema>;

export const natsSyncViewSchema = z.object({
  /** Where this run's NATS settings come from: Settings, or the command line (which wins). */
  source: z.enum(['settings', 'command-line']),
  /** Null when the settings do not even say that (misconfigured). */
  role: z.enum(['venue', 'central']).nullable(),
  venues: z.array(z.string()),
  servers: z.array(z.string()),
  stream: z.string().nullable(),
  link: z.object({
    state: z.enum(NATS_LINK_STATES),
    /** Since when (ms); null when not known. */
    since: z.number().nullable(),
    server: z.string().optional(),
    reason: z.string().optional(),
    /** Next attempt (ms) after a failure. */
    retryAt: z.number().optional(),
  }),
  collections: z.record(
    z.string(),
    z.object({
      pulled: z.number().int().nonnegative(),
      pushed: z.number().int().nonnegative(),
      rejected: z.number().int().nonnegative(),
      /** When a document last arrived from the stream (ms); null: none yet. */
      lastPullAt: z.number().nullable(),
      error: z.string().nullable(),
    }),
  ),
  venuesSeen: z.array(natsVenueFreshnessSchema),
});
export type NatsSyncView = z.infer<typeof natsSyncViewSchema>;

export const syncStatusSchema = z.object({
  role: z.enum(['off', 'hub', 'joined']),
  laptopId: z.string(),
  laptopName: z.string(),
  /** When hub: where it listens and the code to join it. */
  hub: z
    .object({
      port: z.number().int(),
      addresses: z.array(z.string()),
      joinCode: z.string(),
      connectedLaptops: z.number().int().nonnegative(),
    })
    .nullable(),
  /** When joined: the link to the hub. */
  link: z
    .object({
      state: z.enum(SYNC_LINK_STATES),
      since: z.number(),
      hubName: z.string().optional(),
      reason: z.string().optional(),
      nextTryAt: z.number().optional(),
    })
    .nullable(),
  laptops: z.array(teamLaptopSchema),
  /** This laptop holds every change the hub had up to this time (hub's clock), null: never synced. */
  inSyncThrough: z.number().nullable(),
  /** Check-ins this laptop holds. */
  checkins: z.number().int().nonnegative(),
  /** This laptop's documents (every synced collection) the hub has not confirmed yet, exactly. */
  pending: z.number().int().nonnegative(),
  /** When a document last arrived over venue sync (ms), null: never. */
  lastArrivalAt: z.number().nullable(),
  wire: z.object({ sent: z.number(), received: z.number() }),
  /** Venue sync over NATS JetStream next to (or instead of) the LAN hub; null: off. */
  nats: natsSyncViewSchema.nullable(),
});
export type SyncStatus = z.infer<typeof syncStatusSchema>;

export const joinCodeQrSchema = z.object({
  text: z.string(),
  /** QR modules, row by row: `size` × `size`, 1 = dark. */
  size: z.number().int().positive(),
  modules: z.string(),
});

const ok = z.object({ ok: z.literal(true) });

export const syncChannels = {
  'sync:status': query(z.object({}).strict(), syncStatusSchema),
  'sync:status-watch': subscription(z.object({}).strict(), syncStatusSchema),
  'sync:join-code': query(z.object({}).strict(), joinCodeQrSchema.nullable()),
  'sync:become-hub': query(
    z.object({ port: z.number().int().min(0).max(65535).default(0) }).strict(),
    ok,
  ),
  'sync:join': query(z.object({ code: z.string().min(1).max(1000) }).strict(), ok),
  'sync:leave': query(z.object({}).strict(), ok),
  'sync:new-code': query(z.object({}).strict(), ok),
};

export const syncMethods = {
  getSyncStatus: { kind: 'query', channel: 'sync:status' },
  watchSyncStatus: { kind: 'subscription', channel: 'sync:status-watch' },
  getJoinCode: { kind: 'query', channel: 'sync:join-code' },
  becomeHub: { kind: 'query', channel: 'sync:become-hub' },
  joinHub: { kind: 'query', channel: 'sync:join' },
  leaveVenueSync: { kind: 'query', channel: 'sync:leave' },
  newJoinCode: { kind: 'query', channel: 'sync:new-code' },
} as const;

export const NOTE_MAX_CHARS = 2000;

export const noteVmSchema = z.object({
  id: z.string(),
  author: z.string(),
  laptopId: z.string(),
  at: z.number(),
  gate: z.string(),
  text: z.string(),
  /** Id of the note this one corrects, or null. */
  corrects: z.string().nullable(),
  /** Ids of later notes that correct this one (newest last). */
  correctedBy: z.array(z.string()),
});
export type NoteVm = z.infer<typeof noteVmSchema>;

export const notesListSchema = z.object({
  notes: z.array(noteVmSchema),
  /** Notes not listed (older than the newest `limit`). */
  omitted: z.number().int().nonnegative(),
  /** False when this laptop's store has no shift log (an older store). */
  available: z.boolean(),
});
export type NotesList = z.infer<typeof notesListSchema>;

const notesRequest = z.object({ limit: z.number().int().min(1).max(2000).default(500) }).strict();

export const notesChannels = {
  'notes:list': query(notesRequest, notesListSchema),
  'notes:watch': subscription(notesRequest, notesListSchema),
  'notes:add': query(
    z
      .object({
        text: z.string().trim().min(1, 'write something').max(NOTE_MAX_CHARS),
        gate: z.string().max(128).default(''),
        corrects: z.string().max(22).nullable().default(null),
      })
      .strict(),
    z.object({ id: z.string() }),
  ),
};

export const notesMethods = {
  listNotes: { kind: 'query', channel: 'notes:list' },
  watchNotes: { kind: 'subscription', channel: 'notes:watch' },
  addNote: { kind: 'query', channel: 'notes:add' },
} as const;
