/**
 * Headless mode's transport for the app: the built renderer on 127.0.0.1 and the app's API over
 * the loopback websocket (./headless-host.ts), plus the finished-report downloads. What it
 * serves is composed by the app (electron/app), the same as in the Electron window; this file
 * only carries it. Close it before closing the app.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { GateOpsApp } from '../app';
import { startHeadlessHost, type HeadlessHost } from './headless-host';

export interface DashboardHostOptions {
  readonly app: GateOpsApp;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Defaults to <project>/out/renderer. */
  readonly rendererDir?: string;
  /** One line per API client cut off for not reading. */
  readonly log?: (line: string) => void;
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

export async function startDashboardHost(options: DashboardHostOptions): Promise<HeadlessHost> {
  const rendererDir = options.rendererDir ?? defaultRendererDir();
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(
      `the renderer is not built (${rendererDir}/index.html is missing): run npm run build`,
    );
  }
  return startHeadlessHost({
    router: options.app.api,
    rendererDir,
    ...(options.port !== undefined ? { port: options.port } : {}),
    routes: [options.app.reportDownload],
    ...(options.log ? { log: options.log } : {}),
  });
}
