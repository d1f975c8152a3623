import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerReportsHandlers } from '../../../../electron/api/reports-handlers';
import { ApiRouter } from '../../../../electron/api/router';
import { createReportDownloadRoute } from '../../../../electron/reports/download-route';
import { ExportService, type SaveDialog } from '../../../../electron/reports/export-service';
import {
  resolveExportRequest,
  runExport,
  ExportCancelledError,
} from '../../../../electron/reports/run-export';
import { buildApi, exportRequestSchema, type ExportJob } from '../../../../shared/api';
import {
  expected,
  makeCheckIns,
  reportFixture,
  type ReportFixture,
} from '../../../helpers/report-fixtures';
import { inProcessTransport } from '../../../helpers/api';

/** Resolves with the first job event that satisfies `until`. */
function follow(service: ExportService, jobId: string, until: (j: ExportJob) => boolean) {
  const seen: ExportJob[] = [];
  return new Promise<ExportJob[]>((resolve) => {
    const stop = service.subscribe(jobId, (j) => {
      seen.push(j);
      if (until(j)) {
        queueMicrotask(() => stop());
        resolve(seen);
      }
    });
  });
}

describe('ExportService', () => {
  let f: ReportFixture;
  beforeAll(async () => {
    f = await reportFixture(makeCheckIns({ count: 4000, spacingMs: 1_000 }));
  });
  afterAll(() => f.close());

  it('cancelling mid-export deletes the half-written temp file', async () => {
    const outPath = join(f.dir, 'cancel', 'big.xlsx');
    await mkdir(join(f.dir, 'cancel'));
    const controller = new AbortController();
    let temp = '';
    let sawTempOnDisk = false;
    const run = runExport(
      f.db.checkins,
      resolveExportRequest(exportRequestSchema.parse({ format: 'xlsx' })),
      {
        outPath,
        pageSize: 200,
        signal: controller.signal,
        onTempFile: (p) => (temp = p),
        onProgress: (p) => {
          if (p.rowsDone >= 1000 && !controller.signal.aborted) {
            sawTempOnDisk = existsSync(temp);
            controller.abort();
          }
        },
      },
    );
    await expect(run).rejects.toBeInstanceOf(ExportCancelledError);
    expect(sawTempOnDisk).toBe(true);
    expect(await readdir(join(f.dir, 'cancel'))).toEqual([]);
  });

  it('runs a job with progress to done, then serves it as a download (headless)', async () => {
    const downloadsDir = join(f.dir, 'downloads');
    const service = new ExportService({
      checkins: f.db.checkins,
      downloadsDir,
      progressIntervalMs: 0,
    });
    expect(service.delivery).toBe('download');
    const job = await service.start(
      exportRequestSchema.parse({ format: 'csv', filter: { gate: 'North' } }),
    );
    expect(job).not.toBeNull();
    const events = await follow(service, job!.jobId, (j) => j.state !== 'running');
    const last = events.at(-1)!;
    const rows = expected(f.docs, { gate: 'North' });
    expect(last.state).toBe('done');
    expect(last.rowsDone).toBe(rows.length);
    expect(last.rowsTotal).toBe(rows.length);
    expect(last.downloadUrl).toBe(`/reports/download/${job!.jobId}`);
    expect(last.fileName).toMatch(/^attendance-all-events-North-\d{8}-\d{4}\.csv$/);
    for (let i = 1; i < events.length; i++) {
      expect(events[i]!.rowsDone).toBeGreaterThanOrEqual(events[i - 1]!.rowsDone);
    }

    const route = createReportDownloadRoute(service);
    const token = 'secret-token';
    const server: Server = createServer((req, res) => {
      const authorized = () => new URL(req.url!, 'http://x').searchParams.get('token') === token;
      if (!route(req, res, { authorized })) res.writeHead(418).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect((await fetch(base + last.downloadUrl!)).status).toBe(403);
      const res = await fetch(`${base}${last.downloadUrl!}?token=${token}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toContain(`filename="${last.fileName}"`);
      const records = parse(Buffer.from(await res.arrayBuffer()), { columns: true }) as Array<
        Record<string, string>
      >;
      expect(records.map((r) => r['check_in_id'])).toEqual(rows.map((d) => d.checkInId));
      expect((await fetch(`${base}/reports/download/not-a-job?token=${token}`)).status).toBe(404);
      expect(
        (await fetch(`${base}/reports/download/..%2F..%2Fetc%2Fpasswd?token=${token}`)).status,
      ).toBe(404);
      expect((await fetch(`${base}/elsewhere`)).status).toBe(418);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('clears downloads a previous run left behind, and only those', async () => {
    const downloadsDir = join(f.dir, 'stale');
    await mkdir(downloadsDir);
    const stale = '0b7e1d2c-1111-4222-8333-944455556666-attendance-all-events-20260505-1800.csv';
    await writeFile(join(downloadsDir, stale), 'old');
    await writeFile(join(downloadsDir, '.gate-ops-x.csv.abc123.tmp'), 'half');
    await writeFile(join(downloadsDir, 'notes.txt'), 'not ours');
    const service = new ExportService({ checkins: f.db.checkins, downloadsDir });
    const job = await service.start(exportRequestSchema.parse({ format: 'csv' }));
    await service.settled(job!.jobId);
    const names = await readdir(downloadsDir);
    expect(names).not.toContain(stale);
    expect(names).not.toContain('.gate-ops-x.csv.abc123.tmp');
    expect(names).toContain('notes.txt');
    expect(names).toContain(`${job!.jobId}-${job!.fileName}`);
  });

  it('writes where the save dialog says, and does nothing when the dialog is closed', async () => {
    const chosen = join(f.dir, 'chosen.pdf');
    const asked: Array<[string, unknown]> = [];
    let answer: string | null = null;
    const saveDialog: SaveDialog = {
      chooseSavePath: async (name, filters) => {
        asked.push([name, filters]);
        return answer;
      },
    };
    const service = new ExportService({
      checkins: f.db.checkins,
      downloadsDir: '/nonexistent',
      saveDialog,
    });
    expect(
      await service.start(
        exportRequestSchema.parse({ format: 'pdf', filter: { eventId: 'ev-1' } }),
      ),
    ).toBeNull();
    expect(asked[0]![0]).toMatch(/^attendance-ev-1-\d{8}-\d{4}\.pdf$/);
    expect(asked[0]![1]).toEqual([
      { name: 'PDF document', extensions: ['pdf'], contentType: 'application/pdf' },
    ]);
    answer = chosen;
    const job = await service.start(exportRequestSchema.parse({ format: 'pdf' }));
    const done = await service.settled(job!.jobId);
    expect(done?.state).toBe('done');
    expect(done?.path).toBe(chosen);
    expect(done?.downloadUrl).toBeNull();
    expect((await readFile(chosen)).subarray(0, 5).toString()).toBe('%PDF-');
    expect(service.downloadable(job!.jobId)).toBeUndefined();
  });

  it('rejects a bad filter or an unwritable path up front, as bad_request', async () => {
    const saveDialog: SaveDialog = { chooseSavePath: async () => join(f.dir, 'missing', 'x.csv') };
    const service = new ExportService({ checkins: f.db.checkins, downloadsDir: f.dir, saveDialog });
    await expect(
      service.start(exportRequestSchema.parse({ format: 'csv', filter: { from: 'soon' } })),
    ).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/not a time/) });
    await expect(service.start(exportRequestSchema.parse({ format: 'csv' }))).rejects.toMatchObject(
      {
        code: 'bad_request',
        message: expect.stringMatching(/folder does not exist/),
      },
    );
  });

  it('works end to end through the API router: options, export, progress, cancel', async () => {
    const router = new ApiRouter();
    const service = new ExportService({
      checkins: f.db.checkins,
      downloadsDir: join(f.dir, 'api-downloads'),
      progressIntervalMs: 0,
    });
    registerReportsHandlers(router, { reports: service });
    const api = buildApi(inProcessTransport(router));

    const options = await api.getReportOptions({});
    expect(options.events).toEqual(['ev-1', 'ev-2']);
    expect(options.gates).toEqual(['', 'East', 'North', 'South']);
    expect(options.delivery).toBe('download');

    await expect(
      api.startExport({ format: 'csv', filter: { from: '2026-05-06', to: '2026-05-05' } }),
    ).rejects.toMatchObject({
      code: 'bad_request',
    });
    await expect(api.startExport({ format: 'docx' } as never)).rejects.toMatchObject({
      code: 'bad_request',
    });

    const { job } = await api.startExport({ format: 'xlsx', includePii: false });
    const states: string[] = [];
    const finished = new Promise<ExportJob>((resolve) => {
      const stop = api.onExportProgress({ jobId: job!.jobId }, (j) => {
        states.push(j.state);
        if (j.state === 'running' && j.rowsDone > 0) void api.cancelExport({ jobId: job!.jobId });
        if (j.state !== 'running') {
          stop();
          resolve(j);
        }
      });
    });
    const end = await finished;
    expect(end.state).toBe('cancelled');
    expect(await api.cancelExport({ jobId: job!.jobId })).toEqual({ cancelled: false });
    expect(await readdir(join(f.dir, 'api-downloads'))).toEqual([]);
    expect((await api.getReportOptions({})).jobs[0]).toMatchObject({
      jobId: job!.jobId,
      state: 'cancelled',
    });
    expect(() => api.onExportProgress({ jobId: 'missing' }, () => {})).toThrow(/no export job/);
    await service.close();
  });
});
