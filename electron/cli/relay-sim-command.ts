/**
 * `gate-ops relay-sim`: runs the relay simulator (electron/demo-venue) until stopped, for demos,
 * manual testing of the app against a misbehaving relay, and benchmarks.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { readRelayToken } from '../settings';
import { startRelaySimulator, type RelayFaults } from '../demo-venue';
import { EXIT_OK, UsageError, type CliCommand } from './io';

const usage = `Usage: gate-ops relay-sim [options]

Runs a simulated venue relay (CloudEvents over WebSocket, subprotocol cloudevents.json).

  --port N            port (default 8787; 0 picks a free one)
  --host H            address to listen on (default 127.0.0.1)
  --token-file F      bearer token clients must present (file readable by its owner only);
                      or GATE_OPS_RELAY_TOKEN, or --token T; default: a random one, printed
  --seed N            venue and traffic seed (default 1): same seed, same events
  --preset P          stadium (36 gates, 150 devices) or small (4 gates, 12 devices)
  --rate N            live messages per second (default 20; 0.2 is one every 5 s; 0: none)
  --no-curve          constant rate instead of an arrival curve (doors, peak, tail)
  --backlog N         messages buffered before the first client connects (default 0)
  --max-events N      stop generating after N messages
  --invalid SHARE     share of invalid messages (default 0.005)
  --drop-every N      close each connection after N messages
  --drop-mode M       close (code 1012, default) or terminate (cut TCP)
  --stall-every N     stall each connection (no data, no pongs) after N messages
  --stall-ms MS       how long a stall lasts (default 5000)`;

export const relaySimCommand: CliCommand = {
  stoppable: true,
  usage,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        port: { type: 'string', default: '8787' },
        host: { type: 'string', default: '127.0.0.1' },
        token: { type: 'string' },
        'token-file': { type: 'string' },
        seed: { type: 'string', default: '1' },
        preset: { type: 'string', default: 'stadium' },
        rate: { type: 'string', default: '20' },
        'no-curve': { type: 'boolean', default: false },
        backlog: { type: 'string', default: '0' },
        'max-events': { type: 'string' },
        invalid: { type: 'string' },
        'drop-every': { type: 'string' },
        'drop-mode': { type: 'string', default: 'close' },
        'stall-every': { type: 'string' },
        'stall-ms': { type: 'string', default: '5000' },
      },
    });
    const preset = values.preset;
    if (preset !== 'stadium' && preset !== 'small')
      throw new UsageError('--preset is stadium or small');
    const mode = values['drop-mode'];
    if (mode !== 'close' && mode !== 'terminate')
      throw new UsageError('--drop-mode is close or terminate');
    const given = await readRelayToken({
      token: values.token,
      tokenFile: values['token-file'],
      env: io.env,
    });
    const token = given ?? randomBytes(18).toString('base64url');
    const faults: RelayFaults = {
      ...(values['drop-every'] ? { dropEvery: int(values['drop-every'], '--drop-every', 1) } : {}),
      dropMode: mode,
      ...(values['stall-every']
        ? { stallEvery: int(values['stall-every'], '--stall-every', 1) }
        : {}),
      stallMs: int(values['stall-ms'], '--stall-ms', 0),
    };
    const invalid = values.invalid === undefined ? undefined : share(values.invalid);
    const relay = await startRelaySimulator({
      port: int(values.port, '--port', 0),
      host: values.host,
      token,
      seed: int(values.seed, '--seed', 0),
      preset,
      rate: positive(values.rate, '--rate'),
      arrivalCurve: !values['no-curve'],
      backlog: int(values.backlog, '--backlog', 0),
      ...(values['max-events'] ? { maxEvents: int(values['max-events'], '--max-events', 0) } : {}),
      ...(invalid !== undefined ? { mix: { invalid } } : {}),
      faults,
    });
    io.stdout.write(`relay simulator listening on ${relay.url}\n`);
    io.stdout.write(given ? 'token: as given\n' : `token: ${token}\n`);
    await new Promise<void>((resolve) => {
      if (io.stopSignal.aborted) resolve();
      else io.stopSignal.addEventListener('abort', () => resolve(), { once: true });
    });
    await relay.stop();
    io.stdout.write(`stopped after sending ${relay.sentCount} messages\n`);
    return EXIT_OK;
  },
};

function int(text: string, name: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${name} must be an integer ≥ ${min}`);
  return n;
}

function positive(text: string, name: string): number {
  const n = Number(text);
  if (!(Number.isFinite(n) && n >= 0)) throw new UsageError(`${name} must be a number ≥ 0`);
  return n;
}

function share(text: string): number {
  const n = Number(text);
  if (!(n >= 0 && n <= 1)) throw new UsageError('--invalid must be between 0 and 1');
  return n;
}
