/**
 * A report file that appears under its name only when complete: rows go to a temp file in the
 * same folder (so the final rename is atomic on one file system), which is flushed to disk and
 * renamed at the end, or deleted on error or cancel. A crash leaves at most a `.gate-ops-*.tmp`
 * next to the target, never a truncated report under the target's name.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { close, constants, createWriteStream, fstat, fsync, open as openFd } from 'node:fs';
import { access, open, rename, stat, unlink } from 'node:fs/promises';
import { promisify } from 'node:util';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';

/** Where writers put bytes. `write` waits when the disk is behind, so memory stays bounded. */
export interface ReportSink {
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

export class AtomicFile implements ReportSink {
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

  /** Checks the target and opens the temp file next to it. */
  static async create(target: string): Promise<AtomicFile> {
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
    const tempPath = join(
      folder,
      `.gate-ops-${basename(target).slice(0, 80)}.${randomBytes(6).toString('hex')}.tmp`,
    );
    let fd: number;
    try {
      // Owner-only: a report holds attendee names and e-mails (the rename keeps this mode).
      fd = await promisify(openFd)(tempPath, 'wx', 0o600);
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
    await rename(this.tempPath, this.target);
    // The rename itself must survive a power cut: sync the folder (not possible on Windows).
    try {
      const dir = await open(dirname(this.target), 'r');
      await dir.sync().finally(() => dir.close());
    } catch {
      /* best effort */
    }
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
