/**
 * The bridge form of the API (what Electron's preload exposes) and its wrapper in the renderer:
 * errors travel as data both ways and come out as the same ApiCallError as over any transport.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  ApiCallError,
  apiFromBridge,
  apiMethods,
  buildBridge,
  type ApiTransport,
  type GateOpsBridge,
} from '../../../../shared/api';

function transport(overrides: Partial<ApiTransport> = {}): ApiTransport {
  return {
    query: vi.fn(async () => ({ ok: true as const, value: { total: 3 } })),
    subscribe: vi.fn(() => () => undefined),
    ...overrides,
  };
}

describe('buildBridge', () => {
  it('resolves a failed query with its error as data, never rejects (even if the transport throws)', async () => {
    const bridge = buildBridge(
      transport({
        query: async () => ({
          ok: false,
          error: { code: 'bad_request', message: 'no', issues: [{ path: 'a', message: 'b' }] },
        }),
      }),
    );
    await expect(bridge.getOverview({})).resolves.toEqual({
      ok: false,
      error: { code: 'bad_request', message: 'no', issues: [{ path: 'a', message: 'b' }] },
    });
    const throwing = buildBridge(
      transport({
        query: () => {
          throw new Error('boom');
        },
      }),
    );
    await expect(throwing.getOverview({})).resolves.toMatchObject({
      ok: false,
      error: { code: 'internal', message: 'Error: boom' },
    });
  });

  it('hands a subscription error to onError as a plain object', () => {
    let fail: ((e: ApiCallError) => void) | undefined;
    const bridge = buildBridge(
      transport({
        subscribe: (_c, _p, _l, onError) => {
          fail = onError;
          return () => undefined;
        },
      }),
    );
    const errors: unknown[] = [];
    bridge.watchOverview(
      {},
      () => undefined,
      (e) => errors.push(e),
    );
    fail?.(new ApiCallError({ code: 'unavailable', message: 'too many' }));
    expect(errors).toEqual([{ code: 'unavailable', message: 'too many' }]);
    expect(errors[0]).not.toBeInstanceOf(Error);
  });
});

describe('apiFromBridge', () => {
  it('turns error data back into ApiCallError with its code; values pass through', async () => {
    const api = apiFromBridge(
      buildBridge(
        transport({
          query: async (channel) =>
            channel === 'app:info'
              ? { ok: true, value: { version: '1' } }
              : { ok: false, error: { code: 'forbidden', message: 'set by env' } },
        }),
      ),
    );
    expect(await api.getAppInfo({})).toEqual({ version: '1' });
    const error = await api.clearRelayToken({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiCallError);
    expect(error).toMatchObject({ code: 'forbidden', message: 'set by env' });
  });

  it('a malformed reply or a missing method is a typed error, not a crash', async () => {
    const odd = Object.fromEntries(
      Object.keys(apiMethods).map((name) => [name, async () => 'not a result']),
    ) as unknown as GateOpsBridge;
    await expect(apiFromBridge(odd).getOverview({})).rejects.toMatchObject({ code: 'internal' });
    const old = apiFromBridge({} as GateOpsBridge);
    await expect(old.getOverview({})).rejects.toMatchObject({ code: 'unavailable' });
    const errors: ApiCallError[] = [];
    old.watchOverview(
      {},
      () => undefined,
      (e) => errors.push(e),
    );
    expect(errors[0]).toMatchObject({ code: 'unavailable' });
  });

  it('a subscription error reaches the renderer as ApiCallError with its code', () => {
    const bridge = {
      ...buildBridge(transport()),
      watchOverview: (_r: unknown, _l: unknown, onError?: (e: unknown) => void) => {
        onError?.({ code: 'cancelled', message: 'the page went away' });
        return () => undefined;
      },
    } as unknown as GateOpsBridge;
    const errors: ApiCallError[] = [];
    apiFromBridge(bridge).watchOverview(
      {},
      () => undefined,
      (e) => errors.push(e),
    );
    expect(errors[0]).toBeInstanceOf(ApiCallError);
    expect(errors[0]?.code).toBe('cancelled');
  });
});
