/**
 * NATS sync from Settings, run by the composition root (what the Electron window and headless
 * mode both start): turned on with no relay, the laptop leaves the demo for its real database
 * and gets its data over NATS; the link state the supervisor sees follows a missing secret, a
 * refused password, the right one, a stream the account may not create; turned off, the demo
 * is back. The secret never reaches the API's answers or the log.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, firstValueFrom } from 'rxjs';
import { afterEach, expect, it } from 'vitest';
import { startApp, type GateOpsApp } from '../../../../../electron/app';
import type { NatsSyncView } from '../../../../../shared/api/channels/sync';
import type { NatsSyncSettings } from '../../../../../shared/nats-sync';
import { createMemorySecretStore } from '../../../../helpers/memory-secret-store';
import { memoryStoreOpener } from '../../../../helpers/memory-store';
import { startLaptopProcess, type LaptopProcess } from '../../../../helpers/nats-laptop-process';
import { startNatsServer, type NatsServer } from '../../../../helpers/nats-server';

const ctx = { origin: 'test' } as const;
const PASSWORD = 'right-password-123';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function nats(app: GateOpsApp, done: (v: NatsSyncView | null) => boolean) {
  await app.idle();
  const s = await firstValueFrom(app.core().sync.status$.pipe(filter((st) => done(st.nats))));
  return s.nats;
}

async function ok<T>(p: Promise<{ ok: boolean; value?: T; error?: unknown }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`API call failed: ${JSON.stringify(r.error)}`);
  return r.value as T;
}

it(
  'Settings turn NATS sync on and off; the link state says what is wrong and when it works',
  { timeout: 90_000 },
  async () => {
    const server: NatsServer = await startNatsServer({
      users: [
        { user: 'north', password: PASSWORD },
        { user: 'reader', password: PASSWORD, denyPublish: ['$JS.API.STREAM.CREATE.>'] },
      ],
    });
    cleanups.push(() => server.stop());
    await server.ready();
    const dataDir = await mkdtemp(join(tmpdir(), 'gate-ops-nats-app-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const lines: string[] = [];
    const app = await startApp({
      dataDir,
      host: 'electron',
      secrets: createMemorySecretStore(),
      natsSecrets: createMemorySecretStore(),
      openSettings: memoryStoreOpener,
      core: { openStore: memoryStoreOpener, simulator: { backlog: 5, rate: 0, seed: 3 } },
      log: (l) => lines.push(l),
    });
    cleanups.push(() => app.close());
    expect(app.core().simulated).toBe(true);
    expect(app.core().sync.current.nats).toBeNull();

    const natsSync = (patch: Partial<NatsSyncSettings>) =>
      app.api.query(
        'settings:update',
        {
          patch: {
            natsSync: {
              enabled: true,
              servers: server.url,
              role: 'venue',
              venue: 'app-venue',
              centralVenues: [],
              auth: 'user',
              user: 'north',
              caFile: '',
              replicas: 1,
              ...patch,
            },
          },
        },
        ctx,
      );

    // A half-done configuration is refused with the field and the reason.
    const refused = await natsSync({ venue: '' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(JSON.stringify(refused)).toMatch(/give the venue \(event\) id/);

    // On, without the password yet: off the demo (no relay: data comes over NATS), and it says
    // what is missing.
    await ok(natsSync({}));
    const missing = await nats(app, (v) => v?.link.state === 'misconfigured');
    expect(app.core().simulated).toBe(false);
    expect(app.core().relayEnabled).toBe(false);
    expect(missing?.link.reason).toMatch(/no NATS password is saved: set it in Settings/);

    await ok(app.api.query('settings:set-nats-secret', { kind: 'password', value: 'wrong' }, ctx));
    const wrong = await nats(app, (v) => v?.link.state === 'refused');
    expect(wrong?.link.reason).toMatch(/refused the credentials/);
    expect(wrong?.link.retryAt).toBeGreaterThan(Date.now() + 30_000);

    const view = await ok(
      app.api.query('settings:set-nats-secret', { kind: 'password', value: PASSWORD }, ctx),
    );
    expect(view).toMatchObject({ natsSecret: { isSet: true, kind: 'password' } });
    const connected = await nats(
      app,
      (v) => v?.link.state === 'connected' && v.stream === 'GATEOPS_APP_VENUE',
    );
    expect(connected).toMatchObject({ source: 'settings', role: 'venue', venues: ['app-venue'] });

    // Another laptop of the venue: its check-ins arrive here.
    const other: LaptopProcess = startLaptopProcess(
      'other',
      {
        url: server.url,
        venue: 'app-venue',
        user: 'north',
      },
      { GATE_OPS_NATS_PASSWORD: PASSWORD },
    );
    cleanups.push(() => other.close());
    await other.insertCheckins('ev-app', 0, 40);
    const core = app.core();
    for (;;) {
      if ((await core.db.checkins.count().exec()) >= 40) break;
      await firstValueFrom(core.db.checkins.storageInstance.changeStream());
    }
    // The pull counter is published with the next status after the write: wait for it too.
    const seen = await nats(
      app,
      (v) =>
        (v?.venuesSeen[0]?.laptops ?? []).some((l) => l.name === 'other' && l.checkins === 40) &&
        (v?.collections['checkins']?.pulled ?? 0) >= 40,
    );
    expect(seen?.collections['checkins']?.pulled).toBe(40);

    // An account that may not create streams, on a venue nobody has made a stream for.
    await ok(natsSync({ user: 'reader', venue: 'no-stream-venue' }));
    const noStream = await nats(app, (v) => v?.link.state === 'stream-missing');
    expect(noStream?.link.reason).toMatch(
      /the stream GATEOPS_NO_STREAM_VENUE does not exist and this laptop could not create it/,
    );

    // Off: back on the demo, nothing about NATS in the status.
    await ok(natsSync({ enabled: false }));
    await nats(app, (v) => v === null);
    expect(app.core().simulated).toBe(true);

    const settingsView = await ok(app.api.query('settings:get', {}, ctx));
    expect(JSON.stringify(settingsView)).not.toContain(PASSWORD);
    expect(lines.join('\n')).not.toContain(PASSWORD);
  },
);
