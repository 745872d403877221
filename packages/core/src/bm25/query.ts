import { DOC_BLOCK_SHIFT, type DocBlocks } from './doc-blocks';
import { HISTOGRAM_BINS, KERNEL_MAX_TERMS, KERNEL_WINDOW, ScoringKernel } from './kernel';
import { TopK } from './topk';

/** Postings per block: each block records its largest impact and its last document. */
export const BLOCK = 128;
const BLOCK_SHIFT = 7;

/** The CSC columns and block maxima a query reads; see Bm25Data. */
export interface Columns {
  indptr: Uint32Array;
  docs: Uint32Array;
  /** Fixed-point term scores (score · 2^impactBits, at least 1), parallel to docs. */
  impacts: Uint32Array;
  /** Per term, its largest impact: what the term can add to any document at most. */
  maxImpacts: Uint32Array;
  /** Blocks of term t are blockPtr[t] … blockPtr[t + 1] − 1, covering BLOCK postings each. */
  blockPtr: Uint32Array;
  /** Per block, its largest impact. */
  blockMax: Uint32Array;
  /** Per block, its last (largest) document. */
  blockLast: Uint32Array;
  /** Block maxima over document ranges, where the index has them (see doc-blocks.ts). */
  docBlocks?: DocBlocks;
}

export interface ScoredDoc {
  doc: number;
  score: number;
}

/**
 * Documents per window. Each window is scored by block-max MaxScore with bounds local to it:
 * small enough that its score buffer (64 KiB) and bitset stay in L2 cache and that a window
 * maximum is below the column's, large enough that the per-window work over the query terms is
 * small beside the postings. Measured on real text (200k passages): 1,024 is a third slower for
 * 100-term queries than 16,384, with no gain for short ones.
 */
const WINDOW = 8192;
/**
 * A non-essential term is added by scanning its postings in the window when they number at most
 * this many per candidate document; else each candidate seeks it (a bisection costs about this).
 */
const SCAN_PER_CANDIDATE = 16;
/**
 * Queries of 2 to 12 distinct terms (and no exclusions) take `merged`. A single common term is
 * far faster through the windows' block maxima (a few blocks read instead of its whole column).
 */
const MERGE_MIN_TERMS = 2;
const MERGE_MAX_TERMS = 12;
/** Postings the θ pre-pass merges at most (see `seedTheta`). */
const SEED_POSTINGS = 4096;
/** Candidates are dropped before the non-essential terms when their postings are this many times more. */
const DROP_RATIO = 4;
/**
 * Which queries the WebAssembly kernel scores exhaustively (see `exhaustive`) instead of the
 * TypeScript paths: those where MaxScore under a cheap θ bound (`quickTheta`) would still call
 * more than 1/PRUNED_SHARE of their postings essential (pruning then reads nearly every posting
 * anyway, each for about three times the kernel's cost; a single term always counts as
 * essential), and every query too long for the column merge (the windows, which would take it,
 * lose to the kernel there even when pruning works). Read off probes of both paths on the bench's
 * queries (300 a set): real text takes the kernel at every length; the synthetic world, where a
 * few rare terms decide, keeps the merge from 3 to 12 terms.
 */
const KERNEL_ALWAYS_TERMS = MERGE_MAX_TERMS + 1;
const PRUNED_SHARE = 10;
/**
 * Kernel queries with fewer postings than docCount / SPARSE_SHARE note each document as its sum
 * reaches θ instead of scanning every window's buffer afterwards (that pass costs about 2 µs a
 * window whatever the query; the check costs a little on every posting). Probes on real text
 * (202k passages): one sentence 0.09 vs 0.13 ms, 8 terms 0.11 vs 0.14; 100 terms 0.91 vs 0.68
 * the other way.
 */
const SPARSE_SHARE = 2;

/**
 * The block path's bands: the first holds about FIRST_BAND blocks of the highest bounds, each
 * next BAND_GROWTH times as many, until θ is above what is left (see `blocked`).
 */
const FIRST_BAND = 32;
const BAND_GROWTH = 4;
/**
 * Queries with more common terms than this (terms with document blocks) take the windows: the
 * fixed-point bounds' precision, 2^16 units over all terms, would be spread too thin.
 */
const BLOCKS_MAX_COMMON = 64;
/** The histogram of block bounds counts one group of eight blocks in this many. */
const HISTOGRAM_SAMPLE = 4;
/**
 * Inflates 1 / unit so that float32 rounding of bound · (1 / unit) never falls below the exact
 * quotient (the bounds are float32; each product rounds by at most 2^−24).
 */
const FIXED_SLACK = 1 + 2 ** -20;
/**
 * Inflates every common term's bound scale so that float64 rounding (of the scale itself, of
 * ⌈scale / unit⌉, and of the sums of what blocks can still gain) never brings a bound below a
 * score it must cover.
 */
const BOUND_SLACK = 1 + 2 ** -20;

/**
 * How queries are evaluated: 'auto' takes the document blocks where the index has them and
 * otherwise chooses per query (see KERNEL_ALWAYS_TERMS); 'pruned' always
 * takes the TypeScript engine's pruning paths, 'exhaustive' the kernel's windows and 'blocks' its
 * document blocks, where they can be had (tests and benches compare them).
 */
export type QueryPath = 'auto' | 'pruned' | 'exhaustive' | 'blocks';

