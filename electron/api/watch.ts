/**
 * Turns "something changed" signals into a coalesced stream of view models for a subscription:
 * the first value at once, then at most one per `minIntervalMs` while changes keep coming, and
 * a refresh every `refreshMs` for what changes with time alone (statuses, rates). A value equal
 * to the last one sent is not sent again.
 */
import type { Observable } from 'rxjs';

export interface WatchOptions {
  readonly minIntervalMs?: number;
  readonly refreshMs?: number;
  readonly onError?: (error: unknown) => void;
}

export function watch<T>(
  changes: Observable<unknown>,
  compute: () => T | Promise<T>,
  emit: (value: T) => void,
  options: WatchOptions = {},
): () => void {
  const minInterval = options.minIntervalMs ?? 250;
  let last = '';
  let stopped = false;
  let running = false;
  let dirty = false;
  let lastRunAt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const run = async (): Promise<void> => {
    if (stopped) return;
    if (running) {
      dirty = true;
      return;
    }
    running = true;
    dirty = false;
    lastRunAt = Date.now();
    try {
      // A plain value is sent in this same tick (the first one "at once"); a promise is awaited.
      const result = compute();
      const value = result instanceof Promise ? await result : result;
      const text = JSON.stringify(value);
      if (!stopped && text !== last) {
        last = text;
        emit(value);
      }
    } catch (error) {
      options.onError?.(error);
    } finally {
      running = false;
      if (dirty) request();
    }
  };

  const request = (): void => {
    if (stopped || timer) return;
    const wait = Math.max(0, lastRunAt + minInterval - Date.now());
    timer = setTimeout(() => {
      timer = undefined;
      void run();
    }, wait);
  };

  const sub = changes.subscribe(() => request());
  const refresh = options.refreshMs ?? 5000;
  const ticker = refresh > 0 ? setInterval(() => request(), refresh) : undefined;
  void run();
  return () => {
    stopped = true;
    sub.unsubscribe();
    if (timer) clearTimeout(timer);
    if (ticker) clearInterval(ticker);
  };
}
