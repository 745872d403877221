/**
 * BM25 benchmark, Node query round (run by run.sh, alternating with bm25s's rounds so that both
 * meet the same load on a shared machine): loads the index file; for each query set, runs its
 * queries twice to warm up, then times one pass, top 4, on this one thread: from the analysed
 * tokens, which bm25s is given too (the comparison), then from the text (what a caller of
 * `search` pays, the analyser included).
 *
 *   npx tsx bench/bm25/node-queries.ts OUT_DIR ROUND
 */
import { closeSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { Bm25Index } from '../../packages/core/src/bm25/index';

const out = process.argv[2] ?? 'bench/.out/bm25';
const round = Number(process.argv[3] ?? 1);
const K = 4;
const WARMUP_PASSES = 2;

let t = performance.now();
const bytes = readWhole(join(out, 'index.bin'));
const readS = (performance.now() - t) / 1000;
t = performance.now();
const index = Bm25Index.fromBytes(bytes);
const loadS = (performance.now() - t) / 1000;
const sets = z
  .array(z.object({ name: z.string(), queries: z.array(z.string()), tokens: z.array(z.array(z.string())) }))
  .parse(JSON.parse(readFileSync(join(out, 'query_sets.json'), 'utf8')));

const results = sets.map(({ name, queries, tokens }) => {
  // Untimed passes first: V8 optimises hot code only after it has run a while (numba, on the
  // bm25s side, compiles before its timed pass in the same way).
  for (let pass = 0; pass < WARMUP_PASSES; pass++) {
    for (const t of tokens) index.searchTerms(t, K);
    for (const q of queries) index.search(q, K);
  }
  const top: number[][] = [];
  const scores: number[][] = [];
  const latencies: number[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const t of tokens) {
    const tq = performance.now();
    const hits = index.searchTerms(t, K);
    latencies.push(performance.now() - tq);
    top.push(hits.map((h) => h.doc));
    scores.push(hits.map((h) => h.score));
  }
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const t1 = performance.now();
  for (const q of queries) index.search(q, K);
  const textWallS = (performance.now() - t1) / 1000;
  return { name, wallS, cpuS: (cpu.user + cpu.system) / 1e6, textWallS, latencies, top, scores };
});
console.error(
  `[bench:node] round ${round}: ${results.map((r) => `${r.name} ${r.wallS.toFixed(2)} s`).join(', ')}`,
);
writeFileSync(join(out, `node-queries-${round}.json`), JSON.stringify({ k: K, readS, loadS, sets: results }));

/** The whole file, read in pieces: readFileSync stops at 2 GiB (the 5M-passage index is 2.3 GB). */
function readWhole(path: string): Uint8Array {
  const size = statSync(path).size;
  const bytes = new Uint8Array(size);
  const fd = openSync(path, 'r');
  try {
    for (let at = 0; at < size; ) {
      const n = readSync(fd, bytes, at, Math.min(1 << 30, size - at), at);
      if (n === 0) throw new Error(`${path}: ended at byte ${at} of ${size}`);
      at += n;
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}