/**
 * Evaluates queries over the columns: exact top-k by block-max MaxScore over document windows
 * (as Lucene's MaxScoreBulkScorer and PISA's block-max MaxScore do).
 *
 * Documents are visited in ascending windows. In each window every query term has a bound, the
 * largest impact among its blocks that overlap the window (0 where it has no posting there).
 * With θ the k-th best score found so far, the terms with the smallest bounds whose bounds sum
 * to no more than θ are non-essential: a document matching only them cannot enter the top k. The
 * essential terms' postings are added into a window-sized buffer (term at a time: sequential
 * reads, and writes within the cache), skipping any block whose own maximum plus every other
 * term's bound cannot reach θ; their documents are the candidates. Each non-essential term is
 * then added to the candidates, most valuable first: candidates that can still reach θ seek it
 * (bisecting within its blocks) when they are few, else its postings in the window are scanned.
 * A window whose bounds sum to no more than θ is skipped whole. Short queries with a common
 * term thus read a few blocks of it; long queries, where bounds are loose, come close to one
 * sequential pass over their columns without bm25s's per-query pass over every document.
 *
 * Exactness: impacts are integers (fixed point), summed in float64 below 2^53, so a document's
 * score is the same exact sum in whatever order its terms are added; pruning compares exact
 * integers and never drops a document that could enter the top k. Documents are evaluated in
 * ascending order, so one that only ties θ comes after the k-th (ties go to the lower number)
 * and can be pruned too. Repeated query terms are merged into one term of weight w (w · impact
 * is the same integer as w additions).
 *
 * Not re-entrant (the scratch arrays are shared), which is safe on one JS thread.
 */
export class QueryEngine {
  private readonly buf = new Float64Array(WINDOW);
  private readonly bits = new Int32Array(WINDOW >>> 5);
  private readonly top = new TopK();
  private readonly hist = new Uint32Array(HISTOGRAM_BINS);
  private readonly seedTop = new TopK();
  // Sorted partial-score lists of short queries (see `merged`), read from one, written to two.
  private mDocs = new Uint32Array(1024);
  private mScores = new Float64Array(1024);
  private mDocs2 = new Uint32Array(1024);
  private mScores2 = new Float64Array(1024);
  private seedDocs = new Uint32Array(SEED_POSTINGS);
  private seedScores = new Float64Array(SEED_POSTINGS);
  private seedDocs2 = new Uint32Array(SEED_POSTINGS);
  private seedScores2 = new Float64Array(SEED_POSTINGS);
  // Per query term: weight, cursor, column start and end, first block, bound in this window.
  private tTerm = new Uint32Array(16);
  private tWeight = new Float64Array(16);
  private tPos = new Uint32Array(16);
  private tStart = new Uint32Array(16);
  private tEnd = new Uint32Array(16);
  private tBlk0 = new Uint32Array(16);
  private tBound = new Float64Array(16);
  private winEnds = new Uint32Array(16);
  private order = new Int32Array(16);
  private gOrder = new Int32Array(16);
  /** Per query term: its weight times its column's largest impact. */
  private tMax = new Float64Array(16);

  /** 2^−impactBits: the value of one impact unit. */
  private readonly unit: number;
  /** The WebAssembly kernel, made on the first query that takes it; null where it cannot be had. */
  private kernel: ScoringKernel | null | undefined;
  path: QueryPath = 'auto';

  /** `memory`: the kernel memory the columns were decoded in, if they were (see kernel.ts). */
  constructor(
    private readonly c: Columns,
    private readonly docCount: number,
    impactBits: number,
    private readonly memory?: WebAssembly.Memory,
  ) {
    this.unit = 2 ** -impactBits;
  }

  get usesKernel(): boolean {
    return this.kernel != null;
  }

  /** Every document's score, computed the plain way; for checks and debugging. */
  scoreAll(termIds: readonly number[]): Float64Array {
    const { indptr, docs, impacts } = this.c;
    const out = new Float64Array(this.docCount);
    for (const t of termIds) {
      const end = indptr[t + 1]!;
      for (let p = indptr[t]!; p < end; p++) out[docs[p]!] = out[docs[p]!]! + impacts[p]!;
    }
    for (let d = 0; d < out.length; d++) out[d] = out[d]! * this.unit;
    return out;
  }

  /** One document's score; each term is looked up by bisection. */
  scoreOf(termIds: readonly number[], doc: number): number {
    const { indptr, docs, impacts } = this.c;
    let s = 0;
    for (const t of termIds) {
      const p = lowerBound(docs, indptr[t]!, indptr[t + 1]!, doc);
      if (p < indptr[t + 1]! && docs[p] === doc) s += impacts[p]!;
    }
    return s * this.unit;
  }

