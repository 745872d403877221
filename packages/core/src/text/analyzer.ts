import { stemmer } from 'stemmer';
import { z } from 'zod';
import { standardTokens } from './standard';
import { ENGLISH_STOPWORDS } from './stopwords';
import { tokenize } from './tokenize';

/**
 * How text becomes terms. Stored in every serialised BM25 index, so that a loaded index (and the
 * browser) analyses queries exactly as its passages were analysed.
 * - "english": Lucene's EnglishAnalyzer, as IRCoT's Elasticsearch and Pyserini/FlashRAG use it:
 *   StandardTokenizer (UAX #29 words), EnglishPossessiveFilter, LowerCaseFilter, StopFilter with
 *   Lucene's English stop set, PorterStemFilter. No options.
 * - "steper" (the default, and every index written before analysers had names): lower-cased
 *   NFKC Unicode words with apostrophes removed, then the options below.
 */
const SteperAnalyzerSchema = z.object({
  name: z.literal('steper').default('steper'),
  /** true: Lucene's English list; false: keep every token; a list: these words (any case). */
  stopwords: z.union([z.boolean(), z.array(z.string())]).default(true),
  /** Porter stemming (npm `stemmer`), applied after stop-word removal. */
  stem: z.boolean().default(false),
});
const EnglishAnalyzerSchema = z.object({ name: z.literal('english') }).strict();
export const AnalyzerOptionsSchema = z.union([EnglishAnalyzerSchema, SteperAnalyzerSchema]);
export type AnalyzerOptions = z.infer<typeof AnalyzerOptionsSchema>;
export type AnalyzerOptionsInput = z.input<typeof AnalyzerOptionsSchema>;
export const ANALYZER_NAMES = ['english', 'steper'] as const;
export type AnalyzerName = (typeof ANALYZER_NAMES)[number];

export const DEFAULT_ANALYZER_OPTIONS: AnalyzerOptions = Object.freeze({
  name: 'steper',
  stopwords: true,
  stem: false,
});

/** Bumped whenever tokenisation changes, so an index built by another version is refused. */
export const ANALYZER_VERSION = 1;

export type Analyzer = (text: string) => string[];

/** Distinct words in a corpus are far fewer than tokens: stemming each once pays for the cache. */
const STEM_CACHE_LIMIT = 200_000;

export function resolveAnalyzerOptions(options: AnalyzerOptionsInput = {}): AnalyzerOptions {
  // Parsed by the schema its name picks, so that an error names the field that is wrong.
  const named = (options as { name?: unknown } | null)?.name === 'english';
  const parsed = (named ? EnglishAnalyzerSchema : SteperAnalyzerSchema).safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `analyzer options: ${issue?.path.join('.') || '(root)'}: ${issue?.message}; ` +
        'expected { name: "english" } or { name?: "steper", stopwords?: boolean | string[], stem?: boolean }',
    );
  }
  return parsed.data;
}

/** text → terms, by the named analyser (see AnalyzerOptionsSchema). */
export function createAnalyzer(options: AnalyzerOptionsInput = {}): Analyzer {
  const resolved = resolveAnalyzerOptions(options);
  return resolved.name === 'english' ? englishAnalyzer() : steperAnalyzer(resolved);
}

/** A cached stemmer: distinct words in a corpus are far fewer than tokens. */
function cachedStemmer(): (word: string) => string {
  const stemCache = new Map<string, string>();
  return (word: string): string => {
    let s = stemCache.get(word);
    if (s === undefined) {
      if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
      s = stemmer(word);
      stemCache.set(word, s);
    }
    return s;
  };
}

/** Lucene's EnglishAnalyzer, filter by filter (see standardTokens for the tokenizer). */
function englishAnalyzer(): Analyzer {
  const stopSet = new Set(ENGLISH_STOPWORDS);
  const stemOf = cachedStemmer();
  return (text: string): string[] => {
    const tokens = standardTokens(text);
    let kept = 0;
    for (let t of tokens) {
      // EnglishPossessiveFilter: a trailing 's, ’s or ＇s (either case of s) is cut.
      const n = t.length;
      if (n >= 2 && (t[n - 1] === 's' || t[n - 1] === 'S')) {
        const q = t.charCodeAt(n - 2);
        if (q === 0x27 || q === 0x2019 || q === 0xff07) t = t.slice(0, n - 2);
      }
      t = lowerCase(t);
      if (stopSet.has(t)) continue;
      tokens[kept++] = stemOf(t);
    }
    tokens.length = kept;
    return tokens;
  };
}

const NON_ASCII = /[\u0080-\uffff]/;

/**
 * Lucene's LowerCaseFilter maps each code point on its own (Character.toLowerCase): no final
 * sigma, and İ becomes a plain i, where String.toLowerCase would look at context or expand.
 */
function lowerCase(t: string): string {
  if (!NON_ASCII.test(t)) return t.toLowerCase();
  let out = '';
  for (const ch of t) out += ch === '\u0130' ? 'i' : ch.toLowerCase();
  return out;
}

/** text → lower-cased tokens, stop words removed, optionally Porter-stemmed. */
function steperAnalyzer({ stopwords, stem }: { stopwords: boolean | string[]; stem: boolean }): Analyzer {
  const stopList = stopwords === true ? ENGLISH_STOPWORDS : stopwords === false ? [] : stopwords;
  const stopSet = new Set(stopList.flatMap((w) => tokenize(w)));
  const stemOf = cachedStemmer();

  return (text: string): string[] => {
    const tokens = tokenize(text);
    if (stopSet.size === 0 && !stem) return tokens;
    // Filtered in place: a second array per passage is measurable over a million passages.
    let kept = 0;
    for (const t of tokens) {
      if (!stopSet.has(t)) tokens[kept++] = stem ? stemOf(t) : t;
    }
    tokens.length = kept;
    return tokens;
  };
}
