/**
 * Model and index files, fetched once and kept in the Cache API under their sha256 (a rebuilt
 * file gets a new key; older entries for the same path are dropped). One progress over all
 * files, cache loads included: every byte read, from the network or the cache, counts.
 */

export interface FileSpec {
  url: string;
  bytes: number;
  sha256: string;
}

export interface LoadProgress {
  loaded: number;
  total: number;
  /** The file being read, its name relative to the page. */
  file: string;
  fromCache: boolean;
  filesDone: number;
  filesTotal: number;
}

export class MissingFileError extends Error {}

const CACHE_NAME = 'steper-playground-v1';

function cacheKey(spec: FileSpec): string {
  const url = new URL(spec.url, self.location.href);
  url.searchParams.set('sha256', spec.sha256);
  return url.href;
}

async function openCache(notes: string[]): Promise<Cache | null> {
  if (typeof caches === 'undefined') {
    notes.push(
      'the Cache API is not available here (it needs a secure context): files are fetched every time',
    );
    return null;
  }
  try {
    return await caches.open(CACHE_NAME);
  } catch (err) {
    notes.push(`the Cache API refused to open (${(err as Error).message}): files are fetched every time`);
    return null;
  }
}

async function readAll(
  response: Response,
  expected: number,
  onBytes: (n: number) => void,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  if (!response.body) {
    const buf = new Uint8Array(await response.arrayBuffer());
    onBytes(buf.byteLength);
    return buf;
  }
  const out = new Uint8Array(expected);
  let at = 0;
  const reader = response.body.getReader();
  for (;;) {
    signal?.throwIfAborted();
    const { done, value } = await reader.read();
    if (done) break;
    if (at + value.byteLength > out.byteLength) {
      throw new Error(
        `${response.url}: larger than the ${expected} bytes the manifest lists; rebuild the manifest`,
      );
    }
    out.set(value, at);
    at += value.byteLength;
    onBytes(value.byteLength);
  }
  if (at !== expected) {
    throw new Error(`${response.url}: ${at} bytes, the manifest lists ${expected}; rebuild the manifest`);
  }
  return out;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export interface LoadedFiles {
  files: Uint8Array[];
  /** Bytes read from the Cache API rather than the network. */
  fromCacheBytes: number;
}

/** Reads every file in order; `notes` collects what the caller should show (cache problems). */
export async function loadFiles(
  specs: readonly FileSpec[],
  onProgress: (p: LoadProgress) => void,
  notes: string[],
  signal?: AbortSignal,
): Promise<LoadedFiles> {
  const cache = await openCache(notes);
  const total = specs.reduce((n, s) => n + s.bytes, 0);
  let loaded = 0;
  let fromCacheBytes = 0;
  const out: Uint8Array[] = [];
  for (const [i, spec] of specs.entries()) {
    const key = cacheKey(spec);
    const cached = cache ? await cache.match(key) : undefined;
    const fromCache = cached !== undefined;
    const report = () =>
      onProgress({ loaded, total, file: spec.url, fromCache, filesDone: i, filesTotal: specs.length });
    report();
    let response = cached;
    if (!response) {
      try {
        response = await fetch(spec.url, signal ? { signal } : {});
      } catch (err) {
        throw new Error(`${spec.url}: could not be fetched (${(err as Error).message})`);
      }
      if (response.status === 404) {
        throw new MissingFileError(
          `${spec.url} is missing (HTTP 404): rebuild public/demo with scripts/build-demo-student.sh and rebuild the web app`,
        );
      }
      if (!response.ok) throw new Error(`${spec.url}: HTTP ${response.status} ${response.statusText}`);
    }
    let last = 0;
    const bytes = await readAll(
      response,
      spec.bytes,
      (n) => {
        loaded += n;
        // At most ~100 reports per file: progress events cross to the page.
        if (loaded - last >= spec.bytes / 100) {
          last = loaded;
          report();
        }
      },
      signal,
    );
    if (!fromCache) {
      const hash = await sha256Hex(bytes);
      if (hash !== spec.sha256) {
        throw new Error(`${spec.url}: sha256 ${hash} differs from the manifest's; rebuild the manifest`);
      }
      if (cache) await store(cache, key, spec, bytes, notes);
    }
    if (fromCache) fromCacheBytes += bytes.byteLength;
    out.push(bytes);
  }
  onProgress({
    loaded,
    total,
    file: '',
    fromCache: false,
    filesDone: specs.length,
    filesTotal: specs.length,
  });
  return { files: out, fromCacheBytes };
}

async function store(
  cache: Cache,
  key: string,
  spec: FileSpec,
  bytes: Uint8Array,
  notes: string[],
): Promise<void> {
  try {
    const path = new URL(spec.url, self.location.href).pathname;
    for (const old of await cache.keys()) {
      if (new URL(old.url).pathname === path && old.url !== key) await cache.delete(old);
    }
    await cache.put(
      key,
      new Response(bytes as Uint8Array<ArrayBuffer>, {
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.byteLength) },
      }),
    );
  } catch (err) {
    notes.push(`${spec.url} was not cached (${(err as Error).message}); it is fetched again next time`);
  }
}

/** Files of this page's cache, for the playground's "clear cache" button. */
export async function clearFileCache(): Promise<boolean> {
  return typeof caches !== 'undefined' ? caches.delete(CACHE_NAME) : false;
}
