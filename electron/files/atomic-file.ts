/**
 * The one way Gate Ops writes a file so that it appears complete or not at all: bytes go to a temp
 * file beside the target (same folder, so the rename is atomic on one file system), created with
 * the final mode, fsynced, renamed over the target, and the folder fsynced so the rename survives
 * a power cut. On an error the temp file is deleted; a crash leaves at most a
 * `.gate-ops-<name>.<random>.tmp` beside the target, never half a file under its name.
 *
 * Two front ends over the same steps: `writeFileAtomic` for small files written in one go (window
 * state, secrets, the sync identity; errors keep their errno `code`) and `AtomicFile` for a report
 * streamed in rows (checks the target first and says what the user can fix).
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import {
  close,
  constants,
  createWriteStream,
  fchmod,
  fstat,
  fsync,
  open as openFd,
  writeFile as writeFd,
} from 'node:fs';
import { access, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { promisify } from 'node:util';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';

export interface AtomicWriteOptions {
  /** File mode of the new file, e.g. 0o600 for secrets (default 0o644). */
  readonly mode?: number;
}

/** The temp file's name beside `target`: recognisable (leftovers are swept), never reused. */
function tempPathFor(target: string): string {
  const name = basename(target).slice(0, 80);
  return join(dirname(target), `.gate-ops-${name}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Opens a new temp file ('wx': never follows or reuses a file) with exactly `mode`. */
async function openTemp(tempPath: string, mode: number): Promise<number> {
  const fd = await promisify(openFd)(tempPath, 'wx', mode);
  try {
    // The umask may have narrowed the mode; a secret must not end up wider than asked either.
    await promisify(fchmod)(fd, mode);
  } catch (error) {
    await promisify(close)(fd).catch(() => {});
    await unlink(tempPath).catch(() => {});
    throw error;
  }
  return fd;
}

/** Renames the synced, closed temp file onto the target and makes the rename durable. */
async function publish(tempPath: string, target: string): Promise<void> {
  await rename(tempPath, target);
  // Windows cannot open a folder (and does not need this); some file systems refuse to fsync a
  // folder: the data itself is already synced.
  if (process.platform === 'win32') return;
  try {
    const dir = await open(dirname(target), 'r');
    await dir.sync().finally(() => dir.close());
  } catch {
    /* best effort */
  }
}

/** Writes a small file atomically (creating its folder). Errors are the file system's own. */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tempPath = tempPathFor(path);
  const fd = await openTemp(tempPath, options.mode ?? 0o644);
  let fdOpen = true;
  try {
    await promisify(writeFd)(fd, data);
    await promisify(fsync)(fd);
    fdOpen = false;
    await promisify(close)(fd);
    await publish(tempPath, path);
  } catch (error) {
    if (fdOpen) await promisify(close)(fd).catch(() => {});
    await unlink(tempPath).catch(() => {});
    throw error;
  }
}

/** Where writers put bytes. `write` waits when the disk is behind, so memory stays bounded. */
export interface FileSink {
  write(chunk: string | Uint8Array): Promise<void>;
  /** For libraries that pipe into a stream (exceljs, pdfkit). */
  readonly stream: Writable;
  /** Resolves once such a library has ended `stream` and every byte is handed to the file. */
  ended(): Promise<void>;
}

/** A problem with the target path the user can fix: not a folder, no permission, … */
export class TargetPathError extends Error {
  override readonly name = 'TargetPathError';
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return 'the folder does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOTDIR') return 'a part of the path is not a folder';
  if (code === 'EROFS') return 'the file system is read-only';
  if (code === 'ENOSPC') return 'the disk is full';
  return error instanceof Error ? error.message : String(error);
}

export class AtomicFile implements FileSink {
  private constructor(
    readonly target: string,
    readonly tempPath: string,
    /** A plain descriptor: a FileHandle cannot be closed while a stream made from it is open. */
    private readonly fd: number,
    readonly stream: Writable,
  ) {
    // Errors surface through write()/commit(); without a listener they would crash the process.
    stream.on('error', () => {});
  }

  /**
   * Checks the target and opens the temp file next to it. Owner-only by default: a report holds
   * attendee names and e-mails (the rename keeps the mode).
   */
  static async create(target: string, options: AtomicWriteOptions = {}): Promise<AtomicFile> {
    const folder = dirname(target);
    try {
      const info = await stat(target).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
      if (info?.isDirectory()) throw new TargetPathError(`${target} is a folder`);
      if (info) await access(target, constants.W_OK);
      const folderInfo = await stat(folder);
      if (!folderInfo.isDirectory()) throw new TargetPathError(`${folder} is not a folder`);
    } catch (error) {
      if (error instanceof TargetPathError) throw error;
      throw new TargetPathError(`cannot write ${target}: ${describe(error)}`);
    }
    const tempPath = tempPathFor(target);
    let fd: number;
    try {
      fd = await openTemp(tempPath, options.mode ?? 0o600);
    } catch (error) {
      throw new TargetPathError(`cannot write in ${folder}: ${describe(error)}`);
    }
    const stream = createWriteStream('', { fd, autoClose: false, highWaterMark: 1 << 20 });
    return new AtomicFile(target, tempPath, fd, stream);
  }

  private failure: Error | undefined;

  async write(chunk: string | Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.stream.write(chunk)) return;
    await this.drained();
  }

  private async drained(): Promise<void> {
    // `once` rejects if 'error' comes first.
    try {
      await once(this.stream, 'drain');
    } catch (error) {
      this.failure = new Error(`writing the report failed: ${describe(error)}`);
      throw this.failure;
    }
  }

  /** Waits until a library that writes into `stream` has ended it. */
  async ended(): Promise<void> {
    if (this.stream.writableFinished) return;
    try {
      await once(this.stream, 'finish');
    } catch (error) {
      throw new Error(`writing the report failed: ${describe(error)}`);
    }
  }

  /** Flushes, syncs and renames onto the target. Returns the size in bytes. */
  async commit(): Promise<number> {
    if (!this.stream.writableEnded) this.stream.end();
    await this.ended();
    await promisify(fsync)(this.fd);
    const { size } = await promisify(fstat)(this.fd);
    await this.closeFd();
    await publish(this.tempPath, this.target);
    return size;
  }

  private fdOpen = true;

  private async closeFd(): Promise<void> {
    if (!this.fdOpen) return;
    this.fdOpen = false;
    await promisify(close)(this.fd);
  }

  /** Removes the temp file; safe to call more than once and after a failed commit. */
  async discard(): Promise<void> {
    this.stream.destroy();
    await this.closeFd().catch(() => {});
    await unlink(this.tempPath).catch(() => {});
  }
}
