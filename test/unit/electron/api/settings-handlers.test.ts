import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiRouter } from '../../../../electron/api/router';
import { registerSettingsHandlers } from '../../../../electron/api/settings-handlers';
import { openGateOpsDatabase, type GateOpsDatabase } from '../../../../electron/db';
import { openSettingsService } from '../../../../electron/settings';
import { createMemorySecretStore } from '../../../helpers/memory-secret-store';

const ctx = { origin: 'test' } as const;
let db: GateOpsDatabase | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

async function setup() {
  db = await openGateOpsDatabase({
    storage: getRxStorageMemory(),
    name: `handlers${process.pid}x${Math.random().toString(36).slice(2)}`,
  });
  const settings = await openSettingsService({
    state: db.state,
    secrets: createMemorySecretStore(),
  });
  const router = new ApiRouter();
  registerSettingsHandlers(router, { settings });
  return { router, settings };
}

describe('settings handlers', () => {
  it('registers every settings channel', async () => {
    const { router } = await setup();
    expect(router.registered().sort()).toEqual([
      'settings:changes',
      'settings:clear-nats-secret',
      'settings:clear-token',
      'settings:get',
      'settings:set-nats-secret',
      'settings:set-token',
      'settings:update',
    ]);
  });

  it('round-trips an update and never returns the token', async () => {
    const { router } = await setup();
    const updated = await router.query(
      'settings:update',
      { patch: { thresholds: { uploadLagSeconds: 300 } } },
      ctx,
    );
    expect(updated.ok).toBe(true);
    const set = await router.query('settings:set-token', { token: 'super-secret-token' }, ctx);
    expect(set.ok).toBe(true);
    const got = await router.query('settings:get', {}, ctx);
    expect(got).toMatchObject({
      ok: true,
      value: { settings: { thresholds: { uploadLagSeconds: 300 } }, relayToken: { isSet: true } },
    });
    expect(JSON.stringify(got)).not.toContain('super-secret-token');
    const cleared = await router.query('settings:clear-token', {}, ctx);
    expect(cleared).toMatchObject({ ok: true, value: { relayToken: { isSet: false } } });
  });

  it('answers bad payloads with bad_request and never echoes a rejected token', async () => {
    const { router } = await setup();
    for (const [channel, payload] of [
      ['settings:update', { patch: { relayUrl: 'ftp://x' } }],
      ['settings:update', { thresholds: {} }],
      ['settings:update', null],
      ['settings:set-token', { token: 'has a space secret' }],
      ['settings:set-token', {}],
      ['settings:get', { extra: true }],
    ] as const) {
      const r = await router.query(channel, payload, ctx);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('bad_request');
      expect(JSON.stringify(r)).not.toContain('has a space secret');
    }
  });

  it('the changes subscription sends the current view, then each change, until unsubscribed', async () => {
    const { router, settings } = await setup();
    const events: unknown[] = [];
    let resolveFirst: () => void = () => undefined;
    const first = new Promise<void>((r) => (resolveFirst = r));
    const sub = router.subscribe(
      'settings:changes',
      {},
      (e) => {
        events.push(e);
        resolveFirst();
      },
      ctx,
    );
    expect(sub.ok).toBe(true);
    await first;
    await settings.update({ display: { theme: 'dark' } });
    if (sub.ok) sub.value();
    await settings.update({ display: { theme: 'light' } });
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ settings: { display: { theme: 'dark' } } });
  });
});
