import { PassThrough, Readable } from 'node:stream';
import { main } from '../../electron/cli/main';
import type { CliIo } from '../../electron/cli/io';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `gate-ops ARGS` in-process with captured output. */
export async function runCli(
  args: string[],
  options: {
    stdin?: string | Buffer;
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    signal?: AbortSignal;
  } = {},
): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const io: CliIo = {
    stdout,
    stderr,
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    stopSignal: options.signal ?? new AbortController().signal,
  };
  const code = await main(args, io);
  return { code, stdout: out, stderr: err };
}
