/**
 * Word = a run of letters, digits and combining marks, with inner apostrophes allowed so that
 * possessives and contractions stay one token before they are cleaned up below. Plain-ASCII
 * text (nearly every passage of an English corpus) takes an equivalent ASCII-only pattern,
 * which V8 matches about twice as fast as the Unicode property classes.
 */
const WORD = /[\p{L}\p{N}\p{M}]+(?:['\u2019][\p{L}\p{N}\p{M}]+)*/gu;
const ASCII_WORD = /[a-z0-9]+(?:'[a-z0-9]+)*/g;
const NON_ASCII = /[\u0080-\uffff]/;
const POSSESSIVE = /['\u2019]s$/;
const APOSTROPHES = /['\u2019]/g;

/**
 * Lower-cased Unicode word tokens of `text`, in order.
 * - NFKC folds compatibility forms (ligatures, full-width digits, decomposed accents); plain
 *   ASCII text needs no folding.
 * - An English possessive "'s" is dropped ("Ada's" → "ada", as Lucene's EnglishPossessiveFilter);
 *   other apostrophes are removed ("O'Neill" → "oneill", "don't" → "dont").
 */
export function tokenize(text: string): string[] {
  const words = NON_ASCII.test(text)
    ? text.normalize('NFKC').toLowerCase().match(WORD)
    : text.toLowerCase().match(ASCII_WORD);
  if (words === null) return [];
  if (!text.includes("'") && !text.includes('\u2019')) return words;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w.includes("'") || w.includes('\u2019')) {
      words[i] = w.replace(POSSESSIVE, '').replace(APOSTROPHES, '');
    }
  }
  return words;
}
