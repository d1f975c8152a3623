/**
 * contextBridge copies values between worlds: an Error crossing it keeps only its message, so the
 * renderer would lose an ApiCallError's `code` (it could not tell "bad request" from "relay
 * unavailable"). Each query therefore rejects with a plain object of the same shape
 * ({ name: 'ApiCallError', message, code, error }), which the bridge copies whole. Subscriptions
 * pass through unchanged. The keys and the methods stay exactly those of GateOpsApi.
 */
import { ApiCallError, apiMethods, type GateOpsApi } from '../../shared/api';

export interface BridgedApiError {
  readonly name: 'ApiCallError';
  readonly message: string;
  readonly code: ApiCallError['code'];
  readonly error: ApiCallError['error'];
}

export function toBridgedError(error: unknown): unknown {
  if (!(error instanceof ApiCallError)) return error;
  const bridged: BridgedApiError = {
    name: 'ApiCallError',
    message: error.message,
    code: error.code,
    error: error.error,
  };
  return bridged;
}

export function bridgeSafeApi(api: GateOpsApi): GateOpsApi {
  const out: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(apiMethods)) {
    const method = (api as unknown as Record<string, (...args: unknown[]) => unknown>)[name];
    if (typeof method !== 'function') throw new Error(`GateOpsApi lacks ${name}`);
    out[name] =
      def.kind === 'query'
        ? (request: unknown) =>
            (method(request) as Promise<unknown>).catch((error: unknown) => {
              throw toBridgedError(error);
            })
        : method;
  }
  return Object.freeze(out) as GateOpsApi;
}
