/**
 * Realistic input for the storage benchmark, made by the app's own code: the relay simulator's
 * events (stamped with a relay `sequence`, as the relay sends them), classified by the contract,
 * and turned into documents by the app's document builder, as the ingest does. So the documents have whatever shape
 * the app stores on this branch, and follow it when the check-in document changes.
 */
import { classify } from '../shared/contract';
import { EventGenerator, formatSequence } from '../electron/demo-venue';
import type { IncomingMessage } from '../electron/ingest/batch-commit';
import { checkInDoc } from '../electron/db';

export type PlainDoc = Record<string, unknown>;

/** Check-in messages of a deterministic simulated venue: only valid check-ins, ~60 a second. */
export class RealisticMessages {
  private readonly generator: EventGenerator;
  private sequence = 0;
  private clock: number;
  textBytes = 0;
  count = 0;

  constructor(seed = 7, start = Date.UTC(2026, 4, 5, 16, 0, 0)) {
    this.generator = new EventGenerator({
      seed,
      mix: { redelivery: 0, invalid: 0, otherType: 0, conflict: 0 },
    });
    this.clock = start;
  }

  next(count: number): IncomingMessage[] {
    const messages: IncomingMessage[] = [];
    while (messages.length < count) {
      this.clock += 17;
      const generated = this.generator.next(this.clock);
      if (!generated.event) continue;
      const sequence = formatSequence(++this.sequence);
      const text = JSON.stringify({ ...generated.event, sequence });
      const verdict = classify(text);
      if (verdict.verdict !== 'checkin') continue;
      this.textBytes += Buffer.byteLength(text);
      this.count += 1;
      messages.push({
        verdict,
        sequence,
        receivedAt: this.clock + 40,
        cursorAfter: { cursor: null, latest: sequence },
        outOfOrder: false,
        position: null,
      });
    }
    return messages;
  }
}

/**
 * The check-in documents the ingest would store for these messages, built by the app's one
 * document builder (`checkInDoc`, as `commitBatch` calls it), without a database. The simulated
 * venue sends no redeliveries, so every message is a new check-in.
 */
export class CapturedCommits {
  async checkins(messages: readonly IncomingMessage[]): Promise<PlainDoc[]> {
    await Promise.resolve();
    return messages.flatMap((m) => {
      const v = m.verdict;
      if (v.verdict !== 'checkin') return [];
      const event = JSON.parse(v.text) as Record<string, unknown>;
      return [checkInDoc(v.key, v.fields, event) as unknown as PlainDoc];
    });
  }
}
