/**
 * `gate-ops export` against a real SQLite data folder: the report matches the stored rows, every
 * usage error exits 2 and leaves nothing behind, an interrupted export leaves nothing behind.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../../electron/db';
import { PassThrough, Readable } from 'node:stream';
import { exportCommand } from '../../../../electron/cli/export-command';
import { resolveExportRequest, runExport } from '../../../../electron/reports';
import { exportRequestSchema } from '../../../../shared/api/channels/reports';
import { distinctValues, readCheckInPages } from '../../../../electron/db/checkin-pages';
import { runCli } from '../../../helpers/cli';
import type { CheckInRow } from '../../../../shared/api/channels/checkins';
import { expected, makeCheckIns, storeFixture, T0 } from '../../../helpers/report-fixtures';

const docs = makeCheckIns({ count: 3000, spacingMs: 0.9 * 1000 });
// A burst of rows in one millisecond, so pages end inside ties in SQLite too.
const burst = makeCheckIns({ count: 40, spacingMs: 0, start: T0 + 500_000 }).map((d, i) => ({
  ...d,
  key: `burst-${i}`,
  checkInId: `burst-${i}`,
  ticketId: `tk-burst-${i}`,
  seq: 10_000 + i,
}));
/** The stored rows (filled in beforeAll). */
let all: CheckInRow[] = [];

