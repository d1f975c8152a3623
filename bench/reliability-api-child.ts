/**
 * The process under test of bench/reliability.bench.ts's memory figure: the app (electron/app:
 * relay link, ingest, store, dashboard services) and the headless host serving its API, as
 * `gate-ops headless --port` runs them, in a process of its own so its RSS is its own.
 *
 * `capped` / `uncapped`: the headless host with the product's per-connection caps
 * (BRIDGE_LIMITS), or with them lifted. Lifting them is this benchmark's own doing (the host's
 * `limits` option, which the product never sets): it measures what the caps are worth, and the
 * `gate-ops` command has no way to turn them off.
 *
 * IPC: sends `ready` (host address and token) and `committed` (per batch); answers `progress`
 * with the queries the router started and settled and whether a client was cut off.
 */
import { startApp } from '../electron/app';
import type { ApiEndpoint } from '../electron/api';
import { defaultRendererDir } from '../electron/headless/dashboard-host';
import { startHeadlessHost } from '../electron/headless/headless-host';
import { headlessTokenStore } from '../electron/settings';

const [dataDir, relayUrl, token, mode] = process.argv.slice(2);
if (!dataDir || !relayUrl || !token || (mode !== 'capped' && mode !== 'uncapped') || !process.send)
  throw new Error('usage: reliability-api-child DIR URL TOKEN capped|uncapped (with IPC)');
const send = (m: unknown): void => void process.send?.(m);

const app = await startApp({
  dataDir,
  host: 'headless',
  secrets: await headlessTokenStore({ env: {}, dataDir, token }),
  relayOverride: { url: relayUrl, note: 'the benchmark relay' },
  log: () => undefined,
});
const core = app.core();
core.ingest.on('batch-committed', (b) => send({ t: 'committed', n: b.totals.ingestSeq }));

// Counts what reaches the router, to know when the attack has run its course.
const counts = { started: 0, settled: 0, cutOff: false };
const router: ApiEndpoint = {
  query: (channel, payload, ctx) => {
    counts.started += 1;
    return app.api.query(channel, payload, ctx).finally(() => (counts.settled += 1));
  },
  subscribe: (channel, payload, emit, ctx) => app.api.subscribe(channel, payload, emit, ctx),
};
const host = await startHeadlessHost({
  router,
  rendererDir: defaultRendererDir(),
  ...(mode === 'uncapped'
    ? {
        limits: {
          maxSubscriptions: Number.POSITIVE_INFINITY,
          maxPendingQueries: Number.POSITIVE_INFINITY,
          maxBuffered: Number.POSITIVE_INFINITY,
        },
      }
    : {}),
  log: (line) => {
    if (line.includes('cut off')) counts.cutOff = true;
  },
});
send({
  t: 'ready',
  origin: host.origin,
  token: host.token,
  committed: core.ingest.totals.ingestSeq,
});

process.on('message', (m: { t: string }) => {
  if (m.t === 'progress') send({ t: 'progress', ...counts });
  if (m.t === 'stop') {
    void host
      .close()
      .then(() => app.close())
      .then(() => process.exit(0));
  }
});
