/** The one atomic-write module: complete or absent, exact modes, nothing left behind on errors. */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AtomicFile, TargetPathError, writeFileAtomic } from '../../../../electron/files';
import { tempDir } from '../../../helpers/relay';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function folder(): string {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  return dir;
}

const mode = (file: string) => (statSync(file).mode & 0o777).toString(8);
const leftovers = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.tmp'));

async function withUmask<T>(umask: number, run: () => Promise<T>): Promise<T> {
  const previous = process.umask(umask);
  try {
    return await run();
  } finally {
    process.umask(previous);
  }
}

describe('writeFileAtomic', () => {
  it('creates the folder, writes the content and replaces an older file', async () => {
    const dir = folder();
    const file = join(dir, 'nested', 'state.json');
    await writeFileAtomic(file, 'one\n');
    expect(readFileSync(file, 'utf8')).toBe('one\n');
    await writeFileAtomic(file, new TextEncoder().encode('two\n'));
    expect(readFileSync(file, 'utf8')).toBe('two\n');
    expect(leftovers(join(dir, 'nested'))).toEqual([]);
  });

  it.skipIf(process.platform === 'win32')(
    'gives the file exactly the mode asked, whatever the umask',
    async () => {
      const dir = folder();
      await withUmask(0o077, () => writeFileAtomic(join(dir, 'public'), 'x'));
      expect(mode(join(dir, 'public'))).toBe('644');
      await withUmask(0o000, () => writeFileAtomic(join(dir, 'secret'), 'x', { mode: 0o600 }));
      expect(mode(join(dir, 'secret'))).toBe('600');
      // Replacing a wide file with a secret narrows it: the temp file had the mode from the start.
      writeFileSync(join(dir, 'was-wide'), 'old', { mode: 0o666 });
      await writeFileAtomic(join(dir, 'was-wide'), 'new', { mode: 0o600 });
      expect(mode(join(dir, 'was-wide'))).toBe('600');
    },
  );

  it('keeps the old file and leaves no temp file when the rename fails, with the errno code', async () => {
    const dir = folder();
    const target = join(dir, 'is-a-folder');
    mkdirSync(join(target, 'inside'), { recursive: true });
    const error = await writeFileAtomic(target, 'x').catch((e: NodeJS.ErrnoException) => e);
    expect(error).toBeInstanceOf(Error);
    expect(['EISDIR', 'ENOTEMPTY', 'EEXIST', 'EPERM']).toContain(
      (error as NodeJS.ErrnoException).code,
    );
    expect(statSync(target).isDirectory()).toBe(true);
    expect(leftovers(dir)).toEqual([]);
  });

  it('fails with the errno code when the folder cannot be made', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'file'), 'not a folder');
    const error = await writeFileAtomic(join(dir, 'file', 'x.json'), 'x').catch(
      (e: NodeJS.ErrnoException) => e,
    );
    expect(['ENOTDIR', 'EEXIST']).toContain((error as NodeJS.ErrnoException).code);
    expect(readFileSync(join(dir, 'file'), 'utf8')).toBe('not a folder');
  });
});

describe('AtomicFile', () => {
  it('shows nothing under the name until commit, then all of it, owner-only', async () => {
    const dir = folder();
    const target = join(dir, 'report.csv');
    writeFileSync(target, 'old report');
    const file = await withUmask(0o000, () => AtomicFile.create(target));
    await file.write('a,b\n');
    await file.write(new TextEncoder().encode('1,2\n'));
    expect(readFileSync(target, 'utf8')).toBe('old report');
    expect(leftovers(dir)).toHaveLength(1);
    expect(leftovers(dir)[0]).toMatch(/^\.gate-ops-report\.csv\.[0-9a-f]{12}\.tmp$/);
    expect(await file.commit()).toBe(8);
    expect(readFileSync(target, 'utf8')).toBe('a,b\n1,2\n');
    if (process.platform !== 'win32') expect(mode(target)).toBe('600');
    expect(leftovers(dir)).toEqual([]);
  });

  it('takes a stream a library ends itself', async () => {
    const dir = folder();
    const file = await AtomicFile.create(join(dir, 'out.bin'), { mode: 0o640 });
    file.stream.end('streamed');
    await file.ended();
    expect(await file.commit()).toBe(8);
    expect(readFileSync(join(dir, 'out.bin'), 'utf8')).toBe('streamed');
    if (process.platform !== 'win32') expect(mode(join(dir, 'out.bin'))).toBe('640');
  });

  it('discards without touching the target, and more than once', async () => {
    const dir = folder();
    const file = await AtomicFile.create(join(dir, 'report.xlsx'));
    await file.write('half');
    await file.discard();
    await file.discard();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('says what the user can fix before writing anything', async () => {
    const dir = folder();
    mkdirSync(join(dir, 'a-folder'));
    await expect(AtomicFile.create(join(dir, 'a-folder'))).rejects.toThrow(
      new TargetPathError(`${join(dir, 'a-folder')} is a folder`),
    );
    await expect(AtomicFile.create(join(dir, 'missing', 'r.csv'))).rejects.toThrow(
      /the folder does not exist/,
    );
    await expect(AtomicFile.create(join(dir, 'missing', 'r.csv'))).rejects.toBeInstanceOf(
      TargetPathError,
    );
    expect(readdirSync(dir)).toEqual(['a-folder']);
  });
});
