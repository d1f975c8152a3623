import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, filter } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { APP_VERSION, startApp, type AppOptions, type GateOpsApp } from '../../../../electron/app';
import { headlessTokenStore, type SecretStore } from '../../../../electron/settings';
import { startRelaySimulator, type RelaySimulator } from '../../../../electron/demo-venue';
import { createMemorySecretStore } from '../../../helpers/memory-secret-store';
import { memoryStoreOpener } from '../../../helpers/memory-store';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const ctx = { origin: 'test' } as const;
let dir: string;
const cleanups: Array<() => Promise<void>> = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gateops-host-'));
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await rm(dir, { recursive: true, force: true });
});

async function host(lines: string[] = [], onRestarted?: () => void): Promise<GateOpsApp> {
  const h = await startApp({
    dataDir: dir,
    host: 'electron',
    secrets: createMemorySecretStore(),
    openSettings: memoryStoreOpener,
    core: { openStore: memoryStoreOpener, simulator: { backlog: 20, rate: 1, seed: 7 } },
    log: (l) => lines.push(l),
    ...(onRestarted ? { onRestarted } : {}),
  });
  cleanups.push(() => h.close());
  return h;
}

async function relay(token: string): Promise<RelaySimulator> {
  const sim = await startRelaySimulator({
    token,
    host: '127.0.0.1',
    port: 0,
    backlog: 10,
    seed: 3,
  });
  cleanups.push(() => sim.stop());
  return sim;
}

describe('the app (what both hosts run)', () => {
  it('starts on the demo relay and serves the API, settings included', async () => {
    const h = await host();
    expect(await h.api.query('app:info', {}, ctx)).toEqual({
      ok: true,
      value: { version: APP_VERSION, host: 'electron', demo: true, dataDir: dir },
    });
    const s = await h.api.query('settings:get', {}, ctx);
    expect(s).toMatchObject({ ok: true, value: { settings: { relayUrl: null } } });
    expect(h.core().simulated).toBe(true);
    // Every domain is wired: reports and the dashboard answer, not `unknown_channel`.
    expect(await h.api.query('reports:options', {}, ctx)).toMatchObject({ ok: true });
  });

  it('restarts on the configured relay when the URL and token are set, and tells the window', async () => {
    const token = 'relay-token-for-test';
    const sim = await relay(token);
    let restarts = 0;
    const lines: string[] = [];
    const h = await host(lines, () => restarts++);
    expect((await h.api.query('settings:set-token', { token }, ctx)).ok).toBe(true);
    expect((await h.api.query('settings:update', { patch: { relayUrl: sim.url } }, ctx)).ok).toBe(
      true,
    );
    await h.idle();
    expect(restarts).toBeGreaterThanOrEqual(1);
    expect(h.core().simulated).toBe(false);
    expect(await h.api.query('app:info', {}, ctx)).toMatchObject({ value: { demo: false } });
    await firstValueFrom(h.core().relay.status$.pipe(filter((s) => s.state.kind === 'live')));
    expect(lines.join('\n')).not.toContain(token);
    // Back to the demo when the relay is removed.
    await h.api.query('settings:update', { patch: { relayUrl: null } }, ctx);
    await h.idle();
    expect(h.core().simulated).toBe(true);
  });

  it('with a relay URL but no token it stays on the demo and says why', async () => {
    const sim = await relay('some-token-value');
    const lines: string[] = [];
    const h = await host(lines);
    await h.api.query('settings:update', { patch: { relayUrl: sim.url } }, ctx);
    await h.idle();
    expect(h.core().simulated).toBe(true);
    expect(lines.join('\n')).toContain('no relay token is set');
  });

  it('does not restart (or reload the window) when the effective target is unchanged', async () => {
    let restarts = 0;
    const h = await host([], () => restarts++);
    const demo = h.core();
    await h.api.query('settings:set-token', { token: 'a-token-while-on-demo' }, ctx);
    await h.api.query('settings:clear-token', {}, ctx);
    await h.idle();
    expect(restarts).toBe(0);
    expect(h.core()).toBe(demo);
  });

  it('reconnectNow reaches the relay client; close is idempotent', async () => {
    const h = await host();
    const reconnect = vi.spyOn(h.core().relay, 'reconnectNow');
    h.reconnectNow();
    expect(reconnect).toHaveBeenCalledTimes(1);
    await h.close();
    await h.close();
  });
});

