import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, filter } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startCoreHost, type CoreHost } from '../../../../electron/app/start-app';
import { startRelaySimulator, type RelaySimulator } from '../../../../electron/demo-venue';
import { createMemorySecretStore } from '../../../../electron/settings';

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

async function host(lines: string[] = [], onRestarted?: () => void): Promise<CoreHost> {
  const h = await startCoreHost({
    dataDir: dir,
    version: '9.9.9',
    secrets: createMemorySecretStore(),
    settingsStorage: 'memory',
    core: { storage: 'memory', simulator: { backlog: 20, rate: 1, seed: 7 } },
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

describe('core host (Electron main without Electron)', () => {
  it('starts on the demo relay and serves the API, settings included', async () => {
    const h = await host();
    expect(await h.api.query('app:info', {}, ctx)).toEqual({
      ok: true,
      value: { version: '9.9.9', host: 'electron', demo: true, dataDir: dir },
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
