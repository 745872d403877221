import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { figurePath } from '../reports/folder';
import type { Store } from '../store/store';

export const REPORT_FILES_PREFIX = '/api/reports/';
const ROUTE = /^\/api\/reports\/([A-Za-z0-9_-]{1,100})\/files\/([^/]+)$/;

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(message);
}

/**
 * GET /api/reports/<id>/files/<name>: a report's PNG figure, read-only. Only plain PNG names
 * directly inside that report's folder are served; anything else is 404, whatever it points at.
 */
export function serveReportFile(
  store: Store,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    refuse(res, 405, 'Report files are read-only: use GET.');
    return;
  }
  const m = ROUTE.exec(pathname);
  let name: string | null = null;
  try {
    name = m ? decodeURIComponent(m[2]!) : null;
  } catch {
    name = null;
  }
  const report = m ? store.reports.get(m[1]!) : undefined;
  const file = report && name !== null ? figurePath(report.outDir, name) : null;
  if (!file) {
    refuse(
      res,
      404,
      'No such report file: use /api/reports/<id>/files/<figure>.png with a figure reports.get lists.',
    );
    return;
  }
  res.writeHead(200, {
    'content-type': 'image/png',
    'content-length': String(statSync(file).size),
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'",
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}
