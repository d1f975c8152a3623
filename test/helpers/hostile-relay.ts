/**
 * A hostile relay for the fault-injection suite: speaks the relay protocol (path /events, bearer
 * token, subprotocol cloudevents.json, `?after=`) over raw WebSocket frames written by hand, so it
 * can do what a well-behaved server library never does: text frames that are not UTF-8, messages
 * in many fragments, frames trickled a few bytes at a time, connections cut in the middle of a
 * frame, bogus sequence stamps, resuming before the cursor, ignoring `?after=`. It answers the
 * client's pings (a relay that does not is a dead link, tested elsewhere).
 *
 * The stream is fixed up front (`messages`); `ledger` says what a correct consumer ends up with.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { EventGenerator, formatSequence, type Ledger } from '../../electron/demo-venue';

export interface HostileBehaviour {
  /** Each message in frames of at most this many payload bytes (continuation frames). */
  readonly fragmentBytes?: number;
  /** Bytes written per turn of the event loop (a slow link). */
  readonly trickleBytes?: number;
  /**
   * A slow link: this long between two trickled chunks. Pongs wait behind the frame being sent
   * (TCP keeps order), so a big message takes longer than the client's dead-link check.
   */
  readonly trickleDelayMs?: number;
  /** Cut the TCP connection in the middle of a frame after this many messages on it. */
  readonly cutAfter?: number;
  /** Only the first this many connections are cut (default: every one). */
  readonly cutConnections?: number;
  /** Resume this many messages before the client's `?after=`. */
  readonly replayBefore?: number;
  /** Send the whole stream from its start on every connection. */
  readonly ignoreAfter?: boolean;
}
type Behaviour = HostileBehaviour | (Omit<HostileBehaviour, 'cutAfter'> & { cutAfter: undefined });

export interface HostileStreamOptions {
  readonly seed: number;
  readonly count: number;
  /** Every n-th message is followed by an extra one stamped out of order (`zzzz-bogus-k`). */
  readonly bogusEvery?: number;
  /** Every n-th message is followed by a text frame that is not UTF-8 (stamped). */
  readonly invalidUtf8Every?: number;
  /**
   * After the n-th message, one of 18 MiB (over ws's default 17 MiB `maxPayload`) sent in 1 KiB
   * fragments (over ws's default 16,384): the client must read it and quarantine it as too large.
   */
  readonly hugeAfter?: number;
  /** After the n-th message, a 50 KB check-in (for the slow link: longer than a ping interval). */
  readonly bigAfter?: number;
}

export interface HostileMessage {
  readonly sequence: string;
  readonly bytes: Buffer;
}

/** The stream and its ledger; extra hostile messages are counted as what they must become. */
export function hostileStream(options: HostileStreamOptions): {
  messages: HostileMessage[];
  ledger: Ledger;
  bogus: number;
  /** Text frames that are not UTF-8, and messages over ws's 17 MiB (both to be quarantined). */
  invalidUtf8: number;
  huge: number;
} {
  const generator = new EventGenerator({ seed: options.seed, preset: 'small' });
  const messages: HostileMessage[] = [];
  let n = 0;
  let bogus = 0;
  let invalidUtf8 = 0;
  let huge = 0;
  const at = Date.UTC(2026, 5, 1, 18);
  const push = (sequence: string, text: string | Buffer): void => {
    messages.push({ sequence, bytes: typeof text === 'string' ? Buffer.from(text) : text });
  };
  const generated = (sequence: string): void => {
    const m = generator.next(at + n * 250);
    push(sequence, m.event !== null ? JSON.stringify({ ...m.event, sequence }) : m.raw!);
  };
  for (let i = 1; i <= options.count; i++) {
    const sequence = formatSequence(++n);
    generated(sequence);
    if (i === options.count) break;
    if (options.bogusEvery && i % options.bogusEvery === 0) {
      // A valid, new check-in with a stamp that sorts after everything still to come.
      bogus += 1;
      generated(`zzzz-bogus-${bogus}`);
    }
    if (options.hugeAfter === i) {
      const s = formatSequence(++n);
      const pad = 'x'.repeat(18 * 1024 * 1024);
      push(s, `{"specversion":"1.0","type":"checkin","sequence":"${s}","data":{"pad":"${pad}"}}`);
      generator.ledger.invalid += 1;
      generator.ledger.total += 1;
      huge += 1;
    }
    if (options.bigAfter === i) {
      // A valid check-in of about 50 KB (an extension attribute: the contract allows unknown
      // ones, and the payload, which redeliveries repeat, stays as generated).
      for (;;) {
        const s = formatSequence(++n);
        const m = generator.next(at + n * 250);
        const big = m.kind === 'checkin' && m.event !== null;
        const event = big ? { ...m.event, sequence: s, gateopsnote: 'n'.repeat(50_000) } : null;
        push(
          s,
          event
            ? JSON.stringify(event)
            : m.event
              ? JSON.stringify({ ...m.event, sequence: s })
              : m.raw!,
        );
        if (big) break;
      }
    }
    if (options.invalidUtf8Every && i % options.invalidUtf8Every === 0) {
      const s = formatSequence(++n);
      push(
        s,
        Buffer.concat([
          Buffer.from(`{"specversion":"1.0","sequence":"${s}","data":"`),
          Buffer.from([0xff, 0xfe, 0xc3]),
          Buffer.from('"}'),
        ]),
      );
      generator.ledger.invalid += 1;
      generator.ledger.total += 1;
      invalidUtf8 += 1;
    }
  }
  return { messages, ledger: generator.ledger, bogus, invalidUtf8, huge };
}

