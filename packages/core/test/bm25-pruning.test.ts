import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bm25Index } from '../src/bm25/index';
import { ScoringKernel } from '../src/bm25/kernel';
import type { Passage } from '../src/types/data';
import { Rng } from '../src/util/rng';

/**
 * Block-max pruning against exhaustive scoring (scoreAll) on a corpus large enough for many
 * windows (4,096 documents) and blocks (128 postings): Zipf-distributed words, so common terms
 * have long columns, varied lengths, and exact duplicates far apart (ties across windows).
 */
function zipfWorld(seed: number, nDocs: number) {
  const rng = new Rng(seed);
  const vocab = Array.from({ length: 4000 }, (_, i) => `w${i}`);
  const word = () => vocab[Math.floor(vocab.length * rng.next() ** 3)]!;
  const passages: Passage[] = [];
  for (let i = 0; i < nDocs; i++) {
    if (i > 100 && rng.next() < 0.03) {
      const src = passages[rng.int(passages.length)]!;
      passages.push({ id: `d${i}`, title: src.title, text: src.text }); // a tie, far from its twin
      continue;
    }
    const length = rng.next() < 0.2 ? 1 + rng.int(4) : 5 + rng.int(rng.next() < 0.1 ? 400 : 80);
    passages.push({ id: `d${i}`, title: word(), text: Array.from({ length }, word).join(' ') });
  }
  return { passages, word, rng };
}

function exhaustive(all: Float64Array, k: number, keep: (d: number) => boolean = () => true): number[] {
  return [...all.keys()]
    .filter((d) => all[d]! > 0 && keep(d))
    .sort((a, b) => all[b]! - all[a]! || a - b)
    .slice(0, k);
}

const LENGTHS = [1, 2, 3, 4, 5, 6, 8, 12, 16, 24, 32, 48, 64, 80, 100];

/**
 * Checks `perLength` queries of each of LENGTHS terms against exhaustive scoring, top 1, 4, 10
 * and 50, documents and scores; returns how many rankings it compared.
 */
function checkQueries(
  index: Bm25Index,
  passages: Passage[],
  word: () => string,
  rng: Rng,
  perLength: number,
): number {
  let checked = 0;
  for (const n of LENGTHS) {
    for (let q = 0; q < perLength; q++) {
      // Running text of a passage (its words score high together) or random words.
      const src = passages[rng.int(passages.length)]!.text.split(' ');
      const words =
        q % 2 === 0
          ? Array.from({ length: n }, (_, i) => src[i % src.length]!)
          : Array.from({ length: n }, word);
      const query = words.join(' ');
      const all = index.scoreAll(query);
      for (const k of [1, 4, 10, 50]) {
        const hits = index.search(query, k);
        expect(hits.map((h) => h.doc)).toEqual(exhaustive(all, k));
        for (const h of hits) expect(h.score).toBe(all[h.doc]);
        checked++;
      }
    }
  }
  return checked;
}

