/**
 * `gate-ops validate FILE|-`: classify every event of a JSON Lines file (or a JSON array) with the
 * contract, one JSON verdict per line on stdout, a summary on stderr. Lines are split on raw
 * bytes so invalid UTF-8 is reported as such, and JSON Lines input is streamed. Array items are
 * classified as the bytes the file holds, so an event gets the same verdict in either layout.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { classify, type Classification } from '../../shared/contract';
import { jsonArrayItemSpans } from './json-array-items';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, type CliCommand, type CliIo } from './io';

const usage = `Usage: gate-ops validate FILE|-

Checks CloudEvents against the ticketing.check_in.created v1 contract.
FILE holds JSON Lines (one event per line), one JSON array of events, or a single
event (pretty-printed is fine); - reads stdin.

Prints one JSON object per event on stdout:
  {"index":0,"verdict":"checkin"|"skipped"|"rejected","key":"…","reasons":[{"code","path","message"}]}
and a summary on stderr.

Exit status: 0 nothing rejected, 1 something rejected, 2 usage error or unreadable input.`;

interface Tally {
  checkin: number;
  skipped: number;
  rejected: number;
}

export const validateCommand: CliCommand = {
  usage,
  async run(args, io) {
    const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
    if (positionals.length !== 1) throw new UsageError('give exactly one FILE, or - for stdin');
    const file = positionals[0]!;
    let input: NodeJS.ReadableStream;
    if (file === '-') {
      input = io.stdin;
    } else {
      const path = resolve(io.cwd, file);
      try {
        const info = await stat(path);
        if (!info.isFile()) throw new Error(`${file} is not a file`);
      } catch (error) {
        io.stderr.write(`gate-ops validate: cannot read ${file}: ${readableError(error)}\n`);
        return EXIT_USAGE;
      }
      input = createReadStream(path);
    }
    const tally: Tally = { checkin: 0, skipped: 0, rejected: 0 };
    try {
      await validateStream(input, io, tally);
    } catch (error) {
      io.stderr.write(`gate-ops validate: cannot read ${file}: ${readableError(error)}\n`);
      return EXIT_USAGE;
    }
    const total = tally.checkin + tally.skipped + tally.rejected;
    io.stderr.write(
      `${total} event${total === 1 ? '' : 's'}: ${tally.checkin} check-in, ${tally.skipped} skipped, ${tally.rejected} rejected\n`,
    );
    return tally.rejected > 0 ? EXIT_FAILED : EXIT_OK;
  },
};

function readableError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return 'no such file';
  if (e?.code === 'EACCES') return 'permission denied';
  if (e?.code === 'EISDIR') return 'it is a folder';
  return e instanceof Error ? e.message : String(error);
}

function emit(io: CliIo, tally: Tally, index: number, result: Classification, line?: number): void {
  tally[result.verdict] += 1;
  const out: Record<string, unknown> = {
    index,
    verdict: result.verdict,
    key: result.key,
    reasons: result.verdict === 'rejected' ? result.reasons : [],
  };
  if (line !== undefined) out['line'] = line;
  io.stdout.write(`${JSON.stringify(out)}\n`);
}

const NEWLINE = 0x0a;
/** Inputs up to this size are first tried as one JSON document (an array, or one pretty-printed event). */
const WHOLE_DOCUMENT_LIMIT = 32 * 1024 * 1024;

async function validateStream(
  input: NodeJS.ReadableStream,
  io: CliIo,
  tally: Tally,
): Promise<void> {
  let pending: Buffer = Buffer.alloc(0);
  const head: Buffer[] = [];
  let headBytes = 0;
  let streaming = false;
  let index = 0;
  let lineNo = 0;

  const handleLine = (raw: Buffer): void => {
    lineNo += 1;
    let line = raw;
    if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
    if (line.every((b) => b === 0x20 || b === 0x09)) return;
    emit(io, tally, index++, classify(bytesOf(line)), lineNo);
  };

  const drainLines = (): void => {
    let start = 0;
    let nl = pending.indexOf(NEWLINE, start);
    while (nl !== -1) {
      handleLine(pending.subarray(start, nl));
      start = nl + 1;
      nl = pending.indexOf(NEWLINE, start);
    }
    pending = pending.subarray(start);
  };

  for await (const chunk of input) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    if (!streaming) {
      head.push(buf);
      headBytes += buf.length;
      if (headBytes <= WHOLE_DOCUMENT_LIMIT) continue;
      // Too big to be one document we would hold in memory: stream it as JSON Lines.
      streaming = true;
      pending = Buffer.concat(head);
      head.length = 0;
    } else {
      pending = pending.length === 0 ? buf : Buffer.concat([pending, buf]);
    }
    drainLines();
  }

  if (!streaming) {
    const whole = Buffer.concat(head);
    if (validateWholeDocument(whole, io, tally)) return;
    pending = whole;
  }
  drainLines();
  if (pending.length > 0) handleLine(pending);
}

function bytesOf(buf: Buffer): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}

/** A JSON array of events, or a single (possibly pretty-printed) event. False: read as JSON Lines. */
function validateWholeDocument(whole: Buffer, io: CliIo, tally: Tally): boolean {
  const first = firstSignificantByte(whole);
  if (first !== 0x5b /* [ */ && first !== 0x7b /* { */) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(whole.toString('utf8').replace(/^\uFEFF/, ''));
  } catch {
    return false;
  }
  if (Array.isArray(parsed)) {
    // Each item as the bytes the file holds (see json-array-items.ts), not re-serialized.
    const spans = jsonArrayItemSpans(whole, whole.indexOf(0x5b));
    if (spans.length !== parsed.length) return false;
    spans.forEach(([start, end], i) =>
      emit(io, tally, i, classify(bytesOf(whole.subarray(start, end)))),
    );
    return true;
  }
  if (parsed !== null && typeof parsed === 'object') {
    // Surrounding whitespace is layout, not the event (a line's newline is not counted either).
    emit(io, tally, 0, classify(bytesOf(trimSpace(whole))));
    return true;
  }
  return false;
}

function firstSignificantByte(buf: Buffer): number | undefined {
  let i = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  while (
    i < buf.length &&
    (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09)
  )
    i++;
  return buf[i];
}

function trimSpace(buf: Buffer): Buffer {
  let s = 0;
  let e = buf.length;
  const space = (b: number | undefined) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
  while (s < e && space(buf[s])) s++;
  while (e > s && space(buf[e - 1])) e--;
  return buf.subarray(s, e);
}
