import { describe, expect, it } from 'vitest';
import { createAnalyzer, ENGLISH_STOPWORDS, tokenize } from '../src/text/index';

describe('tokenize', () => {
  it('lower-cases and splits on anything that is not a letter, digit or mark', () => {
    expect(tokenize('Blue Harbor (1994) — directed by ADA REYES; runtime: 1h45m!')).toEqual([
      'blue',
      'harbor',
      '1994',
      'directed',
      'by',
      'ada',
      'reyes',
      'runtime',
      '1h45m',
    ]);
  });

  it('keeps non-Latin scripts and accented letters as words', () => {
    expect(tokenize('Zoë Ñandú visited 東京 and Москва.')).toEqual([
      'zoë',
      'ñandú',
      'visited',
      '東京',
      'and',
      'москва',
    ]);
  });

  it('folds compatibility forms and decomposed accents (NFKC)', () => {
    expect(tokenize('Zoe\u0308')).toEqual(tokenize('Zoë'));
    expect(tokenize('ﬁlm １２３')).toEqual(['film', '123']);
  });

  it('drops English possessives and inner apostrophes (straight and curly)', () => {
    expect(tokenize("Ada's film, Reyes’s song, O'Neill don't")).toEqual([
      'ada',
      'film',
      'reyes',
      'song',
      'oneill',
      'dont',
    ]);
  });

  it('tokenises ASCII text the same on its fast path as on the Unicode path', () => {
    const ascii = "Ada's 2nd film, O'Neill's song: don't-stop (1994)";
    expect(tokenize(`${ascii} é`)).toEqual([...tokenize(ascii), 'é']);
  });

  it('gives no tokens for empty or punctuation-only text', () => {
    expect(tokenize('')).toEqual([]);
    expect(tokenize(' ... !? — ')).toEqual([]);
  });
});

describe('createAnalyzer', () => {
  it("loads Lucene's English stop list from its data file", () => {
    expect(ENGLISH_STOPWORDS).toHaveLength(33);
    expect(ENGLISH_STOPWORDS).toContain('the');
    expect(ENGLISH_STOPWORDS).not.toContain('who');
  });

  it('removes stop words by default and keeps them when asked', () => {
    const text = 'Who is the director of the film?';
    expect(createAnalyzer()(text)).toEqual(['who', 'director', 'film']);
    expect(createAnalyzer({ stopwords: false })(text)).toEqual([
      'who',
      'is',
      'the',
      'director',
      'of',
      'the',
      'film',
    ]);
  });

  it('takes a custom stop list, matched case-insensitively', () => {
    expect(createAnalyzer({ stopwords: ['Who', 'FILM'] })('Who directed the film?')).toEqual([
      'directed',
      'the',
    ]);
  });

  it('stems with Porter only when asked, after stop-word removal', () => {
    expect(createAnalyzer()('running connections')).toEqual(['running', 'connections']);
    expect(createAnalyzer({ stem: true })('The running connections were connected')).toEqual([
      'run',
      'connect',
      'were',
      'connect',
    ]);
  });

  it('rejects bad options with the field and the expected shape', () => {
    expect(() => createAnalyzer({ stem: 'porter' as unknown as boolean })).toThrow(
      /stem:.*expected \{ name: "english" \} or \{ name\?: "steper", stopwords/,
    );
    expect(() => createAnalyzer({ name: 'french' } as never)).toThrow(/name:/);
    expect(() => createAnalyzer({ name: 'english', stem: false } as never)).toThrow(/english/);
  });
});

describe('the english analyser (Lucene EnglishAnalyzer; checked against Lucene in bm25-lucene.test.ts)', () => {
  const english = createAnalyzer({ name: 'english' });

  it('keeps UAX #29 words whole, cuts possessives, drops stop words, Porter-stems', () => {
    expect(english("Python's dict isn't ordered? It's been ordered since 3.7; don't rely on it.")).toEqual([
      'python',
      'dict',
      "isn't",
      'order',
      'been',
      'order',
      'sinc',
      '3.7',
      "don't",
      'reli',
    ]);
    expect(english('U.S.A. 1,000,000 x86_64 a:b http://example.com')).toEqual([
      'u.s.a',
      '1,000,000',
      'x86_64',
      'a:b',
      'http',
      'example.com',
    ]);
  });

  it('lower-cases code point by code point and splits Han ideographs', () => {
    expect(english('ΟΔΟΣ İstanbul 東京都')).toEqual(['οδοσ', 'istanbul', '東', '京', '都']);
  });
});
