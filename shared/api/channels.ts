/**
 * The channel map: every API channel between main and the renderer, `channel → schemas`.
 * Names are `domain:thing`. Add channels here, their methods in ./methods.ts, their handlers in
 * electron/api/<domain>-handlers.ts.
 */
import { z } from 'zod';
import { query, type ChannelDef, type QueryDef, type SubscriptionDef } from './define';

export const appInfoSchema = z.object({
  version: z.string(),
  host: z.enum(['electron', 'headless']),
  /** True when the built-in relay simulator feeds the app (no relay configured). */
  demo: z.boolean(),
  dataDir: z.string(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const channels = {
  'app:info': query(z.object({}).strict(), appInfoSchema),
} as const satisfies Record<string, ChannelDef>;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export type QueryChannel = {
  [K in ChannelName]: Channels[K] extends QueryDef ? K : never;
}[ChannelName];
export type SubscriptionChannel = {
  [K in ChannelName]: Channels[K] extends SubscriptionDef ? K : never;
}[ChannelName];

export type RequestOf<C extends ChannelName> = z.input<Channels[C]['request']>;
export type ParsedRequestOf<C extends ChannelName> = z.output<Channels[C]['request']>;
export type ResponseOf<C extends QueryChannel> =
  Channels[C] extends QueryDef<z.ZodType, infer R> ? z.output<R> : never;
export type EventOf<C extends SubscriptionChannel> =
  Channels[C] extends SubscriptionDef<z.ZodType, infer E> ? z.output<E> : never;

export function isChannelName(name: string): name is ChannelName {
  return Object.prototype.hasOwnProperty.call(channels, name);
}
