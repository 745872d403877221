/**
 * Answer normalisation of the official HotpotQA and SQuAD v1.1 evaluation scripts
 * (`normalize_answer`): lower case, drop punctuation, drop the articles a/an/the, fold white space,
 * in that order. Ported so that the character classes match Python's, not JavaScript's:
 * - punctuation is Python's `string.punctuation`, ASCII only (a curly quote or an en dash stays);
 * - `\b` around articles is Python 3's Unicode word boundary (letters and digits of any script),
 *   where JavaScript's `\b` knows only ASCII, so "éthe" keeps its "the" as in Python;
 * - white space is what Python's `str.split()` splits on.
 */

const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;
// biome-ignore lint/suspicious/noControlCharactersInRegex: Python's str.split() also splits on U+001C–U+001F.
const PY_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

export function normalizeAnswer(s: string): string {
  const lowered = s.toLowerCase();
  const noPunct = lowered.replace(PUNCTUATION, '');
  const noArticles = noPunct.replace(ARTICLES, ' ');
  return noArticles
    .split(PY_WHITESPACE)
    .filter((token) => token !== '')
    .join(' ');
}

/** Normalised answer split into tokens, as the official F1 does. */
export function answerTokens(s: string): string[] {
  const normalized = normalizeAnswer(s);
  return normalized === '' ? [] : normalized.split(' ');
}
