/**
 * Owner-only files: the database, its WAL and shared-memory files, and exports hold attendee
 * names and e-mails. A data folder the user made (0755) and the usual umask (022) used to leave
 * them 0644, readable by every account on the laptop.
 */
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openStore } from '../../../../electron/db';
import { AtomicFile } from '../../../../electron/files';
import { tempDir } from '../../../helpers/relay';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const mode = (file: string) => statSync(file).mode & 0o777;

function sharedFolder(): string {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const data = join(dir, 'data');
  mkdirSync(data, { mode: 0o755 });
  chmodSync(data, 0o755);
  return data;
}

it.skipIf(process.platform === 'win32')(
  'creates the database, its WAL and its export files owner-only in an existing folder',
  async () => {
    const previous = process.umask(0o022);
    try {
      const data = sharedFolder();
      const store = await openStore(data);
      await store.db.state.insert({ id: 'probe', value: {}, updatedAt: 1 });
      const file = store.file!;
      for (const f of [file, `${file}-wal`, `${file}-shm`]) {
        if (existsSync(f)) expect(mode(f).toString(8), f).toBe('600');
      }
      expect(existsSync(`${file}-wal`)).toBe(true);
      await store.close();

      const report = join(data, 'report.csv');
      const out = await AtomicFile.create(report);
      await out.write('a,b\n');
      await out.commit();
      expect(mode(report).toString(8)).toBe('600');
    } finally {
      process.umask(previous);
    }
  },
);

it.skipIf(process.platform === 'win32')(
  'narrows a database left 0644 by an earlier version when it opens it',
  async () => {
    const data = sharedFolder();
    const first = await openStore(data);
    const file = first.file!;
    await first.close();
    chmodSync(file, 0o644);
    writeFileSync(`${file}-wal`, '');
    chmodSync(`${file}-wal`, 0o644);
    const again = await openStore(data);
    expect(mode(file).toString(8)).toBe('600');
    expect(mode(`${file}-wal`).toString(8)).toBe('600');
    await again.close();
  },
);
