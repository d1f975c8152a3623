/**
 * The venue hub alone in its own process for the hub-memory figure (the bench process holds the
 * simulated peers, so their memory is not counted as the hub's). Started on a data folder that
 * holds the store; prints one JSON line when it listens ({ code, rss }), then
 * answers lines on stdin: `write K` (K new check-ins written on the hub, 100 a transaction:
 * every peer gets them over the change stream), `rss` ({ rss, peak, heapUsed, external, buffers } in bytes), `newest` (the replication
 * checkpoint of the newest stored check-in), `stop`.
 */
import { createInterface } from 'node:readline';
import { normalizeMangoQuery, now, prepareQuery } from 'rxdb';
import { startCore } from '../electron/app';
import { CapturedCommits, RealisticMessages } from './storage-fixture';

const dataDir = process.argv[2]!;
const gc = (globalThis as { gc?: () => void }).gc;
const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);

const core = await startCore({
  dataDir,
  noRelay: true,
  sync: { role: { kind: 'hub', host: '127.0.0.1', port: 0 }, laptopName: () => 'hub' },
});
const storage = core.db.checkins.storageInstance;
let peak = 0;
const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
const sampler = setInterval(sample, 100);

// Another seed than the realistic store's (99): new check-ins, not ones it holds already.
const messages = new RealisticMessages(7777, Date.UTC(2026, 4, 6, 16, 0, 0));
const docs = new CapturedCommits();
async function write(k: number): Promise<void> {
  for (let done = 0; done < k; done += 100) {
    const batch = await docs.checkins(messages.next(Math.min(100, k - done)));
    const result = await storage.bulkWrite(
      batch.map((d) => ({
        document: {
          ...d,
          _deleted: false,
          _attachments: {},
          _rev: '1-bench',
          _meta: { lwt: now() },
        } as never,
      })),
      'bench-hub-write',
    );
    // A refused write would leave the peers waiting for check-ins that never come.
    if (result.error.length > 0) {
      throw new Error(`the hub's write failed: ${JSON.stringify(result.error[0]).slice(0, 300)}`);
    }
    sample();
  }
}

gc?.();
gc?.();
sample();
out({ code: core.sync.joinCodeText(), rss: process.memoryUsage().rss });
peak = process.memoryUsage().rss;
for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, arg] = line.trim().split(' ');
  if (cmd === 'write') {
    await write(Number(arg));
    out({ written: Number(arg) });
  } else if (cmd === 'rss') {
    gc?.();
    sample();
    const m = process.memoryUsage();
    out({ rss: m.rss, peak, heapUsed: m.heapUsed, external: m.external, buffers: m.arrayBuffers });
  } else if (cmd === 'newest') {
    // The replication checkpoint of the newest stored check-in: a laptop in sync holds it.
    const schema = storage.schema;
    const query = normalizeMangoQuery(schema, {
      selector: {},
      sort: [{ '_meta.lwt': 'desc' }, { id: 'desc' }] as never,
      limit: 1,
    });
    const [doc] = (await storage.query(prepareQuery(schema, query))).documents;
    out({ newest: doc ? { id: doc.id, lwt: doc._meta.lwt } : null });
  } else if (cmd === 'stop') {
    break;
  }
}
clearInterval(sampler);
await core.close();
process.exit(0);
