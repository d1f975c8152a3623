/**
 * A clean quit: the first `before-quit` is held back until the core has finished the batch it is
 * writing and closed the store, then the app quits for real. A close that hangs (a wedged disk)
 * must not keep the app from quitting forever: after a timeout it quits anyway; what was
 * committed is safe, and the relay redelivers the rest (the cursor never passed it).
 */
export interface QuittableApp {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

export interface CleanShutdownOptions {
  readonly timeoutMs?: number;
  readonly log?: { warn(message: string): void };
  readonly setTimer?: (fn: () => void, ms: number) => unknown;
}

export function installCleanShutdown(
  app: QuittableApp,
  close: () => Promise<void>,
  options: CleanShutdownOptions = {},
): void {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const log = options.log ?? { warn: (m: string) => console.warn(`[shutdown] ${m}`) };
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  let state: 'running' | 'closing' | 'closed' = 'running';

  app.on('before-quit', (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    const finish = (): void => {
      if (state === 'closed') return;
      state = 'closed';
      app.quit();
    };
    setTimer(() => {
      if (state !== 'closed') log.warn(`closing took over ${timeoutMs} ms; quitting anyway`);
      finish();
    }, timeoutMs);
    close().then(finish, (error: unknown) => {
      log.warn(`closing failed: ${String(error)}`);
      finish();
    });
  });
}
