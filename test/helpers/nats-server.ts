/**
 * Real `nats-server -js` processes for tests and benchmarks: one server, a 3-node JetStream
 * cluster, and a venue leaf node attached to a central cluster (each with its own JetStream
 * domain). Every server listens on 127.0.0.1 only, keeps its store in a fresh temp folder and is
 * stopped (SIGTERM, then SIGKILL) by `stop()`; a process exit handler kills what a crashed test
 * left behind.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BINARY = process.env['NATS_SERVER_BIN'] ?? 'nats-server';

/** Whether `nats-server` can be run here (the tests need it; `.ci/run` installs it). */
export function natsServerVersion(): string | null {
  try {
    return execFileSync(BINARY, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

/** A port that was free a moment ago on 127.0.0.1 (cluster routes must be known in advance). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface NatsUser {
  readonly user: string;
  readonly password: string;
  /** Subjects this user may not publish to (e.g. `$JS.API.STREAM.CREATE.>`: no new streams). */
  readonly denyPublish?: readonly string[];
}

export interface NatsServerOptions {
  readonly name?: string;
  /** JetStream domain of this server (leaf + central setups). */
  readonly domain?: string;
  readonly users?: readonly NatsUser[];
  /** Client port; a free one when absent. Keep it to restart a killed node on the same port. */
  readonly port?: number;
  /** Cluster membership: this node's route port and every node's route port. */
  readonly cluster?: { readonly name: string; readonly port: number; readonly routes: number[] };
  /** Accept leaf node connections on this port. */
  readonly leafListenPort?: number;
  /** host:port this node tells leaf nodes to connect to (in tests: its link proxy). */
  readonly leafAdvertise?: string;
  /** Connect as a leaf node to these leaf ports (the central cluster's). */
  readonly leafRemotes?: readonly { readonly port: number; readonly user?: NatsUser }[];
  /** TLS for client connections. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** Keep the store in this folder (a restarted node reuses its own). */
  readonly storeDir?: string;
  /** Extra lines for the configuration file. */
  readonly extraConfig?: string;
}

export interface NatsServer {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly monitorPort: number;
  readonly storeDir: string;
  readonly options: NatsServerOptions;
  readonly process: ChildProcess;
  /** Everything the server logged (stderr), for failure messages. */
  log(): string;
  /** Resolves once `pattern` matches `count` log lines (checked as the server logs). */
  waitForLog(pattern: RegExp, count?: number): Promise<void>;
  /** Resolves once JetStream answers health checks. */
  ready(): Promise<void>;
  /** SIGKILL, no shutdown: the store is left as a crash leaves it. */
  kill(): Promise<void>;
  /** SIGTERM (SIGKILL if it does not exit), then removes the temp folders it owns. */
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function trackForExit(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
}

function q(s: string): string {
  return JSON.stringify(s);
}

function configText(
  o: NatsServerOptions,
  name: string,
  port: number,
  monitorPort: number,
  storeDir: string,
): string {
  const lines = [
    `server_name: ${q(name)}`,
    `listen: "127.0.0.1:${port}"`,
    `http: "127.0.0.1:${monitorPort}"`,
    `jetstream { store_dir: ${q(storeDir)}${o.domain ? `, domain: ${q(o.domain)}` : ''} }`,
  ];
  if (o.users?.length) {
    const users = o.users.map((u) => {
      const deny = u.denyPublish?.length
        ? `, permissions: { publish: { deny: [ ${u.denyPublish.map(q).join(', ')} ] } }`
        : '';
      return `{ user: ${q(u.user)}, password: ${q(u.password)}${deny} }`;
    });
    lines.push(`authorization { users: [ ${users.join(', ')} ] }`);
  }
  if (o.tls) lines.push(`tls { cert_file: ${q(o.tls.certFile)}, key_file: ${q(o.tls.keyFile)} }`);
  if (o.cluster) {
    const routes = o.cluster.routes.map((p) => q(`nats-route://127.0.0.1:${p}`));
    lines.push(
      `cluster { name: ${q(o.cluster.name)}, listen: "127.0.0.1:${o.cluster.port}", routes: [ ${routes.join(', ')} ] }`,
    );
  }
  if (o.leafListenPort !== undefined || o.leafRemotes?.length) {
    const parts: string[] = [];
    if (o.leafListenPort !== undefined) parts.push(`listen: "127.0.0.1:${o.leafListenPort}"`);
    if (o.leafAdvertise) parts.push(`advertise: ${q(o.leafAdvertise)}`);
    if (o.leafRemotes?.length) {
      // One remote with every central node's URL: the leaf fails over between them.
      const urls = o.leafRemotes.map((r) => {
        const auth = r.user
          ? `${encodeURIComponent(r.user.user)}:${encodeURIComponent(r.user.password)}@`
          : '';
        return q(`nats-leaf://${auth}127.0.0.1:${r.port}`);
      });
      parts.push(`reconnect: 1`, `remotes: [ { urls: [ ${urls.join(', ')} ] } ]`);
    }
    lines.push(`leafnodes { ${parts.join(', ')} }`);
  }
  if (o.extraConfig) lines.push(o.extraConfig);
  return lines.join('\n') + '\n';
}

export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const name = options.name ?? `n${Math.random().toString(36).slice(2, 8)}`;
  const dir = mkdtempSync(join(tmpdir(), `gate-ops-nats-${name}-`));
  const storeDir = options.storeDir ?? join(dir, 'store');
  const port = options.port ?? (await freePort());
  const monitorPort = await freePort();
  const confFile = join(dir, 'nats.conf');
  writeFileSync(confFile, configText(options, name, port, monitorPort, storeDir), { mode: 0o600 });
  const child = spawn(BINARY, ['-c', confFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  trackForExit(child);
  let stderr = '';
  const logWaiters = new Set<() => void>();
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
    if (stderr.length > 2_000_000) stderr = stderr.slice(-1_000_000);
    for (const w of [...logWaiters]) w();
  });
  const countLines = (pattern: RegExp): number =>
    stderr.split('\n').filter((l) => pattern.test(l)).length;
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  let exitedFlag = false;
  void exited.then(() => (exitedFlag = true));
  const server: NatsServer = {
    name,
    port,
    url: `nats://127.0.0.1:${port}`,
    monitorPort,
    storeDir,
    options,
    process: child,
    log: () => stderr,
    waitForLog(pattern, count = 1) {
      return new Promise((resolve) => {
        const check = (): void => {
          if (countLines(pattern) < count) return;
          logWaiters.delete(check);
          resolve();
        };
        logWaiters.add(check);
        check();
      });
    },
    async ready() {
      // /healthz answers 200 once the server (and JetStream, clustered: its meta layer) is up.
      for (let attempt = 0; attempt < 600; attempt++) {
        if (exitedFlag) throw new Error(`nats-server ${name} exited:\n${stderr}`);
        try {
          const res = await fetch(`http://127.0.0.1:${monitorPort}/healthz`);
          if (res.ok) return;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`nats-server ${name} did not become healthy:\n${stderr}`);
    },
    async kill() {
      if (!exitedFlag) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (!exitedFlag) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

export interface NatsCluster {
  readonly servers: NatsServer[];
  /** Client URLs of every node (for the client's server list). */
  readonly urls: string[];
  /** Restarts a killed node with its own store and ports. */
  restart(index: number): Promise<NatsServer>;
  stop(): Promise<void>;
}

/** A JetStream cluster of `size` nodes (3 for streams with 3 replicas). */
export async function startNatsCluster(
  options: {
    size?: number;
    name?: string;
    domain?: string;
    users?: readonly NatsUser[];
    leafListen?: boolean;
    /** Leaf listen ports chosen by the caller, and what each node advertises to leaf nodes. */
    leafPorts?: readonly number[];
    leafAdvertise?: readonly string[];
  } = {},
): Promise<NatsCluster> {
  const size = options.size ?? 3;
  const clusterName = options.name ?? 'gateops';
  const routePorts: number[] = [];
  const clientPorts: number[] = [];
  const leafPorts: number[] = [];
  for (let i = 0; i < size; i++) {
    routePorts.push(await freePort());
    clientPorts.push(await freePort());
    leafPorts.push(options.leafPorts?.[i] ?? (await freePort()));
  }
  const nodeOptions = (i: number, storeDir?: string): NatsServerOptions => ({
    name: `${clusterName}-${i + 1}`,
    port: clientPorts[i]!,
    cluster: { name: clusterName, port: routePorts[i]!, routes: routePorts },
    ...(options.domain ? { domain: options.domain } : {}),
    ...(options.users ? { users: options.users } : {}),
    ...(options.leafListen ? { leafListenPort: leafPorts[i]! } : {}),
    ...(options.leafAdvertise?.[i] ? { leafAdvertise: options.leafAdvertise[i] } : {}),
    ...(storeDir ? { storeDir } : {}),
  });
  // Each node's store lives outside the node's own temp folder so a restart can reuse it.
  const storeRoot = mkdtempSync(join(tmpdir(), `gate-ops-nats-${clusterName}-stores-`));
  const servers: NatsServer[] = [];
  for (let i = 0; i < size; i++)
    servers.push(await startNatsServer(nodeOptions(i, join(storeRoot, `n${i}`))));
  await Promise.all(servers.map((s) => s.ready()));
  return {
    servers,
    urls: servers.map((s) => s.url),
    async restart(index) {
      const old = servers[index]!;
      await old.stop();
      const fresh = await startNatsServer(nodeOptions(index, join(storeRoot, `n${index}`)));
      servers[index] = fresh;
      await fresh.ready();
      return fresh;
    },
    async stop() {
      await Promise.all(servers.map((s) => s.stop()));
      rmSync(storeRoot, { recursive: true, force: true });
    },
  };
}

export interface VenueLeaf {
  readonly venue: string;
  readonly server: NatsServer;
  /** Cuts the uplink: every leaf connection is dropped and new ones are refused. */
  cutLink(): void;
  restoreLink(): void;
}

export interface LeafAndCentral {
  readonly central: NatsCluster;
  readonly leaves: readonly VenueLeaf[];
  stop(): Promise<void>;
}

/**
 * Venue leaf nodes (each with its own JetStream domain, the venue id; laptops at the venue connect
 * to it) attached to a central cluster (domain `central`). Every central node's leaf port sits
 * behind a TCP proxy that the node advertises (a leaf learns the hub cluster's leaf URLs and would
 * otherwise go around it); the proxy tells the venues apart by the leaf's CONNECT name, so one
 * venue's uplink can be cut and restored while its leaf and the laptops on it keep running.
 */
export async function startLeafAndCentral(options: {
  venues: readonly string[];
  centralSize?: number;
  users?: readonly NatsUser[];
}): Promise<LeafAndCentral> {
  const size = options.centralSize ?? 3;
  const down = new Set<string>();
  const leafPorts: number[] = [];
  const proxies: LinkProxy[] = [];
  for (let i = 0; i < size; i++) {
    const port = await freePort();
    leafPorts.push(port);
    proxies.push(await startLinkProxy(port, down));
  }
  const central = await startNatsCluster({
    size,
    name: 'central',
    domain: 'central',
    leafListen: true,
    leafPorts,
    leafAdvertise: proxies.map((p) => `127.0.0.1:${p.port}`),
    ...(options.users ? { users: options.users } : {}),
  });
  const leaves: VenueLeaf[] = [];
  const remoteUser = options.users?.[0];
  for (const venue of options.venues) {
    const name = `${venue}-leaf`;
    const server = await startNatsServer({
      name,
      domain: venue.toLowerCase(),
      ...(options.users ? { users: options.users } : {}),
      leafRemotes: proxies.map((p) => ({
        port: p.port,
        ...(remoteUser ? { user: remoteUser } : {}),
      })),
    });
    await server.ready();
    leaves.push({
      venue,
      server,
      cutLink() {
        down.add(name);
        proxies.forEach((p) => p.drop(name));
      },
      restoreLink: () => void down.delete(name),
    });
  }
  return {
    central,
    leaves,
    async stop() {
      await Promise.all(leaves.map((l) => l.server.stop()));
      await Promise.all(proxies.map((p) => p.close()));
      await central.stop();
    },
  };
}

interface LinkProxy {
  readonly port: number;
  /** Drops the connections of the leaf called `name`. */
  drop(name: string): void;
  close(): Promise<void>;
}

/**
 * A TCP forwarder on 127.0.0.1 for leaf connections. It reads the leaf's first protocol line
 * (`CONNECT {…"name":"<server name>"…}`) to know which leaf it carries, and refuses a leaf whose
 * name is in `down`.
 */
async function startLinkProxy(targetPort: number, down: ReadonlySet<string>): Promise<LinkProxy> {
  const byName = new Map<string, Set<Socket>>();
  const all = new Set<Socket>();
  const server = createServer((inbound) => {
    const outbound = connect(targetPort, '127.0.0.1');
    const pair = [inbound, outbound];
    for (const s of pair) {
      all.add(s);
      s.on('close', () => all.delete(s));
      s.on('error', () => undefined);
    }
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
    outbound.pipe(inbound);
    let head = Buffer.alloc(0);
    const onHead = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const text = head.toString('latin1');
      if (!text.includes('\r\n') && head.length < 65_536) return;
      inbound.off('data', onHead);
      const name = /"name":"([^"]*)"/.exec(text)?.[1] ?? '';
      if (down.has(name)) {
        inbound.destroy();
        return;
      }
      const set = byName.get(name) ?? new Set<Socket>();
      byName.set(name, set);
      set.add(inbound);
      inbound.on('close', () => set.delete(inbound));
      outbound.write(head);
      inbound.pipe(outbound);
    };
    inbound.on('data', onHead);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    drop(name) {
      for (const s of byName.get(name) ?? []) s.destroy();
    },
    close() {
      for (const s of all) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
