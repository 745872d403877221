/** BM25 free parameters. Lucene's defaults: k1 = 1.2, b = 0.75. */
export interface Bm25Params {
  k1: number;
  b: number;
}

export const LUCENE_PARAMS: Readonly<Bm25Params> = Object.freeze({ k1: 1.2, b: 0.75 });

/** Lucene's idf: ln(1 + (N − n + 0.5)/(n + 0.5)); always > 0, unlike Robertson's original. */
export function luceneIdf(docCount: number, docFreq: number): number {
  return Math.log(1 + (docCount - docFreq + 0.5) / (docFreq + 0.5));
}

/**
 * Length normalisation of one document, k1·(1 − b + b·dl/avgdl): computed once per document
 * at build time, so each of its terms costs one division.
 */
export function lengthNorm(docLength: number, avgDocLength: number, p: Bm25Params): number {
  return p.k1 * (1 - p.b + (p.b * docLength) / avgDocLength);
}

/**
 * One (term, document) score: idf · tf·(k1 + 1)/(tf + norm). Lucene ≥ 8 and bm25s's "lucene"
 * method leave out the constant (k1 + 1); that scales every score alike and changes no ranking.
 */
export function termScore(tf: number, idf: number, norm: number, p: Bm25Params): number {
  return (idf * tf * (p.k1 + 1)) / (tf + norm);
}

/**
 * Term scores are stored as fixed-point integers, score · 2^bits rounded (at least 1, so 0 still
 * means "no posting"): sums of integers below 2^53 are exact in float64, so a document's score is
 * the same whatever order its terms are added in, and pruning may add them in any order.
 * 24 bits (6e-8) is finer than float32 for any score above 1; fewer bits only where the largest
 * possible score, idf(df = 1)·(k1 + 1), would not fit in 32 bits.
 */
export function impactBits(docCount: number, p: Bm25Params): number {
  const maxScore = luceneIdf(docCount, 1) * (p.k1 + 1);
  let bits = 24;
  while (bits > 0 && maxScore * 2 ** bits >= 2 ** 32) bits--;
  return bits;
}

export function toImpact(score: number, bits: number): number {
  return Math.max(1, Math.round(score * 2 ** bits));
}

/**
 * A document length as Lucene keeps it: one byte per document (SmallFloat.intToByte4), exact
 * below 24 tokens, above that cut down to 4 significant bits (100 tokens read back as 96).
 * With docLengths "lucene" an index normalises by these lengths, as Lucene and Elasticsearch
 * score; by default ("exact", as bm25s) by the true token count.
 */
export function luceneDocLength(length: number): number {
  const FREE = 24; // byte values below this are lengths as they are
  if (length < FREE) return length;
  const i = length - FREE;
  const bits = 32 - Math.clz32(i);
  if (bits < 4) return length;
  const shift = bits - 4;
  return FREE + (((i >>> shift) & 0x07) | 0x08) * 2 ** shift;
}
