import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import sirv from 'sirv';
import { checkToken, isLoopback } from '../env';
import { UserError } from '../errors';
import { WEB_DIST } from '../paths';
import { appRouter } from '../routers/_app';
import type { Workbench } from '../workbench';
import { loopbackHostAllowed, TOKEN_COOKIE, tokenMatches } from './auth';
import { CONTENT_SECURITY_POLICY, withHtmlPolicy } from './csp';
import { batchTooLarge, MAX_BATCH_CALLS } from './limits';
import { REPORT_FILES_PREFIX, serveReportFile } from './reportFiles';

export interface ServeOptions {
  host: string;
  port: number;
  token?: string | undefined;
  webDist?: string | undefined;
  /** Cap on one call's serialised result (MAX_RESPONSE_BYTES by default); tests lower it. */
  maxResponseBytes?: number;
  log?: (line: string) => void;
}

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

const MAX_BODY = 512 * 1024 * 1024;

/**
 * Cross-origin isolation: the page gets SharedArrayBuffer, so onnxruntime-web runs WebAssembly
 * on several threads. Every resource of the app is same-origin, so nothing it loads is blocked.
 */
export const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
} as const;

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>StepER Workbench</title>
<body style="font:16px system-ui;max-width:40em;margin:4em auto">
<h1>StepER Workbench server</h1><p>The API is up at <code>/trpc</code>. The web app is not built yet:
run the web build (apps/web) and reload.</p></body>`;

/**
 * The API (tRPC over HTTP, subscriptions as SSE) and the web app's static files on one server.
 * Loopback by default; any other address requires a token that every request must carry.
 */
export async function startHttpServer(wb: Workbench, opts: ServeOptions): Promise<RunningServer> {
  const loopback = isLoopback(opts.host);
  if (opts.token !== undefined) checkToken(opts.token, 'token');
  if (!loopback && !opts.token) {
    throw new UserError(
      'PRECONDITION_FAILED',
      `Binding to ${opts.host} exposes the workbench beyond this machine: set STEPER_TOKEN (16+ characters) or pass --token, and give it to the clients.`,
    );
  }
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    maxBodySize: MAX_BODY,
    maxBatchSize: MAX_BATCH_CALLS,
    createContext: () => ({ wb, maxResponseBytes: opts.maxResponseBytes }),
    onError({ error, path }) {
      // The whole stack stays here; the client's copy has neither stack nor paths.
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        log(`[trpc] ${path ?? '?'}: ${(error.cause ?? error).stack ?? error.message}`);
      }
    },
  });
  const dist = opts.webDist ?? WEB_DIST;
  const statics = existsSync(join(dist, 'index.html'))
    ? sirv(dist, { single: true, etag: true, gzip: true, brotli: true })
    : null;

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
    if (loopback && !loopbackHostAllowed(req)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden: unexpected Host header.');
      return;
    }
    if (opts.token) {
      if (!tokenMatches(req, url, opts.token)) {
        res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' }).end(
          JSON.stringify({
            error:
              'This server requires a token: send "Authorization: Bearer <token>" or open /?token=<token> once.',
          }),
        );
        return;
      }
      if (url.searchParams.has('token')) {
        res.setHeader(
          'set-cookie',
          `${TOKEN_COOKIE}=${encodeURIComponent(opts.token)}; HttpOnly; SameSite=Strict; Path=/`,
        );
      }
    }
    if (url.pathname === '/trpc' || url.pathname.startsWith('/trpc/')) {
      const tooMany = batchTooLarge(url);
      if (tooMany) {
        // tRPC's error envelope, so clients read the message like any other error.
        res.writeHead(413, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            error: { message: tooMany, code: -32600, data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 } },
          }),
        );
        return;
      }
      trpc(req, res);
      return;
    }
    if (url.pathname.startsWith(REPORT_FILES_PREFIX)) {
      serveReportFile(wb.store, req, res, url.pathname);
      return;
    }
    if (url.pathname === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }));
      return;
    }
    if (statics) {
      statics(req, withHtmlPolicy(res), () => {
        res.writeHead(404).end('Not found');
      });
      return;
    }
    res
      .writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': CONTENT_SECURITY_POLICY,
      })
      .end(NOT_BUILT);
  });
  // SSE streams stay open for long; only idle keep-alive sockets are timed out.
  server.requestTimeout = 0;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    server,
    url: `http://${shownHost}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
