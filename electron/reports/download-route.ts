/**
 * Headless mode's report download: `GET /reports/download/<jobId>` streams a finished export as
 * an attachment. The job id is a random UUID handed only to the API caller who started the
 * export, and the host listens on 127.0.0.1; the host may check its own token before calling.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { DOWNLOAD_ROUTE_PREFIX, type ExportService } from './export-service';
import { REPORT_FILE_TYPES } from './report-files';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** Returns a handler that answers report downloads and resolves false for any other URL. */
export function createReportDownloadRoute(service: ExportService): RouteHandler {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!url.pathname.startsWith(DOWNLOAD_ROUTE_PREFIX)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return true;
    }
    const jobId = decodeURIComponent(url.pathname.slice(DOWNLOAD_ROUTE_PREFIX.length));
    const file = /^[\w-]{1,64}$/.test(jobId) ? service.downloadable(jobId) : undefined;
    const size = file
      ? await stat(file.path).then(
          (s) => s.size,
          () => null,
        )
      : null;
    if (!file || size === null) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('No such report.\n');
      return true;
    }
    res.writeHead(200, {
      'Content-Type': REPORT_FILE_TYPES[file.format].contentType,
      'Content-Length': String(size),
      'Content-Disposition': `attachment; filename="${file.fileName}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.method === 'HEAD') {
      res.end();
      return true;
    }
    await pipeline(createReadStream(file.path), res).catch(() => res.destroy());
    return true;
  };
}
