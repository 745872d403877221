import {
  type Analyzer,
  type AnalyzerName,
  type AnalyzerOptions,
  type AnalyzerOptionsInput,
  createAnalyzer,
  resolveAnalyzerOptions,
} from '../text/analyzer';
import type { Passage } from '../types/data';
import { buildIndexData, DOC_LENGTHS, type DocLengths, INDEX_FIELDS, type IndexFields } from './build';
import type { Bm25Data } from './index-data';
import { placeInKernelMemory } from './kernel';
import { passageAt } from './passage-store';
import { QueryEngine, type QueryPath } from './query';
import { type Bm25Params, LUCENE_PARAMS } from './scoring';
import { decodeIndex, encodeIndex, encodeIndexChunks, indexDocCount } from './serialize';
import type { Vocabulary } from './vocabulary';

export interface Bm25BuildOptions {
  /** Term-frequency saturation; Lucene's 1.2 by default. */
  k1?: number;
  /** Length normalisation; Lucene's 0.75 by default. */
  b?: number;
  /**
   * The analyser, recorded in the index and used for its queries: { name: "english" } for
   * Lucene's EnglishAnalyzer, else the StepER analyser's stop words and stemming (the default).
   */
  analyzer?: AnalyzerOptionsInput;
  /** Scored fields: "title+text" (the default) or "text" alone, the title only stored (IRCoT). */
  fields?: IndexFields;
  /**
   * Lengths for length normalisation: "exact" token counts (the default, as bm25s) or "lucene",
   * Lucene's one-byte lengths, so that scores match Lucene / Elasticsearch within float error.
   */
  docLengths?: DocLengths;
  /** Keep each passage's title and text for Bm25Retriever (default true); false keeps ids only. */
  storeText?: boolean;
}

/**
 * Build options by analyser name, as the server and CLI build indexes: "english" is IRCoT's
 * Elasticsearch index (Lucene's EnglishAnalyzer over the passage text, the title only stored,
 * Lucene's one-byte document lengths); "steper" is this project's analyser over title + text.
 */
export function bm25Preset(name: AnalyzerName): Bm25BuildOptions {
  return name === 'english'
    ? { analyzer: { name: 'english' }, fields: 'text', docLengths: 'lucene' }
    : { analyzer: { name: 'steper' } };
}

export interface Bm25Hit {
  id: string;
  /** Document number: the passage's position in the corpus the index was built from. */
  doc: number;
  score: number;
}

/**
 * Lucene BM25 over title + text, scored at index time (as bm25s): a query sums a few
 * precomputed columns, rarest term first, and keeps the k best, skipping most of the long
 * columns of common terms by MaxScore pruning (see QueryEngine). Document lengths are exact
 * token counts after stop-word removal (Lucene quantises them to one byte; bm25s does not).
 *
 * Only documents sharing at least one term with the query are returned, so a search may give
 * fewer than k hits; a query with no known term gives none. Query terms count with their
 * multiplicity ("paris paris" weighs "paris" twice), as Lucene's query parser and bm25s do.
 */
export class Bm25Index {
  readonly params: Readonly<Bm25Params>;
  readonly analyzerOptions: Readonly<AnalyzerOptions>;
  /** Scored passage fields: "title+text" or "text" (the title only stored). */
  readonly fields: IndexFields;
  readonly docLengths: DocLengths;
  /** Average analysed length (tokens) of title + text. */
  readonly avgDocLength: number;
  private readonly analyzer: Analyzer;
  private readonly vocab: Vocabulary;
  private readonly data: Bm25Data;
  private readonly store: Bm25Data['store'];
  private idToDoc: Map<string, number> | undefined;
  private readonly engine: QueryEngine;

  private constructor(data: Bm25Data, memory?: WebAssembly.Memory) {
    this.params = Object.freeze({ ...data.params });
    this.analyzerOptions = Object.freeze(data.analyzer);
    this.fields = data.fields;
    this.docLengths = data.docLengths;
    this.avgDocLength = data.avgDocLength;
    this.analyzer = createAnalyzer(data.analyzer);
    this.vocab = data.vocab;
    this.data = data;
    this.engine = new QueryEngine(data, data.docCount, data.impactBits, memory);
    this.store = data.store;
    this.idToDoc = data.idToDoc;
  }

  /** Indexes the passages in one pass over `passages` (a generator is fine). Throws on an empty corpus. */
  static build(passages: Iterable<Passage>, options: Bm25BuildOptions = {}): Bm25Index {
    const params = { k1: options.k1 ?? LUCENE_PARAMS.k1, b: options.b ?? LUCENE_PARAMS.b };
    if (!(params.k1 >= 0) || !(params.b >= 0 && params.b <= 1)) {
      throw new Error(`Bm25Index.build: need k1 ≥ 0 and 0 ≤ b ≤ 1, got k1 = ${params.k1}, b = ${params.b}`);
    }
    const analyzer = resolveAnalyzerOptions(options.analyzer);
    const fields = options.fields ?? 'title+text';
    if (!INDEX_FIELDS.includes(fields)) {
      throw new Error(
        `Bm25Index.build: fields must be one of ${INDEX_FIELDS.join(', ')}, got ${String(fields)}`,
      );
    }
    const docLengths = options.docLengths ?? 'exact';
    if (!DOC_LENGTHS.includes(docLengths)) {
      throw new Error(
        `Bm25Index.build: docLengths must be one of ${DOC_LENGTHS.join(', ')}, got ${String(docLengths)}`,
      );
    }
    return new Bm25Index(
      buildIndexData(passages, params, analyzer, options.storeText ?? true, fields, docLengths),
    );
  }

