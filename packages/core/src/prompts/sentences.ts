/**
 * Sentence splitting for reasoning chains. IRCoT keeps one sentence a step, so a wrong split
 * either drops half a fact ("St." → "St.") or glues two steps together. Boundaries are a
 * terminal mark followed by white space and a capital, digit or opening quote — unless the word
 * before the mark is an abbreviation or an initial.
 */

/** Lower-cased, without the final period. "no" is handled separately (only before a digit). */
const ABBREVIATIONS = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'st',
  'mt',
  'ft',
  'jr',
  'sr',
  'sen',
  'rep',
  'gov',
  'gen',
  'col',
  'lt',
  'sgt',
  'capt',
  'cmdr',
  'adm',
  'rev',
  'hon',
  'pres',
  'inc',
  'ltd',
  'co',
  'corp',
  'bros',
  'vs',
  'etc',
  'approx',
  'dept',
  'univ',
  'assn',
  'ave',
  'blvd',
  'rd',
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
  'ca',
  'cf',
  'al',
  'op',
  'vol',
  'fig',
]);

/** Where a sentence may end: after . ! ? (and closing quotes/brackets) and before white space. */
const BOUNDARY = /[.!?]["'”’)\]]*(?=\s)/g;

function isAbbreviationBefore(text: string, markIndex: number, nextChar: string): boolean {
  if (text[markIndex] !== '.') return false;
  // The word (letters and inner dots) that ends at the mark.
  let start = markIndex;
  while (start > 0 && /[\p{L}.]/u.test(text[start - 1] as string)) start--;
  const word = text.slice(start, markIndex);
  if (word === '') return false;
  // Initials and dotted abbreviations: "J.", "U.S.", "P.S.", "e.g", "i.e".
  if (/^\p{L}$/u.test(word)) return /\p{Lu}/u.test(word);
  if (word.includes('.')) return true;
  const lower = word.toLowerCase();
  if (lower === 'no') return /\d/.test(nextChar);
  return ABBREVIATIONS.has(lower);
}

/** Splits text into trimmed sentences. Decimals ("3.5") never split: no white space follows. */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  let start = 0;
  for (const match of text.matchAll(BOUNDARY)) {
    const markIndex = match.index;
    const end = markIndex + match[0].length;
    const rest = text.slice(end).replace(/^\s+/, '');
    const next = rest[0] ?? '';
    if (next === '') break;
    if (!/[\p{Lu}\d"'“‘(]/u.test(next)) continue;
    if (isAbbreviationBefore(text, markIndex, next)) continue;
    const sentence = text.slice(start, end).trim();
    if (sentence !== '') sentences.push(sentence);
    start = end;
  }
  const last = text.slice(start).trim();
  if (last !== '') sentences.push(last);
  return sentences;
}

/** The first sentence of a generation, or "" when there is none. */
export function firstSentence(text: string): string {
  return splitSentences(text)[0] ?? '';
}
