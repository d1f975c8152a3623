/**
 * Check-ins for report tests: a venue's worth of gates, devices and sessions over a few hours,
 * with re-entries, rows sharing one millisecond, names that break naive CSV (quotes, commas,
 * line breaks, non-Latin text) and names a spreadsheet would run as formulas.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import type { CheckInRow } from '../../shared/api/channels/checkins';
import {
  localCheckIns,
  openGateOpsDatabase,
  rowsByIds,
  type GateOpsDatabase,
} from '../../electron/db';
import { specDoc, storeCheckIns, type CheckInSpec } from './checkin-docs';

export const T0 = Date.UTC(2026, 4, 5, 16, 0, 0); // 2026-05-05T16:00:00Z

const NASTY_NAMES = [
  'Zoë "Z" O\'Brien',
  'Lee, Ann',
  'Multi\nLine',
  '=HYPERLINK("http://x","y")',
  '+1 555',
  '-42',
  '@SUM(A1)',
  '\tTabbed',
  '\rCarriage',
  '李小龍',
  'Renée Ünal',
  '＝1+1',
];

export interface FixtureOptions {
  readonly count: number;
  readonly events?: ReadonlyArray<string>;
  readonly gates?: ReadonlyArray<string>;
  /** Milliseconds between consecutive check-ins (several rows share one when < 1). */
  readonly spacingMs?: number;
  readonly start?: number;
}

/** A fixture check-in: what to store, with its arrival number and received time. */
export type FixtureCheckIn = CheckInSpec & { readonly seq: number; readonly receivedAt: number };

export function makeCheckIns(options: FixtureOptions): FixtureCheckIn[] {
  const events = options.events ?? ['ev-1', 'ev-2'];
  const gates = options.gates ?? ['North', 'South', 'East', ''];
  const spacing = options.spacingMs ?? 7_000;
  const start = options.start ?? T0;
  const out: FixtureCheckIn[] = [];
  for (let i = 0; i < options.count; i++) {
    const gateIndex = i % gates.length;
    const gate = gates[gateIndex]!;
    const device = gate === '' ? '' : `dev-${gateIndex}-${i % 3}`;
    const session = `sess-${gateIndex}-${i % 3}-${Math.floor(i / 500)}`;
    const name = i % 13 === 0 ? NASTY_NAMES[(i / 13) % NASTY_NAMES.length]! : `Guest ${i}`;
    const checkedInAt = start + Math.floor(i * spacing);
    // A second scan of the ticket of five rows before (later in check-in time: a re-entry).
    const reentry = i % 17 === 5;
    const withPii = i % 11 !== 7 || i % 13 === 0;
    out.push({
      seq: i + 1,
      key: `key-${i}`,
      checkInId: `ci-${String(i).padStart(7, '0')}`,
      ticketId: reentry ? `tk-${i - 5}` : `tk-${i}`,
      eventId: events[i % events.length]!,
      productId: i % 4 === 0 ? 'vip' : 'ga',
      sessionId: session,
      deviceId: device,
      gate,
      attendeeName: withPii ? name : null,
      attendeeEmail: withPii
        ? i % 19 === 3
          ? '=cmd|" /C calc"!A0'
          : `guest${i}@example.com`
        : null,
      checkedInAt,
      occurredAt: checkedInAt - 150,
      receivedAt: checkedInAt + (i % 29 === 0 ? 240_000 : 900),
    });
  }
  return out;
}

/** Stores fixture check-ins and reads their rows back (re-entry flags as the store decided). */
export async function storeFixture(
  db: GateOpsDatabase,
  specs: ReadonlyArray<CheckInSpec>,
): Promise<CheckInRow[]> {
  for (let i = 0; i < specs.length; i += 2000) await storeCheckIns(db, specs.slice(i, i + 2000));
  const ids = specs.map((s) => specDoc(s).id);
  const rows = await rowsByIds(db.checkins, localCheckIns(db), ids);
  return ids.map((id) => rows.get(id)!);
}

export interface ReportFixture {
  readonly db: GateOpsDatabase;
  readonly dir: string;
  /** The stored check-ins as rows. */
  readonly docs: ReadonlyArray<CheckInRow>;
  close(): Promise<void>;
}

/** A memory database holding the check-ins, and a fresh temp folder for the files. */
export async function reportFixture(specs: ReadonlyArray<CheckInSpec>): Promise<ReportFixture> {
  const db = await openGateOpsDatabase({
    storage: getRxStorageMemory(),
    name: `reports${randomBytes(6).toString('hex')}`,
  });
  const docs = await storeFixture(db, specs);
  const dir = await mkdtemp(join(tmpdir(), 'gate-ops-reports-'));
  return {
    db,
    dir,
    docs,
    async close() {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The docs a filter should select, in report order. */
export function expected(
  docs: ReadonlyArray<CheckInRow>,
  filter: { eventId?: string; gate?: string; from?: number; to?: number } = {},
): CheckInRow[] {
  return docs
    .filter(
      (d) =>
        (filter.eventId === undefined || d.eventId === filter.eventId) &&
        (filter.gate === undefined || d.gate === filter.gate) &&
        (filter.from === undefined || d.checkedInAt >= filter.from) &&
        (filter.to === undefined || d.checkedInAt < filter.to),
    )
    .sort((a, b) => a.checkedInAt - b.checkedInAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
