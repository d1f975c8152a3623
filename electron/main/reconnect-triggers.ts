/**
 * Reconnect at once when it is worth trying: after the laptop wakes (the old socket is dead but
 * may take minutes to time out) and when the network comes back (backoff may otherwise sit out a
 * long wait). Online state is polled with net.isOnline() because Electron's main process has no
 * online/offline events. Plain interfaces, so tests drive it with fakes.
 */
export interface PowerMonitorLike {
  on(event: 'resume' | 'unlock-screen', listener: () => void): unknown;
  removeListener(event: 'resume' | 'unlock-screen', listener: () => void): unknown;
}

export interface ReconnectTriggerOptions {
  readonly powerMonitor: PowerMonitorLike;
  /** net.isOnline() */
  readonly isOnline: () => boolean;
  readonly reconnectNow: (reason: 'resume' | 'online') => void;
  readonly pollMs?: number;
  readonly setInterval?: (fn: () => void, ms: number) => unknown;
  readonly clearInterval?: (handle: unknown) => void;
}

export function watchReconnectTriggers(options: ReconnectTriggerOptions): () => void {
  const pollMs = options.pollMs ?? 3000;
  const every = options.setInterval ?? ((fn, ms) => setInterval(fn, ms).unref());
  const stopEvery = options.clearInterval ?? ((h) => clearInterval(h as NodeJS.Timeout));
  let online = options.isOnline();

  const onResume = (): void => options.reconnectNow('resume');
  options.powerMonitor.on('resume', onResume);
  const timer = every(() => {
    const now = options.isOnline();
    if (now && !online) options.reconnectNow('online');
    online = now;
  }, pollMs);

  return () => {
    options.powerMonitor.removeListener('resume', onResume);
    stopEvery(timer);
  };
}