/** What the relay put on the wire so far (the hostile inputs a run tried). */
export interface HostileSent {
  /** Messages written whole (each in its frames). */
  messages: number;
  /** WebSocket frames of those messages (a fragmented message is many). */
  frames: number;
  /** Messages sent again: at or before one already sent (a replay, or everything again). */
  replays: number;
  /** Connections cut in the middle of a frame. */
  cuts: number;
  bytes: number;
}

export interface HostileRelay {
  readonly url: string;
  /** Connections accepted so far, and the `?after=` each asked for. */
  readonly connections: Array<string | null>;
  readonly sent: HostileSent;
  stop(): Promise<void>;
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export async function startHostileRelay(
  stream: ReadonlyArray<HostileMessage>,
  token: string,
  behaviour: HostileBehaviour,
): Promise<HostileRelay> {
  const sockets = new Set<Socket>();
  const connections: Array<string | null> = [];
  const sent: HostileSent = { messages: 0, frames: 0, replays: 0, cuts: 0, bytes: 0 };
  // The furthest message sent on any connection: one at or before it is a replay.
  const progress = { furthest: -1 };
  const server: Server = createServer((_req, res) => res.writeHead(426).end());
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'http://relay');
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    if (
      url.pathname !== '/events' ||
      req.headers.authorization !== `Bearer ${token}` ||
      !offered.includes('cloudevents.json')
    ) {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const accept = createHash('sha1')
      .update(String(req.headers['sec-websocket-key']) + GUID)
      .digest('base64');
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: cloudevents.json\r\n\r\n`,
    );
    const after = url.searchParams.get('after');
    connections.push(after);
    let start = 0;
    if (!behaviour.ignoreAfter && after !== null) {
      const i = stream.findIndex((m) => m.sequence === after);
      start = i < 0 ? 0 : i + 1;
    }
    start = Math.max(0, start - (behaviour.replayBefore ?? 0));
    const link: Link = { inFrame: false, pongs: [] };
    answerPings(socket, link);
    const cut = connections.length <= (behaviour.cutConnections ?? Infinity);
    void send(
      socket,
      link,
      stream,
      start,
      cut ? behaviour : { ...behaviour, cutAfter: undefined },
      { sent, progress },
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/events`,
    connections,
    sent,
    stop: () =>
      new Promise<void>((done) => {
        for (const s of sockets) s.destroy();
        server.close(() => done());
      }),
  };
}

function frame(opcode: number, payload: Buffer, fin: boolean): Buffer {
  const b0 = (fin ? 0x80 : 0) | opcode;
  const len = payload.length;
  let header: Buffer;
  if (len < 126) header = Buffer.from([b0, len]);
  else if (len < 65536) {
    header = Buffer.from([b0, 126, 0, 0]);
    header.writeUInt16BE(len, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = b0;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(len), 2);
  }
  return Buffer.concat([header, payload]);
}

