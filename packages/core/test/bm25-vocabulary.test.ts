import { describe, expect, it } from 'vitest';
import { Vocabulary } from '../src/bm25/vocabulary';
import { Rng } from '../src/util/rng';

describe('Vocabulary', () => {
  const rng = new Rng(17);
  // Many terms (the table's probes collide), prefixes of each other, and non-ASCII ones.
  const terms = Array.from({ length: 30_000 }, (_, i) => `t${i.toString(36)}`);
  terms.push('run', 'runs', 'running', 'r', '', 'zoë', 'москва', '東京', 'naïve', 'emoji😀');
  const vocab = Vocabulary.fromTerms(terms);

  it('gives each term its id, and −1 for a word it does not hold', () => {
    expect(vocab.size).toBe(terms.length);
    for (const [id, t] of terms.entries()) expect(vocab.id(t)).toBe(id);
    for (const missing of ['ru', 'runn', 'zoe', 'москв', 'tzzzzzz', 'T1', 'emoji😁', ' run']) {
      expect(vocab.id(missing)).toBe(-1);
    }
  });

  it('looks up a query in order, repeats kept and unknown words left out', () => {
    const query = ['running', 'nope', 'zoë', 'running', 't0', '東京', 'москва!', 't2s'];
    expect(vocab.idsOf(query)).toEqual(query.map((t) => terms.indexOf(t)).filter((id) => id >= 0));
    const many = Array.from({ length: 500 }, () => terms[rng.int(terms.length)]!);
    expect(vocab.idsOf(many)).toEqual(many.map((t) => terms.indexOf(t)));
  });

  it('reads the bytes it writes, and the terms back in id order', () => {
    const again = Vocabulary.fromUtf8(vocab.bytes, terms.length);
    expect(again.terms()).toEqual(terms);
    expect(again.idsOf(['naïve', 'r', ''])).toEqual([
      terms.indexOf('naïve'),
      terms.indexOf('r'),
      terms.indexOf(''),
    ]);
    expect(Vocabulary.fromUtf8(new Uint8Array(0), 0).idsOf(['a'])).toEqual([]);
  });

  it('names the problem when the bytes hold another number of terms', () => {
    expect(() => Vocabulary.fromUtf8(vocab.bytes, terms.length + 1)).toThrow(/30010 terms, 30011 expected/);
    expect(() => Vocabulary.fromUtf8(vocab.bytes, 3)).toThrow(/more than the 3 terms expected/);
    // A count no bytes could hold is refused before a table that size is made.
    expect(() => Vocabulary.fromUtf8(new TextEncoder().encode('a\nb'), 2 ** 30)).toThrow(
      /1073741824 terms expected, but 3 bytes hold at most 4/,
    );
    expect(() => Vocabulary.fromUtf8(new TextEncoder().encode('a'), 0)).toThrow(/no terms expected/);
    expect(() => Vocabulary.fromTerms(['a', 'b\nc'])).toThrow(/term 1 contains a newline/);
  });

  it('keeps the later id of a term given twice, as a Map filled in order would', () => {
    const twice = Vocabulary.fromUtf8(new TextEncoder().encode('a\nb\na'), 3);
    expect(twice.id('a')).toBe(2);
    expect(twice.id('b')).toBe(1);
  });
});
