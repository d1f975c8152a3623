/**
 * Realistic input for the storage benchmark, made by the app's own code: the relay simulator's
 * events (stamped with a relay `sequence`, as the relay sends them), classified by the contract,
 * and turned into documents by the ingest's `commitBatch`. So the documents have whatever shape
 * the app stores on this branch, and follow it when the check-in document changes.
 */
import { classify } from '../shared/contract';
import { EventGenerator, formatSequence } from '../electron/demo-venue';
import { commitBatch, type IncomingMessage } from '../electron/ingest/batch-commit';
import { EMPTY_TOTALS, type GateOpsDatabase, type IngestTotals } from '../electron/db';

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
 * What `commitBatch` would write for these messages, without a database: a stand-in whose reads
 * find nothing and whose writes are kept (documents without RxDB's `_meta`/`_rev` fields).
 */
export class CapturedCommits {
  private totals: IngestTotals = EMPTY_TOTALS;

  async checkins(messages: readonly IncomingMessage[]): Promise<PlainDoc[]> {
    const writes = new Map<string, PlainDoc[]>();
    const collection = (name: string) => ({
      storageInstance: {
        findDocumentsById: async () => [],
        bulkWrite: async (rows: { document: PlainDoc }[]) => {
          let list = writes.get(name);
          if (!list) writes.set(name, (list = []));
          for (const row of rows) list.push(plain(row.document));
          return { error: [] };
        },
      },
    });
    const collections: Record<string, unknown> = {};
    const db = new Proxy(collections, {
      get: (target, name: string) => (target[name] ??= collection(name)),
    }) as unknown as GateOpsDatabase;
    const result = await commitBatch(db, (fn) => fn(), messages, this.totals);
    this.totals = result.totals;
    return writes.get('checkins') ?? [];
  }
}

function plain(doc: PlainDoc): PlainDoc {
  const rest = { ...doc };
  for (const field of ['_deleted', '_attachments', '_meta', '_rev']) delete rest[field];
  return rest;
}