/** One message as its frames: a text frame, or a text frame and continuation frames. */
function framesOf(
  bytes: Buffer,
  fragmentBytes: number | undefined,
): { wire: Buffer; frames: number } {
  if (!fragmentBytes || bytes.length <= fragmentBytes) {
    return { wire: frame(0x1, bytes, true), frames: 1 };
  }
  const parts: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += fragmentBytes) {
    const last = at + fragmentBytes >= bytes.length;
    parts.push(frame(at === 0 ? 0x1 : 0x0, bytes.subarray(at, at + fragmentBytes), last));
  }
  return { wire: Buffer.concat(parts), frames: parts.length };
}

/** A control frame may not land inside a frame being written: pongs wait for its end. */
interface Link {
  inFrame: boolean;
  pongs: Buffer[];
}

async function send(
  socket: Socket,
  link: Link,
  stream: ReadonlyArray<HostileMessage>,
  start: number,
  behaviour: Behaviour,
  count: { sent: HostileSent; progress: { furthest: number } },
): Promise<void> {
  const write = (chunk: Buffer): Promise<void> =>
    new Promise((done) => {
      if (socket.destroyed) return done();
      if (socket.write(chunk)) setImmediate(done);
      else socket.once('drain', () => done());
    });
  let sent = 0;
  for (let index = start; index < stream.length; index++) {
    const m = stream[index]!;
    if (socket.destroyed) return;
    // A huge message always comes in 1 KiB fragments: more of them than ws takes by default.
    const framed = framesOf(m.bytes, m.bytes.length > 1024 * 1024 ? 1024 : behaviour.fragmentBytes);
    const bytes = framed.wire;
    if (behaviour.cutAfter !== undefined && sent === behaviour.cutAfter) {
      // Half a frame, then the connection is gone.
      await write(bytes.subarray(0, Math.max(1, bytes.length >> 1)));
      socket.destroy();
      count.sent.cuts += 1;
      return;
    }
    // A huge message comes at full speed (trickled, it would take minutes).
    const huge = m.bytes.length > 1024 * 1024;
    const step = huge ? bytes.length : (behaviour.trickleBytes ?? bytes.length);
    link.inFrame = true;
    for (let at = 0; at < bytes.length; at += step) {
      await write(bytes.subarray(at, at + step));
      if (behaviour.trickleDelayMs && !huge) {
        await new Promise((done) => setTimeout(done, behaviour.trickleDelayMs));
      }
    }
    link.inFrame = false;
    for (const pong of link.pongs.splice(0)) await write(pong);
    sent += 1;
    if (socket.destroyed) return;
    count.sent.messages += 1;
    count.sent.frames += framed.frames;
    count.sent.bytes += bytes.length;
    if (index <= count.progress.furthest) count.sent.replays += 1;
    else count.progress.furthest = index;
  }
}

/** Reads the client's (masked) frames: pings get pongs, a close gets a close. */
function answerPings(socket: Socket, link: Link): void {
  let buffered = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (;;) {
      if (buffered.length < 2) return;
      const opcode = buffered[0]! & 0x0f;
      let len = buffered[1]! & 0x7f;
      let at = 2;
      if (len === 126) {
        if (buffered.length < 4) return;
        len = buffered.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (buffered.length < 10) return;
        len = Number(buffered.readBigUInt64BE(2));
        at = 10;
      }
      const masked = (buffered[1]! & 0x80) !== 0;
      const end = at + (masked ? 4 : 0) + len;
      if (buffered.length < end) return;
      const payload = Buffer.from(buffered.subarray(end - len, end));
      if (masked) {
        const mask = buffered.subarray(at, at + 4);
        for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i & 3]!;
      }
      buffered = buffered.subarray(end);
      if (opcode === 0x9 && !socket.destroyed) {
        const pong = frame(0xa, payload, true);
        if (link.inFrame) link.pongs.push(pong);
        else socket.write(pong);
      }
      if (opcode === 0x8) {
        if (!socket.destroyed) socket.end(frame(0x8, payload.subarray(0, 2), true));
        return;
      }
    }
  });
}