  /**
   * The k best documents, score descending, ties to the lower doc number. `skip` rejects a
   * document from the result; skipped documents never count towards θ, so pruning stays exact.
   */
  topK(termIds: readonly number[], k: number, skip?: (doc: number) => boolean): ScoredDoc[] {
    if (termIds.length === 0 || k <= 0) return [];
    const m = this.setTerms(termIds);
    if (this.path !== 'pruned' && this.kernel !== null && m <= KERNEL_MAX_TERMS) {
      // Without exclusions the cheap bound is a true θ0 for the kernel's windows too (seedTheta
      // costs more than it saves there); the blocks find θ by themselves (and quickTheta, which
      // reads every block maximum of the query's columns, would cost a tenth of a long query).
      // Every query takes the document blocks (`blocked`) where the index has them, before any
      // other path; where it has none, it chooses between the merge and the kernel's windows (see
      // KERNEL_ALWAYS_TERMS). Until the blocks' bounds were summed in fixed point, queries under 8
      // distinct terms kept the merge or the windows (bench/bm25/paths.ts at fbc3328, 4 terms,
      // synthetic 1M, merge / windows / blocks 0.20 / 0.48 / 0.22 ms). Since then the blocks are
      // faster from 1 to 8 terms (docs/results/bm25-2026-12-07-load-ahead/auto-vs-blocks.log, from
      // the tokens, best of 3–5 rounds): synthetic 1M 1 term 1.01×, 2 terms 1.52×, 4 terms 1.38×,
      // one sentence 2.10×; real 202k 1.05×, 1.14×, 1.22×, 1.10×; the same from 16 terms up (where
      // both took them); a little slower only for synthetic 100k's 1–2 terms and questions
      // (0.93–0.97×, against 1.34–1.77× for its 4 terms, 8 terms and one sentence).
      const blocksFirst = this.path === 'auto' && this.c.docBlocks !== undefined;
      let quick: number | undefined;
      let take = blocksFirst || this.path !== 'auto' || m >= KERNEL_ALWAYS_TERMS;
      if (!take) {
        quick = this.quickTheta(m, k);
        take = !this.prunesWell(m, quick);
      }
      if (take) {
        this.kernel ??= ScoringKernel.create(this.c, this.docCount, this.memory);
        if (this.kernel !== null) {
          // The document blocks, where the index has them, take every query the kernel does.
          const blocked =
            this.path !== 'exhaustive' && this.kernel.hasBlocks
              ? this.blocked(this.kernel, m, k, skip)
              : null;
          if (blocked !== null) return blocked;
          const theta0 = skip === undefined ? (quick ?? this.quickTheta(m, k)) : this.seedTheta(m, k, skip);
          return this.exhaustive(this.kernel, m, k, skip, theta0);
        }
      }
    }
    if (m >= MERGE_MIN_TERMS && m <= MERGE_MAX_TERMS && skip === undefined) return this.merged(m, k);
    const { docs, impacts, blockMax, blockLast } = this.c;
    const { buf, bits, top } = this;
    const weight = this.tWeight;
    const pos = this.tPos;
    const end = this.tEnd;
    const start = this.tStart;
    const blk0 = this.tBlk0;
    const bound = this.tBound;
    const order = this.order;
    const winEnds = this.winEnds;
    top.reset(k);
    // θ: the k-th best score so far (impact units), −∞ until k are found; from the start at
    // least θ0, the k-th best partial score over the query's rarest terms (see `seedTheta`).
    const theta0 = this.seedTheta(m, k, skip);
    let theta = theta0;

    // Global MaxScore: the terms whose column maxima sum to less than θ cannot make a document
    // reach θ alone, so the next window starts at the next document of any other term; the
    // windows between, which only they reach, are never visited.
    const gOrder = this.gOrder;
    for (let i = 0; i < m; i++) gOrder[i] = i;
    gOrder.subarray(0, m).sort((a, b) => this.tMax[a]! - this.tMax[b]!);
    let gNonEss = 0;
    let gSum = 0;

    for (;;) {
      while (gNonEss < m && gSum + this.tMax[gOrder[gNonEss]!]! < theta)
        gSum += this.tMax[gOrder[gNonEss++]!]!;
      let lo = 0xffffffff;
      for (let j = gNonEss; j < m; j++) {
        const i = gOrder[j]!;
        if (pos[i]! < end[i]! && docs[pos[i]!]! < lo) lo = docs[pos[i]!]!;
      }
      if (lo === 0xffffffff) break;
      for (let j = 0; j < gNonEss; j++) pos[gOrder[j]!] = this.find(gOrder[j]!, lo);
      const hi = lo + WINDOW;

      // Each term's bound in [lo, hi): the largest maximum among its blocks that overlap it.
      let total = 0;
      let present = 0;
      for (let i = 0; i < m; i++) {
        const p = pos[i]!;
        if (p >= end[i]! || docs[p]! >= hi) continue;
        const e = end[i]!;
        let b = blk0[i]! + ((p - start[i]!) >>> BLOCK_SHIFT);
        let bStart = start[i]! + (b - blk0[i]!) * BLOCK;
        let mx = 0;
        for (;;) {
          if (blockMax[b]! > mx) mx = blockMax[b]!;
          if (blockLast[b]! >= hi - 1) break;
          bStart += BLOCK;
          b++;
          if (bStart >= e || docs[bStart]! >= hi) break;
        }
        bound[i] = weight[i]! * mx;
        total += bound[i]!;
        order[present++] = i;
      }
      if (total < theta) {
        for (let j = 0; j < present; j++) pos[order[j]!] = this.find(order[j]!, hi);
        continue;
      }

      // Sort the present terms by bound, ascending (insertion sort: a few terms).
      for (let j = 1; j < present; j++) {
        const x = order[j]!;
        const bx = bound[x]!;
        let i = j - 1;
        while (i >= 0 && bound[order[i]!]! > bx) {
          order[i + 1] = order[i]!;
          i--;
        }
        order[i + 1] = x;
      }
      // Non-essential: the prefix whose bounds sum to no more than θ.
      let nonEss = 0;
      let nonEssSum = 0;
      while (nonEss < present && nonEssSum + bound[order[nonEss]!]! < theta) {
        nonEssSum += bound[order[nonEss++]!]!;
      }

      // Essential terms: add their postings in [lo, hi) into the buffer, block by block, and
      // mark their documents as candidates (no branch per posting: both unconditional).
      let essPostings = 0;
      for (let j = nonEss; j < present; j++) {
        const i = order[j]!;
        const w = weight[i]!;
        const others = total - bound[i]!;
        const e = end[i]!;
        let p = pos[i]!;
        while (p < e) {
          const b = blk0[i]! + ((p - start[i]!) >>> BLOCK_SHIFT);
          let bEnd = Math.min(start[i]! + (b - blk0[i]! + 1) * BLOCK, e);
          const last = blockLast[b]!;
          if (last >= hi) bEnd = lowerBound(docs, p, bEnd, hi);
          if (w * blockMax[b]! + others >= theta) {
            essPostings += bEnd - p;
            for (; p < bEnd; p++) {
              const x = docs[p]! - lo;
              bits[x >>> 5]! |= 1 << (x & 31);
              buf[x] = buf[x]! + w * impacts[p]!;
            }
          }
          // else no document of this block can reach θ through this term: the block is skipped.
          p = bEnd;
          if (last >= hi) break;
        }
        pos[i] = p;
      }

      // Non-essential terms, most valuable first, added to the candidates. First the candidates
      // that cannot reach θ even with every non-essential bound are dropped (most of them, once
      // θ is high). Then each term is scanned in the window (adding to every document there,
      // candidate or not: a non-candidate's sum stays at most the non-essential bounds ≤ θ)
      // where its postings are few beside the candidates, else sought by each candidate that can
      // still pass θ; candidates that cannot are dropped on the way.
      let rest = nonEssSum;
      let dirty = false; // the buffer holds sums of non-candidates: cleared whole at the end
      // Candidates are at most the essential postings. Where the non-essential postings in the
      // window are many more, drop the candidates that cannot reach θ first: the few left then
      // seek those terms instead of scanning them.
      let neWin = 0;
      for (let j = 0; j < nonEss; j++) {
        const i = order[j]!;
        winEnds[i] = this.find(i, hi);
        neWin += winEnds[i]! - pos[i]!;
      }
      let nCand = nonEss > 0 && DROP_RATIO * essPostings < neWin ? this.drop(rest, theta) : essPostings;
      for (let j = nonEss - 1; j >= 0 && nCand > 0; j--) {
        const i = order[j]!;
        const w = weight[i]!;
        const winEnd = winEnds[i]!;
        rest -= bound[i]!;
        if (winEnd - pos[i]! <= SCAN_PER_CANDIDATE * nCand) {
          if (nCand < WINDOW / 16) {
            // Sparse candidates: add to them alone (a well-predicted branch), buffer stays clean.
            for (let p = pos[i]!; p < winEnd; p++) {
              const x = docs[p]! - lo;
              if ((bits[x >>> 5]! & (1 << (x & 31))) !== 0) buf[x] = buf[x]! + w * impacts[p]!;
            }
          } else {
            dirty = true;
            for (let p = pos[i]!; p < winEnd; p++) {
              const x = docs[p]! - lo;
              buf[x] = buf[x]! + w * impacts[p]!;
            }
          }
        } else {
          const need = theta - bound[i]! - rest; // a candidate below this cannot reach θ
          nCand = 0;
          for (let word = 0; word < WINDOW >>> 5; word++) {
            let set = bits[word]!;
            let keep = set;
            while (set !== 0) {
              const low = set & -set;
              set ^= low;
              const x = (word << 5) | (31 - Math.clz32(low));
              if (buf[x]! < need) {
                keep ^= low;
                if (!dirty) buf[x] = 0;
                continue;
              }
              const p = this.find(i, lo + x);
              pos[i] = p;
              if (p < winEnd && docs[p] === lo + x) buf[x] = buf[x]! + w * impacts[p]!;
              nCand++;
            }
            bits[word] = keep;
          }
        }
        pos[i] = winEnd;
      }
      for (let j = 0; j < nonEss; j++) pos[order[j]!] = this.find(order[j]!, hi);

      // The candidates are complete: offer them, ascending. After a scan the buffer is read
      // straight through (every non-candidate there sums to less than θ) and cleared whole.
      if (dirty && essPostings > WINDOW / 4) {
        bits.fill(0);
        const n = Math.min(WINDOW, this.docCount - lo);
        for (let x = 0; x < n; x++) {
          const s = buf[x]!;
          if (s < theta || s === 0) continue;
          const d = lo + x;
          if (skip?.(d)) continue;
          if (top.admits(d, s)) {
            top.push(d, s);
            theta = Math.max(theta0, top.kth());
          }
        }
        buf.fill(0);
        continue;
      }
      for (let word = 0; word < WINDOW >>> 5; word++) {
        let set = bits[word]!;
        if (set === 0) continue;
        bits[word] = 0;
        while (set !== 0) {
          const x = (word << 5) | (31 - Math.clz32(set & -set));
          set &= set - 1;
          const s = buf[x]!;
          buf[x] = 0;
          if (s < theta) continue;
          const d = lo + x;
          if (skip?.(d)) continue;
          if (top.admits(d, s)) {
            top.push(d, s);
            theta = Math.max(theta0, top.kth());
          }
        }
      }
      if (dirty) buf.fill(0);
    }

    const out = top.sorted();
    for (const h of out) h.score *= this.unit;
    return out;
  }

