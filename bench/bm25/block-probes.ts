/**
 * Probes of the block path on a bench corpus run.sh built, for one query set (SET, default
 * "5 sentences"), from the analysed tokens, best of ROUNDS alternating rounds (default 5):
 *   - µs a query, whole and in each kernel function (timers around each call, which add ~1 µs a
 *     call to the whole), with the rarer terms' sums loaded ahead and without
 *     (ScoringKernel.touchAhead), on any corpus size;
 *   - the vocabulary lookups of a search (Bm25Index's idsOf) against a Map<string, number> of the
 *     same terms, timed inside whole searches (so with the caches as a search leaves them).
 *
 *   npx tsx bench/bm25/block-probes.ts bench/.out/bm25/synthetic-1000000
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { Bm25Index } from '../../packages/core/src/bm25/index';
import { ScoringKernel } from '../../packages/core/src/bm25/kernel';

const dir = process.argv[2] ?? 'bench/.out/bm25/real-202499';
const setName = process.env.SET ?? '5 sentences';
const rounds = Number(process.env.ROUNDS ?? 5);
const index = Bm25Index.fromBytes(new Uint8Array(readFileSync(join(dir, 'index.bin'))));
const sets = z
  .array(z.object({ name: z.string(), tokens: z.array(z.array(z.string())) }))
  .parse(JSON.parse(readFileSync(join(dir, 'query_sets.json'), 'utf8')));
const queries = sets.find((s) => s.name === setName)?.tokens;
if (!queries) throw new Error(`${dir}: no query set "${setName}"`);
index.queryPath = 'blocks';

// Timers around the kernel's block-path functions.
const FUNCTIONS = [
  'rareBounds',
  'zeroRare',
  'boundDense',
  'histogram',
  'selectBlocks',
  'addDense',
  'gatherRest',
  'pruneBlocks',
  'collectBlocks',
];
const spent = new Map<string, number>();
const proto = ScoringKernel.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
for (const name of FUNCTIONS) {
  const f = proto[name]!;
  proto[name] = function (this: unknown, ...args: unknown[]) {
    const t = performance.now();
    const r = f.apply(this, args);
    spent.set(name, (spent.get(name) ?? 0) + performance.now() - t);
    return r;
  };
}

/** One timed pass: µs a query, whole and per function. */
function pass(): Map<string, number> {
  spent.clear();
  const t0 = performance.now();
  for (const q of queries!) index.searchTerms(q, 4);
  const out = new Map([['whole query', performance.now() - t0], ...spent]);
  for (const [k, v] of out) out.set(k, (v * 1000) / queries!.length);
  return out;
}

const ahead = ScoringKernel.touchAhead;
const variants: [string, () => void][] = [
  [
    'loaded ahead',
    () => {
      ScoringKernel.touchAhead = ahead;
      ScoringKernel.touchAheadMinDocs = 0;
    },
  ],
  [
    'not ahead',
    () => {
      ScoringKernel.touchAhead = 0;
    },
  ],
];
const best = variants.map(() => new Map<string, number>());
for (let r = 0; r < rounds + 1; r++) {
  variants.forEach(([, set], i) => {
    set();
    const got = pass();
    if (r === 0) return; // warm-up
    for (const [k, v] of got) best[i]!.set(k, Math.min(best[i]!.get(k) ?? Number.POSITIVE_INFINITY, v));
  });
}
console.log(`${dir}, ${setName} (${queries.length} queries), blocks path, µs a query, best of ${rounds}`);
for (const k of ['whole query', ...FUNCTIONS]) {
  console.log(
    `  ${k.padEnd(13)} ${variants.map(([name], i) => `${name} ${best[i]!.get(k)?.toFixed(1) ?? '-'}`).join('   ')}`,
  );
}

// The vocabulary inside whole searches, against a Map of the same terms.
const internals = index as unknown as {
  idsOf(terms: readonly string[]): number[];
  vocab: { terms(): string[] };
};
const own = internals.idsOf.bind(index);
const map = new Map(internals.vocab.terms().map((t, id) => [t, id]));
const viaMap = (terms: readonly string[]) => {
  const ids: number[] = [];
  for (const t of terms) {
    const id = map.get(t);
    if (id !== undefined) ids.push(id);
  }
  return ids;
};
for (const q of queries)
  if (viaMap(q).join() !== own(q).join()) throw new Error(`lookups differ: ${q.join(' ')}`);
let lookups = 0;
const timed = (f: (terms: readonly string[]) => number[]) => (terms: readonly string[]) => {
  const t = performance.now();
  const r = f(terms);
  lookups += performance.now() - t;
  return r;
};
const lookupBest = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
for (let r = 0; r < rounds + 1; r++) {
  [own, viaMap].forEach((f, i) => {
    internals.idsOf = timed(f);
    lookups = 0;
    for (const q of queries) index.searchTerms(q, 4);
    if (r > 0) lookupBest[i] = Math.min(lookupBest[i]!, (lookups * 1000) / queries.length);
  });
}
console.log(
  `  term lookups in a search: Vocabulary ${lookupBest[0]!.toFixed(1)} µs, Map ${lookupBest[1]!.toFixed(1)} µs a query (${map.size.toLocaleString('en-US')} terms)`,
);
