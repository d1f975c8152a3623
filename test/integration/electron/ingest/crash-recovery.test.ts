/**
 * SIGKILL of the ingesting process (a child running `gate-ops headless`) in the middle of a
 * backlog, twice, then a restart: the SQLite store ends up holding exactly the unique valid
 * events the relay sent, none lost, none twice, and the counters are exact (they commit with
 * the batch they count).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, readIngestTotals } from '../../../../electron/db';
import { startRelaySimulator } from '../../../../electron/demo-venue';
import { runCli } from '../../../helpers/cli';
import {
  expectedTotals,
  pickTotals,
  storedFingerprints,
  tempDir,
  TOKEN,
} from '../../../helpers/relay';

const BIN = join(import.meta.dirname, '..', '..', '..', '..', 'bin', 'gate-ops.mjs');
const TOTAL = 9000;

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

interface Headless {
  readonly child: ChildProcess;
  /** Resolves when a progress line says `committed` reached `n`. */
  committed(n: number): Promise<void>;
  exited: Promise<number | null>;
}

function startHeadless(url: string, dataDir: string): Headless {
  const child = spawn(
    process.execPath,
    [BIN, 'headless', '--relay', url, '--data-dir', dataDir, '--progress', '--quiet'],
    { env: { ...process.env, GATE_OPS_RELAY_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  let last = 0;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const msg = JSON.parse(line) as { committed?: number };
    if (typeof msg.committed !== 'number') return;
    last = msg.committed;
    for (const w of [...waiters]) {
      if (last >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    child,
    exited,
    committed: (n) =>
      new Promise<void>((resolve, reject) => {
        if (last >= n) return resolve();
        waiters.push({ n, resolve });
        void exited.then(() => reject(new Error(`headless exited before committing ${n}`)));
      }),
  };
}

describe('crash safety', () => {
  it(
    'loses nothing and duplicates nothing when the ingesting process is SIGKILLed mid-stream',
    { timeout: 120_000 },
    async () => {
      const relay = await startRelaySimulator({
        token: TOKEN,
        seed: 21,
        backlog: TOTAL,
        mix: { redelivery: 0.08, invalid: 0.03, otherType: 0.02, conflict: 0.01, oversize: 0.1 },
      });
      cleanups.push(() => relay.stop());
      const { dir, cleanup } = tempDir();
      cleanups.push(cleanup);

      const committedBeforeKill: number[] = [];
      for (const killAt of [2000, 5000]) {
        const run = startHeadless(relay.url, dir);
        await run.committed(killAt);
        run.child.kill('SIGKILL');
        await run.exited;
        const stats = await runCli(['stats', '--data-dir', dir, '--json']);
        expect(stats.code).toBe(0);
        const partial = JSON.parse(stats.stdout) as { messages: number; checkins: number };
        expect(partial.messages).toBeGreaterThanOrEqual(killAt);
        expect(partial.messages).toBeLessThan(TOTAL);
        committedBeforeKill.push(partial.messages);
      }
      expect(committedBeforeKill[1]).toBeGreaterThan(committedBeforeKill[0]!);

      const last = startHeadless(relay.url, dir);
      await last.committed(TOTAL);
      last.child.kill('SIGTERM');
      expect(await last.exited).toBe(0);

      const store = await openStore(dir);
      cleanups.push(() => store.close());
      expect(pickTotals(await readIngestTotals(store.db))).toEqual(expectedTotals(relay.ledger));
      expect(await storedFingerprints(store.db)).toEqual(relay.ledger.unique);
      expect(await store.db.quarantine.count().exec()).toBe(relay.ledger.invalid);
      expect(await store.db.conflicts.count().exec()).toBe(relay.ledger.conflicts);
      // The relay was asked to resume from the stored cursor, not from the start.
      expect(relay.connectionCount).toBe(3);
    },
  );
});
