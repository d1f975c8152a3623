/** A fake clock and a fake websocket for relay client unit tests: every step is explicit. */
import { EventEmitter } from 'node:events';
import type { ClientOptions } from 'ws';
import type { Clock } from '../../electron/relay/clock';
import type { RelaySink } from '../../electron/relay/relay-client';

export class FakeClock implements Clock {
  private t = 1_000_000;
  private nextId = 1;
  readonly timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (!next || entry[1].at < next[1].at) next = entry;
      if (!next || next[1].at > end) break;
      this.timers.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
    }
    this.t = end;
  }
}

export class FakeWebSocket extends EventEmitter {
  readyState = 0;
  protocol = '';
  pings = 0;
  paused = false;
  terminated = false;
  closedWith: number | null = null;

  constructor(
    readonly url: string,
    readonly protocols: string[],
    readonly options: ClientOptions,
  ) {
    super();
  }

  /** The TCP socket under the link: bytes of a frame still being received show up here. */
  readonly socket = new EventEmitter();

  /** The server accepts (with the given subprotocol). */
  accept(protocol = 'cloudevents.json'): void {
    this.emit('upgrade', { socket: this.socket, headers: {} });
    this.readyState = 1;
    this.protocol = protocol;
    this.emit('open');
  }

  /** Part of a frame arrives (a slow link): bytes, but no whole message yet. */
  trickle(bytes: number): void {
    this.socket.emit('data', Buffer.alloc(bytes));
  }

  /** ws gives up on a message it cannot read (too large, too many fragments) and closes. */
  failReading(code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' | 'WS_ERR_TOO_MANY_BUFFERED_PARTS'): void {
    const error = Object.assign(
      new RangeError(
        code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'
          ? 'Max payload size exceeded'
          : 'Too many message fragments',
      ),
      { code },
    );
    this.emit('error', error);
    this.serverClose(code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 1009 : 1008);
  }

  deliver(text: string): void {
    this.emit('message', Buffer.from(text), false);
  }

  /** The server answers the upgrade with an HTTP status instead of 101. */
  refuse(status: number): void {
    const res = Object.assign(new EventEmitter(), { statusCode: status, resume: () => undefined });
    this.emit('unexpected-response', { destroy: () => undefined }, res);
  }

  serverClose(code: number, reason = ''): void {
    this.readyState = 3;
    this.emit('close', code, Buffer.from(reason));
  }

  ping(): void {
    this.pings += 1;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  terminate(): void {
    this.terminated = true;
    if (this.readyState !== 3) this.serverClose(1006);
  }

  close(code: number): void {
    this.closedWith = code;
    if (this.readyState !== 3) this.serverClose(code);
  }
}

/** A sink that records messages; `room` decides what push() answers. */
export class RecordingSink implements RelaySink {
  readonly messages: string[] = [];
  room = true;
  cursor: string | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly fullListeners = new Set<() => void>();

  push(text: string | Uint8Array): boolean {
    this.messages.push(typeof text === 'string' ? text : Buffer.from(text).toString());
    return this.room;
  }

  onDrain(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  drain(): void {
    this.room = true;
    for (const l of this.listeners) l();
  }

  onFull(listener: () => void): () => void {
    this.fullListeners.add(listener);
    return () => this.fullListeners.delete(listener);
  }

  /** The sink fills without a push (the store cannot save). */
  fill(): void {
    this.room = false;
    for (const l of this.fullListeners) l();
  }

  resumeCursor(): string | null {
    return this.cursor;
  }
}