describe('the app in headless mode', () => {
  const headless = (secrets: SecretStore, extra: Partial<AppOptions> = {}): Promise<GateOpsApp> =>
    startApp({
      dataDir: dir,
      host: 'headless',
      secrets,
      core: { simulator: { backlog: 5, rate: 1, seed: 5 } },
      log: () => undefined,
      ...extra,
    }).then((h) => {
      cleanups.push(() => h.close());
      return h;
    });

  it('reports the version written in package.json', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    const h = await headless(await headlessTokenStore({ env: {}, dataDir: dir }));
    expect(await h.api.query('app:info', {}, ctx)).toMatchObject({
      ok: true,
      value: { version: pkg.version, host: 'headless' },
    });
  });

  it('uses the relay and the token saved in Settings on its next start', async () => {
    const token = 'saved-in-settings-token';
    const sim = await relay(token);
    const first = await headless(await headlessTokenStore({ env: {}, dataDir: dir }));
    expect(first.core().simulated).toBe(true);
    expect((await first.api.query('settings:set-token', { token }, ctx)).ok).toBe(true);
    await first.api.query('settings:update', { patch: { relayUrl: sim.url } }, ctx);
    await first.idle();
    expect(first.core().simulated).toBe(false);
    await first.close();

    // What `gate-ops headless` with no relay or token flag builds.
    const second = await headless(await headlessTokenStore({ env: {}, dataDir: dir }));
    expect(second.core().simulated).toBe(false);
    await firstValueFrom(second.core().relay.status$.pipe(filter((s) => s.state.kind === 'live')));
    expect(await second.api.query('settings:get', {}, ctx)).toMatchObject({
      value: {
        settings: { relayUrl: sim.url },
        relayToken: { isSet: true, source: 'file', canChange: true },
      },
    });
  });

  it('a relay given with --relay wins over the saved one, and Settings says so', async () => {
    const token = 'flag-relay-token';
    const sim = await relay(token);
    let restarts = 0;
    const h = await headless(await headlessTokenStore({ env: {}, dataDir: dir, token }), {
      relayOverride: { url: sim.url, note: 'This run connects to the relay given with --relay.' },
      onRestarted: () => restarts++,
    });
    expect(h.core().simulated).toBe(false);
    const view = await h.api.query('settings:get', {}, ctx);
    expect(view).toMatchObject({
      value: {
        relayUrlNote: 'This run connects to the relay given with --relay.',
        relayToken: { isSet: true, source: 'command-line', canChange: false },
      },
    });
    // Saving another relay keeps it for later runs without moving this one.
    const saved = await h.api.query(
      'settings:update',
      { patch: { relayUrl: 'wss://later.example/stream' } },
      ctx,
    );
    expect(saved).toMatchObject({
      ok: true,
      value: { settings: { relayUrl: 'wss://later.example/stream' } },
    });
    await h.idle();
    expect(restarts).toBe(0);
    expect(h.core().relay.status.url).toContain('127.0.0.1');
    // A token given on the command line cannot be changed from the Settings view.
    expect(await h.api.query('settings:set-token', { token: 'other-token' }, ctx)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  it('with --token-file, Settings says the token comes from that file', async () => {
    const file = join(dir, 'flag-token');
    await writeFile(file, 'file-flag-token\n', { mode: 0o600 });
    const h = await headless(await headlessTokenStore({ env: {}, dataDir: dir, tokenFile: file }));
    expect(await h.api.query('settings:get', {}, ctx)).toMatchObject({
      value: { relayToken: { isSet: true, source: 'file', canChange: false } },
    });
    const view = (await h.api.query('settings:get', {}, ctx)) as {
      value: { relayToken: { note: string } };
    };
    expect(view.value.relayToken.note).toContain(file);
  });

  it('eachCore follows the core across a restart', async () => {
    const token = 'each-core-token';
    const sim = await relay(token);
    const h = await headless(await headlessTokenStore({ env: {}, dataDir: dir }));
    const seen: boolean[] = [];
    let detached = 0;
    await h.eachCore((core) => {
      seen.push(core.simulated);
      return () => void detached++;
    });
    await h.api.query('settings:set-token', { token }, ctx);
    await h.api.query('settings:update', { patch: { relayUrl: sim.url } }, ctx);
    await h.idle();
    expect(seen).toEqual([true, false]);
    expect(detached).toBe(1);
  });

  it('without the API it runs only the core and the settings', async () => {
    const h = await headless(await headlessTokenStore({ env: {}, dataDir: dir }), { api: false });
    expect(h.dashboard()).toBeNull();
    expect(await h.api.query('app:info', {}, ctx)).toMatchObject({
      ok: false,
      error: { code: 'unknown_channel' },
    });
  });
});
