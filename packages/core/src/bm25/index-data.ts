import type { AnalyzerOptions } from '../text/analyzer';
import type { PassageStore } from './passage-store';
import type { Bm25Params } from './scoring';

/**
 * Everything a BM25 index is, as plain data: what `build` produces, `toBytes` writes and
 * `fromBytes` reads back.
 *
 * Postings are column-sparse (CSC, as bm25s): the postings of term t are positions
 * indptr[t] … indptr[t + 1] − 1 of `docs` (document numbers, ascending) and `scores` (the
 * finished BM25 contribution of t to that document, precomputed at build time).
 */
export interface Bm25Data {
  params: Bm25Params;
  analyzer: AnalyzerOptions;
  docCount: number;
  avgDocLength: number;
  /** term → term id; iteration order is id order. */
  vocab: Map<string, number>;
  indptr: Uint32Array;
  docs: Uint32Array;
  scores: Float32Array;
  /** Per term, the largest score in its column (bounds for pruning). */
  maxScores: Float32Array;
  store: PassageStore;
  /** passage id → doc number, when already at hand (build has it); otherwise made on demand. */
  idToDoc?: Map<string, number>;
}
