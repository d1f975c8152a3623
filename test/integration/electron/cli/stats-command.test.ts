/**
 * `gate-ops stats` as a second reader on the SQLite file while `gate-ops headless` (a child
 * process) is writing to it, and exact once everything is in; next to a writer holding the write
 * lock it neither waits nor fails; and it changes nothing in the folder.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createInterface } from 'node:readline';
import { afterEach, expect, it } from 'vitest';
import { openStore } from '../../../../electron/db';
import { startRelaySimulator } from '../../../../electron/demo-venue';
import { storeCheckIns } from '../../../helpers/checkin-docs';
import { runCli } from '../../../helpers/cli';
import { tempDir, TOKEN } from '../../../helpers/relay';

const BIN = join(import.meta.dirname, '..', '..', '..', '..', 'bin', 'gate-ops.mjs');
const TOTAL = 4000;

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

it(
  'reads a consistent snapshot while the app writes, and exact totals at the end',
  { timeout: 120_000 },
  async () => {
    const relay = await startRelaySimulator({
      token: TOKEN,
      seed: 51,
      rate: 1000,
      maxEvents: TOTAL,
    });
    cleanups.push(() => relay.stop());
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const child = spawn(
      process.execPath,
      [BIN, 'headless', '--relay', relay.url, '--data-dir', dir, '--progress', '--quiet'],
      {
        env: { ...process.env, GATE_OPS_RELAY_TOKEN: TOKEN },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const reached = (n: number): Promise<void> =>
      new Promise((resolve) => {
        const rl = createInterface({ input: child.stdout });
        rl.on('line', (line) => {
          const msg = JSON.parse(line) as { committed?: number };
          if ((msg.committed ?? 0) >= n) {
            rl.close();
            resolve();
          }
        });
      });

    await reached(500);
    const during = await runCli(['stats', '--data-dir', dir, '--json']);
    expect(during.code).toBe(0);
    const mid = JSON.parse(during.stdout);
    expect(mid.messages).toBeGreaterThanOrEqual(500);
    const sum = (o: Record<string, number>): number => Object.values(o).reduce((a, b) => a + b, 0);
    // Per gate, device and session add up to the check-ins read.
    expect(sum(mid.perGate)).toBe(mid.checkins);
    expect(sum(mid.perDevice)).toBe(mid.checkins);
    expect(sum(mid.perSession)).toBe(mid.checkins);

    await reached(TOTAL);
    const end = await runCli(['stats', '--data-dir', dir, '--json']);
    const s = JSON.parse(end.stdout);
    const l = relay.ledger;
    expect({
      checkins: s.checkins,
      uniqueTickets: s.uniqueTickets,
      reentries: s.reentries,
      redeliveries: s.redeliveries,
      conflicts: s.conflicts,
      quarantined: s.quarantined,
      skipped: s.skipped,
      messages: s.messages,
    }).toEqual({
      checkins: l.unique.size,
      uniqueTickets: l.unique.size - l.reentries,
      reentries: l.reentries,
      redeliveries: l.redeliveries,
      conflicts: l.conflicts,
      quarantined: l.invalid,
      skipped: l.otherType,
      messages: TOTAL,
    });
    expect(Object.keys(s.perGate).length).toBeGreaterThanOrEqual(30);
    expect(s.cursor).toMatch(/^\d{12}$/);

    const text = await runCli(['stats', '--data-dir', dir]);
    expect(text.stdout).toMatch(new RegExp(`check-ins\\s+${l.unique.size}\\n`));
    expect(text.stdout).toMatch(/^gate\s+check-ins$/m);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const missing = await runCli(['stats', '--data-dir', join(dir, 'nothing-here')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no database/);
  },
);

it('does not wait for a writer holding the write lock, sees only what is committed, and changes nothing', async () => {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const store = await openStore(dir);
  await storeCheckIns(
    store.db,
    Array.from({ length: 30 }, (_, i) => ({
      checkInId: `c${i}`,
      ticketId: `t${i % 20}`,
      gate: `G${i % 3}`,
      checkedInAt: Date.UTC(2026, 4, 5, 18) + i * 1000,
    })),
  );
  await store.close();
  const file = join(dir, 'gate-ops.sqlite');
  const digest = (): string => createHash('sha256').update(readFileSync(file)).digest('hex');
  const before = { files: readdirSync(dir).sort(), digest: digest() };

  const quiet = await runCli(['stats', '--data-dir', dir, '--json']);
  expect(quiet.code).toBe(0);
  expect(JSON.parse(quiet.stdout)).toMatchObject({
    checkins: 30,
    uniqueTickets: 20,
    reentries: 10,
    perGate: { G0: 10, G1: 10, G2: 10 },
  });
  // Read-only: the same bytes, and no -wal/-shm left behind.
  expect({ files: readdirSync(dir).sort(), digest: digest() }).toEqual(before);

  // A writer in the middle of a batch (the write lock held, its rows not committed).
  const writer = new DatabaseSync(file);
  cleanups.push(() => {
    if (writer.isOpen) writer.close();
  });
  writer.exec('PRAGMA busy_timeout = 0');
  writer.exec('BEGIN IMMEDIATE');
  writer.exec(`UPDATE checkin_local SET reentry = 1`);
  const during = await runCli(['stats', '--data-dir', dir, '--json']);
  expect(during.stderr).toBe('');
  expect(during.code).toBe(0);
  expect(JSON.parse(during.stdout)).toMatchObject({ checkins: 30, reentries: 10 });
  // …and the writer still holds its lock and commits: stats took nothing from it.
  writer.exec('ROLLBACK');
  writer.close();
  expect(existsSync(file)).toBe(true);
});
