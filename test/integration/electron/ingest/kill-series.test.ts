/**
 * A long series of SIGKILLs of `gate-ops headless` during a catch-up (issue 14): after every
 * kill the file passes SQLite's full integrity check and `gate-ops stats` equals the relay's
 * ledger of what was committed so far; a last run ends with the store equal to the whole ledger
 * (each check-in once, with the payload first sent). Fewer kills in CI than locally;
 * KILL_RUNS=n overrides. bench/reliability.bench.ts runs the same series longer, with kills
 * also at random moments.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Cleanups } from '../../../helpers/fault-scenarios';
import { runKillSeries } from '../../../helpers/kill-series';

const KILLS = Number(process.env.KILL_RUNS ?? (process.env.CI ? 3 : 8));
const TOTAL = 2000 * KILLS;

let cleanups: Cleanups = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

describe('a long SIGKILL series during catch-up', () => {
  it(
    `${KILLS} kills: after each, integrity ok and stats equal to the ledger so far; at the end equal to the whole ledger`,
    { timeout: 60_000 + KILLS * 20_000 },
    async () => {
      const result = await runKillSeries({ total: TOTAL, kills: KILLS, seed: 31 }, cleanups);
      for (const round of result.rounds) {
        expect(round.integrity, `kill ${round.index + 1}`).toBe('ok');
        expect(round.actual, `kill ${round.index + 1} at ${round.messages}`).toEqual(
          round.expected,
        );
      }
      // Each kill came later in the stream than the one before, during the catch-up (a commit
      // takes up to a few thousand messages: the last kill may land after the end).
      const at = result.rounds.map((r) => r.messages);
      expect(at).toEqual([...at].sort((a, b) => a - b));
      expect(at.filter((n) => n < TOTAL).length).toBeGreaterThanOrEqual(KILLS - 1);
      expect(result.survived).toBe(KILLS);
      expect(result.final.exitCode).toBe(0);
      expect(result.final.integrity).toBe('ok');
      expect(result.final.actual).toEqual(result.final.expected);
      expect(result.final.fingerprintsEqual).toBe(true);
      // Every start resumed from the stored cursor: one connection each.
      expect(result.connections).toBe(KILLS + 1);
    },
  );
});
