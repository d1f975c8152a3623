/**
 * The ingest benchmark's relay, in a process of its own (so neither consumer pays for the
 * relay's generating and sending): the relay simulator with a backlog of BACKLOG messages on
 * 127.0.0.1, port 0. Prints one JSON line `{ url, total, unique }` when it listens (`total`: the
 * messages it will send each client; `unique`: the distinct valid check-ins among them, what a
 * correct consumer ends up storing), then serves every client the same history until its stdin
 * closes.
 *   ingest-relay-child.ts TOKEN BACKLOG [SEED]
 */
import { startRelaySimulator } from '../electron/demo-venue';

const [token, backlog, seed] = process.argv.slice(2);
if (!token || !backlog) throw new Error('usage: ingest-relay-child.ts TOKEN BACKLOG [SEED]');

const relay = await startRelaySimulator({
  token,
  seed: Number(seed ?? 99),
  backlog: Number(backlog),
  host: '127.0.0.1',
  port: 0,
});
process.stdout.write(
  `${JSON.stringify({ url: relay.url, total: relay.history.length, unique: relay.ledger.unique.size })}\n`,
);
process.stdin.resume();
process.stdin.on('end', () => {
  void relay.stop().then(() => process.exit(0));
});
