import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DEMO_DIR } from './playground-node';
import { sha256File } from './trainer-build';

/** The demo world's index, which an exported student's manifest can point to. */
const DEMO_INDEX = join(DEMO_DIR, 'synthetic', 'bm25.index');
const DEMO_INDEX_SERVED = 'synthetic/bm25.index';

/** A manifest's file entry: where it is served, its size and sha256. */
export async function manifestFile(served: string, path: string) {
  return { path: served, bytes: statSync(path).size, sha256: await sha256File(path) };
}

/** The demo manifest's corpus entry, its index served by `serveManifest`. */
export async function demoCorpus() {
  const demo = JSON.parse(readFileSync(join(DEMO_DIR, 'manifest.json'), 'utf8'));
  return { ...demo.corpus, index: await manifestFile(DEMO_INDEX_SERVED, DEMO_INDEX) };
}

/**
 * Another loopback origin serving a playground manifest and its files, with CORS, as a
 * researcher's own server would (the page takes it through ?manifest=): the student's folder
 * `dir` under /`prefix`/, and the demo index.
 */
export async function serveManifest(
  manifestText: string,
  student: { prefix: string; dir: string },
): Promise<Server> {
  const file = (path: string): string | null =>
    path.startsWith(`/${student.prefix}/`)
      ? join(student.dir, path.slice(student.prefix.length + 2))
      : path === `/${DEMO_INDEX_SERVED}`
        ? DEMO_INDEX
        : null;
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
