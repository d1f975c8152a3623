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
import { notesMethods, syncMethods } from './channels/sync';
import { statusMethods } from './channels/status';
import { ApiCallError, apiErrorSchema, type ApiError, type ApiResult } from './define';

export const apiMethods = {
  ...appMethods,
  ...settingsMethods,
  ...activityMethods,
  ...alertsMethods,
  ...checkinsMethods,
  ...quarantineMethods,
  ...relayMethods,
  ...reportsMethods,
  ...syncMethods,
  ...notesMethods,
  ...statusMethods,
} as const satisfies Record<string, { kind: 'query' | 'subscription'; channel: ChannelName }>;

type Methods = typeof apiMethods;

export type GateOpsApi = {
  readonly [M in keyof Methods]: Methods[M] extends {
    kind: 'query';
    channel: infer C extends QueryChannel;
  }
    ? (request: RequestOf<C>) => Promise<ResponseOf<C>>
    : Methods[M] extends { kind: 'subscription'; channel: infer C extends SubscriptionChannel }
      ? (
          request: RequestOf<C>,
          listener: (event: EventOf<C>) => void,
          /** A refused or failed subscription (without it, the failure is logged). */
          onError?: (error: ApiCallError) => void,
        ) => () => void
      : never;
};

/**
 * What crosses Electron's contextBridge as `window.gateOps`: the same named methods, but a query
 * resolves to its result as data and never rejects, and a subscription reports its error as
 * data. contextBridge copies a thrown or rejected Error into the page with its message only
 * (`code` and `issues` are lost), so the error must travel as a plain object; the renderer
 * turns the bridge back into GateOpsApi with `apiFromBridge`, which throws the same
 * ApiCallError as in headless mode.
 */
export type GateOpsBridge = {
  readonly [M in keyof Methods]: Methods[M] extends {
    kind: 'query';
    channel: infer C extends QueryChannel;
  }
    ? (request: RequestOf<C>) => Promise<ApiResult<ResponseOf<C>>>
    : Methods[M] extends { kind: 'subscription'; channel: infer C extends SubscriptionChannel }
      ? (
          request: RequestOf<C>,
          listener: (event: EventOf<C>) => void,
          onError?: (error: ApiError) => void,
        ) => () => void
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

type MethodTable = Array<[string, { kind: string; channel: string }]>;

/** The bridge over a transport (the preload builds it over IPC). Never throws, never rejects. */
export function buildBridge(transport: ApiTransport): GateOpsBridge {
  const bridge: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(apiMethods) as MethodTable) {
    if (def.kind === 'query') {
      bridge[name] = async (request: unknown): Promise<ApiResult<unknown>> => {
        try {
          return await transport.query(def.channel, request ?? {});
        } catch (error) {
          return { ok: false, error: { code: 'internal', message: String(error) } };
        }
      };
    } else {
      bridge[name] = (
        request: unknown,
        listener: (event: unknown) => void,
        onError?: (error: ApiError) => void,
      ) =>
        transport.subscribe(
          def.channel,
          request ?? {},
          listener,
          // Plain data: the renderer rebuilds the ApiCallError on its side of the bridge.
          onError ? (e) => onError(toPlainError(e.error)) : undefined,
        );
    }
  }
  return Object.freeze(bridge) as GateOpsBridge;
}

/** GateOpsApi over a bridge: error results become ApiCallError, with their code. */
export function apiFromBridge(bridge: GateOpsBridge): GateOpsApi {
  const source = bridge as unknown as Record<string, (...args: unknown[]) => unknown>;
  const api: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(apiMethods) as MethodTable) {
    const method = source[name];
    if (typeof method !== 'function') {
      api[name] = missingMethod(name, def.kind);
    } else if (def.kind === 'query') {
      api[name] = async (request: unknown) => {
        const result = (await method(request ?? {})) as unknown;
        if (!isResult(result)) {
          throw new ApiCallError({ code: 'internal', message: `malformed reply to ${name}` });
        }
        if (!result.ok) throw new ApiCallError(toPlainError(result.error));
        return result.value;
      };
    } else {
      api[name] = (
        request: unknown,
        listener: (event: unknown) => void,
        onError?: (error: ApiCallError) => void,
      ) =>
        method(
          request ?? {},
          listener,
          onError ? (e: unknown) => onError(new ApiCallError(toPlainError(e))) : undefined,
        );
    }
  }
  return Object.freeze(api) as GateOpsApi;
}

export function buildApi(transport: ApiTransport): GateOpsApi {
  return apiFromBridge(buildBridge(transport));
}

function isResult(value: unknown): value is ApiResult<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { ok?: unknown }).ok === 'boolean'
  );
}

/** An ApiError as plain, cloneable data; anything unexpected becomes an `internal` error. */
function toPlainError(raw: unknown): ApiError {
  const parsed = apiErrorSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const message = (raw as { message?: unknown } | null)?.message;
  return { code: 'internal', message: typeof message === 'string' ? message : String(raw) };
}

/** A method the other side of the bridge does not have (a preload older than the page). */
function missingMethod(name: string, kind: string): unknown {
  const error: ApiError = { code: 'unavailable', message: `this app version has no ${name}` };
  if (kind === 'query') {
    return async () => {
      throw new ApiCallError(error);
    };
  }
  return (_request: unknown, _listener: unknown, onError?: (e: ApiCallError) => void) => {
    if (onError) onError(new ApiCallError(error));
    else console.error(`[gateOps] ${error.message}`);
    return () => undefined;
  };
}
