/**
 * Real processes on a real file: reopen in a new process, SIGKILL at random points while
 * writing, SIGKILL in the middle of a transaction group.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../helpers/storage';
import {
  countRows,
  integrityCheck,
  lastAck,
  runChild,
  startChild,
} from '../../../helpers/storage-process';

const KILLS = process.env.CI ? 6 : 15;
const CHECKINS = `SELECT count(*) AS n FROM "checkins--v0" WHERE deleted = 0`;

let temp: ReturnType<typeof makeTempDir>;
let file: string;
beforeEach(() => {
  temp = makeTempDir();
  file = path.join(temp.dir, 'crashdb.sqlite');
});
afterEach(() => temp.cleanup());

function randomDelay(maxMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * maxMs)));
}

it('reads back in a new process exactly what another process wrote and closed', async () => {
  await runChild([temp.dir, 'write', '250']);
  const first = JSON.parse((await runChild([temp.dir, 'dump'])).find((l) => l.startsWith('['))!);
  const second = JSON.parse((await runChild([temp.dir, 'dump'])).find((l) => l.startsWith('['))!);
  expect(first).toHaveLength(250);
  expect(second).toEqual(first);
  expect(first[0].raw.length).toBeGreaterThan(500);
});

describe('SIGKILL while writing', () => {
  it('keeps every acknowledged batch, whole batches only, and a file that passes integrity_check', async () => {
    const batch = 200;
    let acknowledged = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const child = startChild([temp.dir, 'write-batches', String(batch)]);
      const ready = Number((await child.waitFor('ready ')).slice(6));
      expect(ready).toBeGreaterThanOrEqual(acknowledged);
      // Kill at a random moment: some runs die mid-batch, some between batches.
      await randomDelay(400);
      child.process.kill('SIGKILL');
      await child.exited;
      acknowledged = lastAck(child.lines, acknowledged);
      expect(integrityCheck(file)).toBe('ok');
      const stored = countRows(file, CHECKINS);
      expect(stored).toBeGreaterThanOrEqual(acknowledged);
      expect(stored % batch).toBe(0);
    }
    expect(acknowledged).toBeGreaterThan(0);
  }, 180_000);

  it('keeps grouped writes to two collections all-or-nothing across kills', async () => {
    const batch = 100;
    let acknowledged = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const child = startChild([temp.dir, 'groups', String(batch)]);
      await child.waitFor('ready ');
      await randomDelay(400);
      child.process.kill('SIGKILL');
      await child.exited;
      acknowledged = lastAck(child.lines, acknowledged);
      expect(integrityCheck(file)).toBe('ok');
      const stored = countRows(file, CHECKINS);
      expect(stored).toBeGreaterThanOrEqual(acknowledged);
      const cursor = countRows(
        file,
        `SELECT coalesce(max(json_extract(data, '$.batches')), 0) AS n FROM "cursors--v0"`,
      );
      // The cursor and the check-ins it counts were committed together or not at all.
      expect(cursor * batch).toBe(stored);
    }
    // At least one group committed, so the check above compared more than two empty tables.
    expect(acknowledged).toBeGreaterThan(0);
  }, 180_000);

  it('loses every write of a group that was killed before it committed', async () => {
    await runChild([temp.dir, 'write', '10']);
    const child = startChild([temp.dir, 'group-then-hang', '300']);
    await child.waitFor('in-group');
    child.process.kill('SIGKILL');
    await child.exited;
    expect(integrityCheck(file)).toBe('ok');
    expect(countRows(file, CHECKINS)).toBe(10);
    expect(countRows(file, `SELECT count(*) AS n FROM "cursors--v0"`)).toBe(0);
  });
});
