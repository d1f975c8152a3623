/**
 * `gate-ops headless`: the app (electron/app, the same composition as the Electron window)
 * without Electron. It connects to the relay saved in Settings with the token saved there, unless
 * --relay / --token-file / GATE_OPS_RELAY_TOKEN / --token say otherwise; with no relay anywhere it
 * runs on the built-in demo relay and says the data is simulated. With --port it serves the UI
 * (electron/headless), where changing the relay in Settings restarts the core as in the window.
 */
import { resolve } from 'node:path';
import { redactUrl } from '../../shared/redact';
import { parseArgs } from 'node:util';
import { defaultDataDir, startApp, type Core } from '../app';
import { startDashboardHost } from '../headless';
import { isIP } from 'node:net';
import type { BatchCommitted } from '../ingest';
import type { RelayStatus } from '../relay';
import { headlessNatsSecretStore, headlessTokenStore, type SecretStore } from '../settings';
import {
  type CoreSyncOptions,
  parseJoinCode,
  type SyncRole,
  NATS_CLI_OPTIONS,
  NATS_CLI_USAGE,
  natsInputFromArgs,
  buildNatsSyncConfig,
  NatsConfigError,
  type NatsSyncConfigInput,
} from '../sync';
import { EXIT_FAILED, EXIT_OK, UsageError, type CliCommand, type CliIo } from './io';

const usage = `Usage: gate-ops headless [options]

Runs Gate Ops without a window: keeps the relay link, stores every check-in.

  --relay URL         ws:// or wss:// URL of the relay (default: the one saved in
                      Settings; none there: the built-in demo relay, simulated data)
  --token-file F      file holding the relay's bearer token (readable by its owner only);
                      or set GATE_OPS_RELAY_TOKEN; --token T works but shows in ps
                      (default: the token saved in Settings)
  --data-dir DIR      data folder (default: $GATE_OPS_DATA_DIR or the per-user app folder)
  --port N            serve the UI on 127.0.0.1:N
  --progress          one JSON line per committed batch on stdout (for scripts)
  --quiet             only errors on stderr

Venue sync (the laptops at one venue share check-ins, conflicts, acknowledgements and the shift log):
  --sync-listen PORT  this laptop is the venue hub on PORT (0: any free port); prints the
                      join code (text and QR) for the other laptops
  --sync-bind ADDR    address the hub listens on (default 0.0.0.0: the venue LAN)
  --sync-join CODE    join the hub with its join code
  --no-relay          no relay link of this laptop's own: data comes over venue sync only
  --laptop-name NAME  this laptop's name in the team list and as author (default: host name)
${NATS_CLI_USAGE}`;

