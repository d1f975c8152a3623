/**
 * One consumer of the ingest benchmark, in a process of its own (its CPU time and RSS are its
 * own; the relay runs in another process, ingest-relay-child.ts):
 *   ingest-child.ts raw  URL TOKEN TOTAL DIR   the minimal real pipeline: a websocket client, each
 *       message JSON.parse'd, the check-in's fields read, and inserted (INSERT OR IGNORE by
 *       dedupe key: redeliveries fall away) into plain node:sqlite with the app's `checkins`
 *       indexes and pragmas (RawCheckins), whatever arrived committed together, at most 2,000
 *       messages a transaction (the app's batch cap);
 *   ingest-child.ts raw-fts URL TOKEN TOTAL DIR   the same plus the app's full-text index of the
 *       same six fields (an FTS5 trigram table like electron/storage/full-text.ts: contentless,
 *       diacritics removed), one row per new check-in in the same transaction: how much of the
 *       gap to the minimal pipeline is the search feature itself;
 *   ingest-child.ts ours URL TOKEN TOTAL DIR   the app's core (store, ingest pipeline, relay
 *       client: what both hosts run) against the same relay until it has taken all TOTAL messages.
 * The clock and the CPU meter start just before connecting (the store is open by then) and stop
 * when the last message is committed; for ours a second meter then runs until the full-text
 * index holds every check-in (a backlog's index rows are added after it). Prints one JSON line:
 * { seconds, cpuMs, stored, rssMb, indexSeconds?, indexCpuMs? }.
 */
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { startCore, type Core } from '../electron/app';
import { checkinsFullTextReady } from '../electron/db';
import { RawCheckins } from './storage-bench-helpers';

const [mode, url, token, totalText, dir] = process.argv.slice(2);
if (
  (mode !== 'raw' && mode !== 'raw-fts' && mode !== 'ours') ||
  !url ||
  !token ||
  !totalText ||
  !dir
) {
  throw new Error('usage: ingest-child.ts raw|raw-fts|ours URL TOKEN TOTAL DIR');
}
const TOTAL = Number(totalText);
const BATCH = 2000;

interface Result {
  readonly seconds: number;
  readonly cpuMs: number;
  readonly stored: number;
  /** Commits it took (ours). */
  readonly batches?: number;
  /** Ours: from the last commit until the full-text index holds every check-in. */
  readonly indexSeconds?: number;
  readonly indexCpuMs?: number;
}

function meter(): () => { seconds: number; cpuMs: number } {
  const start = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { seconds: (performance.now() - start) / 1000, cpuMs: (used.user + used.system) / 1000 };
  };
}

function raw(fullText: boolean): Promise<Result> {
  const store = new RawCheckins(join(dir!, 'raw.sqlite'));
  const insert = store.db.prepare('INSERT OR IGNORE INTO checkins (id, data) VALUES (?, ?)');
  // The app's full-text declaration (electron/db/collections/checkins-full-text.ts): the same
  // six fields, in an FTS5 table of the same kind (electron/storage/full-text.ts).
  if (fullText) {
    store.db.exec(
      'CREATE VIRTUAL TABLE checkins_fts USING fts5(c0, c1, c2, c3, c4, c5, ' +
        "content='', contentless_delete=1, tokenize='trigram remove_diacritics 1')",
    );
  }
  const index = fullText
    ? store.db.prepare(
        'INSERT INTO checkins_fts (rowid, c0, c1, c2, c3, c4, c5) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
    : null;
  let pending: string[] = [];
  let received = 0;
  let scheduled = false;
  const commit = (): void => {
    scheduled = false;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    store.db.exec('BEGIN IMMEDIATE');
    for (const text of batch) {
      let e: Record<string, any>;
      try {
        e = JSON.parse(text) as Record<string, any>;
      } catch {
        continue;
      }
      const d = e['data'];
      if (e['type'] !== 'ticketing.check_in.created' || typeof d !== 'object' || d === null)
        continue;
      const key =
        typeof e['idempotency_key'] === 'string'
          ? e['idempotency_key']
          : JSON.stringify([e['source'], e['id']]);
      delete e['sequence'];
      const doc = {
        id: key,
        ticketId: d.ticket_id,
        checkedInAt: Date.parse(d.checked_in_at),
        gate: d.gate ?? '',
        deviceId: d.device_id ?? '',
        sessionId: d.scanner_session_id,
        eventId: d.event_id,
        nameLower: String(d.attendee?.name ?? '').toLowerCase(),
        emailLower: String(d.attendee?.email ?? '').toLowerCase(),
        event: e,
      };
      const { changes, lastInsertRowid } = insert.run(key, JSON.stringify(doc));
      // Rowids ascend within the batch (arrival order): FTS5 appends without a segment per row.
      if (index && changes === 1) {
        const a = d.attendee ?? {};
        index.run(
          lastInsertRowid,
          String(a.name ?? ''),
          String(a.email ?? ''),
          String(d.ticket_id ?? ''),
          String(d.check_in_id ?? ''),
          String(d.scanner_session_id ?? ''),
          String(d.device_id ?? ''),
        );
      }
    }
    store.db.exec('COMMIT');
  };
  return new Promise((resolve, reject) => {
    const stop = meter();
    const ws = new WebSocket(url!, ['cloudevents.json'], {
      headers: { Authorization: `Bearer ${token}` },
      perMessageDeflate: false,
      skipUTF8Validation: true,
    });
    ws.on('message', (data) => {
      pending.push(data.toString());
      received += 1;
      // Group commit like the app's: a full batch at once, else what arrived by the next turn.
      if (pending.length >= BATCH || received === TOTAL) commit();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(commit);
      }
      if (received === TOTAL) {
        const { seconds, cpuMs } = stop();
        ws.close();
        const stored = Number(
          Object.values(store.db.prepare('SELECT count(*) FROM checkins').get()!)[0],
        );
        store.close();
        resolve({ seconds, cpuMs, stored });
      }
    });
    ws.on('error', reject);
  });
}

async function ours(): Promise<Result> {
  let stop: (() => { seconds: number; cpuMs: number }) | null = null;
  const core: Core = await startCore({
    dataDir: join(dir!, 'ours'),
    ...(process.env['BENCH_INGEST_BATCH']
      ? { ingest: { batchSize: Number(process.env['BENCH_INGEST_BATCH']) } }
      : {}),
    relayUrl: url!,
    token: token!,
    relay: {
      // The meter starts as the client begins to connect (the store is open by then).
      createWebSocket: (u, protocols, options) => {
        stop ??= meter();
        return new WebSocket(u, protocols, options);
      },
    },
  });
  let batches = 0;
  const done = await new Promise<{ seconds: number; cpuMs: number }>((resolve) => {
    core.ingest.on('batch-committed', (b) => {
      batches += 1;
      if (b.totals.ingestSeq >= TOTAL && stop) resolve(stop());
    });
  });
  const stored = core.ingest.totals.stored;
  // The search index of a backlog is added after it (electron/storage/full-text-pending.ts):
  // the time and CPU from the last commit until every check-in is searchable by the index.
  const indexMeter = meter();
  await checkinsFullTextReady(core.db);
  const indexed = indexMeter();
  await core.close();
  return {
    ...done,
    stored,
    batches,
    indexSeconds: indexed.seconds,
    indexCpuMs: indexed.cpuMs,
  };
}
const result = mode === 'ours' ? await ours() : await raw(mode === 'raw-fts');
const rssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ ...result, rssMb })}\n`);