// Each query path against exhaustive scoring: the one 'auto' picks per query, the TypeScript
// engine's pruning alone, and the WebAssembly kernel's windows or its document blocks for every
// query (even single terms).
describe.each(['auto', 'pruned', 'exhaustive', 'blocks'] as const)('block-max pruning, %s path', (path) => {
  const { passages, word, rng } = zipfWorld(3, 14_000);
  const index = Bm25Index.build(passages);
  index.queryPath = path;

  it('returns exactly the exhaustive top-k for queries of 1 to 100 terms', () => {
    expect(checkQueries(index, passages, word, rng, 12)).toBe(LENGTHS.length * 12 * 4);
  }, 60_000);

  it('keeps the exhaustive order among exact ties in different windows', () => {
    let tied = 0;
    for (let q = 0; q < 40; q++) {
      const p = passages[rng.int(passages.length)]!;
      const query = `${p.title} ${p.text}`;
      const all = index.scoreAll(query);
      const expected = exhaustive(all, 4);
      expect(index.search(query, 4).map((h) => h.doc)).toEqual(expected);
      if (expected.length > 1 && all[expected[0]!] === all[expected[1]!]) tied++;
    }
    expect(tied).toBeGreaterThan(0);
  }, 60_000);

  it('with an exclusion set, equals filtering the exhaustive ranking', () => {
    for (const n of LENGTHS) {
      const query = Array.from({ length: n }, word).join(' ');
      const all = index.scoreAll(query);
      const top = exhaustive(all, 20);
      const excluded = new Set(top.filter((_, i) => i % 2 === 0).map((d) => passages[d]!.id));
      const hits = index.search(query, 4, excluded);
      expect(hits.map((h) => h.doc)).toEqual(exhaustive(all, 4, (d) => !excluded.has(passages[d]!.id)));
    }
  }, 60_000);

  it('answers a query of more common terms than the blocks take (64) exactly', () => {
    // w0 … w99 are the commonest words: each in most blocks of 16 documents.
    const query = Array.from({ length: 100 }, (_, i) => `w${i}`).join(' ');
    const all = index.scoreAll(query);
    expect(index.search(query, 10).map((h) => h.doc)).toEqual(exhaustive(all, 10));
  });

  it('counts a repeated query word again', () => {
    const once = index.scoreAll('w1 w2');
    const twice = index.scoreAll('w1 w1 w2');
    expect(index.search('w1 w1 w2', 5).map((h) => h.doc)).toEqual(exhaustive(twice, 5));
    const d = exhaustive(twice, 1)[0]!;
    expect(twice[d]).toBeGreaterThan(once[d]!);
  });

  it(path === 'pruned' ? 'never makes the kernel' : 'scores through the WebAssembly kernel', () => {
    index.search(Array.from({ length: 40 }, word).join(' '), 4);
    expect(index.usesKernel).toBe(path !== 'pruned');
  });
});

// The block path as on large corpora, where the rarer terms' sums are loaded a run of postings
// ahead: here runs of 3, so that runs end inside every column and at its end.
describe('block-max pruning, blocks path, sums loaded ahead', () => {
  const { passages, word, rng } = zipfWorld(5, 14_000);
  const index = Bm25Index.build(passages);
  index.queryPath = 'blocks';
  const saved = { ahead: ScoringKernel.touchAhead, minDocs: ScoringKernel.touchAheadMinDocs };
  beforeAll(() => {
    ScoringKernel.touchAhead = 3;
    ScoringKernel.touchAheadMinDocs = 0;
  });
  afterAll(() => {
    ScoringKernel.touchAhead = saved.ahead;
    ScoringKernel.touchAheadMinDocs = saved.minDocs;
  });

  it('returns exactly the exhaustive top-k for queries of 1 to 100 terms', () => {
    expect(checkQueries(index, passages, word, rng, 6)).toBe(LENGTHS.length * 6 * 4);
  }, 60_000);
});

// A few distinct passages repeated in a random order: most blocks share one of a few bounds, so a
// band can hold far more blocks than it asked for, and equal scores lie in blocks of every bound;
// the lowest-numbered of them must still win.
describe.each(['auto', 'blocks'] as const)('many equal passages, %s path', (path) => {
  const templates = [
    'alpha beta',
    'alpha alpha gamma delta',
    'beta beta beta epsilon',
    'alpha beta beta zeta eta theta',
    'gamma omega',
    'delta epsilon zeta eta theta iota kappa',
  ];
  const rng = new Rng(11);
  const passages: Passage[] = Array.from({ length: 9000 }, (_, i) => ({
    id: `t${i}`,
    title: '',
    text: templates[rng.int(templates.length)]!,
  }));
  const index = Bm25Index.build(passages);
  index.queryPath = path;

  it('returns the exhaustive top-k, ties to the lower document', () => {
    const words = 'alpha beta gamma delta epsilon zeta eta theta iota kappa omega'.split(' ');
    let checked = 0;
    for (let q = 0; q < 60; q++) {
      const n = 1 + (q % 9);
      const query = Array.from({ length: n }, () => words[rng.int(words.length)]!).join(' ');
      const all = index.scoreAll(query);
      for (const k of [1, 4, 10]) {
        expect(index.search(query, k).map((h) => h.doc)).toEqual(exhaustive(all, k));
        checked++;
      }
    }
    expect(checked).toBe(180);
  });
});
