/**
 * The tokens of Lucene's StandardTokenizer: words by the Unicode word-break rules (UAX #29),
 * unchanged (no case folding, no normalisation), at most 255 characters each.
 *
 * ASCII text, nearly every passage of an English corpus, takes a regular expression with the
 * rules as they apply to ASCII: letters, digits and "_" join; "." ":" "'" join two letters
 * ("U.S.A", "don't", "a:b"); "." "," ";" "'" join two digits ("3.14", "1,000"); anything else
 * breaks. Other text goes through Intl.Segmenter (ICU's UAX #29 word breaks), with two changes
 * towards Lucene: Han ideographs are one token each (ICU joins them into dictionary words), and
 * a run of "_" alone is no token.
 */
const ASCII_TOKEN =
  /[A-Za-z0-9_]+(?:(?:(?<=[A-Za-z])[.:'](?=[A-Za-z])|(?<=[0-9])[.,;'](?=[0-9]))[A-Za-z0-9_]+)*/g;
const NON_ASCII = /[\u0080-\uffff]/;
const UNDERSCORES = /^_+$/;
const HAN = /\p{Script=Han}/u;
const MAX_TOKEN = 255;

let segmenter: Intl.Segmenter | undefined;

export function standardTokens(text: string): string[] {
  let tokens: string[];
  if (!NON_ASCII.test(text)) {
    tokens = text.match(ASCII_TOKEN) ?? [];
  } else {
    segmenter ??= new Intl.Segmenter('en', { granularity: 'word' });
    tokens = [];
    for (const s of segmenter.segment(text)) {
      if (!s.isWordLike) continue;
      if (HAN.test(s.segment)) {
        for (const ch of s.segment) tokens.push(ch);
      } else tokens.push(s.segment);
    }
  }
  const out: string[] = [];
  for (const t of tokens) {
    if (t.charCodeAt(0) === 95 && UNDERSCORES.test(t)) continue;
    if (t.length <= MAX_TOKEN) out.push(t);
    else for (let i = 0; i < t.length; i += MAX_TOKEN) out.push(t.slice(i, i + MAX_TOKEN));
  }
  return out;
}
