/**
 * `gate-ops headless`: runs the core (relay link + ingest + store) without Electron. With no
 * --relay it runs on the built-in demo relay and says the data is simulated. Serving the UI on
 * --port is attached in `attachHosts` below (the dashboard's headless host plugs in there).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDataDir, startCore, type Core } from '../app';
import { readRelayToken } from '../settings/relay-token';
import { startDashboardHost } from '../headless/dashboard-host';
import { openHeadlessSettingsStore } from '../settings';
import type { RelayStatus } from '../relay/relay-client';
import { isIP } from 'node:net';
import type { CoreSyncOptions } from '../sync/core-sync';
import { parseJoinCode } from '../sync/pairing/join-code';
import type { SyncRole } from '../sync/sync-identity';
import { EXIT_FAILED, EXIT_OK, UsageError, type CliCommand, type CliIo } from './io';
import { attachNatsSync } from '../sync/nats/attach-nats-sync';
import { NATS_CLI_OPTIONS, NATS_CLI_USAGE, natsInputFromArgs } from '../sync/nats/nats-cli-options';
import {
  buildNatsSyncConfig,
  NatsConfigError,
  type NatsSyncConfigInput,
} from '../sync/nats/nats-config';

const usage = `Usage: gate-ops headless [options]

Runs Gate Ops without a window: keeps the relay link, stores every check-in.

  --relay URL         ws:// or wss:// URL of the relay (none: the built-in demo relay,
                      with simulated data)
  --token-file F      file holding the relay's bearer token (readable by its owner only);
                      or set GATE_OPS_RELAY_TOKEN; --token T works but shows in ps
  --data-dir DIR      data folder (default: $GATE_OPS_DATA_DIR or the per-user app folder)
  --port N            serve the UI on 127.0.0.1:N
  --progress          one JSON line per committed batch on stdout (for scripts)
  --quiet             only errors on stderr

Venue sync (the laptops at one venue share check-ins, acknowledgements and the shift log):
  --sync-listen PORT  this laptop is the venue hub on PORT (0: any free port); prints the
                      join code (text and QR) for the other laptops
  --sync-bind ADDR    address the hub listens on (default 0.0.0.0: the venue LAN)
  --sync-join CODE    join the hub with its join code
  --no-relay          no relay link of this laptop's own: data comes over venue sync only
  --laptop-name NAME  this laptop's name in the team list and as author (default: host name)
${NATS_CLI_USAGE}`;

export interface HeadlessOptions {
  readonly relayUrl: string | null;
  readonly token: string | null;
  readonly dataDir: string;
  readonly port: number | null;
  readonly quiet: boolean;
  readonly progress: boolean;
  /** Venue sync over NATS JetStream (`--sync-nats…`), or null. */
  readonly nats?: NatsSyncConfigInput | null;
  readonly noRelay: boolean;
  readonly sync: CoreSyncOptions;
}

/** Something headless mode runs next to the core (e.g. the UI server); closed before the core. */
export interface HeadlessAttachment {
  close(): Promise<void>;
}

