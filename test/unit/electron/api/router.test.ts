import { describe, expect, it } from 'vitest';
import { ApiRouter } from '../../../../electron/api/router';
import { ApiCallError, buildApi, ServiceError } from '../../../../shared/api';
import { inProcessTransport, testCallContext as ctx } from '../../../helpers/api';

describe('ApiRouter', () => {
  const info = { version: '1', host: 'headless', demo: true, dataDir: '/tmp/x' } as const;

  it('validates requests and returns typed results', async () => {
    const router = new ApiRouter();
    router.handle('app:info', () => info);
    expect(await router.query('app:info', {}, ctx)).toEqual({ ok: true, value: info });
    const bad = await router.query('app:info', { extra: 1 }, ctx);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.code).toBe('bad_request');
  });

  it('answers an unknown channel with a typed error, never a throw', async () => {
    const router = new ApiRouter();
    for (const name of ['nope', '__proto__', 'constructor', 'app:info']) {
      const r = await router.query(name, {}, ctx);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('unknown_channel');
    }
  });

  it('turns service errors into typed errors', async () => {
    const router = new ApiRouter();
    router.handle('app:info', () => {
      throw new ServiceError('unavailable', 'not yet');
    });
    expect(await router.query('app:info', {}, ctx)).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'not yet' },
    });
  });

  it('hands every failure but a ServiceError to onError: a query that throws, a subscription handler that reports', async () => {
    const seen: Array<[string, string]> = [];
    const router = new ApiRouter({
      onError: (error, channel) => seen.push([channel, (error as Error).message]),
    });
    router.handle('app:info', () => {
      throw Object.assign(new Error('database disk image is malformed'), { errcode: 11 });
    });
    router.handle('relay:status', () => {
      throw new ServiceError('unavailable', 'not yet');
    });
    let report: ((e: unknown) => void) | undefined;
    router.handleSubscription('relay:status-watch', (_req, _emit, c) => {
      report = c.reportError;
      return () => undefined;
    });
    expect(await router.query('app:info', {}, ctx)).toMatchObject({
      ok: false,
      error: { code: 'internal', message: 'database disk image is malformed' },
    });
    expect(await router.query('relay:status', {}, ctx)).toMatchObject({ ok: false });
    expect(router.subscribe('relay:status-watch', {}, () => undefined, ctx).ok).toBe(true);
    report!(new Error('file is not a database'));
    expect(seen).toEqual([
      ['app:info', 'database disk image is malformed'],
      ['relay:status-watch', 'file is not a database'],
    ]);
  });

  it('buildApi exposes named methods that unwrap results', async () => {
    const router = new ApiRouter();
    router.handle('app:info', () => info);
    const api = buildApi(inProcessTransport(router));
    expect(await api.getAppInfo({})).toEqual(info);
    expect(Object.isFrozen(api)).toBe(true);
    const failing = new ApiRouter();
    failing.handle('app:info', () => {
      throw new Error('boom');
    });
    await expect(buildApi(inProcessTransport(failing)).getAppInfo({})).rejects.toBeInstanceOf(
      ApiCallError,
    );
  });
});