  /**
   * A cheap lower bound of the final θ: k distinct documents score at least any one term's k-th
   * largest block maximum (each block's maximum is one of its documents), or its k-th largest
   * impact where it has fewer than k blocks; 0 where no term has k postings. Documents excluded
   * by `skip` may be among them, so with exclusions it only chooses a path, never prunes.
   */
  private quickTheta(m: number, k: number): number {
    const { impacts, blockMax } = this.c;
    const top = this.seedTop;
    let best = 0;
    for (let i = 0; i < m; i++) {
      top.reset(k);
      const len = this.tEnd[i]! - this.tStart[i]!;
      if (len < k) continue;
      if (len <= BLOCK * k) {
        for (let p = this.tStart[i]!; p < this.tEnd[i]!; p++)
          if (top.admits(0, impacts[p]!)) top.push(0, impacts[p]!);
      } else {
        const b1 = this.tBlk0[i]! + Math.ceil(len / BLOCK);
        for (let b = this.tBlk0[i]!; b < b1; b++) if (top.admits(0, blockMax[b]!)) top.push(0, blockMax[b]!);
      }
      best = Math.max(best, this.tWeight[i]! * top.kth());
    }
    return best;
  }

  /**
   * Whether MaxScore under θ0 leaves at most 1/PRUNED_SHARE of the query's postings essential:
   * the terms with the smallest column maxima summing below θ0 are not (see `topK`).
   */
  private prunesWell(m: number, theta0: number): boolean {
    const order = this.order; // free until the windows set it
    for (let i = 0; i < m; i++) order[i] = i;
    order.subarray(0, m).sort((a, b) => this.tMax[a]! - this.tMax[b]!);
    let j = 0;
    let sum = 0;
    while (j < m && sum + this.tMax[order[j]!]! < theta0) sum += this.tMax[order[j++]!]!;
    let essential = 0;
    let all = 0;
    for (let i = 0; i < m; i++) {
      const postings = this.tEnd[order[i]!]! - this.tStart[order[i]!]!;
      all += postings;
      if (i >= j) essential += postings;
    }
    return essential * PRUNED_SHARE <= all;
  }

