/**
 * Three laptops, each its own `gate-ops headless` process, with real TLS on 127.0.0.1 and the
 * relay simulator. A is the venue hub, B joins with its own relay link, C joins with none
 * (--no-relay). A's relay link is cut while B keeps its own: A fills its hole from the venue.
 * The hub is SIGKILLed, B becomes the hub, C joins B (and is SIGKILLed mid-sync and restarted),
 * A comes back joined to B: all three end with exactly the relay's check-ins and the same stats.
 * A wrong code is refused before any document moves; an acknowledgement and a note made on C
 * appear on A and B; every conflict the relay sent is on all three exactly once, the same.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startRelaySimulator, type RelayHistory } from '../../../electron/demo-venue';
import { conflictDocId } from '../../../electron/db/ids';
import { classify } from '../../../shared/contract';
import type { ConflictRow } from '../../../shared/api/channels/quarantine';
import type { Health } from '../../../shared/api/channels/status';
import type { AlertsList } from '../../../shared/api/channels/alerts';
import type { NotesList } from '../../../shared/api/channels/sync';
import type { GateOpsApi } from '../../../shared/api/methods';
import { parseJoinCode, formatJoinCode } from '../../../electron/sync/pairing/join-code';
import {
  cuttableProxy,
  laptopApi,
  laptopStats,
  startLaptop,
  type LaptopProcess,
} from '../../helpers/laptop-process';
import { tempDir, TOKEN } from '../../helpers/relay';

let cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  closeApis();
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

const HUB = ['--sync-listen', '0', '--sync-bind', '127.0.0.1'];
const step = (what: string) =>
  process.env['SYNC_TEST_STEPS'] && process.stderr.write(`step: ${what}\n`);

const all: LaptopProcess[] = [];
function laptop(dir: string, args: string[]): LaptopProcess {
  const l = startLaptop(dir, args);
  all.push(l);
  if (process.env['SYNC_TEST_STEPS']) {
    l.child.stderr!.on('data', (c: Buffer) =>
      process.stderr.write(`[${args.join(' ').slice(0, 60)}] ${c}`),
    );
  }
  cleanups.push(() => l.kill());
  return l;
}

/** The API of a laptop's dashboard; closed with the test. */
/** The APIs of the laptops' dashboards, closed before the laptops go away. */
const clients: Array<{ close(): void }> = [];
async function api(l: LaptopProcess): Promise<GateOpsApi> {
  const client = laptopApi(await l.dashboard());
  clients.push(client);
  return client.api;
}
function closeApis(): void {
  for (const c of clients.splice(0)) c.close();
}

/** Resolves with the first non-undefined `pick` of a subscription's values. */
function until<Ev, T>(
  watch: (listener: (ev: Ev) => void) => () => void,
  pick: (ev: Ev) => T | undefined,
): Promise<T> {
  return new Promise((resolve) => {
    let stop: (() => void) | null = null;
    let done = false;
    stop = watch((ev) => {
      const v = pick(ev);
      if (v === undefined || done) return;
      done = true;
      resolve(v);
      stop?.();
    });
    if (done) stop();
  });
}

function dataDir(): string {
  const { dir, cleanup } = tempDir('gate-ops-sync-');
  cleanups.push(cleanup);
  return dir;
}

type ConflictsList = { total: number; rows: ConflictRow[] };

/** The ids of the conflicts in a relay's history: each key's first payload is the stored one. */
function expectedConflicts(history: RelayHistory): Set<string> {
  const first = new Map<string, string>();
  const out = new Set<string>();
  for (let i = 0; i < history.length; i++) {
    const v = classify(history.at(i)!);
    if (v.verdict !== 'checkin') continue;
    const stored = first.get(v.key);
    if (stored === undefined) first.set(v.key, v.fields.fingerprint);
    else if (stored !== v.fields.fingerprint) {
      out.add(conflictDocId(v.key, stored, v.fields.fingerprint));
    }
  }
  return out;
}

/** What a laptop's Conflicts list says of each conflict, less its own arrival facts. */
function conflictDetails(list: ConflictsList) {
  return list.rows
    .map((r) => ({
      id: r.id,
      key: r.key,
      checkinId: r.checkinId,
      ticketId: r.ticketId,
      changes: r.changes,
      preview: r.preview,
    }))
    .sort((x, y) => (x.id < y.id ? -1 : 1));
}

