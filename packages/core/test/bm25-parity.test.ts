import { describe, expect, it } from 'vitest';
import { Bm25Index, passageDocument } from '../src/bm25/index';
import { createAnalyzer } from '../src/text/index';
import type { Passage } from '../src/types/data';
import { Rng } from '../src/util/rng';

/** Textbook BM25 in float64, one Map per document: slow, obvious, independent of the index. */
function naiveScores(docs: string[][], query: string[], k1 = 1.2, b = 0.75): number[] {
  const n = docs.length;
  const avgdl = docs.reduce((s, d) => s + d.length, 0) / n;
  const tfs = docs.map((d) => {
    const m = new Map<string, number>();
    for (const t of d) m.set(t, (m.get(t) ?? 0) + 1);
    return m;
  });
  const df = new Map<string, number>();
  for (const m of tfs) for (const t of m.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  return tfs.map((m, i) => {
    let s = 0;
    for (const t of query) {
      const tf = m.get(t) ?? 0;
      if (tf === 0) continue;
      const idf = Math.log(1 + (n - df.get(t)! + 0.5) / (df.get(t)! + 0.5));
      s += (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * docs[i]!.length) / avgdl));
    }
    return s;
  });
}

/** Zipf-like word draws over a small vocabulary: common words, rare words and many ties. */
function randomWorld(seed: number, nDocs: number) {
  const rng = new Rng(seed);
  const vocab = Array.from({ length: 80 }, (_, i) => `w${i}`);
  const word = () => vocab[Math.floor(vocab.length * rng.next() ** 2.5)]!;
  const passages: Passage[] = [];
  for (let i = 0; i < nDocs; i++) {
    const title = Array.from({ length: 1 + rng.int(3) }, word).join(' ');
    const text = Array.from({ length: 3 + rng.int(40) }, word).join(' ');
    passages.push({ id: `r${i}`, title, text });
    if (rng.next() < 0.1) passages.push({ id: `r${i}-copy`, title, text }); // exact ties
  }
  const queries = Array.from({ length: 250 }, () => Array.from({ length: 1 + rng.int(8) }, word).join(' '));
  return { passages, queries };
}

describe('parity with a naive BM25', () => {
  const { passages, queries } = randomWorld(11, 300);
  const index = Bm25Index.build(passages);
  const analyze = createAnalyzer();
  const docs = passages.map((p) => analyze(passageDocument(p)));

  it('gives every returned passage its naive score and the naive top-k score list', () => {
    for (const query of queries) {
      const ref = naiveScores(docs, analyze(query));
      const matching = ref.filter((s) => s > 0).length;
      const refTop = [...ref].sort((a, b) => b - a).slice(0, Math.min(10, matching));
      const hits = index.search(query, 10);
      expect(hits).toHaveLength(refTop.length);
      hits.forEach((h, i) => {
        expect(Math.abs(h.score - ref[h.doc]!)).toBeLessThanOrEqual(1e-6 * ref[h.doc]!);
        expect(Math.abs(h.score - refTop[i]!)).toBeLessThanOrEqual(1e-6 * refTop[i]!);
      });
    }
  });

  it('pruned top-k is exactly the exhaustive top-k, ties to the lower doc', () => {
    let ties = 0;
    for (const query of queries) {
      const all = index.scoreAll(query);
      for (const k of [1, 4, 25]) {
        const expected = [...all.keys()]
          .filter((d) => all[d]! > 0)
          .sort((a, b) => all[b]! - all[a]! || a - b)
          .slice(0, k)
          .map((d) => ({ id: passages[d]!.id, doc: d, score: all[d]! }));
        const hits = index.search(query, k);
        expect(hits).toEqual(expected);
        for (const h of hits) expect(index.score(query, h.doc)).toBe(h.score);
        for (let i = 1; i < hits.length; i++) if (hits[i]!.score === hits[i - 1]!.score) ties++;
      }
    }
    expect(ties).toBeGreaterThan(50); // the fixture really exercises tie-breaking
  });

  it('exclusion equals filtering the exhaustive ranking', () => {
    const rng = new Rng(5);
    for (const query of queries.slice(0, 60)) {
      const all = index.scoreAll(query);
      const exclude = new Set(rng.sample(passages, 60).map((p) => p.id));
      const expected = [...all.keys()]
        .filter((d) => all[d]! > 0 && !exclude.has(passages[d]!.id))
        .sort((a, b) => all[b]! - all[a]! || a - b)
        .slice(0, 4)
        .map((d) => passages[d]!.id);
      expect(index.search(query, 4, exclude).map((h) => h.id)).toEqual(expected);
    }
  });
});