export const headlessCommand: CliCommand = {
  stoppable: true,
  usage,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        relay: { type: 'string' },
        token: { type: 'string' },
        'token-file': { type: 'string' },
        'data-dir': { type: 'string' },
        port: { type: 'string' },
        quiet: { type: 'boolean', default: false },
        progress: { type: 'boolean', default: false },
        ...NATS_CLI_OPTIONS,
        'sync-listen': { type: 'string' },
        'sync-bind': { type: 'string' },
        'sync-join': { type: 'string' },
        'no-relay': { type: 'boolean', default: false },
        'laptop-name': { type: 'string' },
      },
    });
    let nats: NatsSyncConfigInput | null;
    try {
      nats = natsInputFromArgs(values, io.cwd);
      // Checked before the core starts: a mistake is one message, not a started-then-stopped app.
      if (nats) buildNatsSyncConfig(nats);
    } catch (error) {
      if (error instanceof NatsConfigError) throw new UsageError(error.message);
      throw error;
    }
    const sync = syncOptions(values);
    if (values['no-relay'] && values.relay !== undefined) {
      throw new UsageError('--no-relay and --relay exclude each other');
    }
    const relayUrl = values.relay ?? null;
    if (relayUrl !== null && !/^wss?:\/\/\S+$/.test(relayUrl)) {
      throw new UsageError('--relay must be a ws:// or wss:// URL');
    }
    let port: number | null = null;
    if (values.port !== undefined) {
      port = Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new UsageError('--port must be a port number');
      }
    }
    const token = await readRelayToken({
      token: values.token,
      tokenFile: values['token-file'],
      env: io.env,
    });
    if (relayUrl !== null && token === null) {
      throw new UsageError('--relay needs a token: --token-file F or GATE_OPS_RELAY_TOKEN');
    }
    const options: HeadlessOptions = {
      relayUrl,
      token,
      dataDir: resolve(io.cwd, values['data-dir'] ?? defaultDataDir(io.env)),
      port,
      quiet: values.quiet,
      progress: values.progress,
      nats,
      noRelay: values['no-relay'],
      sync,
    };
    return runHeadless(options, io);
  },
};

export async function runHeadless(options: HeadlessOptions, io: CliIo): Promise<number> {
  const say = (line: string): void => {
    if (!options.quiet) io.stderr.write(`${line}\n`);
  };
  const core = await startCore({
    dataDir: options.dataDir,
    relayUrl: options.relayUrl,
    ...(options.token !== null ? { token: options.token } : {}),
    noRelay: options.noRelay,
    sync: options.sync,
    log: say,
  });
  if (core.sync.current.role === 'hub') {
    const qr = await core.sync.joinCodeTerminal();
    if (qr !== null && !options.quiet) io.stderr.write(`${qr}\n`);
  }
  const stopSync = watchSync(core, io);
  say(`data: ${core.databaseFile ?? '(memory)'}`);
  const stopWatching = watchLink(core, say);
  if (options.progress) {
    core.ingest.on('batch-committed', (b) =>
      io.stdout.write(
        `${JSON.stringify({ committed: b.totals.ingestSeq, stored: b.totals.stored, cursor: b.totals.cursor, latest: b.totals.latest })}\n`,
      ),
    );
  }
  const attachments = await attachHosts(core, options, io);
  io.stdout.write(
    `${JSON.stringify({ ready: true, simulated: core.simulated, database: core.databaseFile })}\n`,
  );
  // Held until stop: with --no-relay and a refused join code nothing else keeps the process up.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  await new Promise<void>((resolveStop) => {
    if (io.stopSignal.aborted) resolveStop();
    else io.stopSignal.addEventListener('abort', () => resolveStop(), { once: true });
    // With nothing else to show it on, a refused token ends the run (exit status 1).
    if (attachments.length === 0) {
      core.relay.status$.subscribe((s) => {
        if (s.state.kind === 'auth-failed') resolveStop();
      });
    }
  });
  const authFailed = core.relay.status.state.kind === 'auth-failed';
  say('stopping: finishing the batch being written…');
  for (const a of attachments.reverse()) await a.close();
  clearInterval(keepAlive);
  stopWatching();
  stopSync();
  await core.close();
  const t = core.ingest.totals;
  say(`stopped: ${t.stored} check-ins stored, cursor ${t.cursor ?? '(none)'}`);
  return authFailed ? EXIT_FAILED : EXIT_OK;
}

