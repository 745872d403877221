import type { AnalyzerOptions } from '../text/analyzer';
import type { DocLengths, IndexFields } from './build';
import type { DocBlocks } from './doc-blocks';
import type { PassageStore } from './passage-store';
import type { Bm25Params } from './scoring';
import type { Vocabulary } from './vocabulary';

/**
 * Everything a BM25 index is, as plain data: what `build` produces, `toBytes` writes and
 * `fromBytes` reads back.
 *
 * Postings are column-sparse (CSC, as bm25s): the postings of term t are positions
 * indptr[t] … indptr[t + 1] − 1 of `docs` (document numbers, ascending) and `impacts` (the
 * finished BM25 contribution of t to that document, precomputed at build time, in fixed point:
 * score · 2^impactBits). Each column is cut into blocks of BLOCK postings, with the largest
 * impact and the last document of each, for block-max pruning.
 */
export interface Bm25Data {
  params: Bm25Params;
  analyzer: AnalyzerOptions;
  /** Scored passage fields. */
  fields: IndexFields;
  /** Lengths used for length normalisation. */
  docLengths: DocLengths;
  docCount: number;
  avgDocLength: number;
  /** The terms and their ids. */
  vocab: Vocabulary;
  indptr: Uint32Array;
  docs: Uint32Array;
  impacts: Uint32Array;
  /** Fixed-point precision: an impact is score · 2^impactBits. */
  impactBits: number;
  /** Per term, the largest impact in its column (bounds for pruning). */
  maxImpacts: Uint32Array;
  /** Blocks of term t: blockPtr[t] … blockPtr[t + 1] − 1. */
  blockPtr: Uint32Array;
  blockMax: Uint32Array;
  blockLast: Uint32Array;
  /** Block maxima over document ranges (the long queries' path); absent in files written before them. */
  docBlocks?: DocBlocks;
  store: PassageStore;
  /** passage id → doc number, when already at hand (build has it); otherwise made on demand. */
  idToDoc?: Map<string, number>;
}