export interface HeadlessOptions {
  /** --relay: wins over the relay saved in Settings; null: the saved one (or the demo). */
  readonly relayUrl: string | null;
  /** Where the token comes from (flags, environment, or what Settings saved). */
  readonly secrets: SecretStore;
  readonly dataDir: string;
  readonly port: number | null;
  readonly quiet: boolean;
  readonly progress: boolean;
  /** Venue sync over NATS JetStream (`--sync-nats…`), or null. */
  readonly nats?: NatsSyncConfigInput | null;
  readonly noRelay: boolean;
  readonly sync: CoreSyncOptions;
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
    const dataDir = resolve(io.cwd, values['data-dir'] ?? defaultDataDir(io.env));
    // A refused --token-file ends the run here, with a message saying how to fix it.
    const secrets = await headlessTokenStore({
      token: values.token,
      tokenFile: values['token-file'],
      env: io.env,
      dataDir,
    });
    if (relayUrl !== null && (await secrets.read().catch(() => null)) === null) {
      throw new UsageError(
        '--relay needs a token: --token-file F, GATE_OPS_RELAY_TOKEN, or one saved in Settings',
      );
    }
    const options: HeadlessOptions = {
      relayUrl,
      secrets,
      dataDir,
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
  const serve = options.port !== null;
  let ui: Awaited<ReturnType<typeof startDashboardHost>> | null = null;
  const app = await startApp({
    dataDir: options.dataDir,
    host: 'headless',
    secrets: options.secrets,
    ...(options.relayUrl !== null
      ? {
          relayOverride: {
            url: options.relayUrl,
            note: `This run connects to ${redactUrl(options.relayUrl)}, given with --relay; the relay saved here is used when gate-ops headless starts without --relay.`,
          },
        }
      : {}),
    // The NATS secret Settings save: an owner-only file in the data folder.
    natsSecrets: headlessNatsSecretStore(options.dataDir),
    ...(options.nats
      ? {
          natsOverride: {
            input: options.nats,
            env: io.env,
            note: 'This run syncs over NATS as its command line says (--sync-nats…); the NATS settings saved here apply when gate-ops headless starts without those options.',
          },
        }
      : {}),
    // Without a UI nothing calls the API: only the core and the settings run.
    api: serve,
    core: { noRelay: options.noRelay, sync: options.sync },
    log: say,
    // A new core (another relay, NATS sync turned on or off): open pages subscribe again to it.
    onRestarted: () => ui?.reconnectClients(),
  }).catch((error: unknown) => {
    // A --sync-nats… configuration that cannot run (a refused secret file, the demo): exit 2.
    if (error instanceof NatsConfigError) throw new UsageError(error.message);
    throw error;
  });
  // Each core (a new one after the relay is changed in Settings) is watched the same way.
  let onAuthFailed: () => void = () => undefined;
  await app.eachCore(async (core) => {
    if (core.sync.current.role === 'hub') {
      const qr = await core.sync.joinCodeTerminal();
      if (qr !== null && !options.quiet) io.stderr.write(`${qr}\n`);
    }
    const stopSync = watchSync(core, io);
    say(`data: ${core.databaseFile ?? '(memory)'}`);
    const stopWatching = watchLink(core, say);
    const auth = core.relay.status$.subscribe((s) => {
      if (s.state.kind === 'auth-failed') onAuthFailed();
    });
    const onBatch = (b: BatchCommitted) =>
      io.stdout.write(
        `${JSON.stringify({ committed: b.totals.ingestSeq, stored: b.totals.stored, cursor: b.totals.cursor, latest: b.totals.latest })}\n`,
      );
    if (options.progress) core.ingest.on('batch-committed', onBatch);
    return () => {
      stopSync();
      stopWatching();
      auth.unsubscribe();
      if (options.progress) core.ingest.off('batch-committed', onBatch);
    };
  });
  if (serve) {
    // The dashboard (electron/headless): UI + API on 127.0.0.1, token in the URL fragment.
    ui = await startDashboardHost({ app, port: options.port ?? 0, log: say }).catch(
      async (error: unknown) => {
        await app.close();
        throw error;
      },
    );
    io.stdout.write(`${JSON.stringify({ url: ui.url, port: ui.port })}\n`);
    io.stderr.write(`Gate Ops dashboard: open ${ui.url}\n`);
  }
  const core = app.core();
  io.stdout.write(
    `${JSON.stringify({ ready: true, simulated: core.simulated, database: core.databaseFile })}\n`,
  );
  // Held until stop: with --no-relay and a refused join code nothing else keeps the process up.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  await new Promise<void>((resolveStop) => {
    if (io.stopSignal.aborted) resolveStop();
    else io.stopSignal.addEventListener('abort', () => resolveStop(), { once: true });
    // With nothing else to show it on, a refused token ends the run (exit status 1).
    if (!serve && app.core().sync.current.nats === null) {
      onAuthFailed = resolveStop;
      if (app.core().relay.status.state.kind === 'auth-failed') resolveStop();
    }
  });
  const last = app.core();
  const authFailed = last.relay.status.state.kind === 'auth-failed';
  say('stopping: finishing the batch being written…');
  await ui?.close();
  clearInterval(keepAlive);
  await app.close();
  const t = last.ingest.totals;
  say(`stopped: ${t.stored} check-ins stored, cursor ${t.cursor ?? '(none)'}`);
  return authFailed ? EXIT_FAILED : EXIT_OK;
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
        // NATS sync's link and each venue's freshness (the operations centre's union).
        nats: s.nats
          ? {
              link: s.nats.link.state,
              venues: s.nats.venuesSeen.map((v) => ({ venue: v.venue, asOf: v.asOf })),
            }
          : null,
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
