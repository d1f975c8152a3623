import { BehaviorSubject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  relayStatusFromClient,
  toRelayStatusVm,
} from '../../../../electron/alerts/relay-status-source';
import type { RelayStatus as ClientStatus } from '../../../../electron/relay/relay-client';
import { relayStatusSchema } from '../../../../shared/api/channels/relay';

const counters = {
  received: 0,
  stored: 0,
  redelivered: 0,
  conflicts: 0,
  rejected: 0,
  skipped: 0,
  lastEventAt: null,
};
const base: ClientStatus = {
  url: 'wss://relay.example/x',
  state: { kind: 'idle' },
  offlineSince: 5,
  lastError: null,
  paused: false,
  counters,
};

describe('relay status for the UI', () => {
  it('maps every link state of the client to a valid view model', () => {
    const states: ClientStatus['state'][] = [
      { kind: 'idle' },
      { kind: 'connecting', attempt: 2 },
      { kind: 'live', since: 10 },
      { kind: 'reconnecting', attempt: 3, nextTryAt: 99, reason: 'closed (1006)' },
      { kind: 'auth-failed', at: 7, reason: 'the relay refused the token (HTTP 401)' },
      { kind: 'stopped' },
    ];
    const vms = states.map((state) => toRelayStatusVm({ ...base, state }, false));
    for (const vm of vms) expect(relayStatusSchema.safeParse(vm).success).toBe(true);
    expect(vms.map((v) => v.state)).toEqual([
      'connecting',
      'connecting',
      'live',
      'reconnecting',
      'offline',
      'stopped',
    ]);
    expect(vms[3]).toMatchObject({
      attempt: 3,
      nextRetryAt: 99,
      offlineSince: 5,
      lastError: 'closed (1006)',
    });
    expect(vms[4]?.lastError).toMatch(/refused the token/);
  });

  it('tells listeners about state changes, not about every message counted', () => {
    const subject = new BehaviorSubject<ClientStatus>({
      ...base,
      state: { kind: 'live', since: 1 },
      offlineSince: null,
    });
    const source = relayStatusFromClient({ status$: subject }, true);
    const seen: string[] = [];
    const stop = source.subscribe((s) => seen.push(s.state));
    for (let i = 0; i < 50; i++) {
      subject.next({ ...subject.value, counters: { ...counters, received: i, lastEventAt: 1000 } });
    }
    subject.next({
      ...subject.value,
      state: { kind: 'reconnecting', attempt: 1, nextTryAt: 5, reason: 'x' },
    });
    stop();
    expect(seen).toEqual(['live', 'live', 'reconnecting']);
    expect(source.current().demo).toBe(true);
  });

  it('says a laptop without a relay link has none (no outage, no relay alert), whatever the client does', () => {
    const subject = new BehaviorSubject<ClientStatus>({
      ...base,
      state: { kind: 'reconnecting', attempt: 3, nextTryAt: 5, reason: 'x' },
      offlineSince: 1,
    });
    const source = relayStatusFromClient(
      { status$: subject, reconnectNow: () => undefined },
      false,
      false,
    );
    const seen: unknown[] = [];
    const stop = source.subscribe((s) => seen.push(s));
    subject.next({ ...subject.value, state: { kind: 'live', since: 2 } });
    stop();
    expect(source.current()).toEqual({ state: 'stopped', demo: false, url: null, disabled: true });
    expect(seen).toEqual([source.current()]);
    expect(source.retryNow).toBeUndefined();
  });
});