/** The parts of `stats` every laptop must agree on. */
function venueView(s: Record<string, any>) {
  return {
    checkins: s.checkins,
    uniqueTickets: s.uniqueTickets,
    reentries: s.reentries,
    perGate: s.perGate,
    perDevice: s.perDevice,
    perSession: s.perSession,
  };
}

describe('venue sync: three laptops in three processes', () => {
  it(
    'converge on the relay ledger through a relay cut, a hub SIGKILL and failover, and a joiner SIGKILL',
    { timeout: 300_000 },
    async () => {
      const relay = await startRelaySimulator({
        token: TOKEN,
        seed: 12,
        backlog: 600,
        rate: 40,
        maxEvents: 1400,
        mix: { redelivery: 0.05, invalid: 0.02, otherType: 0.01, conflict: 0.01 },
      });
      cleanups.push(() => relay.stop());
      const proxyA = await cuttableProxy(Number(new URL(relay.url).port));
      cleanups.push(() => proxyA.close());
      const [dirA, dirB, dirC, dirD] = [dataDir(), dataDir(), dataDir(), dataDir()];

      // A: the hub, on its relay link through a proxy we can cut.
      let a = laptop(dirA, [
        '--relay',
        proxyA.url('/events'),
        '--laptop-name',
        'A',
        '--port',
        '0',
        ...HUB,
      ]);
      const codeA = (await a.sync((s) => s.role === 'hub' && s.joinCode !== null)).joinCode!;

      step('hub up');
      // A wrong code (right hub, wrong secret) is refused before any document moves.
      const wrong = formatJoinCode({ ...parseJoinCode(codeA), secret: 'A'.repeat(22) });
      const d = laptop(dirD, ['--no-relay', '--laptop-name', 'D', '--sync-join', wrong]);
      const refused = await d.sync((s) => s.link === 'refused');
      expect(refused.reason).toMatch(/join code is wrong/);
      await d.stop();
      expect((await laptopStats(dirD)).checkins).toBe(0);

      step('wrong code refused');
      const b = laptop(dirB, [
        '--relay',
        relay.url,
        '--laptop-name',
        'B',
        '--port',
        '0',
        '--sync-join',
        codeA,
      ]);
      let c = laptop(dirC, [
        '--no-relay',
        '--laptop-name',
        'C',
        '--port',
        '0',
        '--sync-join',
        codeA,
      ]);
      await Promise.all([b.sync((s) => s.link === 'live'), c.sync((s) => s.link === 'live')]);

      step('B and C live');
      // A's relay link is cut while B keeps its own: what B gets reaches A over the venue.
      const before = relay.history.length;
      proxyA.cut();
      const target = Math.min(1400, before + 200);
      await new Promise<void>((resolve) => {
        if (relay.history.length >= target) resolve();
        else relay.on('appended', (n: number) => n >= target && resolve());
      });
      const unique = () => relay.ledger.unique.size;
      const heldByB = (await b.sync((s) => s.checkins >= unique())).checkins;
      await a.sync((s) => s.checkins >= heldByB);
      proxyA.restore();
      step('A filled its hole from the venue');

      // Everything the relay sends, every laptop holds.
      await new Promise<void>((resolve) => {
        if (relay.history.length >= 1400) resolve();
        else relay.on('appended', (n: number) => n >= 1400 && resolve());
      });
      const total = unique();
      await Promise.all([a, b, c].map((l) => l.sync((s) => s.checkins === total)));

      step('all hold everything');
      // An acknowledgement and a note made on C (no relay of its own) appear on A and B.
      const apiA = await api(a);
      const apiB = await api(b);
      const apiC = await api(c);
      const reentry = await until(
        (l: (v: AlertsList) => void) => apiC.watchAlerts({ includeAcknowledged: false }, l),
        (v) => v.alerts.find((x) => x.kind === 'reentry'),
      );
      expect((await apiC.acknowledgeAlerts({ ids: [reentry.id] })).acknowledged).toBe(1);
      const text = 'Scanner at North 03 replaced; re-entries there were the old one double-reading';
      const { id: noteId } = await apiC.addNote({ text, gate: 'North 03', corrects: null });
      for (const other of [apiA, apiB]) {
        const acked = await until(
          (l: (v: AlertsList) => void) => other.watchAlerts({ includeAcknowledged: true }, l),
          (v) => v.alerts.find((x) => x.id === reentry.id && x.acknowledgedAt !== null),
        );
        expect(acked.acknowledgedAt).toBeGreaterThan(0);
        const note = await until(
          (l: (v: NotesList) => void) => other.watchNotes({ limit: 50 }, l),
          (v) => v.notes.find((n) => n.id === noteId),
        );
        expect(note).toMatchObject({ text, gate: 'North 03', author: 'C' });
      }
      closeApis();
      step('ack and note from C on A and B');
      // The hub dies. B and C keep working and say the venue sync is down.
      await a.kill();
      await b.sync((s) => s.link === 'down');
      await c.sync((s) => s.link === 'down');

      step('B and C say sync is down');
      // B becomes the hub; C joins it and is SIGKILLed mid-way, then comes back.
      await b.stop();
      step('B stopped');
      const b2 = laptop(dirB, ['--relay', relay.url, '--laptop-name', 'B', '--port', '0', ...HUB]);
      const codeB = (await b2.sync((s) => s.role === 'hub' && s.joinCode !== null)).joinCode!;
      step('B is the hub');
      await c.stop();
      step('C stopped');
      c = laptop(dirC, ['--no-relay', '--laptop-name', 'C', '--sync-join', codeB]);
      await c.sync((s) => s.link === 'live');
      await c.kill();
      step('C killed');
      c = laptop(dirC, ['--no-relay', '--laptop-name', 'C', '--port', '0']);
      a = laptop(dirA, [
        '--relay',
        proxyA.url('/events'),
        '--laptop-name',
        'A',
        '--port',
        '0',
        '--sync-join',
        codeB,
      ]);
      await Promise.all([a, c].map((l) => l.sync((s) => s.link === 'live')));
      step('A and C joined B');
      // Each ends holding every check-in with nothing to push, and seeing the whole team (the
      // roster reaches C with the next team frame after A's join).
      await Promise.all(
        [a, b2, c].map((l) =>
          l.sync((s) => s.checkins === total && s.pending === 0 && s.laptops === 3),
        ),
      );

      step('all in sync after failover');
      // Every conflict the relay sent (seen by A and B, never by C's relay: it has none) is on
      // every laptop exactly once, with the same details.
      const expected = expectedConflicts(relay.history);
      expect(expected.size).toBeGreaterThan(0);
      const lists: ConflictsList[] = [];
      for (const l of [a, b2, c]) {
        const x = await api(l);
        await until(
          (fn: (h: Health) => void) => x.watchHealth({}, fn),
          (h) => (h.totals.conflicts >= expected.size ? h : undefined),
        );
        lists.push(await x.listConflicts({ offset: 0, limit: 500 }));
      }
      closeApis();
      for (const list of lists) {
        expect(list.total).toBe(expected.size);
        expect(list.rows.map((r) => r.id).sort()).toEqual([...expected].sort());
      }
      expect(conflictDetails(lists[1]!)).toEqual(conflictDetails(lists[0]!));
      expect(conflictDetails(lists[2]!)).toEqual(conflictDetails(lists[0]!));
      expect(lists[2]!.rows.every((r) => r.origin === 'peer')).toBe(true);

      for (const l of [a, b2, c]) expect(await l.stop()).toBe(0);
      const sa = await laptopStats(dirA);
      const sb = await laptopStats(dirB);
      const sc = await laptopStats(dirC);
      expect(sa.checkins).toBe(total);
      expect(venueView(sb)).toEqual(venueView(sa));
      expect(venueView(sc)).toEqual(venueView(sa));
      expect(sb.conflicts).toBe(expected.size);
      expect(sc.conflicts).toBe(expected.size);
      expect(sb.sync.role).toBe('hub');
      expect(sc.sync.role).toBe('joined');
      expect(sc.sync.laptops.map((l: any) => l.name).sort()).toEqual(['A', 'B', 'C']);
    },
  );
});
