/**
 * Headless mode's report download: `GET /reports/download/<jobId>?token=…` streams a finished
 * export as an attachment. The host's per-run token is checked like on every other headless
 * request; the job id is a random UUID known only to the API caller who started the export.
 * The signature matches the headless host's `HostRoute` (answer synchronously whether the
 * request is ours, then stream).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { DOWNLOAD_ROUTE_PREFIX, type ExportService } from './export-service';
import { REPORT_FILE_TYPES } from './report-files';

export interface DownloadRouteContext {
  /** True when the request carries the host's token. */
  readonly authorized: (req: IncomingMessage) => boolean;
}

export type DownloadRoute = (
  req: IncomingMessage,
  res: ServerResponse,
  ctx?: DownloadRouteContext,
) => boolean;

const text = (res: ServerResponse, status: number, body: string): void => {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(body);
};

/** A route that answers report downloads and returns false for any other URL. */
export function createReportDownloadRoute(service: ExportService): DownloadRoute {
  return (req, res, ctx) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!url.pathname.startsWith(DOWNLOAD_ROUTE_PREFIX)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return true;
    }
    if (ctx && !ctx.authorized(req)) {
      text(res, 403, 'This download needs the token of this Gate Ops run.\n');
      return true;
    }
    const jobId = url.pathname.slice(DOWNLOAD_ROUTE_PREFIX.length);
    const file = /^[\w-]{1,64}$/.test(jobId) ? service.downloadable(jobId) : undefined;
    if (!file) {
      text(res, 404, 'No such report.\n');
      return true;
    }
    void stat(file.path).then(
      (info) => {
        res.writeHead(200, {
          'Content-Type': REPORT_FILE_TYPES[file.format].contentType,
          'Content-Length': String(info.size),
          'Content-Disposition': `attachment; filename="${file.fileName}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
          'Cache-Control': 'no-store',
          'X-Content-Type-Options': 'nosniff',
        });
        if (req.method === 'HEAD') res.end();
        else void pipeline(createReadStream(file.path), res).catch(() => res.destroy());
      },
      () => text(res, 404, 'The report file is gone.\n'),
    );
    return true;
  };
}