  /**
   * Loads what `toBytes` wrote. The bytes are copied once into a WebAssembly memory the query
   * kernel reads in place (see kernel.ts), and the typed arrays are views on that copy where
   * alignment allows; where no such memory can be had, views on `bytes` itself.
   */
  static fromBytes(bytes: Uint8Array): Bm25Index {
    const placed = placeInKernelMemory(bytes, indexDocCount(bytes));
    return new Bm25Index(decodeIndex(placed?.file ?? bytes), placed?.memory);
  }

  /** The index file as one byte array (see `chunks` to write it without that copy). */
  toBytes(): Uint8Array {
    return encodeIndex(this.data);
  }

  /**
   * The index file as consecutive pieces, mostly views on the index's own arrays: written one
   * after another (e.g. with fs.writeSync) they make the file `toBytes` returns, without a
   * second copy of the index in memory.
   */
  chunks(): Iterable<Uint8Array> {
    return encodeIndexChunks(this.data);
  }

  /** Number of passages. */
  get size(): number {
    return this.store.size;
  }

  get vocabularySize(): number {
    return this.vocab.size;
  }

  get postingCount(): number {
    return this.data.docs.length;
  }

  /** Bytes held in postings, pointers and block maxima (not the vocabulary map or passages). */
  get postingBytes(): number {
    const d = this.data;
    return [d.indptr, d.docs, d.impacts, d.maxImpacts, d.blockPtr, d.blockMax, d.blockLast].reduce(
      (n, a) => n + a.byteLength,
      0,
    );
  }

  get hasText(): boolean {
    return this.store.hasText;
  }

  /** The terms a text becomes under this index's analyser. */
  analyze(text: string): string[] {
    return this.analyzer(text);
  }

  id(doc: number): string {
    this.checkDoc(doc);
    return this.store.id(doc);
  }

  passage(doc: number): Passage {
    this.checkDoc(doc);
    return passageAt(this.store, doc);
  }

  docOf(id: string): number | undefined {
    if (this.idToDoc === undefined) {
      const map = new Map<string, number>();
      for (let d = 0; d < this.store.size; d++) map.set(this.store.id(d), d);
      this.idToDoc = map;
    }
    return this.idToDoc.get(id);
  }

  /** How queries are evaluated (see QueryPath): 'auto' unless a test or bench forces one path. */
  get queryPath(): QueryPath {
    return this.engine.path;
  }

  set queryPath(path: QueryPath) {
    this.engine.path = path;
  }

  /** Whether queries have been scored by the WebAssembly kernel (made on the first that takes it). */
  get usesKernel(): boolean {
    return this.engine.usesKernel;
  }

  /** Top-k passages for `query`, best first, ties to the lower document number. */
  search(query: string, k: number, exclude?: ReadonlySet<string>): Bm25Hit[] {
    return this.searchTerms(this.analyzer(query), k, exclude);
  }

  /**
   * As `search`, for a query already analysed (this index's `analyze` output: callers that hold
   * the terms, and the benchmark, which gives bm25s and this index the same tokens).
   */
  searchTerms(terms: readonly string[], k: number, exclude?: ReadonlySet<string>): Bm25Hit[] {
    if (!Number.isInteger(k) || k < 0) {
      throw new RangeError(`Bm25Index: k must be a non-negative integer, got ${k}`);
    }
    const termIds = this.idsOf(terms);
    const skip =
      exclude !== undefined && exclude.size > 0 ? (d: number) => exclude.has(this.store.id(d)) : undefined;
    return this.engine
      .topK(termIds, k, skip)
      .map(({ doc, score }) => ({ id: this.store.id(doc), doc, score }));
  }

  /** The score of passage `doc` for `query` (0 when it shares no term with it). */
  score(query: string, doc: number): number {
    this.checkDoc(doc);
    return this.engine.scoreOf(this.termIds(query), doc);
  }

  /** Every passage's score for `query` (dense, by doc number), computed without pruning. */
  scoreAll(query: string): Float64Array {
    return this.engine.scoreAll(this.termIds(query));
  }

  /** Known query terms as term ids, repeats kept. */
  private termIds(query: string): number[] {
    return this.idsOf(this.analyzer(query));
  }

  private idsOf(terms: readonly string[]): number[] {
    return this.vocab.idsOf(terms);
  }

  private checkDoc(doc: number): void {
    if (!Number.isInteger(doc) || doc < 0 || doc >= this.store.size) {
      throw new RangeError(`Bm25Index: doc ${doc} is out of range 0…${this.store.size - 1}`);
    }
  }
}
