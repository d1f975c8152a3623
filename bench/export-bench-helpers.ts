/** Shared bits of the export benchmark: generated check-ins, memory sampling, tables. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { CheckInRow } from '../shared/api/channels/checkins';
import type { CheckInSpec } from '../test/helpers/checkin-docs';

const T0 = Date.UTC(2026, 4, 5, 16, 0, 0);
const GATES = ['North', 'South', 'East', 'West', 'VIP', 'Staff'];

/** Check-in number `i` of a stadium evening: 40 gates' worth of devices, some re-entries. */
export function benchSpec(i: number): CheckInSpec & { seq: number; receivedAt: number } {
  const gate = GATES[i % GATES.length]!;
  const checkedInAt = T0 + Math.floor(i * 20); // 50 a second
  return {
    seq: i + 1,
    key: `bench-${i}`,
    checkInId: `ci-${i}`,
    ticketId: `tk-${i % 997 === 0 ? i - 1 : i}`,
    eventId: i % 10 === 0 ? 'ev-vip' : 'ev-main',
    productId: i % 4 === 0 ? 'vip' : 'ga',
    sessionId: `sess-${i % 150}-${Math.floor(i / 50_000)}`,
    deviceId: `dev-${i % 150}`,
    gate,
    attendeeName: i % 101 === 0 ? `=Formula ${i}` : `Guest Number ${i}, "Jr"`,
    attendeeEmail: `guest${i}@example.com`,
    checkedInAt,
    occurredAt: checkedInAt - 120,
    receivedAt: checkedInAt + 800,
  };
}

/** The same check-in as the row a report writer gets. */
export function benchCheckIn(i: number): CheckInRow {
  const s = benchSpec(i);
  return {
    id: `id-${i}`,
    ingestSeq: s.seq,
    checkInId: s.checkInId!,
    ticketId: s.ticketId!,
    eventId: s.eventId!,
    productId: s.productId!,
    sessionId: s.sessionId!,
    deviceId: s.deviceId!,
    gate: s.gate!,
    attendeeName: s.attendeeName!,
    attendeeEmail: s.attendeeEmail!,
    checkedInAt: s.checkedInAt,
    occurredAt: s.occurredAt!,
    receivedAt: s.receivedAt,
    reentry: i % 997 === 0,
  };
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export interface MemorySample {
  readonly rows: number;
  readonly heapMb: number;
  readonly rssMb: number;
}

/** Heap after a full collection (what is really held) and RSS, at a given row count. */
export function sampleMemory(rows: number): MemorySample {
  gc();
  const m = process.memoryUsage();
  return { rows, heapMb: m.heapUsed / 2 ** 20, rssMb: m.rss / 2 ** 20 };
}

/** Samples at 10 %, 25 %, 50 %, 75 % and 100 % of `total`. */
export function memorySampler(total: number): {
  at: (rowsDone: number) => void;
  samples: MemorySample[];
} {
  const marks = [0.1, 0.25, 0.5, 0.75, 1].map((f) => Math.max(1, Math.floor(total * f)));
  const samples: MemorySample[] = [];
  return {
    samples,
    at(rowsDone) {
      while (marks.length > 0 && rowsDone >= marks[0]!) {
        marks.shift();
        samples.push(sampleMemory(rowsDone));
      }
    },
  };
}

export const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
export const mb = (n: number): string => n.toFixed(1);

export function table(rows: ReadonlyArray<ReadonlyArray<string>>): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: ReadonlyArray<string>) =>
    `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [
    line(rows[0]!),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.slice(1).map(line),
  ].join('\n');
}

/** Growth of the GC'd heap from the first to the last sample, relative to rows: flat ≈ 0. */
export function heapGrowth(samples: ReadonlyArray<MemorySample>): string {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last) return 'n/a';
  return `${mb(last.heapMb - first.heapMb)} MB over ${fmt(last.rows - first.rows)} rows`;
}
