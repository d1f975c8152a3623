import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { processIo } from '../../../../electron/cli/process-io';

/** The part of `process` processIo touches, with signals as plain events. */
function fakeProcess(): NodeJS.Process & { err: () => string } {
  const emitter = new EventEmitter();
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return Object.assign(emitter, {
    stdout: new PassThrough(),
    stderr,
    stdin: new PassThrough(),
    env: {},
    pid: 4242,
    cwd: () => '/work',
    err: () => err,
  }) as unknown as NodeJS.Process & { err: () => string };
}

describe('processIo stop signals', () => {
  it('leaves signals alone until a stoppable command asks for them', () => {
    const proc = fakeProcess();
    processIo(proc);
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) expect(proc.listenerCount(s)).toBe(0);
  });

  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)(
    '%s starts the clean stop; more signals neither end the process nor repeat the note',
    (signal) => {
      const proc = fakeProcess();
      let clock = 1000;
      const io = processIo(proc, () => clock);
      io.catchStopSignals?.();
      io.catchStopSignals?.(); // asking twice installs one handler
      expect(proc.listenerCount(signal)).toBe(1);
      proc.emit(signal, signal);
      expect(io.stopSignal.aborted).toBe(true);
      expect(io.stopSignal.reason).toBe(signal);
      expect(proc.err()).toBe('');
      // The same Ctrl-C forwarded by npm and the wrapper: ignored without a word.
      proc.emit('SIGINT', 'SIGINT');
      proc.emit('SIGINT', 'SIGINT');
      expect(proc.err()).toBe('');
      // A person pressing again a second later is told how to force it, once.
      clock += 1000;
      proc.emit('SIGINT', 'SIGINT');
      proc.emit('SIGTERM', 'SIGTERM');
      expect(proc.err()).toMatch(/^gate-ops: SIGINT again; still stopping .* kill -KILL 4242\n$/);
      // The handlers stay: a signal with no handler would end the process mid-batch.
      expect(proc.listenerCount('SIGINT')).toBe(1);
    },
  );
});

describe('processIo output errors', () => {
  it('a reader going away (EPIPE) does not end the process, and nothing is said', () => {
    const proc = fakeProcess();
    processIo(proc);
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    // Without a listener an 'error' event throws: the process would crash.
    expect(() => proc.stdout.emit('error', epipe)).not.toThrow();
    expect(() => proc.stdout.emit('error', epipe)).not.toThrow();
    expect(proc.err()).toBe('');
  });

  it('another write error is said once on stderr', () => {
    const proc = fakeProcess();
    processIo(proc);
    const eio = Object.assign(new Error('write EIO'), { code: 'EIO' });
    expect(() => proc.stdout.emit('error', eio)).not.toThrow();
    proc.stdout.emit('error', eio);
    expect(proc.err()).toBe('gate-ops: cannot write to standard output (write EIO); continuing\n');
  });
});