  /**
   * Every posting of the query's terms, window by window, through the WebAssembly kernel: it adds
   * them into a window-sized buffer and hands back the documents scoring at least θ (the k-th
   * best so far, from the start at least the seeded θ0), which are offered to the top k here.
   * Windows no term reaches are passed over. Exact in the same way as the windows of `topK`.
   */
  private exhaustive(
    kernel: ScoringKernel,
    m: number,
    k: number,
    skip: ((doc: number) => boolean) | undefined,
    theta0: number,
  ): ScoredDoc[] {
    const { docs } = this.c;
    const top = this.top;
    top.reset(k);
    let theta = theta0;
    for (let i = 0; i < m; i++) {
      kernel.pos[i] = this.tStart[i]!;
      kernel.end[i] = this.tEnd[i]!;
      kernel.weight[i] = this.tWeight[i]!;
    }
    const { pos, end, outIdx, outScore, acc } = kernel;
    let postings = 0;
    for (let i = 0; i < m; i++) postings += end[i]! - pos[i]!;
    const sparse = postings * SPARSE_SHARE < this.docCount;
    for (;;) {
      // The next window any term reaches.
      let next = 0xffffffff;
      for (let i = 0; i < m; i++) if (pos[i]! < end[i]! && docs[pos[i]!]! < next) next = docs[pos[i]!]!;
      if (next === 0xffffffff) break;
      const lo = next - (next % KERNEL_WINDOW);
      // Every matching document scores at least one impact unit, so 1 keeps the empty ones out.
      let n: number;
      if (sparse) {
        // Documents as their sums reached θ, in posting order (ties are settled by TopK); their
        // final sums are read once the window is done.
        n = kernel.accumulateCrossing(m, lo, Math.max(theta, 1));
        for (let j = 0; j < n; j++) outScore[j] = acc[outIdx[j]!]!;
        kernel.clear();
      } else {
        kernel.accumulate(m, lo);
        n = kernel.collect(Math.max(theta, 1));
      }
      theta = this.offer(kernel, n, lo, theta, theta0, skip);
    }
    const out = top.sorted();
    for (const h of out) h.score *= this.unit;
    return out;
  }

  /**
   * Offers the kernel's n documents (base + outIdx[j], scoring outScore[j]) to the top k; returns
   * θ after them (the k-th best, at least θ0).
   */
  private offer(
    kernel: ScoringKernel,
    n: number,
    base: number,
    theta: number,
    theta0: number,
    skip: ((doc: number) => boolean) | undefined,
  ): number {
    const { outIdx, outScore } = kernel;
    const top = this.top;
    for (let j = 0; j < n; j++) {
      const s = outScore[j]!;
      if (s < theta) continue;
      const d = base + outIdx[j]!;
      if (skip?.(d)) continue;
      if (top.admits(d, s)) {
        top.push(d, s);
        theta = Math.max(theta0, top.kth());
      }
    }
    return theta;
  }

