import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Another loopback origin serving a playground manifest and its files, with CORS, as a
 * researcher's own server would (the page takes it through ?manifest=). `file` maps a request
 * path to a file on disk, or null for 404.
 */
export async function serveManifest(
  manifestText: string,
  file: (path: string) => string | null,
): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const headers = { 'access-control-allow-origin': '*' };
    if (path === '/manifest.json') {
      res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(manifestText);
      return;
    }
    const found = path.includes('..') ? null : file(path);
    if (!found || !existsSync(found)) {
      res.writeHead(404, headers).end('Not found');
      return;
    }
    res.writeHead(200, { ...headers, 'content-length': String(statSync(found).size) });
    createReadStream(found).pipe(res);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return server;
}

/** The manifest's URL on that server. */
export function manifestUrl(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/manifest.json`;
}
