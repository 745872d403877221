import { stemmer } from 'stemmer';
import { z } from 'zod';
import { ENGLISH_STOPWORDS } from './stopwords';
import { tokenize } from './tokenize';

/**
 * How text becomes terms. Stored in every serialised BM25 index, so that a loaded index analyses
 * queries exactly as its passages were analysed.
 */
export const AnalyzerOptionsSchema = z.object({
  /** true: Lucene's English list; false: keep every token; a list: these words (any case). */
  stopwords: z.union([z.boolean(), z.array(z.string())]).default(true),
  /** Porter stemming (npm `stemmer`), applied after stop-word removal. */
  stem: z.boolean().default(false),
});
export type AnalyzerOptions = z.infer<typeof AnalyzerOptionsSchema>;
export type AnalyzerOptionsInput = z.input<typeof AnalyzerOptionsSchema>;

export const DEFAULT_ANALYZER_OPTIONS: AnalyzerOptions = Object.freeze({ stopwords: true, stem: false });

/** Bumped whenever tokenisation changes, so an index built by another version is refused. */
export const ANALYZER_VERSION = 1;

export type Analyzer = (text: string) => string[];

/** Distinct words in a corpus are far fewer than tokens: stemming each once pays for the cache. */
const STEM_CACHE_LIMIT = 200_000;

export function resolveAnalyzerOptions(options: AnalyzerOptionsInput = {}): AnalyzerOptions {
  const parsed = AnalyzerOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `analyzer options: ${issue?.path.join('.') || '(root)'}: ${issue?.message}; ` +
        'expected { stopwords?: boolean | string[], stem?: boolean }',
    );
  }
  return parsed.data;
}

/** text → lower-cased tokens, stop words removed, optionally Porter-stemmed. */
export function createAnalyzer(options: AnalyzerOptionsInput = {}): Analyzer {
  const { stopwords, stem } = resolveAnalyzerOptions(options);
  const stopList = stopwords === true ? ENGLISH_STOPWORDS : stopwords === false ? [] : stopwords;
  const stopSet = new Set(stopList.flatMap((w) => tokenize(w)));
  const stemCache = new Map<string, string>();

  const stemOf = (word: string): string => {
    let s = stemCache.get(word);
    if (s === undefined) {
      if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
      s = stemmer(word);
      stemCache.set(word, s);
    }
    return s;
  };

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