  /**
   * Through the document blocks (see doc-blocks.ts), in the kernel. The query's rarer terms are
   * added whole into a sum per document (few postings, read in order), which also leaves each
   * block's best sum so far; a block's bound is that plus its common terms' (quantised, rounded
   * up) maxima there, in fixed point (16-bit integers, the unit chosen per query). Queries of
   * more than BLOCKS_MAX_COMMON common terms are not taken (null). Blocks are then scored in
   * bands of bound, highest first: the common terms' postings in the band are added (see
   * `addCommonTerms`), its documents scoring at least θ are offered to the top k, and the next
   * band reaches down only to the θ that leaves (a block whose bound is below θ cannot hold a
   * document reaching it). The first band is the FIRST_BAND blocks of the highest bounds, whose
   * documents give θ; each next is BAND_GROWTH times larger. Exact as the other paths: scores
   * are the same integer sums, bounds never fall below them, and a block whose bound only ties
   * θ is scored too.
   */
  private blocked(
    kernel: ScoringKernel,
    m: number,
    k: number,
    skip: ((doc: number) => boolean) | undefined,
  ): ScoredDoc[] | null {
    const d = this.c.docBlocks!;
    const { maxImpacts } = this.c;
    // Per common term its bound scale; the common terms in `common`, most valuable first.
    const scale = this.tBound; // free: the windows are not taken
    const common = this.order;
    let nCommon = 0;
    for (let i = 0; i < m; i++) if (d.denseSlot[this.tTerm[i]!] !== 0) common[nCommon++] = i;
    if (nCommon > BLOCKS_MAX_COMMON) return null;
    const top = this.top;
    top.reset(k);
    let theta = Number.NEGATIVE_INFINITY;
    kernel.clearBounds();
    const nRare = this.rareTerms(kernel, m);
    let total = kernel.rareBounds(nRare);
    let widest = 0;
    for (let j = 0; j < nCommon; j++) {
      const i = common[j]!;
      scale[i] = ((this.tWeight[i]! * maxImpacts[this.tTerm[i]!]!) / 255) * BOUND_SLACK;
      total += 255 * scale[i]!;
      widest = Math.max(widest, scale[i]!);
    }
    // Bounds in fixed point: a block's bound is unit · v, v (u16) at least its best sum of rarer
    // terms / unit, rounded up, plus each common term's ⌈scale / unit⌉ · (quantised maximum). The
    // unit is the smallest that keeps every v below 2^16 (each rounding up adds at most 255) and
    // every multiplier within a byte.
    const unit = Math.max(total / (0xffff - 255 * (nCommon + 1) - 1), widest / 254);
    if (!(unit > 0)) return []; // no term has a posting
    // The common terms two a pass, the first pass also putting the rarer terms' bounds in fixed point.
    let inv = (1 / unit) * FIXED_SLACK;
    let most = 0;
    for (let j = 0; j === 0 || j < nCommon; j += 2) {
      const s1 = j < nCommon ? Math.ceil(scale[common[j]!]! / unit) : 0;
      const s2 = j + 1 < nCommon ? Math.ceil(scale[common[j + 1]!]! / unit) : 0;
      most = kernel.boundDense(
        this.denseSlotOf(common, j, nCommon),
        s1,
        this.denseSlotOf(common, j + 1, nCommon),
        s2,
        inv,
      );
      inv = 0;
    }
    sortByScale(common, nCommon, scale);
    // Blocks by bound, in bins of 2^shift units: where each band's lower end lies.
    const shift = Math.max(0, 32 - Math.clz32(most) - 8);
    const hist = this.hist;
    kernel.histogram(shift, 8 * HISTOGRAM_SAMPLE, hist);
    let bin = HISTOGRAM_BINS;
    let counted = 0;
    let want = FIRST_BAND;
    const chunk = KERNEL_WINDOW >>> DOC_BLOCK_SHIFT;
    let hi = most;
    for (;;) {
      // The band's lower end, below hi: at least one bin lower, and as many as make `want`; a
      // block bounded below floor(θ / unit) units is bounded below θ (by one unit of margin).
      while (bin > 0 && (counted * HISTOGRAM_SAMPLE < want || bin << shift > hi)) counted += hist[--bin]!;
      want *= BAND_GROWTH;
      const lo = Math.max(bin << shift, theta > 0 ? Math.floor(theta / unit) : 0, 1); // 0: no query term there
      const ns = kernel.selectBlocks(lo, hi);
      if (ns > 0) {
        const touched = this.addCommonTerms(kernel, ns, nCommon, theta);
        for (let i0 = 0; i0 < touched; i0 += chunk) {
          // Every matching document scores at least one impact unit, so 1 keeps the empty ones out.
          const n = kernel.collectBlocks(i0, Math.min(touched, i0 + chunk), Math.max(theta, 1));
          theta = this.offer(kernel, n, 0, theta, Number.NEGATIVE_INFINITY, skip);
        }
      }
      // Every block left is empty or bounded below θ.
      if (lo <= 1 || lo <= (theta > 0 ? Math.floor(theta / unit) : 0)) break;
      hi = lo - 1;
    }
    kernel.zeroRare(nRare); // their sums outside the blocks scored
    const out = top.sorted();
    for (const h of out) h.score *= this.unit;
    return out;
  }

  /**
   * Leaves the query's rarer terms (those without document blocks) in the kernel's start, end
   * and weight, for `rareBounds` and `zeroRare`; returns how many there are.
   */
  private rareTerms(kernel: ScoringKernel, m: number): number {
    const d = this.c.docBlocks!;
    const { end, start, weight } = kernel;
    let nRare = 0;
    for (let i = 0; i < m; i++) {
      if (d.denseSlot[this.tTerm[i]!] !== 0) continue;
      start[nRare] = this.tStart[i]!;
      end[nRare] = this.tEnd[i]!;
      weight[nRare++] = this.tWeight[i]!;
    }
    return nRare;
  }

  /**
   * The band's common terms, most valuable first; returns how many of its blocks were given any
   * (the first that many of its list, for `collectBlocks`). Once θ is known, a block is dropped
   * before each term where no document's sum so far plus what the remaining terms can add there
   * reaches θ: after the rarer terms most are, so the commonest terms are read in few blocks
   * (their postings lie scattered, each block's a cache miss). The sums left stay below θ, so
   * collect passes them.
   */
  private addCommonTerms(kernel: ScoringKernel, ns: number, nCommon: number, theta: number): number {
    const scale = this.tBound;
    const common = this.order;
    if (!(theta > 0)) {
      for (let j = 0; j < nCommon; j++) {
        kernel.addDense(this.denseSlotOf(common, j, nCommon), ns, this.tWeight[common[j]!]!, false);
      }
      return ns;
    }
    kernel.clearRest(ns);
    for (let j = 0; j < nCommon; j++)
      kernel.gatherRest(this.denseSlotOf(common, j, nCommon), ns, scale[common[j]!]!, false);
    // Sums are integers and rest a float64 sum of bounds: one unit of margin covers its rounding.
    // The band's own list keeps the blocks that get any common term (for collect); the others
    // hold the rarer terms' sums alone, below θ, which zeroRare clears.
    const touched = kernel.pruneBlocks(ns, theta - 1, 'band');
    let alive = touched;
    for (let j = 0; j < nCommon && alive > 0; j++) {
      if (j > 0) alive = kernel.pruneBlocks(alive, theta - 1, j === 1 ? 'band-alive' : 'alive');
      const i = common[j]!;
      const slot = this.denseSlotOf(common, j, nCommon);
      kernel.addDense(slot, alive, this.tWeight[i]!, j > 0, true);
      kernel.gatherRest(slot, alive, -scale[i]!, j > 0);
    }
    return touched;
  }

