/**
 * GateOpsApi: the one typed API the renderer sees, as named methods (never a generic invoke).
 * The table maps each method to its channel; `buildApi` turns any transport (Electron IPC in the
 * preload, the loopback websocket in headless mode, a fake in tests) into that object.
 */
import type {
  ChannelName,
  EventOf,
  QueryChannel,
  RequestOf,
  ResponseOf,
  SubscriptionChannel,
} from './channels';
import { appMethods } from './channels/app';
import { settingsMethods } from './channels/settings';
import { activityMethods } from './channels/activity';
import { alertsMethods } from './channels/alerts';
import { checkinsMethods } from './channels/checkins';
import { quarantineMethods } from './channels/quarantine';
import { relayMethods } from './channels/relay';
import { reportsMethods } from './channels/reports';
import { ApiCallError, type ApiResult } from './define';

export const apiMethods = {
  ...appMethods,
  ...settingsMethods,
  ...activityMethods,
  ...alertsMethods,
  ...checkinsMethods,
  ...quarantineMethods,
  ...relayMethods,
  ...reportsMethods,
} as const satisfies Record<string, { kind: 'query' | 'subscription'; channel: ChannelName }>;

type Methods = typeof apiMethods;

export type GateOpsApi = {
  readonly [M in keyof Methods]: Methods[M] extends {
    kind: 'query';
    channel: infer C extends QueryChannel;
  }
    ? (request: RequestOf<C>) => Promise<ResponseOf<C>>
    : Methods[M] extends { kind: 'subscription'; channel: infer C extends SubscriptionChannel }
      ? (request: RequestOf<C>, listener: (event: EventOf<C>) => void) => () => void
      : never;
};

/** How calls travel. Results are always typed results, never thrown errors. */
export interface ApiTransport {
  query(channel: string, payload: unknown): Promise<ApiResult<unknown>>;
  /** Returns the unsubscribe function. Errors of the subscription arrive through `onError`. */
  subscribe(
    channel: string,
    payload: unknown,
    listener: (event: unknown) => void,
    onError?: (error: ApiCallError) => void,
  ): () => void;
}

export function buildApi(transport: ApiTransport): GateOpsApi {
  const api: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(apiMethods) as Array<
    [string, { kind: string; channel: string }]
  >) {
    if (def.kind === 'query') {
      api[name] = async (request: unknown) => {
        const result = await transport.query(def.channel, request ?? {});
        if (!result.ok) throw new ApiCallError(result.error);
        return result.value;
      };
    } else {
      api[name] = (request: unknown, listener: (event: unknown) => void) =>
        transport.subscribe(def.channel, request ?? {}, listener);
    }
  }
  return Object.freeze(api) as GateOpsApi;
}