describe('gate-ops export (SQLite data folder)', () => {
  let root: string;
  let dataDir: string;
  let out: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'gate-ops-export-cli-'));
    dataDir = join(root, 'data');
    out = join(root, 'out');
    await mkdir(out);
    const store = await openStore(dataDir);
    all = await storeFixture(store.db, [...docs, ...burst]);
    await store.close();
  }, 120_000);
  afterAll(() => rm(root, { recursive: true, force: true }));

  const cli = (args: string[], signal?: AbortSignal) =>
    runCli(['export', '--data-dir', dataDir, ...args], { cwd: out, signal });

  it('pages through SQLite in the same order as the reference', async () => {
    const store = await openStore(dataDir);
    try {
      for (const range of [{}, { gate: 'North' }, { eventId: 'ev-1', from: T0 + 400_000 }]) {
        const ids: string[] = [];
        for await (const page of readCheckInPages(store.db.checkins, range, 7)) {
          for (const d of page) ids.push(d.id);
        }
        expect(ids).toEqual(expected(all, range).map((d) => d.id));
      }
    } finally {
      await store.close();
    }
  });

  it('lists events and gates from the SQLite indexes', async () => {
    const store = await openStore(dataDir);
    try {
      expect(await distinctValues(store.db.checkins, 'eventId')).toEqual(['ev-1', 'ev-2']);
      expect(await distinctValues(store.db.checkins, 'gate')).toEqual([
        '',
        'East',
        'North',
        'South',
      ]);
    } finally {
      await store.close();
    }
  });

  it('the app (its store open) writes the same CSV as the command reading the file', async () => {
    expect((await cli(['--out', 'cli.csv', '--quiet', '--gate', 'North'])).code).toBe(0);
    const store = await openStore(dataDir);
    try {
      const request = resolveExportRequest(
        exportRequestSchema.parse({ format: 'csv', filter: { gate: 'North' } }),
      );
      await runExport(store.db.checkins, request, { outPath: join(out, 'app.csv'), pageSize: 7 });
    } finally {
      await store.close();
    }
    const app = await readFile(join(out, 'app.csv'));
    expect(app.equals(await readFile(join(out, 'cli.csv')))).toBe(true);
    expect(parse(app, { columns: true })).toHaveLength(expected(all, { gate: 'North' }).length);
  });

  it('on a terminal, rewrites one progress line in place', async () => {
    const stderr = Object.assign(new PassThrough(), { isTTY: true });
    let err = '';
    stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await exportCommand.run(['--data-dir', dataDir, '--out', 'tty.csv'], {
      stdout: new PassThrough(),
      stderr,
      stdin: Readable.from([]),
      env: {},
      cwd: out,
      stopSignal: new AbortController().signal,
    });
    expect(code).toBe(0);
    expect(err.startsWith('\r\x1b[2Kexporting: 0 / 3,040 check-ins (0%)')).toBe(true);
    expect(err).toContain('\r\x1b[2Kexporting: 3,040 / 3,040 check-ins (100%)\n');
    expect(err.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('writes a CSV equal to the stored check-ins, with progress lines on stderr', async () => {
    const r = await cli(['--out', 'all.csv']);
    expect(r.stderr).toContain('exporting: 3,040 / 3,040 check-ins (100%)');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote 3040 check-ins to .*all\.csv \(\d+ bytes\)\n$/);
    // Not a terminal: one line per tenth at most.
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(11);
    const records = parse(await readFile(join(out, 'all.csv')), { columns: true }) as Record<
      string,
      string
    >[];
    expect(records.map((x) => x['check_in_id'])).toEqual(expected(all).map((d) => d.checkInId));
    expect(records[0]!['checked_in_at']).toBe(
      new Date(expected(all)[0]!.checkedInAt).toISOString(),
    );
  });

  it('applies --event, --gate, --from, --to, --tz, --no-pii and --bom', async () => {
    const r = await cli([
      '--out',
      'f.csv',
      '--event',
      'ev-2',
      '--gate',
      'South',
      '--from',
      '2026-05-05T18:05',
      '--to',
      '2026-05-05T16:40:00Z',
      '--tz',
      'Europe/Berlin',
      '--no-pii',
      '--bom',
      '--quiet',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const bytes = await readFile(join(out, 'f.csv'));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parse(bytes, { columns: true, bom: true }) as Record<string, string>[];
    const want = expected(all, {
      eventId: 'ev-2',
      gate: 'South',
      from: T0 + 300_000,
      to: T0 + 2_400_000,
    });
    expect(want.length).toBeGreaterThan(10);
    expect(records.map((x) => x['check_in_id'])).toEqual(want.map((d) => d.checkInId));
    expect(Object.keys(records[0]!)).not.toContain('attendee_name');
    expect(records[0]!['checked_in_at']).toMatch(/\+02:00$/);
  });

  it('writes XLSX and PDF, the format taken from the extension', async () => {
    expect((await cli(['--out', 'r.xlsx', '--gate', 'East', '--quiet'])).code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(out, 'r.xlsx'));
    const east = expected(all, { gate: 'East' });
    expect(wb.getWorksheet('Check-ins')!.rowCount).toBe(east.length + 1);
    expect(wb.getWorksheet('By gate')!.getRow(2).getCell(2).value).toBe(east.length);

    expect((await cli(['--out', 'r.pdf', '--quiet'])).code).toBe(0);
    const parser = new PDFParse({ data: await readFile(join(out, 'r.pdf')) });
    const { text } = await parser.getText();
    await parser.destroy();
    expect(text.replace(/\s+/g, ' ')).toContain('Check-ins 3,040');
  });

  describe('usage errors exit 2 and leave nothing behind', () => {
    const cases: Array<[string, string[], RegExp]> = [
      ['unknown format', ['--out', 'x.txt', '--format', 'docx'], /unknown format "docx"/],
      ['no format', ['--out', 'x.txt'], /give --format/],
      ['no --out', ['--format', 'csv'], /--out FILE is required/],
      [
        'unparseable --from',
        ['--out', 'x.csv', '--from', 'yesterday'],
        /from "yesterday" is not a time/,
      ],
      [
        'impossible date',
        ['--out', 'x.csv', '--to', '2026-02-30'],
        /to "2026-02-30" is not a time/,
      ],
      [
        'from after to',
        ['--out', 'x.csv', '--from', '2026-05-06', '--to', '2026-05-05'],
        /must be before to/,
      ],
      ['unknown zone', ['--out', 'x.csv', '--tz', 'Mars/Olympus'], /unknown time zone/],
      ['--bom with pdf', ['--out', 'x.pdf', '--bom'], /CSV only/],
      ['unknown option', ['--out', 'x.csv', '--colour'], /Unknown option/],
      ['missing folder', ['--out', 'nope/x.csv'], /cannot write .*the folder does not exist/],
      ['target is a folder', ['--out', '.', '--format', 'csv'], /is a folder/],
    ];
    for (const [name, args, message] of cases) {
      it(name, async () => {
        const before = await readdir(out);
        const r = await cli(args);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(message);
        expect(await readdir(out)).toEqual(before);
      });
    }

    it('a parent that is a file', async () => {
      await writeFile(join(out, 'plain'), 'x');
      const r = await cli(['--out', 'plain/x.csv']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/not a folder/);
      await rm(join(out, 'plain'));
    });

    it('a data folder without a database', async () => {
      const r = await runCli(['export', '--data-dir', join(root, 'empty'), '--out', 'x.csv'], {
        cwd: out,
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/no Gate Ops database/);
      expect(await readdir(root)).not.toContain('empty');
    });
  });

  it('CSV and XLSX do not wait for a writer holding the write lock, export only what is committed and change nothing', async () => {
    const file = join(dataDir, 'gate-ops.sqlite');
    const digest = (): string => createHash('sha256').update(readFileSync(file)).digest('hex');
    const before = { files: (await readdir(dataDir)).sort(), digest: digest() };
    // A writer in the middle of a batch: the write lock held, its changes not committed.
    const writer = new DatabaseSync(file);
    try {
      writer.exec('PRAGMA busy_timeout = 0');
      writer.exec('BEGIN IMMEDIATE');
      writer.exec('UPDATE checkin_local SET reentry = 1');
      const csv = await cli(['--out', 'locked.csv', '--quiet']);
      expect(csv.stderr).toBe('');
      expect(csv.code).toBe(0);
      const records = parse(await readFile(join(out, 'locked.csv')), {
        columns: true,
      }) as Record<string, string>[];
      expect(records.map((x) => x['reentry'])).toEqual(expected(all).map((d) => String(d.reentry)));
      const xlsx = await cli(['--out', 'locked.xlsx', '--quiet']);
      expect(xlsx.stderr).toBe('');
      expect(xlsx.code).toBe(0);
      // The writer still holds its lock: the exports took nothing from it.
      writer.exec('ROLLBACK');
    } finally {
      writer.close();
    }
    expect({ files: (await readdir(dataDir)).sort(), digest: digest() }).toEqual(before);
  });

  it('an interrupted export exits 130 and leaves no file', async () => {
    const before = await readdir(out);
    const controller = new AbortController();
    controller.abort();
    const r = await cli(['--out', 'stopped.xlsx'], controller.signal);
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/interrupted; no file written/);
    expect(await readdir(out)).toEqual(before);
  });
});
