/**
 * The channel map: every API channel between main and the renderer, `channel → schemas`.
 * Names are `domain:thing`. Each domain keeps its channels (and its GateOpsApi methods) in
 * ./channels/<domain>.ts; this file merges them. Handlers live in electron/api/<domain>-handlers.ts.
 */
import type { z } from 'zod';
import { appChannels } from './channels/app';
import { settingsChannels } from './channels/settings';
import { activityChannels } from './channels/activity';
import { alertsChannels } from './channels/alerts';
import { checkinsChannels } from './channels/checkins';
import { quarantineChannels } from './channels/quarantine';
import { relayChannels } from './channels/relay';
import { reportsChannels } from './channels/reports';
import { notesChannels, syncChannels } from './channels/sync';
import { statusChannels } from './channels/status';
import type { ChannelDef, QueryDef, SubscriptionDef } from './define';

export * from './channels/app';
export * from './channels/settings';
export * from './channels/activity';
export * from './channels/alerts';
export * from './channels/checkins';
export * from './channels/quarantine';
export * from './channels/relay';
export * from './channels/reports';
export * from './channels/sync';
export * from './channels/status';

export const channels = {
  ...appChannels,
  ...settingsChannels,
  ...activityChannels,
  ...alertsChannels,
  ...checkinsChannels,
  ...quarantineChannels,
  ...relayChannels,
  ...reportsChannels,
  ...syncChannels,
  ...notesChannels,
  ...statusChannels,
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
