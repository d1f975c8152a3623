/** The relay client against the real simulator on 127.0.0.1: auth, subprotocol, dead links, restarts. */
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../../../electron/relay/clock';
import { RelayClient, type RelayClientOptions } from '../../../../electron/relay/relay-client';
import { startRelaySimulator, type RelaySimulatorOptions } from '../../../../electron/demo-venue';
import { RecordingSink } from '../../../helpers/relay-fakes';
import { TOKEN, waitForValue } from '../../../helpers/relay';

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

/** The system clock, counting the timers the client schedules. */
function countingClock(): Clock & { scheduled: number } {
  const clock = {
    scheduled: 0,
    now: () => systemClock.now(),
    setTimeout(fn: () => void, ms: number) {
      clock.scheduled += 1;
      return systemClock.setTimeout(fn, ms);
    },
    clearTimeout: (h: unknown) => systemClock.clearTimeout(h),
  };
  return clock;
}

async function setup(
  sim: Partial<RelaySimulatorOptions>,
  client: Partial<RelayClientOptions> = {},
) {
  const relay = await startRelaySimulator({ token: TOKEN, seed: 31, preset: 'small', ...sim });
  cleanups.push(() => relay.stop());
  const sink = new RecordingSink();
  // The sink's cursor follows what it has seen, like the ingest pipeline's accepted cursor.
  const push = sink.push.bind(sink);
  sink.push = (text, ...rest) => {
    const s = typeof text === 'string' ? /"sequence":"(\d+)"/.exec(text)?.[1] : undefined;
    if (s) sink.cursor = s;
    return push(text, ...rest);
  };
  const c = new RelayClient({
    url: relay.url,
    token: TOKEN,
    sink,
    backoff: { baseMs: 20, capMs: 200 },
    heartbeat: { intervalMs: 250 },
    ...client,
  });
  cleanups.push(() => c.stop());
  return { relay, sink, client: c };
}

describe('relay link', () => {
  it('stops on a wrong token (HTTP 401) and schedules no retry', async () => {
    const clock = countingClock();
    const { relay, client } = await setup({ backlog: 10 }, { token: 'wrong', clock });
    client.start();
    const s = await waitForValue(client.status$, (v) => v.state.kind === 'auth-failed');
    expect(s.lastError).toMatch(/401/);
    expect(relay.refusedCount).toBe(1);
    expect(relay.connectionCount).toBe(0);
    expect(clock.scheduled).toBe(0);
  });

  it('refuses a relay that does not agree the cloudevents.json subprotocol', async () => {
    const { relay, client, sink } = await setup({ backlog: 10, agreeSubprotocol: false });
    client.start();
    const s = await waitForValue(
      client.status$,
      (v) => v.state.kind === 'reconnecting' && /subprotocol/i.test(v.lastError ?? ''),
    );
    expect(s.state.kind).toBe('reconnecting');
    // Whatever the relay sent on that link never reached the sink.
    expect(relay.connectionCount).toBeGreaterThan(0);
    expect(sink.messages).toEqual([]);
  });

  it('notices a stalled relay (no pongs) and resumes on a new connection with no gap or duplicate', async () => {
    const { relay, client, sink } = await setup({
      backlog: 1200,
      faults: { stallEvery: 400, stallMs: 600_000 },
    });
    client.start();
    await waitForValue(client.status$, (v) => v.counters.received >= 1200);
    expect(relay.connectionCount).toBe(3);
    // Exactly the history, in order: nothing skipped at the stall, nothing sent twice.
    const history = Array.from({ length: 1200 }, (_, i) => relay.history.at(i));
    expect(sink.messages).toEqual(history);
    expect(sink.messages.length).toBe(1200);
  });

  it('reconnects at once on reconnectNow() instead of waiting out the backoff', async () => {
    const { relay, client } = await setup(
      { backlog: 5 },
      { backoff: { baseMs: 600_000, capMs: 600_000 }, random: () => 0.9 },
    );
    client.start();
    await waitForValue(client.status$, (v) => v.counters.received >= 5);
    await relay.restart();
    const waiting = await waitForValue(client.status$, (v) => v.state.kind === 'reconnecting');
    expect(
      waiting.state.kind === 'reconnecting' && waiting.state.nextTryAt - Date.now(),
    ).toBeGreaterThan(60_000);
    expect(waiting.offlineSince).not.toBeNull();
    client.reconnectNow();
    await waitForValue(client.status$, (v) => v.state.kind === 'live');
    expect(relay.connectionCount).toBe(2);
  });
});
