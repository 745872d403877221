import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../src/bm25/index';
import type { Passage } from '../src/types/data';

const p = (id: string, title: string, text: string): Passage => ({ id, title, text });

const corpus: Passage[] = [
  p('z', 'Harbor', 'A quiet harbor town.'),
  p('y', 'Harbor', 'A quiet harbor town.'), // same text as z: a tie, z is the lower doc
  p('x', 'Mountain', 'A mountain far from any harbor, harbor, harbor.'),
  p('w', 'Desert', 'Sand and sun.'),
  p('v', 'Harbor', 'A quiet harbor town.'),
];

describe('Bm25Index.search', () => {
  const index = Bm25Index.build(corpus);

  it('orders by score, ties to the lower document number', () => {
    const hits = index.search('harbor', 10);
    expect(hits.map((h) => h.id)).toEqual(['z', 'y', 'v', 'x']);
    expect(hits[0]!.score).toBe(hits[1]!.score);
    expect(hits[1]!.score).toBe(hits[2]!.score);
    expect(hits[2]!.score).toBeGreaterThan(hits[3]!.score);
    expect(hits.map((h) => h.doc)).toEqual([0, 1, 4, 2]);
  });

  it('cuts ties at k by document number', () => {
    expect(index.search('harbor', 2).map((h) => h.id)).toEqual(['z', 'y']);
    expect(index.search('quiet harbor', 1).map((h) => h.id)).toEqual(['z']);
  });

  it('returns only matching passages when k exceeds them', () => {
    expect(index.search('sand', 10).map((h) => h.id)).toEqual(['w']);
    expect(
      index
        .search('mountain desert', 4)
        .map((h) => h.id)
        .sort(),
    ).toEqual(['w', 'x']);
  });

  it('returns nothing for an empty query, stop words only, or unknown words', () => {
    expect(index.search('', 4)).toEqual([]);
    expect(index.search('the of and a', 4)).toEqual([]);
    expect(index.search('volcano', 4)).toEqual([]);
    expect(index.search('harbor', 0)).toEqual([]);
  });

  it('searches analysed terms as it searches the text they come from', () => {
    const text = "The harbor's quiet towns";
    const terms = index.analyze(text);
    expect(terms).toContain('harbor');
    expect(index.searchTerms(terms, 4)).toEqual(index.search(text, 4));
    expect(index.searchTerms(['harbor', 'not-a-term'], 2).map((h) => h.id)).toEqual(['z', 'y']);
    expect(() => index.searchTerms(terms, -1)).toThrow(/k must be a non-negative integer/);
  });

  it('rejects a k that is not a non-negative integer', () => {
    expect(() => index.search('harbor', -1)).toThrow(/k must be a non-negative integer/);
    expect(() => index.search('harbor', 2.5)).toThrow(/k must be a non-negative integer/);
  });

  it('leaves out excluded passage ids and fills up from below', () => {
    expect(index.search('harbor', 2, new Set(['z'])).map((h) => h.id)).toEqual(['y', 'v']);
    expect(index.search('harbor', 10, new Set(['z', 'y', 'v', 'x']))).toEqual([]);
    expect(index.search('harbor', 2, new Set(['not-there'])).map((h) => h.id)).toEqual(['z', 'y']);
  });

  it('answers repeated searches the same way (its scratch space is reset)', () => {
    const first = index.search('quiet harbor town', 3);
    index.search('sand sun mountain', 3);
    expect(index.search('quiet harbor town', 3)).toEqual(first);
  });

  it('searches title + text, Unicode-aware', () => {
    const u = Bm25Index.build([p('a', 'Zoë Ñandú', 'A singer.'), p('b', 'Other', 'Москва is a city.')]);
    expect(u.search('ZOË', 1).map((h) => h.id)).toEqual(['a']);
    expect(u.search('Zoe\u0308', 1).map((h) => h.id)).toEqual(['a']);
    expect(u.search('москва', 1).map((h) => h.id)).toEqual(['b']);
  });

  it('reports its size and keeps ids and passages by document number', () => {
    expect(index.size).toBe(5);
    expect(index.id(3)).toBe('w');
    expect(index.passage(2)).toEqual(corpus[2]);
    expect(index.docOf('v')).toBe(4);
    expect(index.docOf('nope')).toBeUndefined();
    expect(() => index.passage(5)).toThrow(/out of range/);
  });
});

describe('Bm25Index.build', () => {
  it('refuses an empty corpus with a clear error', () => {
    expect(() => Bm25Index.build([])).toThrow(/corpus is empty/);
  });

  it('indexes passages with no words (they just never match)', () => {
    const index = Bm25Index.build([p('a', '', ''), p('b', 'Lake', 'A lake.')]);
    expect(index.size).toBe(2);
    expect(index.search('lake', 5).map((h) => h.id)).toEqual(['b']);
  });

  it('consumes a generator once', () => {
    function* gen() {
      for (let i = 0; i < 50; i++) yield p(`g${i}`, `Item ${i}`, `number ${i} of fifty`);
    }
    const index = Bm25Index.build(gen());
    expect(index.size).toBe(50);
    expect(index.search('item 7', 1)[0]?.id).toBe('g7');
  });

  it('names the passage and field of bad input', () => {
    expect(() => Bm25Index.build([p('a', 'A', 'x'), p('a', 'B', 'y')])).toThrow(
      /duplicate passage id "a" at #1 \(first at #0\)/,
    );
    expect(() => Bm25Index.build([p('', 'A', 'x')])).toThrow(/passage #0: "id" must be a non-empty string/);
    expect(() => Bm25Index.build([{ id: 'a', title: 'A' } as Passage])).toThrow(
      /passage #0 \(id "a"\): "text"/,
    );
  });

  it('with storeText: false keeps ids only', () => {
    const index = Bm25Index.build([p('a', 'Lake', 'A lake.')], { storeText: false });
    expect(index.search('lake', 1)[0]?.id).toBe('a');
    expect(() => index.passage(0)).toThrow(/storeText: false/);
  });
});
