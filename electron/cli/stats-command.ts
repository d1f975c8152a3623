/**
 * `gate-ops stats`: what the store holds. Read-only, and safe while the app runs: one read-only
 * SQLite connection (no RxDB database) reads a consistent snapshot next to the writer; in WAL
 * mode it never takes the write lock, so it neither waits for ingest nor holds it up.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../app';
import {
  DATABASE_NAME,
  DEMO_DATABASE_NAME,
  openStoreReader,
  readStoreStatsOf,
  StoreNeedsUpgradeError,
  type StoreStats,
} from '../db';
import type { NatsSyncView } from '../../shared/api/channels/sync';
import { SYNC_STATUS_ID, syncStatsOf, type SyncStats } from '../sync';
import { asDamage, reportDamaged, warnKeptAside } from './damaged-store';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, type CliCommand } from './io';

const usage = `Usage: gate-ops stats [--data-dir DIR] [--demo] [--json]

Prints what is stored: check-ins, unique tickets, re-entries, redeliveries, conflicts,
quarantined and skipped messages, replays ignored, sequence anomalies, counts per gate, device and session, and the resume cursor.

  --data-dir DIR   data folder (default: $GATE_OPS_DATA_DIR or the per-user app folder)
  --demo           the demo database (data from the built-in simulator)
  --json           one JSON object instead of tables`;

export const statsCommand: CliCommand = {
  usage,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        'data-dir': { type: 'string' },
        demo: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
    });
    const dataDir = resolve(io.cwd, values['data-dir'] ?? defaultDataDir(io.env));
    const name = values.demo ? DEMO_DATABASE_NAME : DATABASE_NAME;
    const file = join(dataDir, `${name}.sqlite`);
    if (!existsSync(file)) {
      const demoHint =
        !values.demo && existsSync(join(dataDir, `${DEMO_DATABASE_NAME}.sqlite`))
          ? ' (there is a demo database: add --demo)'
          : '';
      io.stderr.write(`gate-ops stats: no database in ${dataDir}${demoHint}\n`);
      return EXIT_USAGE;
    }
    warnKeptAside('stats', file, io.stderr);
    let stats: StoreStats;
    let sync: SyncStats;
    try {
      // Read-only: a damaged file is refused as it is, never moved aside.
      const reader = openStoreReader(dataDir, name);
      try {
        stats = readStoreStatsOf(reader);
        sync = syncStatsOf(reader.stateDoc(SYNC_STATUS_ID));
      } finally {
        reader.close();
      }
    } catch (error) {
      if (error instanceof StoreNeedsUpgradeError) {
        io.stderr.write(`gate-ops stats: ${error.message} (${file})\n`);
        return EXIT_FAILED;
      }
      const damaged = asDamage(file, error);
      const code = reportDamaged('stats', damaged, io.stderr);
      if (code !== null) return code;
      throw error;
    }
    io.stdout.write(
      values.json
        ? `${JSON.stringify({ database: file, ...stats, sync })}\n`
        : table(file, stats) + syncTable(sync),
    );
    return EXIT_OK;
  },
};

function syncTable(s: SyncStats): string {
  if (s.role === 'never') return 'venue sync      never used\n';
  const lines = [
    `venue sync      ${s.role}${s.role === 'off' ? '' : ` as "${s.laptopName}"`} (as of ${new Date(s.asOf).toISOString()})`,
  ];
  if (s.link)
    lines.push(`hub link        ${s.link.state}${s.link.reason ? ` (${s.link.reason})` : ''}`);
  if (s.inSyncThrough !== null)
    lines.push(`in sync through ${new Date(s.inSyncThrough).toISOString()}`);
  lines.push(`waiting to push ${s.pending}`);
  for (const l of s.laptops) {
    lines.push(
      `  ${l.name} (${l.role}${l.isThisLaptop ? ', this laptop' : ''}): ${l.connected ? 'connected' : `last contact ${new Date(l.lastContactAt).toISOString()}`}, relay ${l.relay ?? '?'}, ${l.checkins ?? '?'} check-ins`,
    );
  }
  lines.push(...natsLines(s.nats ?? null, s.asOf));
  return `${lines.join('\n')}\n`;
}

/** NATS sync's part: the link, and each venue's freshness as of when the status was kept. */
function natsLines(n: NatsSyncView | null, asOf: number): string[] {
  if (n === null) return ['NATS sync       off'];
  const l = n.link;
  const lines = [
    `NATS sync       ${n.role === 'central' ? 'operations centre' : (n.role ?? '?')} for ${n.venues.join(', ') || '?'} via ${n.servers.join(', ') || '?'} (${n.source})`,
    `NATS link       ${l.state}${l.server ? ` (${l.server})` : ''}${l.reason ? `: ${l.reason}` : ''}${n.stream ? `, stream ${n.stream}` : ''}`,
  ];
  for (const v of n.venuesSeen) {
    const fresh =
      v.asOf === null
        ? 'nothing heard yet'
        : `as of ${new Date(v.asOf).toISOString()} (${Math.max(0, Math.round((asOf - v.asOf) / 1000))} s before this status)`;
    const held = v.laptops.map((p) => `${p.name} ${p.checkins ?? '?'}`).join(', ');
    lines.push(`  venue ${v.venue}: ${fresh}; check-ins held: ${held || 'none reported'}`);
  }
  return lines;
}

function table(file: string, s: StoreStats): string {
  const lines = [
    `database        ${file}`,
    `check-ins       ${s.checkins}`,
    `unique tickets  ${s.uniqueTickets}`,
    `re-entries      ${s.reentries}`,
    `redeliveries    ${s.redeliveries}`,
    `conflicts       ${s.conflicts}`,
    `quarantined     ${s.quarantined}`,
    `skipped         ${s.skipped}`,
    `replays         ${s.replays}`,
    `seq. anomalies  ${s.sequenceAnomalies}`,
    `messages        ${s.messages}`,
    `cursor          ${s.cursor ?? '(none)'}`,
    `last received   ${s.lastReceivedAt === null ? '(never)' : new Date(s.lastReceivedAt).toISOString()}`,
    '',
    ...section('gate', s.perGate),
    ...section('device', s.perDevice),
    ...section('session', s.perSession),
  ];
  return `${lines.join('\n')}\n`;
}

function section(title: string, counts: Readonly<Record<string, number>>): string[] {
  const rows = Object.entries(counts);
  const width = Math.max(title.length, ...rows.map(([k]) => (k || '(none)').length));
  return [
    `${title.padEnd(width)}  check-ins`,
    ...rows.map(([k, n]) => `${(k || '(none)').padEnd(width)}  ${String(n).padStart(9)}`),
    '',
  ];
}
