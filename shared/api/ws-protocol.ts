/**
 * The loopback websocket protocol of headless mode: the same API channels as Electron IPC, as
 * small JSON messages. The client numbers its calls; results and subscription events carry the
 * number back.
 */
import { z } from 'zod';
import type { ApiError } from './define';

export const clientMessageSchema = z.discriminatedUnion('t', [
  z.object({
    t: z.literal('q'),
    id: z.number().int().nonnegative(),
    ch: z.string().max(100),
    p: z.unknown(),
  }),
  z.object({
    t: z.literal('sub'),
    id: z.number().int().nonnegative(),
    ch: z.string().max(100),
    p: z.unknown(),
  }),
  z.object({ t: z.literal('unsub'), id: z.number().int().nonnegative() }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export type ServerMessage =
  | {
      readonly t: 'r';
      readonly id: number;
      readonly r: { ok: true; value: unknown } | { ok: false; error: ApiError };
    }
  | { readonly t: 'ev'; readonly id: number; readonly e: unknown }
  | { readonly t: 'sub-err'; readonly id: number; readonly error: ApiError };

/** Path of the API websocket on the headless host; the token goes in `?token=`. */
export const HEADLESS_API_PATH = '/api';
