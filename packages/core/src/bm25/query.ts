import { TopK } from './topk';

/** The CSC columns a query reads; see Bm25Data. */
export interface Columns {
  indptr: Uint32Array;
  docs: Uint32Array;
  scores: Float32Array;
  /** Per term, the largest score in its column: what the term can add to any document at most. */
  maxScores: Float32Array;
}

export interface ScoredDoc {
  doc: number;
  score: number;
}

/**
 * Float32 sums round at each of the m additions (≤ 2^-24 relative, plus one float64 rounding);
 * bounds are widened by this factor so pruning never drops a document that could make the top k.
 */
const slackFor = (m: number): number => 1 + (m + 1) * 2 ** -23;

/** Below this many postings per candidate, merging beats galloping (sequential reads are cheap). */
const MERGE_RATIO = 8;

/**
 * Evaluates queries over the columns: exact top-k with term-at-a-time MaxScore pruning.
 *
 * Query terms are summed highest-max-score first (rare terms first). The partial scores live in
 * a list sorted by document, and each term's column is merged into it: sequential reads only,
 * where scattering into a per-document array would miss the cache on nearly every posting.
 * After each term θ, the k-th best partial score, is known. Once θ exceeds all that the
 * remaining terms could add to a document not yet seen, no new document can enter the top k:
 * the list is cut to the documents that can still reach θ, and the remaining (long,
 * common-term) columns are merged or galloped through for those few documents only.
 *
 * This returns exactly the exhaustive top k: every document's score is the same float32 sum in
 * the same term order either way (see `scoreAll`), and bounds carry a rounding margin.
 * Not re-entrant (the scratch arrays are shared), which is safe on one JS thread.
 */
export class QueryEngine {
  // Sorted partial-score lists, read from a and written to b, then swapped.
  private aDocs = new Uint32Array(1024);
  private aScores = new Float32Array(1024);
  private bDocs = new Uint32Array(1024);
  private bScores = new Float32Array(1024);
  // Dense accumulator for searches with an exclusion set, allocated on first use.
  private acc: Float32Array | undefined;
  private touched: Uint32Array | undefined;
  private readonly top = new TopK();

  constructor(
    private readonly c: Columns,
    private readonly docCount: number,
  ) {}

  /** Term ids in summation order: max score descending, then term id. */
  order(termIds: readonly number[]): number[] {
    const max = this.c.maxScores;
    return [...termIds].sort((a, b) => max[b]! - max[a]! || a - b);
  }

  /** Every document's score, computed the plain way; for checks and debugging. */
  scoreAll(termIds: readonly number[]): Float32Array {
    const { indptr, docs, scores } = this.c;
    const out = new Float32Array(this.docCount);
    for (const t of this.order(termIds)) {
      const end = indptr[t + 1]!;
      for (let p = indptr[t]!; p < end; p++) out[docs[p]!] = out[docs[p]!]! + scores[p]!;
    }
    return out;
  }

  /** One document's score, summed as everywhere else; each term is looked up by bisection. */
  scoreOf(termIds: readonly number[], doc: number): number {
    const { indptr, docs, scores } = this.c;
    let s = 0;
    for (const t of this.order(termIds)) {
      const p = lowerBound(docs, indptr[t]!, indptr[t + 1]!, doc);
      if (p < indptr[t + 1]! && docs[p] === doc) s = Math.fround(s + scores[p]!);
    }
    return s;
  }

  /**
   * The k best documents, score descending, ties to the lower doc number. `skip` rejects a
   * document from the result (it still counts as scored); it turns pruning off, since θ
   * would have to ignore skipped documents.
   */
  topK(termIds: readonly number[], k: number, skip?: (doc: number) => boolean): ScoredDoc[] {
    const terms = this.order(termIds);
    if (terms.length === 0 || k <= 0) return [];
    return skip === undefined ? this.pruned(terms, k) : this.exhaustive(terms, k, skip);
  }

  private pruned(terms: number[], k: number): ScoredDoc[] {
    const { indptr, maxScores } = this.c;
    const top = this.top;
    const m = terms.length;
    // rest[i]: the most that terms i … m − 1 can add to one document.
    const rest = new Float64Array(m + 1);
    for (let i = m - 1; i >= 0; i--) rest[i] = rest[i + 1]! + maxScores[terms[i]!]!;
    const slack = slackFor(m);

    // Phase 1: merge whole columns, until no unseen document can make the top k.
    let n = 0;
    let theta = Number.NEGATIVE_INFINITY;
    let i = 0;
    while (i < m) {
      const t = terms[i++]!;
      top.reset(k);
      n = this.mergeColumn(n, indptr[t]!, indptr[t + 1]!);
      theta = top.kth();
      if (rest[i]! * slack < theta) break;
    }
    if (i === m) return top.sorted();

    // Phase 2: only the documents that can still reach θ, looked up in the remaining columns.
    const candDocs = this.aDocs;
    const candScores = this.aScores;
    let nCand = keepReaching(candDocs, candScores, n, rest[i]!, slack, theta);
    for (; i < m; i++) {
      addToCandidates(terms[i]!, candDocs, candScores, nCand, this.c);
      top.reset(k);
      for (let j = 0; j < nCand; j++)
        if (top.admits(candDocs[j]!, candScores[j]!)) top.push(candDocs[j]!, candScores[j]!);
      if (i + 1 < m) nCand = keepReaching(candDocs, candScores, nCand, rest[i + 1]!, slack, top.kth());
    }
    return top.sorted();
  }

