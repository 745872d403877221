/**
 * BM25 benchmark, Node build step (run by run.sh): builds the StepER index over the synthetic
 * corpus and measures time and memory; writes the index file that node-queries.ts loads, and the
 * very tokens and queries that bm25s will index, so that both engines rank the same token lists.
 *
 *   npx tsx --expose-gc bench/bm25/node-build.ts OUT_DIR
 *   env: BENCH_PASSAGES (1000000), BENCH_QUERIES (2000), BENCH_SEED (7)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bm25Index, passageDocument } from '../../packages/core/src/bm25/index';
import { benchCorpus } from './corpus';

const out = process.argv[2] ?? 'bench/.out/bm25';
const nPassages = Number(process.env.BENCH_PASSAGES ?? 1_000_000);
const nQueries = Number(process.env.BENCH_QUERIES ?? 2000);
const seed = Number(process.env.BENCH_SEED ?? 7);

const mb = (bytes: number) => bytes / 2 ** 20;
const log = (msg: string) => console.error(`[bench:node] ${msg}`);
const cpuS = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};
/** A full collection, twice with a pause, so freed typed arrays are really gone from the figures. */
async function settle(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  await new Promise((r) => setTimeout(r, 200));
  gc();
}

log(`generating ${nPassages.toLocaleString('en')} passages and ${nQueries} queries`);
let t = performance.now();
const { source, corpus, queries } = benchCorpus(seed, nPassages, nQueries);
log(`corpus (${source}) in ${((performance.now() - t) / 1000).toFixed(1)} s`);

await settle();
const before = process.memoryUsage();
t = performance.now();
let cpu = cpuS();
const index = Bm25Index.build(corpus);
const buildS = (performance.now() - t) / 1000;
const buildCpuS = cpuS() - cpu;
await settle();
const after = process.memoryUsage();
const peakRssMb = process.resourceUsage().maxRSS / 1024;
log(`built in ${buildS.toFixed(1)} s: ${index.vocabularySize} terms, ${index.postingCount} postings`);

t = performance.now();
cpu = cpuS();
const bytes = index.toBytes();
const saveS = (performance.now() - t) / 1000;
const saveCpuS = cpuS() - cpu;
writeFileSync(join(out, 'index.bin'), bytes);

// The exact tokens both engines index: this analyser's output, as ids into a shared vocabulary.
const vocab = new Map<string, number>();
let flat = new Uint32Array(1 << 24);
const offsets = new Uint32Array(corpus.length + 1);
let n = 0;
for (let d = 0; d < corpus.length; d++) {
  for (const tok of index.analyze(passageDocument(corpus[d]!))) {
    let id = vocab.get(tok);
    if (id === undefined) {
      id = vocab.size;
      vocab.set(tok, id);
    }
    if (n === flat.length) {
      const grown = new Uint32Array(flat.length * 2);
      grown.set(flat);
      flat = grown;
    }
    flat[n++] = id;
  }
  offsets[d + 1] = n;
}
writeFileSync(join(out, 'corpus_tokens.u32'), flat.subarray(0, n));
writeFileSync(join(out, 'corpus_offsets.u32'), offsets);
writeFileSync(join(out, 'vocab.txt'), [...vocab.keys()].join('\n'));
writeFileSync(join(out, 'query_tokens.json'), JSON.stringify(queries.map((q) => index.analyze(q))));
writeFileSync(join(out, 'queries.json'), JSON.stringify(queries));

writeFileSync(
  join(out, 'node-build.json'),
  JSON.stringify({
    engine: `StepER Bm25Index (Node ${process.version})`,
    source,
    passages: corpus.length,
    tokens: n,
    vocabulary: index.vocabularySize,
    postings: index.postingCount,
    queries: queries.length,
    buildS,
    buildCpuS,
    indexArraysMb: mb(index.postingBytes),
    heapDeltaMb: mb(after.heapUsed - before.heapUsed),
    arrayBuffersDeltaMb: mb(after.arrayBuffers - before.arrayBuffers),
    rssAfterBuildMb: mb(after.rss),
    rssDeltaMb: mb(after.rss - before.rss),
    peakRssMb,
    fileMb: mb(bytes.length),
    saveS,
    saveCpuS,
  }),
);
log(`wrote ${out}`);
