import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../src/bm25/index';
import { PassageSchema } from '../src/types/data';

const corpus = PassageSchema.array().parse(
  JSON.parse(readFileSync(new URL('./fixtures/bm25/tiny-corpus.json', import.meta.url), 'utf8')),
);

/** Scores are stored as float32: equal to the float64 formula within ~1e-7 relative. */
function expectClose(actual: number | undefined, expected: number): void {
  expect(actual).toBeDefined();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(1e-6 * Math.abs(expected));
}

// Analysed by hand (stop words "is", "a", "by", "was", "in", "the", "of" removed):
//   blue-harbor  blue harbor | blue harbor film directed ada reyes     dl = 8
//   ada-reyes    ada reyes | ada reyes director reyes born lima        dl = 8
//   lima         lima | lima capital peru                              dl = 4
// N = 3, avgdl = 20/3, k1 = 1.2, b = 0.75, so
//   norm(dl = 8) = 1.2·(0.25 + 0.75·8/(20/3)) = 1.38,  norm(dl = 4) = 1.2·(0.25 + 0.45) = 0.84
//   idf(n = 2) = ln(1 + 1.5/2.5) = ln 1.6,              idf(n = 1) = ln(1 + 2.5/1.5) = ln(8/3)
describe('Lucene BM25 scores equal the formula', () => {
  const index = Bm25Index.build(corpus);

  it('one term, different tf', () => {
    const hits = index.search('Reyes', 10);
    expect(hits.map((h) => h.id)).toEqual(['ada-reyes', 'blue-harbor']);
    expectClose(hits[0]?.score, (Math.log(1.6) * 3 * 2.2) / (3 + 1.38));
    expectClose(hits[1]?.score, (Math.log(1.6) * 1 * 2.2) / (1 + 1.38));
  });

  it('two terms sum, with length normalisation', () => {
    const hits = index.search('Lima, Peru', 10);
    expect(hits.map((h) => h.id)).toEqual(['lima', 'ada-reyes']);
    expectClose(
      hits[0]?.score,
      (Math.log(1.6) * 2 * 2.2) / (2 + 0.84) + (Math.log(8 / 3) * 2.2) / (1 + 0.84),
    );
    expectClose(hits[1]?.score, (Math.log(1.6) * 2.2) / (1 + 1.38));
  });

  it('a repeated query term counts twice', () => {
    const once = index.search('peru', 1)[0]!.score;
    expectClose(index.search('peru peru', 1)[0]?.score, 2 * once);
    expectClose(once, (Math.log(8 / 3) * 2.2) / (1 + 0.84));
  });

  it('other k1 and b are honoured', () => {
    const other = Bm25Index.build(corpus, { k1: 2, b: 0 });
    // b = 0: norm = k1 for every document.
    expectClose(other.search('reyes', 1)[0]?.score, (Math.log(1.6) * 3 * 3) / (3 + 2));
    expect(other.params).toEqual({ k1: 2, b: 0 });
  });

  it('score gives one passage its score, 0 when no term matches', () => {
    expectClose(
      index.score('Lima, Peru', 2),
      (Math.log(1.6) * 2 * 2.2) / (2 + 0.84) + (Math.log(8 / 3) * 2.2) / (1 + 0.84),
    );
    expect(index.score('Lima, Peru', 0)).toBe(0);
    expect(() => index.score('lima', 3)).toThrow(/out of range/);
  });

  it('scoreAll gives every document its score and zero where no term matches', () => {
    const all = index.scoreAll('reyes');
    expect(all).toHaveLength(3);
    expectClose(all[1], (Math.log(1.6) * 3 * 2.2) / (3 + 1.38));
    expect(all[2]).toBe(0);
  });

  it('rejects parameters out of range', () => {
    expect(() => Bm25Index.build(corpus, { b: 1.5 })).toThrow(/0 ≤ b ≤ 1/);
    expect(() => Bm25Index.build(corpus, { k1: -1 })).toThrow(/k1 ≥ 0/);
  });
});
