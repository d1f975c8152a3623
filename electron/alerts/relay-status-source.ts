/**
 * What the dashboard needs of the relay client: its current status and a way to follow it.
 * The relay client (electron/relay) is adapted to this in one place; tests pass a hand-driven
 * source (test/helpers/manual-relay-status.ts).
 */
import type { BehaviorSubject } from 'rxjs';
import type { RelayStatus } from '../../shared/api/channels/relay';
import type { RelayStatus as ClientStatus } from '../relay';

export interface RelayStatusSource {
  current(): RelayStatus;
  /** Returns the unsubscribe function. */
  subscribe(listener: (status: RelayStatus) => void): () => void;
  /** Try to connect now instead of waiting out the backoff; absent when there is no link. */
  retryNow?(): void;
}

/** What the UI shows for the relay client's link state. */
export function toRelayStatusVm(s: ClientStatus, demo: boolean): RelayStatus {
  const base = {
    demo,
    url: s.url || null,
    ...(s.offlineSince !== null ? { offlineSince: s.offlineSince } : {}),
    ...(s.counters.lastEventAt !== null ? { lastMessageAt: s.counters.lastEventAt } : {}),
    ...(s.lastError ? { lastError: s.lastError } : {}),
  };
  const st = s.state;
  switch (st.kind) {
    case 'idle':
      return { ...base, state: 'connecting' };
    case 'connecting':
      return { ...base, state: 'connecting', attempt: st.attempt };
    case 'live':
      return { ...base, state: 'live', liveSince: st.since };
    case 'reconnecting':
      return {
        ...base,
        state: 'reconnecting',
        attempt: st.attempt,
        nextRetryAt: st.nextTryAt,
        lastError: st.reason,
      };
    case 'auth-failed':
      return { ...base, state: 'offline', lastError: st.reason, authFailed: true };
    case 'stalled':
      return { ...base, state: 'offline', lastError: st.reason, stalled: true };
    case 'stopped':
      return { ...base, state: 'stopped' };
  }
}

/** What a laptop without a relay link of its own (`--no-relay`) shows: never an outage. */
export const NO_RELAY_STATUS: RelayStatus = {
  state: 'stopped',
  demo: false,
  url: null,
  disabled: true,
};

/** Adapts the relay client (its `status$` BehaviorSubject) to what the dashboard reads. */
export function relayStatusFromClient(
  client: { readonly status$: BehaviorSubject<ClientStatus>; reconnectNow?(): void },
  demo: boolean,
  /** False with `--no-relay`: the client is never started, and the status says so. */
  enabled = true,
): RelayStatusSource {
  if (!enabled) {
    return {
      current: () => NO_RELAY_STATUS,
      subscribe(listener) {
        listener(NO_RELAY_STATUS);
        return () => undefined;
      },
    };
  }
  return {
    ...(client.reconnectNow ? { retryNow: () => client.reconnectNow?.() } : {}),
    current: () => toRelayStatusVm(client.status$.value, demo),
    subscribe(listener) {
      let last = '';
      const sub = client.status$.subscribe((s) => {
        const vm = toRelayStatusVm(s, demo);
        // Counters tick on every message; the banner only needs to hear about real changes
        // (lastMessageAt is read on demand and at most once a second).
        const key = JSON.stringify({
          ...vm,
          lastMessageAt: Math.floor((vm.lastMessageAt ?? 0) / 1000),
        });
        if (key === last) return;
        last = key;
        listener(vm);
      });
      return () => sub.unsubscribe();
    },
  };
}
