/**
 * BM25 query paths side by side on a bench corpus run.sh built: per query set, ms a query through
 * the TypeScript pruning alone, the WebAssembly kernel's windows, its document blocks, and the
 * per-query choice ('auto'), on the same queries (one warm-up pass, one timed pass each), and how
 * many top 4 differ from the pruning's. How the choices in packages/core/src/bm25/query.ts were
 * read off. INDEX_FILE names another index file in the corpus folder (default index.bin).
 *
 *   npx tsx bench/bm25/paths.ts bench/.out/bm25/real-202499
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { Bm25Index } from '../../packages/core/src/bm25/index';

const dir = process.argv[2] ?? 'bench/.out/bm25/real-202499';
const index = Bm25Index.fromBytes(
  new Uint8Array(readFileSync(join(dir, process.env.INDEX_FILE ?? 'index.bin'))),
);
const sets = z
  .array(z.object({ name: z.string(), queries: z.array(z.string()) }))
  .parse(JSON.parse(readFileSync(join(dir, 'query_sets.json'), 'utf8')));
console.log(`${dir}: ms a query, top 4, ${index.size.toLocaleString('en-US')} passages`);
for (const { name, queries } of sets) {
  const timed: string[] = [];
  const tops: string[][] = [];
  for (const path of ['pruned', 'exhaustive', 'blocks', 'auto'] as const) {
    index.queryPath = path;
    for (const q of queries) index.search(q, 4);
    const t0 = performance.now();
    tops.push(
      queries.map((q) =>
        index
          .search(q, 4)
          .map((h) => h.doc)
          .join(),
      ),
    );
    timed.push(`${path} ${((performance.now() - t0) / queries.length).toFixed(3)}`);
  }
  const differ = tops.slice(1).map((other) => tops[0]!.filter((t, i) => t !== other[i]).length);
  console.log(`${name}: ${timed.join(' | ')}; top 4 differing from pruned ${differ.join('/')}`);
}
