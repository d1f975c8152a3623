/**
 * A text frame that is not valid UTF-8 (a relay forwarding a producer's bytes unchecked): the
 * message is quarantined like an invalid binary one, not a reason to drop the link. Dropping it
 * (ws's default: close 1007) would loop forever, since the relay resends it on every reconnect.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { classify } from '../../../../shared/contract';
import { RelayClient } from '../../../../electron/relay/relay-client';
import { RecordingSink } from '../../../helpers/relay-fakes';
import { waitForValue } from '../../../helpers/relay';

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

it('passes an invalid UTF-8 text frame on as bytes (quarantined) and keeps the link', async () => {
  const bad = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]); // {"a":"\xff\xfe"}
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) =>
      protocols.has('cloudevents.json') ? 'cloudevents.json' : false,
  });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  cleanups.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
  let connections = 0;
  wss.on('connection', (ws) => {
    connections += 1;
    ws.send(bad, { binary: false });
    ws.send('{"after":"the bad one"}');
  });
  const sink = new RecordingSink();
  const received: Array<string | Uint8Array> = [];
  const push = sink.push.bind(sink);
  sink.push = (text, ...rest) => {
    received.push(text);
    return push(text, ...rest);
  };
  const client = new RelayClient({
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/events`,
    token: 't',
    sink,
    backoff: { baseMs: 20, capMs: 200 },
  });
  cleanups.push(() => client.stop());
  client.start();
  const s = await waitForValue(
    client.status$,
    (v) => v.counters.received >= 2 || v.state.kind === 'reconnecting',
  );
  expect(s.state.kind).toBe('live');
  expect(connections).toBe(1);
  expect(received).toHaveLength(2);
  const first = received[0]!;
  expect(first).toBeInstanceOf(Uint8Array);
  expect(Buffer.from(first as Uint8Array).equals(bad)).toBe(true);
  const verdict = classify(first);
  expect(verdict.verdict === 'rejected' && verdict.reasons[0]!.code).toBe('invalid_utf8');
  expect(received[1]).toBe('{"after":"the bad one"}');
});
