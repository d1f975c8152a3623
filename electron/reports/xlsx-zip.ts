/**
 * The zip container of an XLSX file, streamed: fflate's `Zip` writes the archive (local headers,
 * data descriptors, central directory) and each part is deflated by node:zlib (native, on the
 * thread pool, so compressing runs beside the JavaScript that writes the XML), with its CRC-32
 * from `zlib.crc32`. fflate documents this use: a `ZipInputFile` of our own with
 * `compression: 8` whose `crc` and `size` are set before its last chunk (fflate then writes them
 * into the data descriptor and the central directory).
 *
 * One part at a time, written to the end before the next starts. Backpressure: `write` waits
 * while the deflate stream or the file is full, so memory stays bounded whatever the size.
 * No ZIP64: a part must stay under 4 GiB uncompressed (a sheet of a million check-ins is about
 * 0.6 GiB of XML); a bigger one fails the export instead of writing a broken file.
 */
import { once } from 'node:events';
import { constants, crc32, createDeflateRaw, type DeflateRaw } from 'node:zlib';
import { Zip, type ZipInputFile } from 'fflate';
import type { FileSink } from '../files';

const MAX_PART = 0xffffffff;

export interface ZipPart {
  /** Appends text to the part (UTF-8); waits while the deflater or the file is behind. */
  write(text: string): Promise<void>;
  /** Ends the part; resolves once its last byte went into the archive. */
  end(): Promise<void>;
}

export class XlsxZip {
  private readonly zip: Zip;
  private failure: Error | null = null;
  private current: DeflateRaw | null = null;

  constructor(private readonly sink: FileSink) {
    this.zip = new Zip((error, data, final) => {
      if (error) {
        this.fail(error);
        return;
      }
      if (data.length > 0) sink.stream.write(data);
      if (final) sink.stream.end();
    });
  }

  /** A new part (the previous one must have ended). */
  part(name: string): ZipPart {
    this.check();
    if (this.current) throw new Error(`zip part ${name} started before the previous one ended`);
    const deflate = createDeflateRaw({ level: 6, strategy: constants.Z_DEFAULT_STRATEGY });
    this.current = deflate;
    const file: ZipInputFile = { filename: name, size: 0, crc: 0, compression: 8 };
    this.zip.add(file);
    let crc = 0;
    let size = 0;
    deflate.on('data', (chunk: Buffer) => {
      file.ondata!(
        null,
        new Uint8Array(chunk.buffer as ArrayBuffer, chunk.byteOffset, chunk.length),
        false,
      );
      // The file is behind: hold the deflater until it has written what it holds.
      if (this.sink.stream.writableNeedDrain && !deflate.isPaused()) {
        deflate.pause();
        this.sink.stream.once('drain', () => deflate.resume());
      }
    });
    const ended = new Promise<void>((resolve, reject) => {
      deflate.once('end', () => {
        file.crc = crc;
        file.size = size;
        file.ondata!(null, new Uint8Array(0), true);
        this.current = null;
        resolve();
      });
      deflate.once('error', reject);
    });
    ended.catch((error: Error) => this.fail(error));
    return {
      write: async (text) => {
        this.check();
        const bytes = Buffer.from(text, 'utf8');
        size += bytes.length;
        if (size > MAX_PART) {
          throw new Error(`${name} would hold more than 4 GiB: too many rows for one sheet`);
        }
        crc = crc32(bytes, crc);
        if (!deflate.write(bytes)) await Promise.race([once(deflate, 'drain'), ended]);
        this.check();
      },
      end: async () => {
        deflate.end();
        await ended;
        this.check();
      },
    };
  }

  /** A whole small part at once. */
  async add(name: string, text: string): Promise<void> {
    const part = this.part(name);
    await part.write(text);
    await part.end();
  }

  /** Writes the central directory and ends the file stream (the sink then finishes the file). */
  async end(): Promise<void> {
    this.check();
    this.zip.end();
    await this.sink.ended();
    this.check();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.current?.destroy();
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }
}