  /**
   * Merges column [start, end) into the sorted list a (n entries), writing b, then swaps a and b;
   * offers every resulting (doc, partial score) to the top k. Returns the new length.
   */
  private mergeColumn(n: number, start: number, end: number): number {
    const need = Math.min(n + end - start, this.docCount); // the union never exceeds N
    if (this.bDocs.length < need) {
      const size = Math.min(Math.max(need, 2 * this.bDocs.length), this.docCount);
      this.bDocs = new Uint32Array(size);
      this.bScores = new Float32Array(size);
    }
    const { docs, scores } = this.c;
    const ad = this.aDocs;
    const as = this.aScores;
    const bd = this.bDocs;
    const bs = this.bScores;
    const top = this.top;
    let x = 0;
    let p = start;
    let o = 0;
    while (x < n && p < end) {
      const da = ad[x]!;
      const dp = docs[p]!;
      let d: number;
      let s: number;
      if (da < dp) {
        d = da;
        s = as[x++]!;
      } else if (dp < da) {
        d = dp;
        s = scores[p++]!;
      } else {
        d = da;
        s = Math.fround(as[x++]! + scores[p++]!);
      }
      bd[o] = d;
      bs[o++] = s;
      if (top.admits(d, s)) top.push(d, s);
    }
    for (; x < n; x++, o++) {
      bd[o] = ad[x]!;
      bs[o] = as[x]!;
      if (top.admits(bd[o]!, bs[o]!)) top.push(bd[o]!, bs[o]!);
    }
    for (; p < end; p++, o++) {
      bd[o] = docs[p]!;
      bs[o] = scores[p]!;
      if (top.admits(bd[o]!, bs[o]!)) top.push(bd[o]!, bs[o]!);
    }
    this.aDocs = bd;
    this.aScores = bs;
    this.bDocs = ad;
    this.bScores = as;
    return o;
  }

  private exhaustive(terms: number[], k: number, skip: (doc: number) => boolean): ScoredDoc[] {
    const { indptr, docs, scores } = this.c;
    this.acc ??= new Float32Array(this.docCount);
    this.touched ??= new Uint32Array(this.docCount);
    const acc = this.acc;
    const touched = this.touched;
    let nTouched = 0;
    for (const t of terms) {
      const end = indptr[t + 1]!;
      for (let p = indptr[t]!; p < end; p++) {
        const d = docs[p]!;
        const prev = acc[d]!;
        if (prev === 0) touched[nTouched++] = d; // posting scores are > 0: 0 means unseen
        acc[d] = prev + scores[p]!;
      }
    }
    const top = this.top;
    top.reset(k);
    for (let j = 0; j < nTouched; j++) {
      const d = touched[j]!;
      const s = acc[d]!;
      acc[d] = 0;
      if (top.admits(d, s) && !skip(d)) top.push(d, s);
    }
    return top.sorted();
  }
}

/** First position in docs[lo … hi − 1] (ascending) holding d or more; hi if none. */
function lowerBound(docs: Uint32Array, lo: number, hi: number, d: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (docs[mid]! < d) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Keeps, in place and in order, the entries whose score plus `rest` can still reach θ. */
function keepReaching(
  docs: Uint32Array,
  scores: Float32Array,
  n: number,
  rest: number,
  slack: number,
  theta: number,
): number {
  let kept = 0;
  for (let j = 0; j < n; j++) {
    if ((scores[j]! + rest) * slack >= theta) {
      docs[kept] = docs[j]!;
      scores[kept++] = scores[j]!;
    }
  }
  return kept;
}

/**
 * Adds term t's score to each candidate (ascending) found in its column (ascending): a linear
 * merge when the column is not much longer than the candidate list, else galloping through it,
 * so that a long common-term column costs about log(gap) reads per candidate.
 */
function addToCandidates(
  t: number,
  cand: Uint32Array,
  candScores: Float32Array,
  nCand: number,
  c: Columns,
): void {
  const { docs, scores } = c;
  const end = c.indptr[t + 1]!;
  let lo = c.indptr[t]!;
  const gallop = end - lo > MERGE_RATIO * nCand;
  for (let j = 0; j < nCand && lo < end; j++) {
    const d = cand[j]!;
    if (!gallop) {
      while (lo < end && docs[lo]! < d) lo++;
    } else if (docs[lo]! < d) {
      // Gallop to a window (lo, hi] whose end holds d or more, then bisect it.
      let step = 1;
      let hi = lo + 1;
      while (hi < end && docs[hi]! < d) {
        lo = hi;
        step *= 2;
        hi = lo + step;
      }
      if (hi > end) hi = end;
      while (lo + 1 < hi) {
        const mid = (lo + hi) >>> 1;
        if (docs[mid]! < d) lo = mid;
        else hi = mid;
      }
      lo = hi;
    }
    if (lo < end && docs[lo] === d) {
      candScores[j] = Math.fround(candScores[j]! + scores[lo]!);
      lo++;
    }
  }
}
