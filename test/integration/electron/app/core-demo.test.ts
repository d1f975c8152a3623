/** startCore with no relay configured: the built-in simulator, clearly flagged, in its own file. */
import { afterEach, expect, it } from 'vitest';
import { startCore } from '../../../../electron/app';
import { checkInDetails } from '../../../../shared/contract';
import { tempDir, waitForCommit } from '../../../helpers/relay';

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

it(
  'runs on the demo relay, says so, and continues after a restart without skipping',
  { timeout: 120_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const lines: string[] = [];
    const first = await startCore({
      dataDir: dir,
      simulator: { seed: 1, backlog: 400, rate: 0 },
      log: (l) => lines.push(l),
    });
    cleanups.push(() => first.close());
    expect(first.simulated).toBe(true);
    expect(first.databaseFile).toMatch(/gate-ops-demo\.sqlite$/);
    expect(lines.join('\n')).toMatch(/SIMULATED/);
    await waitForCommit(first.ingest, (b) => b.totals.ingestSeq >= 400);
    const storedFirst = first.ingest.totals.stored;
    await first.close();

    // A second run: a new demo relay whose sequences continue after the stored cursor.
    const second = await startCore({
      dataDir: dir,
      simulator: { seed: 2, backlog: 300, rate: 200 },
    });
    cleanups.push(() => second.close());
    const liveDocs: Array<{ time: number | undefined; receivedAt: number; checkedInAt: number }> =
      [];
    second.ingest.on('batch-committed', (b) =>
      b.checkins.forEach((c, i) => {
        if (c.ingestSeq <= 700) return;
        const time = checkInDetails(b.documents[i]!.event).time;
        liveDocs.push({ receivedAt: c.receivedAt, checkedInAt: c.checkedInAt, time });
      }),
    );
    await waitForCommit(second.ingest, (b) => b.totals.ingestSeq >= 400 + 300 + 50);
    expect(second.ingest.totals.stored).toBeGreaterThan(storedFirst + 250);
    expect(second.simulator!.history.sequenceAt(0)).toBe('000000000401');
    // Live demo events are stamped with the current time, so the dashboard looks alive.
    const live = liveDocs.filter((c) => c.time !== undefined);
    expect(live.length).toBeGreaterThan(0);
    for (const c of live) {
      expect(Math.abs(c.receivedAt - c.time!)).toBeLessThan(60_000);
      expect(c.checkedInAt).toBeLessThanOrEqual(c.time!);
    }
  },
);
