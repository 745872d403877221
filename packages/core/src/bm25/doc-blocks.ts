/**
 * Block maxima over document ranges (as BMP, Mallia et al., SIGIR 2024) for the common terms:
 * documents are cut into blocks of 2^DOC_BLOCK_SHIFT consecutive numbers, and each term present
 * in more than 1/DENSE_SHARE of the blocks records, per block, its largest impact there (quantised
 * up to a byte of its column's maximum) and where its postings there start. A query adds its
 * rarer terms' postings whole and bounds each block by its best sum so far plus its common terms'
 * maxima there; only the blocks whose bound reaches θ read the common terms' postings (see
 * QueryEngine.blocked). On real text (200k passages) a 100-term query's top 4 lies within about
 * 3% of the blocks, while the common terms hold most of its postings.
 */
/** kernel.wat's block path assumes it (blocks of 16 documents: 128 bytes of sums, shifts by 4). */
export const DOC_BLOCK_SHIFT = 4;
const DENSE_SHARE = 8;

export interface DocBlocks {
  /** Per term: 0 for a term left out (a rarer one), else its slot + 1. */
  denseSlot: Uint32Array;
  /** Slot s: maxima at s · stride + b (0 where absent), first postings at s · stride + b. */
  denseMax: Uint8Array;
  denseStart: Uint32Array;
}

/** Blocks covering docCount documents. */
export function docBlockCount(docCount: number): number {
  return Math.ceil(docCount / 2 ** DOC_BLOCK_SHIFT);
}

/** A slot's length: every block, one more for the end of the last, a multiple of 8. */
export function denseStride(nBlocks: number): number {
  return Math.ceil((nBlocks + 1) / 8) * 8;
}

/** A column maximum's share of 255, rounded up: what bounds an impact of `impact` at most. */
function quantise(impact: number, max: number): number {
  return Math.ceil((255 * impact) / max); // exact: 255 · impact < 2^53, and never an integer by error
}

export function buildDocBlocks(
  indptr: Uint32Array,
  docs: Uint32Array,
  impacts: Uint32Array,
  maxImpacts: Uint32Array,
  docCount: number,
): DocBlocks {
  const shift = DOC_BLOCK_SHIFT;
  const nTerms = indptr.length - 1;
  const nBlocks = docBlockCount(docCount);
  const stride = denseStride(nBlocks);
  const denseSlot = new Uint32Array(nTerms);
  let nDense = 0;
  for (let t = 0; t < nTerms; t++) {
    // Blocks the term is in: at most its postings, so short columns are passed at once.
    if ((indptr[t + 1]! - indptr[t]!) * DENSE_SHARE <= nBlocks) continue;
    let blocks = 0;
    let prev = -1;
    for (let p = indptr[t]!; p < indptr[t + 1]!; p++) {
      const b = docs[p]! >>> shift;
      if (b !== prev) {
        blocks++;
        prev = b;
      }
    }
    if (blocks * DENSE_SHARE > nBlocks) denseSlot[t] = ++nDense;
  }
  const denseMax = new Uint8Array(nDense * stride);
  const denseStart = new Uint32Array(nDense * stride);
  for (let t = 0; t < nTerms; t++) {
    if (denseSlot[t] === 0) continue;
    const max = maxImpacts[t]!;
    const p1 = indptr[t + 1]!;
    const at = (denseSlot[t]! - 1) * stride;
    let p = indptr[t]!;
    for (let b = 0; b <= nBlocks; b++) {
      denseStart[at + b] = p;
      let m = 0;
      for (; p < p1 && docs[p]! >>> shift === b; p++) if (impacts[p]! > m) m = impacts[p]!;
      if (m > 0) denseMax[at + b] = quantise(m, max);
    }
  }
  return { denseSlot, denseMax, denseStart };
}

/**
 * Checks a decoded DocBlocks against its columns (lengths, slots, posting starts), so a damaged
 * file fails on load with a message instead of scoring wrongly; returns the problem or null.
 */
export function docBlocksProblem(d: DocBlocks, indptr: Uint32Array, docCount: number): string | null {
  const nTerms = indptr.length - 1;
  const nBlocks = docBlockCount(docCount);
  const stride = denseStride(nBlocks);
  if (d.denseSlot.length !== nTerms) return 'per-term slots have the wrong length';
  const nDense = d.denseMax.length / stride;
  if (!Number.isInteger(nDense) || d.denseStart.length !== d.denseMax.length)
    return 'slot arrays have the wrong length';
  const seen = new Uint8Array(nDense);
  for (let t = 0; t < nTerms; t++) {
    const slot = d.denseSlot[t]!;
    if (slot === 0) continue;
    if (slot > nDense || seen[slot - 1]) return `slot of term ${t} is out of range or taken twice`;
    seen[slot - 1] = 1;
    const at = (slot - 1) * stride;
    if (d.denseStart[at] !== indptr[t] || d.denseStart[at + nBlocks] !== indptr[t + 1])
      return `postings of term ${t} do not match its column`;
    for (let b = 0; b < nBlocks; b++)
      if (d.denseStart[at + b + 1]! < d.denseStart[at + b]!) return `postings of term ${t} are not ascending`;
  }
  return null;
}
