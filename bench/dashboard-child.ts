/**
 * The benchmark's "main process": the app (electron/app) + headless host on the fixture, in a
 * process of its own so its memory is its own (not the fixture builder's, the simulator's or
 * Playwright's). Talks to the benchmark over IPC: `ready` (URL, timings), `committed` (per batch),
 * and answers `memory` with RSS and heap after a full GC.
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startApp } from '../electron/app';
import { startDashboardHost } from '../electron/headless/dashboard-host';
import { headlessTokenStore } from '../electron/settings';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const [dataDir, relayUrl, token] = process.argv.slice(2);
if (!dataDir || !relayUrl || !token || !process.send)
  throw new Error('usage: dashboard-child DIR URL TOKEN (with IPC)');
const send = (m: unknown): void => void process.send?.(m);

const coreStartAt = Date.now();
// CPU and event-loop use from here: how much of "start → populated" is the app's own work and
// how much is waiting (for the browser to load the page, at a loaded machine mostly that).
const cpuAtStart = process.cpuUsage();
const loopAtStart = performance.eventLoopUtilization();
const app = await startApp({
  dataDir,
  host: 'headless',
  secrets: await headlessTokenStore({ env: {}, dataDir, token }),
  relayOverride: { url: relayUrl, note: 'the benchmark relay' },
  log: () => undefined,
});
const core = app.core();
const host = await startDashboardHost({ app, port: 0 });
core.ingest.on('batch-committed', (b) =>
  send({ t: 'committed', n: b.checkins.length, at: Date.now() }),
);
core.relay.status$.subscribe((s) => {
  if (s.state.kind === 'live') send({ t: 'live' });
});
send({
  t: 'ready',
  url: host.url,
  coreStartAt,
  readyAt: Date.now(),
  startInfo: app.dashboard()?.activity.startInfo,
});

process.on('message', (m: { t: string }) => {
  if (m.t === 'memory') {
    const cpu = process.cpuUsage(cpuAtStart);
    const loop = performance.eventLoopUtilization(loopAtStart);
    gc();
    const u = process.memoryUsage();
    send({
      t: 'memory',
      rss: u.rss,
      heap: u.heapUsed,
      cpuMs: (cpu.user + cpu.system) / 1000,
      loopBusyMs: loop.active,
    });
  } else if (m.t === 'stop') {
    void host
      .close()
      .then(() => app.close())
      .then(() => process.exit(0));
  }
});