  /** The dense slot of the query's j-th common term (listed in `common`); −1 past the last. */
  private denseSlotOf(common: Int32Array, j: number, nCommon: number): number {
    return j < nCommon ? this.c.docBlocks!.denseSlot[this.tTerm[common[j]!]!]! - 1 : -1;
  }

  /**
   * Queries of a few terms: term at a time over whole columns, most valuable first, partial scores kept
   * in a list sorted by document (sequential reads only). After each term θ is the k-th best
   * partial score; once the remaining terms' maxima sum to less than θ no new document can enter,
   * and the list is cut to the documents that can still reach θ, which then gallop through the
   * remaining (common) columns. For a few terms this beats the windows, whose per-window work
   * does not shrink with the query; it is quadratic in long queries, which take the windows.
   */
  private merged(m: number, k: number): ScoredDoc[] {
    const terms = Array.from({ length: m }, (_, i) => i).sort((a, b) => this.tMax[b]! - this.tMax[a]!);
    const rest = new Float64Array(m + 1); // rest[j]: what terms j … m − 1 can add at most
    for (let j = m - 1; j >= 0; j--) rest[j] = rest[j + 1]! + this.tMax[terms[j]!]!;
    const top = this.top;
    let n = 0;
    let j = 0;
    let theta = Number.NEGATIVE_INFINITY;
    while (j < m) {
      top.reset(k);
      n = this.mergeColumn(terms[j++]!, n);
      theta = top.kth();
      if (rest[j]! < theta) break;
    }
    if (j < m) {
      const cd = this.mDocs;
      const cs = this.mScores;
      let nc = keepReaching(cd, cs, n, rest[j]!, theta);
      for (; j < m; j++) {
        this.addToCandidates(terms[j]!, cd, cs, nc);
        top.reset(k);
        for (let c = 0; c < nc; c++) if (top.admits(cd[c]!, cs[c]!)) top.push(cd[c]!, cs[c]!);
        if (j + 1 < m) nc = keepReaching(cd, cs, nc, rest[j + 1]!, top.kth());
      }
    }
    const out = top.sorted();
    for (const h of out) h.score *= this.unit;
    return out;
  }

  /** Merges query term i's column into the sorted list (n entries); offers each entry to the top k. */
  private mergeColumn(i: number, n: number): number {
    const need = Math.min(n + this.tEnd[i]! - this.tStart[i]!, this.docCount);
    if (this.mDocs2.length < need) {
      const size = Math.min(Math.max(need, 2 * this.mDocs2.length), this.docCount);
      this.mDocs2 = new Uint32Array(size);
      this.mScores2 = new Float64Array(size);
    }
    const { docs, impacts } = this.c;
    const ad = this.mDocs;
    const as = this.mScores;
    const bd = this.mDocs2;
    const bs = this.mScores2;
    const top = this.top;
    const w = this.tWeight[i]!;
    const end = this.tEnd[i]!;
    let x = 0;
    let p = this.tStart[i]!;
    let o = 0;
    while (x < n || p < end) {
      let d: number;
      let s: number;
      if (p >= end || (x < n && ad[x]! < docs[p]!)) {
        d = ad[x]!;
        s = as[x++]!;
      } else if (x >= n || docs[p]! < ad[x]!) {
        d = docs[p]!;
        s = w * impacts[p++]!;
      } else {
        d = ad[x]!;
        s = as[x++]! + w * impacts[p++]!;
      }
      bd[o] = d;
      bs[o++] = s;
      if (top.admits(d, s)) top.push(d, s);
    }
    this.mDocs = bd;
    this.mScores = bs;
    this.mDocs2 = ad;
    this.mScores2 = as;
    return o;
  }

  /** Adds query term i's score to each candidate (ascending) found in its column, galloping. */
  private addToCandidates(i: number, cand: Uint32Array, scores: Float64Array, nCand: number): void {
    const { docs, impacts } = this.c;
    const end = this.tEnd[i]!;
    const w = this.tWeight[i]!;
    let lo = this.tStart[i]!;
    const gallop = end - lo > 8 * nCand;
    for (let j = 0; j < nCand && lo < end; j++) {
      const d = cand[j]!;
      if (!gallop) {
        while (lo < end && docs[lo]! < d) lo++;
      } else if (docs[lo]! < d) {
        let step = 1;
        let hi = lo + 1;
        while (hi < end && docs[hi]! < d) {
          lo = hi;
          step *= 2;
          hi = lo + step;
        }
        lo = lowerBound(docs, lo + 1, Math.min(hi, end), d);
      }
      if (lo < end && docs[lo] === d) scores[j] = scores[j]! + w * impacts[lo++]!;
    }
  }

