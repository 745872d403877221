/**
 * BM25 benchmark, Node build step (run by run.sh): builds the StepER index over one corpus and
 * measures time and memory; writes the index file that node-queries.ts loads, and the very tokens
 * and query sets that bm25s will index and run, so that both engines rank the same token lists.
 *
 *   npx tsx --expose-gc bench/bm25/node-build.ts OUT_DIR
 *   env: BENCH_CORPUS (synthetic | real), BENCH_PASSAGES (1000000), BENCH_QUERIES (per set, 1000),
 *        BENCH_SEED (7)
 */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Bm25Index, bm25Preset, passageDocument } from '../../packages/core/src/bm25/index';
import { benchCorpus, type CorpusKind, querySets } from './corpus';

const out = process.argv[2] ?? 'bench/.out/bm25';
const kind = (process.env.BENCH_CORPUS ?? 'synthetic') as CorpusKind;
const nPassages = Number(process.env.BENCH_PASSAGES ?? 1_000_000);
const nQueries = Number(process.env.BENCH_QUERIES ?? 1000);
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

log(`${kind} corpus, ${nPassages.toLocaleString('en')} passages`);
let t = performance.now();
const bench = benchCorpus(kind, seed, nPassages);
const { source, corpus } = bench;
log(`corpus (${source}) in ${((performance.now() - t) / 1000).toFixed(1)} s`);

await settle();
const before = process.memoryUsage();
t = performance.now();
let cpu = cpuS();
// Real text is indexed as imported datasets are (IRCoT's English analyser over the passage text),
// but with exact document lengths, as bm25s has them, so that both rank by the same scores; the
// synthetic world as the demo (the StepER analyser over title + text).
const analyzer = kind === 'real' ? 'english' : 'steper';
const index = Bm25Index.build(corpus, { ...bm25Preset(analyzer), docLengths: 'exact' });
const buildS = (performance.now() - t) / 1000;
const buildCpuS = cpuS() - cpu;
await settle();
const after = process.memoryUsage();
log(`built in ${buildS.toFixed(1)} s: ${index.vocabularySize} terms, ${index.postingCount} postings`);

// Written as the server writes it: the index's own arrays, one after another.
t = performance.now();
cpu = cpuS();
const fd = openSync(join(out, 'index.bin'), 'w');
let fileBytes = 0;
for (const chunk of index.chunks()) fileBytes += writeSync(fd, chunk);
closeSync(fd);
const saveS = (performance.now() - t) / 1000;
const saveCpuS = cpuS() - cpu;
const peakRssMb = process.resourceUsage().maxRSS / 1024;

// The exact tokens both engines index: this analyser's output, as ids into a shared vocabulary.
const vocab = new Map<string, number>();
let flat = new Uint32Array(1 << 24);
const offsets = new Uint32Array(corpus.length + 1);
let n = 0;
for (let d = 0; d < corpus.length; d++) {
  for (const tok of index.analyze(passageDocument(corpus[d]!, index.fields))) {
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
// The raw texts, for timing bm25s's own tokeniser (one JSON string a line, written in chunks).
const texts = openSync(join(out, 'corpus_texts.jsonl'), 'w');
for (let d = 0; d < corpus.length; d += 10_000) {
  const chunk = corpus
    .slice(d, d + 10_000)
    .map((p) => `${JSON.stringify(passageDocument(p, index.fields))}\n`);
  writeSync(texts, chunk.join(''));
}
closeSync(texts);
writeFileSync(join(out, 'corpus_offsets.u32'), offsets);
writeFileSync(join(out, 'vocab.txt'), [...vocab.keys()].join('\n'));
const sets = querySets(bench, (text) => index.analyze(text), seed, nQueries);
writeFileSync(
  join(out, 'query_sets.json'),
  JSON.stringify(sets.map((s) => ({ ...s, tokens: s.queries.map((q) => index.analyze(q)) }))),
);

writeFileSync(
  join(out, 'node-build.json'),
  JSON.stringify({
    engine: `StepER Bm25Index (Node ${process.version})`,
    kind,
    source,
    passages: corpus.length,
    tokens: n,
    vocabulary: index.vocabularySize,
    postings: index.postingCount,
    queries: nQueries,
    buildS,
    buildCpuS,
    indexArraysMb: mb(index.postingBytes),
    heapDeltaMb: mb(after.heapUsed - before.heapUsed),
    arrayBuffersDeltaMb: mb(after.arrayBuffers - before.arrayBuffers),
    rssAfterBuildMb: mb(after.rss),
    rssDeltaMb: mb(after.rss - before.rss),
    peakRssMb,
    fileMb: mb(fileBytes),
    analyzer,
    saveS,
    saveCpuS,
  }),
);
log(`wrote ${out}`);
