/**
 * End to end through the real websocket into a real SQLite file: after a scenario full of
 * redeliveries, invalid messages, other event types, conflicts, late uploads and link trouble,
 * the store holds exactly the unique valid check-ins the relay sent, and the counters match.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startCore, type Core } from '../../../../electron/app';
import { startRelaySimulator, type RelaySimulator } from '../../../../electron/demo-venue';
import { localCheckIns } from '../../../../electron/db';
import {
  expectedTotals,
  pickTotals,
  storedFingerprints,
  tempDir,
  TOKEN,
  waitForCommit,
} from '../../../helpers/relay';

const MIX = {
  redelivery: 0.08,
  invalid: 0.03,
  otherType: 0.02,
  conflict: 0.01,
  reentry: 0.05,
  lateBatch: 0.003,
  oversize: 0.1,
};

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function setup(
  sim: Parameters<typeof startRelaySimulator>[0],
  beforeCore: (relay: RelaySimulator) => void = () => undefined,
): Promise<{ relay: RelaySimulator; core: Core }> {
  const relay = await startRelaySimulator(sim);
  cleanups.push(() => relay.stop());
  // Listeners that must see the first connection go on before the core connects.
  beforeCore(relay);
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const core = await startCore({
    dataDir: dir,
    relayUrl: relay.url,
    token: TOKEN,
    relay: { backoff: { baseMs: 20, capMs: 200 }, heartbeat: { intervalMs: 300 } },
  });
  cleanups.push(() => core.close());
  return { relay, core };
}

async function expectExact(relay: RelaySimulator, core: Core): Promise<void> {
  if (core.ingest.totals.ingestSeq < relay.history.length) {
    await waitForCommit(core.ingest, (b) => b.totals.ingestSeq >= relay.history.length);
  }
  const ledger = relay.ledger;
  expect(pickTotals(core.ingest.totals)).toEqual(expectedTotals(ledger));
  const stored = await storedFingerprints(core.db);
  expect(stored.size).toBe(ledger.unique.size);
  expect(stored).toEqual(ledger.unique);
  expect(await core.db.quarantine.count().exec()).toBe(ledger.invalid);
  expect(await core.db.conflicts.count().exec()).toBe(ledger.conflicts);
  const local = localCheckIns(core.db);
  expect(local.ticketCount()).toBe(ledger.unique.size - ledger.reentries);
  expect(local.reentryCount()).toBe(ledger.reentries);
  expect(local.count()).toBe(ledger.unique.size);
}

describe('ingest through the relay into SQLite', () => {
  it(
    'stores exactly the unique valid events of a backlog full of redeliveries and invalid messages',
    { timeout: 120_000 },
    async () => {
      const { relay, core } = await setup({ token: TOKEN, seed: 11, backlog: 6000, mix: MIX });
      await expectExact(relay, core);
      const ledger = relay.ledger;
      expect(ledger.redeliveries).toBeGreaterThan(300);
      expect(ledger.conflicts).toBeGreaterThan(20);
      expect(ledger.invalid).toBeGreaterThan(100);
      expect(ledger.late).toBeGreaterThan(0);

      // An oversized message keeps its first bytes, its size and the reason.
      const big = await core.db.quarantine.find({ selector: { code: 'too_large' } }).exec();
      expect(big.length).toBeGreaterThan(0);
      for (const q of big) {
        expect(q.truncated).toBe(true);
        expect(q.size).toBeGreaterThan(64 * 1024);
        expect(q.text.length).toBeLessThanOrEqual(1024);
      }
      // Every other rejected message is kept verbatim with its reasons.
      const other = await core.db.quarantine
        .find({ selector: { code: { $ne: 'too_large' } } })
        .exec();
      expect(other.length).toBe(ledger.invalid - big.length);
      expect(other.length).toBeGreaterThan(0);
      for (const q of other) {
        expect(q.truncated).toBe(false);
        expect(q.reasons.length).toBeGreaterThan(0);
      }
      // Conflicts point at the stored check-in, which kept its first payload.
      const conflict = (await core.db.conflicts.findOne().exec())!;
      const original = (await core.db.checkins.findOne(conflict.checkinId).exec())!;
      expect(original.fingerprint).toBe(conflict.storedFingerprint);
      expect(conflict.fingerprint).not.toBe(conflict.storedFingerprint);
      // The newest committed stamp is the relay's last; the cursor (confirmed) lies before it.
      const last = relay.history.sequenceAt(relay.history.length - 1)!;
      expect(core.ingest.totals.latest).toBe(last);
      expect(core.ingest.totals.cursor! < last).toBe(true);
      expect(core.relay.status.counters.received).toBeGreaterThanOrEqual(ledger.total);
    },
  );

  it(
    'stays exact through a disconnect storm (TCP cuts every 41 messages)',
    { timeout: 120_000 },
    async () => {
      const { relay, core } = await setup({
        token: TOKEN,
        seed: 12,
        backlog: 3000,
        mix: MIX,
        faults: { dropEvery: 41, dropMode: 'terminate' },
      });
      await expectExact(relay, core);
      expect(relay.connectionCount).toBeGreaterThan(3000 / 41 - 1);
    },
  );

  it(
    'resumes with no gap and no duplicate across relay restarts while streaming live',
    { timeout: 120_000 },
    async () => {
      const resumedAfter: Array<string | null> = [];
      const { relay, core } = await setup(
        {
          token: TOKEN,
          seed: 13,
          rate: 800,
          maxEvents: 3000,
          mix: MIX,
        },
        (r) => r.on('connection', (after) => resumedAfter.push(after)),
      );
      // Resolves once the client has connected `n` times (the first connection included).
      const connections = (n: number) =>
        new Promise<void>((resolve) => {
          if (resumedAfter.length >= n) resolve();
          else relay.on('connection', () => resumedAfter.length >= n && resolve());
        });
      for (const [i, at] of [600, 1500].entries()) {
        await waitForCommit(core.ingest, (b) => b.totals.ingestSeq >= at);
        // A big commit can carry ingest past the next mark before the client is back from the
        // last restart: restarting a relay nobody is connected to would not be a reconnection.
        await connections(i + 1);
        await relay.restart(50);
      }
      // The last restart may come after everything is stored: wait for the client to be back.
      await connections(3);
      if (relay.history.length < 3000) {
        await new Promise<void>((resolve) =>
          relay.on('appended', (n) => {
            if (n >= 3000) resolve();
          }),
        );
      }
      await expectExact(relay, core);
      expect(relay.history.length).toBe(3000);
      expect(resumedAfter.length).toBeGreaterThanOrEqual(3);
      expect(resumedAfter[0]).toBeNull();
      // Each reconnection resumed from a real position, never from the start.
      for (const after of resumedAfter.slice(1)) expect(after).toMatch(/^\d{12}$/);
    },
  );
});
