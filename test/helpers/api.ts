/** The typed API over an ApiRouter in the same process: no IPC, no websocket. */
import type { ApiRouter, CallContext } from '../../electron/api/router';
import { ApiCallError, type ApiTransport } from '../../shared/api';

/** The call context of tests: neither the Electron window nor the headless host. */
export const testCallContext = { origin: 'test' } as const;

/** Queries and subscriptions straight to `router`; a refused subscription throws ApiCallError. */
export function inProcessTransport(
  router: ApiRouter,
  ctx: CallContext = testCallContext,
): ApiTransport {
  return {
    query: (channel, payload) => router.query(channel, payload, ctx),
    subscribe: (channel, payload, listener) => {
      const r = router.subscribe(channel, payload, listener, ctx);
      if (!r.ok) throw new ApiCallError(r.error);
      return r.value;
    },
  };
}