  /**
   * A first θ before any window, as the old merge-based engine got it: the columns of the
   * query's most valuable terms (up to SEED_POSTINGS postings in all) are merged into partial
   * scores, and the k-th best is returned. Scores only grow as terms are added, so at least k
   * documents (none of them skipped) score that much: a true lower bound of the final θ. Without
   * it the first windows, scored while θ is still low, prune little.
   */
  private seedTheta(m: number, k: number, skip: ((doc: number) => boolean) | undefined): number {
    const { docs, impacts } = this.c;
    const { tWeight: weight, tStart: start, tEnd: end, tMax } = this;
    let a = this.seedDocs;
    let as = this.seedScores;
    let b = this.seedDocs2;
    let bs = this.seedScores2;
    let n = 0;
    let used = 0;
    // Terms by column maximum, largest first.
    const byMax = this.gOrder; // free until the window loop sets it
    for (let i = 0; i < m; i++) byMax[i] = i;
    byMax.subarray(0, m).sort((x, y) => tMax[y]! - tMax[x]!);
    for (let round = 0; round < m; round++) {
      const best = byMax[round]!;
      const len = end[best]! - start[best]!;
      if (used + len > SEED_POSTINGS) break;
      used += len;
      // Merge column `best` into the sorted partial scores a → b, then swap.
      const w = weight[best]!;
      let x = 0;
      let p = start[best]!;
      let o = 0;
      const e = end[best]!;
      while (x < n || p < e) {
        if (p >= e || (x < n && a[x]! < docs[p]!)) {
          b[o] = a[x]!;
          bs[o++] = as[x++]!;
        } else if (x >= n || docs[p]! < a[x]!) {
          b[o] = docs[p]!;
          bs[o++] = w * impacts[p++]!;
        } else {
          b[o] = a[x]!;
          bs[o++] = as[x++]! + w * impacts[p++]!;
        }
      }
      [a, b] = [b, a];
      [as, bs] = [bs, as];
      n = o;
    }
    if (n < k) return Number.NEGATIVE_INFINITY;
    const top = this.seedTop;
    top.reset(k);
    for (let j = 0; j < n; j++) if (top.admits(a[j]!, as[j]!) && !skip?.(a[j]!)) top.push(a[j]!, as[j]!);
    return top.kth();
  }

  /**
   * Drops the candidates whose score plus `rest` cannot reach θ (their buffer entries zeroed);
   * returns how many are left.
   */
  private drop(rest: number, theta: number): number {
    const { buf, bits } = this;
    const need = theta - rest;
    let n = 0;
    for (let word = 0; word < WINDOW >>> 5; word++) {
      let set = bits[word]!;
      if (set === 0) continue;
      let keep = set;
      while (set !== 0) {
        const low = set & -set;
        set ^= low;
        const x = (word << 5) | (31 - Math.clz32(low));
        if (buf[x]! < need) {
          keep ^= low;
          buf[x] = 0;
        } else n++;
      }
      bits[word] = keep;
    }
    return n;
  }

  /**
   * Term i's first posting of document d or later, from its cursor on: whole blocks are passed
   * by their last document, then the block is bisected. The cursor is not moved.
   */
  private find(i: number, d: number): number {
    const { docs, blockLast } = this.c;
    const e = this.tEnd[i]!;
    let p = this.tPos[i]!;
    if (p >= e || docs[p]! >= d) return p;
    const start = this.tStart[i]!;
    const blk0 = this.tBlk0[i]!;
    let b = blk0 + ((p - start) >>> BLOCK_SHIFT);
    if (blockLast[b]! < d) {
      const nBlocks = blk0 + Math.ceil((e - start) / BLOCK);
      do b++;
      while (b < nBlocks && blockLast[b]! < d);
      if (b === nBlocks) return e;
      p = start + (b - blk0) * BLOCK;
    }
    return lowerBound(docs, p, Math.min(start + (b - blk0 + 1) * BLOCK, e), d);
  }

  /** Loads the query's distinct terms (repeats become weights) into the per-term arrays. */
  private setTerms(termIds: readonly number[]): number {
    const sorted = Uint32Array.from(termIds).sort();
    if (this.tWeight.length < sorted.length) {
      const n = sorted.length;
      this.tTerm = new Uint32Array(n);
      this.tWeight = new Float64Array(n);
      this.tPos = new Uint32Array(n);
      this.tEnd = new Uint32Array(n);
      this.tStart = new Uint32Array(n);
      this.tBlk0 = new Uint32Array(n);
      this.tBound = new Float64Array(n);
      this.winEnds = new Uint32Array(n);
      this.order = new Int32Array(n);
      this.gOrder = new Int32Array(n);
      this.tMax = new Float64Array(n);
    }
    const { indptr, blockPtr, maxImpacts } = this.c;
    let m = 0;
    for (let j = 0; j < sorted.length; j++) {
      const t = sorted[j]!;
      if (j > 0 && t === sorted[j - 1]) {
        this.tWeight[m - 1]!++;
        this.tMax[m - 1] = this.tWeight[m - 1]! * maxImpacts[t]!;
        continue;
      }
      this.tTerm[m] = t;
      this.tWeight[m] = 1;
      this.tMax[m] = maxImpacts[t]!;
      this.tPos[m] = indptr[t]!;
      this.tStart[m] = indptr[t]!;
      this.tEnd[m] = indptr[t + 1]!;
      this.tBlk0[m] = blockPtr[t]!;
      m++;
    }
    return m;
  }
}

/** Keeps, in place and in order, the entries whose score plus `rest` can still reach θ. */
function keepReaching(
  docs: Uint32Array,
  scores: Float64Array,
  n: number,
  rest: number,
  theta: number,
): number {
  let kept = 0;
  for (let j = 0; j < n; j++) {
    if (scores[j]! + rest >= theta) {
      docs[kept] = docs[j]!;
      scores[kept++] = scores[j]!;
    }
  }
  return kept;
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

/** Sorts list[0 … n − 1] by key, largest first (insertion sort: n is at most a few dozen). */
function sortByScale(list: Int32Array, n: number, key: Float64Array): void {
  for (let i = 1; i < n; i++) {
    const x = list[i]!;
    const kx = key[x]!;
    let j = i - 1;
    while (j >= 0 && key[list[j]!]! < kx) {
      list[j + 1] = list[j]!;
      j--;
    }
    list[j + 1] = x;
  }
}
