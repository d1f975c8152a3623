/**
 * The venue-sync benchmark's relay, in a process of its own: the relay simulator with a backlog
 * of BACKLOG events (no conflicting payloads: every laptop ends up with the same check-ins) on
 * 127.0.0.1, port 0. Prints one JSON line `{ url, unique, rawEventBytes }` when it listens
 * (`unique`: the distinct valid check-ins a correct consumer stores; `rawEventBytes`: the mean
 * size of an event as it sends them), then serves until its stdin closes.
 *   venue-relay-child.ts TOKEN BACKLOG SEED
 */
import { startRelaySimulator } from '../electron/demo-venue';

const [token, backlog, seed] = process.argv.slice(2);
if (!token || !backlog || !seed) throw new Error('usage: venue-relay-child.ts TOKEN BACKLOG SEED');

const relay = await startRelaySimulator({
  token,
  seed: Number(seed),
  backlog: Number(backlog),
  mix: { conflict: 0 },
  host: '127.0.0.1',
  port: 0,
});
const sample = Math.min(200, relay.history.length);
let bytes = 0;
for (let i = 0; i < sample; i++) bytes += Buffer.byteLength(relay.history.at(i) ?? '');
process.stdout.write(
  `${JSON.stringify({ url: relay.url, unique: relay.ledger.unique.size, rawEventBytes: bytes / sample })}\n`,
);
process.stdin.resume();
process.stdin.on('end', () => {
  void relay.stop().then(() => process.exit(0));
});
