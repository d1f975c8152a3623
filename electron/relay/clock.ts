/** Time as the relay client sees it; tests pass a fake one to step through backoff and heartbeats. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  // Not unref'd: while the relay is down, the retry timer is what keeps a process with nothing
  // else pending (`gate-ops headless --relay` without a UI port) alive to reconnect. The client
  // clears every timer it set on stop().
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
