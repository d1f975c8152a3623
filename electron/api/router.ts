/**
 * The transport-independent side of the API in main: handlers registered per channel, every
 * request validated with the channel's zod schema before a service sees it, every failure turned
 * into a typed error result. Electron IPC and the headless websocket both call into this.
 */
import type { z } from 'zod';
import {
  channels,
  isChannelName,
  ServiceError,
  type ApiError,
  type ApiResult,
  type EventOf,
  type ParsedRequestOf,
  type QueryChannel,
  type ResponseOf,
  type SubscriptionChannel,
} from '../../shared/api';

/** Who is calling: lets handlers (and the Electron binding) tell callers apart. */
export interface CallContext {
  readonly origin: 'ipc' | 'headless' | 'test';
}

export type QueryHandler<C extends QueryChannel> = (
  request: ParsedRequestOf<C>,
  ctx: CallContext,
) => Promise<ResponseOf<C>> | ResponseOf<C>;

/**
 * What a subscription handler gets: who calls, and where a failure of its later work goes (a
 * recomputation that throws after the first event has no caller to answer: `watch` reports it
 * here instead of dropping it).
 */
export interface SubscriptionContext extends CallContext {
  readonly reportError: (error: unknown) => void;
}

export type SubscriptionHandler<C extends SubscriptionChannel> = (
  request: ParsedRequestOf<C>,
  emit: (event: EventOf<C>) => void,
  ctx: SubscriptionContext,
) => () => void;

export interface ApiRouterOptions {
  /**
   * Every failure of a handler (a query that throws, a subscription's recomputation that fails),
   * besides the typed error its caller gets: the app routes store errors (a damaged file found
   * by a read) to the store's health. Not called for a ServiceError (an answer, not a fault).
   */
  readonly onError?: (error: unknown, channel: string) => void;
}

function badRequest(error: z.ZodError): ApiError {
  return {
    code: 'bad_request',
    message: `invalid request: ${error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; ')}`,
    issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  };
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ServiceError) return { code: error.code, message: error.message };
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}

/**
 * The handler registered for `channel` and the request validated with the channel's schema, or
 * the error to answer with: `unknown_channel` (no such channel, or no handler of this kind for
 * it) or `bad_request`.
 */
function resolveCall<H>(
  handlers: ReadonlyMap<string, H>,
  channel: string,
  payload: unknown,
): { ok: true; handler: H; request: unknown } | { ok: false; error: ApiError } {
  const handler = handlers.get(channel);
  if (!isChannelName(channel) || !handler) {
    return {
      ok: false,
      error: {
        code: 'unknown_channel',
        message: `unknown channel "${String(channel).slice(0, 80)}"`,
      },
    };
  }
  const parsed = channels[channel].request.safeParse(payload);
  if (!parsed.success) return { ok: false, error: badRequest(parsed.error) };
  return { ok: true, handler, request: parsed.data };
}

/** What a transport (IPC binding, loopback websocket) carries: a router, or one that forwards. */
export type ApiEndpoint = Pick<ApiRouter, 'query' | 'subscribe'>;

export class ApiRouter {
  constructor(private readonly options: ApiRouterOptions = {}) {}

  private readonly queries = new Map<string, QueryHandler<QueryChannel>>();
  private readonly subscriptions = new Map<string, SubscriptionHandler<SubscriptionChannel>>();

  handle<C extends QueryChannel>(channel: C, handler: QueryHandler<C>): void {
    if (channels[channel].kind !== 'query') throw new Error(`${channel} is not a query channel`);
    this.queries.set(channel, handler as unknown as QueryHandler<QueryChannel>);
  }

  handleSubscription<C extends SubscriptionChannel>(
    channel: C,
    handler: SubscriptionHandler<C>,
  ): void {
    this.subscriptions.set(channel, handler as unknown as SubscriptionHandler<SubscriptionChannel>);
  }

  /** Channels with a registered handler. */
  registered(): string[] {
    return [...this.queries.keys(), ...this.subscriptions.keys()];
  }

  async query(channel: string, payload: unknown, ctx: CallContext): Promise<ApiResult<unknown>> {
    const call = resolveCall(this.queries, channel, payload);
    if (!call.ok) return { ok: false, error: call.error };
    try {
      const value = await call.handler(call.request as never, ctx);
      return { ok: true, value };
    } catch (error) {
      this.failed(error, channel);
      return { ok: false, error: toApiError(error) };
    }
  }

  private failed(error: unknown, channel: string): void {
    if (error instanceof ServiceError) return;
    try {
      this.options.onError?.(error, channel);
    } catch {
      // Reporting a failure must not turn into another one; the caller has its typed error.
    }
  }

  subscribe(
    channel: string,
    payload: unknown,
    emit: (event: unknown) => void,
    ctx: CallContext,
  ): ApiResult<() => void> {
    const call = resolveCall(this.subscriptions, channel, payload);
    if (!call.ok) return { ok: false, error: call.error };
    const reportError = (error: unknown): void => this.failed(error, channel);
    try {
      return {
        ok: true,
        value: call.handler(call.request as never, emit as never, { ...ctx, reportError }),
      };
    } catch (error) {
      reportError(error);
      return { ok: false, error: toApiError(error) };
    }
  }
}
