import { z } from 'zod';
import englishList from './stopwords-en.json';

/**
 * Lucene's English stop set (EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, also bm25s's STOPWORDS_EN).
 * Kept short on purpose: words such as "who", "after" or "first" carry meaning in multi-hop
 * questions, and the longer NLTK-style lists would drop them.
 */
export const ENGLISH_STOPWORDS: readonly string[] = Object.freeze(
  z.array(z.string().min(1)).parse(englishList),
);
