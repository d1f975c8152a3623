/**
 * Headless mode's dashboard on a running core: the dashboard services, a router with every
 * domain's handlers, and the headless host serving the renderer. `gate-ops headless` calls this
 * once the core is up; close it before closing the core (it writes the activity snapshot).
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CapacitySettings, Thresholds } from '../../shared/settings';
import { startDashboardServices, type DashboardServices } from '../app/dashboard-services';
import { registerAllHandlers } from '../api/register-all';
import { ApiRouter } from '../api/router';
import type { ApiServices } from '../api/services';
import { relayStatusFromClient } from '../alerts/relay-status-source';
import { createHostReports } from '../reports';
import type { Core } from '../app';
import { startHeadlessHost, type HeadlessHost, type HostRoute } from './headless-host';

export interface DashboardHostOptions {
  readonly core: Core;
  readonly port?: number;
  /** Defaults to <project>/out/renderer. */
  readonly rendererDir?: string;
  readonly dataDir?: string;
  readonly version?: string;
  readonly thresholds?: () => Thresholds;
  readonly capacity?: () => CapacitySettings;
  /** More services for other domains' handlers (settings, reports, …). */
  readonly services?: Partial<ApiServices>;
  /** Registers more handlers (other domains) on the router before the host starts. */
  readonly register?: (router: ApiRouter, services: ApiServices) => void;
  readonly routes?: ReadonlyArray<HostRoute>;
  readonly token?: string;
}

export interface DashboardHost {
  readonly host: HeadlessHost;
  readonly services: DashboardServices;
  readonly router: ApiRouter;
  close(): Promise<void>;
}

/**
 * <project>/out/renderer. This file runs from the sources (electron/headless) and bundled into
 * the built CLI (out/cli), so the project is found as the nearest folder with a package.json.
 */
export function defaultRendererDir(): string {
  let dir = import.meta.dirname;
  for (
    let up = dirname(dir);
    !existsSync(join(dir, 'package.json')) && up !== dir;
    up = dirname(dir)
  ) {
    dir = up;
  }
  return join(dir, 'out', 'renderer');
}

export async function startDashboardHost(options: DashboardHostOptions): Promise<DashboardHost> {
  const { core } = options;
  const rendererDir = options.rendererDir ?? defaultRendererDir();
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(
      `the renderer is not built (${rendererDir}/index.html is missing): run npm run build`,
    );
  }
  const dashboard = await startDashboardServices({
    db: core.db,
    relay: relayStatusFromClient(core.relay, core.simulated),
    ...(options.thresholds ? { thresholds: options.thresholds } : {}),
    ...(options.capacity ? { capacity: options.capacity } : {}),
  });
  // Reports: finished exports are written under the data folder and downloaded from the host.
  const reports = createHostReports({
    checkins: core.db.checkins,
    dataDir: options.dataDir ?? join(tmpdir(), 'gate-ops'),
    openAlerts: () => dashboard.alerts.list(false).alerts,
  });
  const services: ApiServices = {
    appInfo: () => ({
      version: options.version ?? '0.1.0',
      host: 'headless',
      demo: core.simulated,
      dataDir: options.dataDir ?? '',
    }),
    ...dashboard,
    reports: reports.service,
    ...options.services,
  };
  const router = new ApiRouter();
  registerAllHandlers(router, services);
  options.register?.(router, services);
  let host: HeadlessHost;
  try {
    host = await startHeadlessHost({
      router,
      rendererDir,
      ...(options.port !== undefined ? { port: options.port } : {}),
      routes: [...(options.routes ?? []), reports.route],
      ...(options.token ? { token: options.token } : {}),
    });
  } catch (error) {
    await reports.close();
    await dashboard.close();
    throw error;
  }
  return {
    host,
    services: dashboard,
    router,
    async close() {
      await host.close();
      await reports.close();
      await dashboard.close();
    },
  };
}