/** Hosts that run next to the core. The UI server attaches here when --port is given. */
async function attachHosts(
  core: Core,
  options: HeadlessOptions,
  io: CliIo,
): Promise<HeadlessAttachment[]> {
  const attachments: HeadlessAttachment[] = [];
  if (options.nats) {
    const say = (line: string): void => {
      if (!options.quiet) io.stderr.write(`${line}\n`);
    };
    try {
      attachments.push(
        await attachNatsSync({
          db: core.db,
          simulated: core.simulated,
          laptop: { id: core.sync.laptopId, name: core.sync.name() },
          input: options.nats,
          env: io.env,
          log: say,
        }),
      );
    } catch (error) {
      await core.close();
      if (error instanceof NatsConfigError) throw new UsageError(error.message);
      throw error;
    }
  }
  if (options.port !== null) {
    // The dashboard (electron/headless): UI + API on 127.0.0.1, token in the URL fragment; the
    // settings store serves the settings view and the alert thresholds.
    const store = await openHeadlessSettingsStore({ dataDir: options.dataDir, env: io.env });
    const ui = await startDashboardHost({
      core,
      port: options.port,
      dataDir: options.dataDir,
      services: { settings: store.settings },
      thresholds: () => store.settings.get().thresholds,
      capacity: () => store.settings.get().capacity,
    }).catch(async (error: unknown) => {
      await store.close();
      for (const a of attachments.reverse()) await a.close();
      await core.close();
      throw error;
    });
    attachments.push({
      async close() {
        await ui.close();
        await store.close();
      },
    });
    io.stdout.write(`${JSON.stringify({ url: ui.host.url, port: ui.host.port })}\n`);
    io.stderr.write(`Gate Ops dashboard: open ${ui.host.url}\n`);
  }
  return attachments;
}

/** Venue sync state on stdout as JSON lines (scripts and tests wait on them). */
function watchSync(core: Core, io: CliIo): () => void {
  let last = '';
  const sub = core.sync.status$.subscribe((s) => {
    const line = JSON.stringify({
      sync: {
        role: s.role,
        link: s.link?.state ?? null,
        reason: s.link?.reason ?? null,
        joinCode: s.hub?.joinCode ?? null,
        port: s.hub?.port ?? null,
        laptops: s.laptops.filter((l) => l.connected).length,
        checkins: s.checkins,
        pending: s.pending,
      },
    });
    if (line !== last) io.stdout.write(`${line}\n`);
    last = line;
  });
  return () => sub.unsubscribe();
}

function syncOptions(values: {
  'sync-listen'?: string;
  'sync-bind'?: string;
  'sync-join'?: string;
  'laptop-name'?: string;
}): CoreSyncOptions {
  const listen = values['sync-listen'];
  const joinCode = values['sync-join'];
  if (listen !== undefined && joinCode !== undefined) {
    throw new UsageError('--sync-listen and --sync-join exclude each other');
  }
  const name = values['laptop-name'];
  const laptopName = name !== undefined ? () => name.slice(0, 80) : undefined;
  const hubHost = values['sync-bind'] ?? '0.0.0.0';
  if (isIP(hubHost) === 0) throw new UsageError('--sync-bind must be an IP address');
  let role: SyncRole | undefined;
  if (listen !== undefined) {
    const port = Number(listen);
    if (!/^\d+$/.test(listen) || port > 65535)
      throw new UsageError('--sync-listen must be a port number');
    role = { kind: 'hub', host: hubHost, port };
  } else if (joinCode !== undefined) {
    try {
      parseJoinCode(joinCode);
    } catch (error) {
      throw new UsageError(`--sync-join: ${(error as Error).message}`);
    }
    role = { kind: 'joined', code: joinCode };
  }
  return { ...(role ? { role } : {}), ...(laptopName ? { laptopName } : {}), hubHost };
}

/** One stderr line per link state change (never the token: the URL is shown redacted). */
function watchLink(core: Core, say: (line: string) => void): () => void {
  let last = '';
  const sub = core.relay.status$.subscribe((s: RelayStatus) => {
    const line = describe(s);
    if (line !== last) say(line);
    last = line;
  });
  return () => sub.unsubscribe();
}

function describe(s: RelayStatus): string {
  const st = s.state;
  switch (st.kind) {
    case 'live':
      return `relay: live (${s.url})`;
    case 'connecting':
      return `relay: connecting (attempt ${st.attempt})`;
    case 'reconnecting':
      return `relay: reconnecting, attempt ${st.attempt} at ${new Date(st.nextTryAt).toISOString()} (${st.reason})`;
    case 'auth-failed':
      return `relay: AUTHENTICATION FAILED, not retrying: ${st.reason}`;
    case 'stalled':
      return `relay: STOPPED, not retrying: ${st.reason}`;
    default:
      return `relay: ${st.kind}`;
  }
}
