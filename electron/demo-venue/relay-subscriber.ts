/**
 * One client of the relay simulator: its place in the history, and sending from there as fast
 * as its socket drains (waiting on write callbacks past the high-water mark), with the
 * configured faults (drop every N messages, stall: no data and no pongs).
 */
import { WebSocket } from 'ws';
import type { RelayHistory } from './relay-history';

export interface SubscriberSource {
  readonly history: RelayHistory;
  faults(): {
    readonly dropEvery?: number;
    readonly dropMode?: 'close' | 'terminate';
    readonly stallEvery?: number;
    readonly stallMs?: number;
  };
  highWater(): number;
  countSent(): void;
}

export class Subscriber {
  private sentHere = 0;
  private inFlight = 0;
  private stalledUntil = 0;
  private scheduled = false;
  private closed = false;

  constructor(
    private readonly relay: SubscriberSource,
    private readonly ws: WebSocket,
    private index: number,
  ) {
    ws.on('ping', (data) => {
      if (Date.now() >= this.stalledUntil) ws.pong(data);
    });
    ws.on('close', () => (this.closed = true));
    ws.on('error', () => undefined);
  }

  stall(ms: number): void {
    this.stalledUntil = Date.now() + ms;
    setTimeout(() => this.pump(), ms + 1).unref();
  }

  drop(mode: 'close' | 'terminate'): void {
    if (this.closed) return;
    this.closed = true;
    if (mode === 'terminate') this.ws.terminate();
    else this.ws.close(1012, 'relay restarting');
  }

  pump(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.send();
    });
  }

  private send(): void {
    const faults = this.relay.faults();
    const history = this.relay.history;
    let budget = 2000; // yield to the event loop now and then
    while (!this.closed && this.ws.readyState === WebSocket.OPEN && this.index < history.length) {
      if (Date.now() < this.stalledUntil) return;
      if (this.inFlight > this.relay.highWater()) return; // a write callback will pump again
      if (budget-- <= 0) return this.pump();
      const text = history.at(this.index)!;
      this.index += 1;
      this.inFlight += text.length;
      this.ws.send(text, () => {
        this.inFlight -= text.length;
        if (this.inFlight <= this.relay.highWater() / 2) this.pump();
      });
      this.relay.countSent();
      this.sentHere += 1;
      if (faults.dropEvery && this.sentHere % faults.dropEvery === 0) {
        return this.drop(faults.dropMode ?? 'close');
      }
      if (faults.stallEvery && this.sentHere % faults.stallEvery === 0) {
        return this.stall(faults.stallMs ?? 5000);
      }
    }
  }
}
