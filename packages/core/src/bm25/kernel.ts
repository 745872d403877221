import { DOC_BLOCK_SHIFT, denseStride, docBlockCount } from './doc-blocks';
import { KERNEL_WASM_BASE64 } from './kernel-wasm';
import type { Columns } from './query';

/** Documents per window: the float64 score buffer (64 KiB) stays in L1/L2 cache. */
export const KERNEL_WINDOW = 8192;
/** Bins of `histogram`. */
export const HISTOGRAM_BINS = 256;
/** Distinct query terms the kernel takes at most (its per-term arrays are this long). */
export const KERNEL_MAX_TERMS = 4096;

const PAGE = 65536;
// Fixed scratch at the start of the kernel's memory.
const POS = 0;
const END = POS + 4 * KERNEL_MAX_TERMS;
const START = END + 4 * KERNEL_MAX_TERMS;
const WEIGHT = START + 4 * KERNEL_MAX_TERMS;
const ACC = WEIGHT + 8 * KERNEL_MAX_TERMS;
const OUT_IDX = ACC + 8 * KERNEL_WINDOW;
const OUT_SCORE = OUT_IDX + 4 * KERNEL_WINDOW;
const HIST = OUT_SCORE + 8 * KERNEL_WINDOW;
// Then the block path's scratch, sized by the corpus (`blockScratchBytes`), then the data.
const SCRATCH = HIST + 16 * HISTOGRAM_BINS; // a multiple of 8, as the file's sections need

/**
 * The block path's scratch for docCount documents: per document block its bound (f32), two
 * lists of blocks (u32: a band's, and those still alive in it), what each alive block can still
 * gain (f64) and its best sum (f64), postings' spans (u32 pairs), its bound in fixed point
 * (u16), then a sum per document (f64).
 */
function blockScratchBytes(docCount: number): number {
  const stride = denseStride(docBlockCount(docCount));
  return 38 * stride + 8 * (stride << DOC_BLOCK_SHIFT);
}

/** accumulate's arguments, which accumulateCrossing takes too, then theta and outIdxP. */
type WindowArgs = [
  n: number,
  posP: number,
  endP: number,
  weightP: number,
  docsP: number,
  impactsP: number,
  accP: number,
  lo: number,
  hi: number,
];

interface KernelExports {
  accumulate(...args: WindowArgs): number;
  accumulateCrossing(...args: [...WindowArgs, theta: number, outIdxP: number]): number;
  collect(accP: number, n: number, theta: number, outIdxP: number, outScoreP: number): number;
  clear(accP: number, n: number): void;
  /** n, startP, endP, weightP, docsP, impactsP, accP, ubP, ahead */
  rareBounds(...args: number[]): number;
  zeroRare(n: number, startP: number, endP: number, docsP: number, accP: number): void;
  boundDense(
    vP: number,
    maxP: number,
    max2P: number,
    n: number,
    s: number,
    s2: number,
    ubP: number,
    inv: number,
  ): number;
  histogram(vP: number, n: number, shift: number, histP: number, step: number): void;
  selectBlocks(vP: number, n: number, lo: number, hi: number, selP: number): number;
  /** selP, ns, startP, w, docsP, impactsP, accP, spanP, bestP */
  addDense(...args: number[]): void;
  gatherRest(selP: number, ns: number, maxP: number, scale: number, restP: number): void;
  /** fromP, toP, ns, restP, ubP, theta, bestP, fromBounds */
  pruneBlocks(...args: number[]): number;
  /** selP, i0, i1, accP, theta, outIdxP, outScoreP */
  collectBlocks(...args: number[]): number;
}

let compiled: WebAssembly.Module | null | undefined;

/** The kernel's module, compiled once (synchronously: it is 2 KB); null without WebAssembly SIMD. */
function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      const bytes = Uint8Array.from(atob(KERNEL_WASM_BASE64), (ch) => ch.charCodeAt(0));
      compiled = new WebAssembly.Module(bytes);
    } catch {
      compiled = null; // no WebAssembly, or no SIMD: the TypeScript engine scores every query
    }
  }
  return compiled;
}

/** A kernel memory of `bytes` bytes; null without WebAssembly SIMD or where it cannot be had. */
function kernelMemory(bytes: number): WebAssembly.Memory | null {
  if (kernelModule() === null || bytes > 2 ** 32) return null;
  try {
    const pages = Math.ceil(bytes / PAGE);
    return new WebAssembly.Memory({ initial: pages, maximum: pages });
  } catch {
    return null; // wasm32 stops at 4 GiB, and a browser may refuse less
  }
}

/** Files smaller than this are decoded where they are: the kernel copies their few postings if asked. */
const PLACE_MIN_BYTES = 1 << 20;

/**
 * An index file of docCount documents copied into a new kernel memory, after the scratch: an
 * index decoded from the copy has its columns there, and the kernel reads them in place instead
 * of copying them again. Null for small files and where no kernel memory can be had (the file is
 * then decoded where it is).
 */
export function placeInKernelMemory(
  file: Uint8Array,
  docCount: number,
): { memory: WebAssembly.Memory; file: Uint8Array } | null {
  if (file.length < PLACE_MIN_BYTES) return null;
  const at = SCRATCH + blockScratchBytes(docCount);
  const memory = kernelMemory(at + file.length);
  if (memory === null) return null;
  const placed = new Uint8Array(memory.buffer, at, file.length);
  placed.set(file);
  return { memory, file: placed };
}

/** Where the block path reads a DocBlocks in kernel memory (byte offsets). */
interface BlockPointers {
  denseMax: number;
  denseStart: number;
}

/**
 * The columns' documents and impacts (and their DocBlocks, where the index has them) in a
 * WebAssembly memory, with the kernel (kernel.wat) that scores over them: a window of documents
 * at a time (`accumulate`), or the blocks whose bounds reach θ (the block path). Its memory has a
 * fixed size and never grows, because growing would detach every typed array viewing it.
 */
export class ScoringKernel {
  /**
   * `rareBounds` loads the sums of the next `touchAhead` postings before adding to them, on
   * corpora of `touchAheadMinDocs` documents or more: there the sums (8 bytes a document) outgrow
   * the caches, a rarer term's postings are each a miss, and the loads overlap their misses.
   * Probes on the bench's five-sentence queries (bench/bm25/block-probes.ts, kept in
   * docs/results/bm25-2026-12-07-load-ahead/): synthetic 1M, rareBounds 365 → 208 µs a query
   * (the whole query 1,319 → 1,160); real text at 100k and 202k passages, whose sums stay in
   * cache, 2–11% slower with it. Settable so that tests cover the path on small corpora.
   */
  static touchAhead = 512;
  static touchAheadMinDocs = 1 << 19;

  /** Per query term: next posting, end of column (u32), weight (f64); set before `accumulate`. */
  readonly pos: Uint32Array;
  readonly end: Uint32Array;
  readonly weight: Float64Array;
  /** Per rarer query term: its first posting (for `rareBounds` and `zeroRare`). */
  readonly start: Uint32Array;
  /** What the last `collect` wrote: window offsets and their scores, ascending. */
  readonly outIdx: Uint32Array;
  readonly outScore: Float64Array;
  /** The window's sums (read after `accumulateCrossing`, before `clear`). */
  readonly acc: Float64Array;
  private readonly hist: Uint32Array;
  /** Whether the block path can run (the index has DocBlocks). */
  readonly hasBlocks: boolean;
  private readonly k: KernelExports;
  private readonly ubP = SCRATCH;
  /** Document blocks, rounded up (see denseStride): the length of the bounds and of a dense slot. */
  private readonly stride: number;
  private readonly selP: number;
  private readonly aliveP: number;
  private readonly restP: number;
  private readonly bestP: number;
  private readonly spanP: number;
  private readonly fixedP: number;
  private readonly blockAccP: number;

  private constructor(
    memory: WebAssembly.Memory,
    instance: WebAssembly.Instance,
    private readonly docsP: number,
    private readonly impactsP: number,
    private readonly docCount: number,
    private readonly blocks: BlockPointers | null,
  ) {
    this.k = instance.exports as unknown as KernelExports;
    this.pos = new Uint32Array(memory.buffer, POS, KERNEL_MAX_TERMS);
    this.end = new Uint32Array(memory.buffer, END, KERNEL_MAX_TERMS);
    this.weight = new Float64Array(memory.buffer, WEIGHT, KERNEL_MAX_TERMS);
    this.start = new Uint32Array(memory.buffer, START, KERNEL_MAX_TERMS);
    this.outIdx = new Uint32Array(memory.buffer, OUT_IDX, KERNEL_WINDOW);
    this.outScore = new Float64Array(memory.buffer, OUT_SCORE, KERNEL_WINDOW);
    this.acc = new Float64Array(memory.buffer, ACC, KERNEL_WINDOW);
    this.hist = new Uint32Array(memory.buffer, HIST, 4 * HISTOGRAM_BINS);
    const stride = denseStride(docBlockCount(docCount));
    this.stride = stride;
    this.selP = SCRATCH + 4 * stride;
    this.aliveP = SCRATCH + 8 * stride;
    this.restP = SCRATCH + 12 * stride;
    this.bestP = SCRATCH + 20 * stride;
    this.spanP = SCRATCH + 28 * stride;
    this.fixedP = SCRATCH + 36 * stride;
    this.blockAccP = SCRATCH + 38 * stride;
    this.hasBlocks = blocks !== null;
  }

  /**
   * The kernel over `c` (of docCount documents). Where `c`'s arrays already lie in `memory` (an
   * index decoded from `placeInKernelMemory`'s copy) it reads them there; otherwise it copies
   * them into a new kernel memory and points `c` at the copies (so the originals can be
   * collected and the TypeScript engine reads the same arrays). Null where WebAssembly SIMD is
   * missing or no memory can be had: the caller then scores in TypeScript.
   */
  static create(c: Columns, docCount: number, memory?: WebAssembly.Memory): ScoringKernel | null {
    const module = kernelModule();
    if (module === null) return null;
    const b = c.docBlocks;
    const inKernel = (a: ArrayBufferView) => memory !== undefined && a.buffer === memory.buffer;
    const placed =
      inKernel(c.docs) &&
      inKernel(c.impacts) &&
      (b === undefined || (inKernel(b.denseMax) && inKernel(b.denseStart)));
    if (!placed) {
      const n = c.docs.length;
      const blockBytes = b ? b.denseMax.length + 4 * b.denseStart.length + 16 : 0;
      const at = SCRATCH + blockScratchBytes(docCount);
      const fresh = kernelMemory(at + 8 * n + blockBytes);
      if (fresh === null) return null;
      let next = at;
      const copy = <T extends Uint8Array | Uint32Array>(a: T): T => {
        const into = (
          a instanceof Uint32Array
            ? new Uint32Array(fresh.buffer, next, a.length)
            : new Uint8Array(fresh.buffer, next, a.length)
        ) as T;
        into.set(a);
        next = Math.ceil((next + a.byteLength) / 8) * 8;
        return into;
      };
      c.docs = copy(c.docs);
      c.impacts = copy(c.impacts);
      if (b) {
        c.docBlocks = {
          ...b,
          denseMax: copy(b.denseMax),
          denseStart: copy(b.denseStart),
        };
      }
      memory = fresh;
    }
    const d = c.docBlocks;
    const pointers: BlockPointers | null = d
      ? {
          denseMax: d.denseMax.byteOffset,
          denseStart: d.denseStart.byteOffset,
        }
      : null;
    const instance = new WebAssembly.Instance(module, { env: { memory: memory! } });
    return new ScoringKernel(memory!, instance, c.docs.byteOffset, c.impacts.byteOffset, docCount, pointers);
  }

  /** Adds the first n terms' postings in documents [lo, lo + KERNEL_WINDOW) to the buffer. */
  accumulate(n: number, lo: number): number {
    return this.k.accumulate(...this.window(n, lo));
  }

  /** Window offsets scoring at least theta into outIdx/outScore (returns how many); clears the buffer. */
  collect(theta: number): number {
    return this.k.collect(ACC, KERNEL_WINDOW, theta, OUT_IDX, OUT_SCORE);
  }

  /**
   * As `accumulate`, but writes to outIdx each window offset whose sum first reaches theta (at
   * most once each, in posting order) and returns how many; their sums are in `acc` until `clear`.
   */
  accumulateCrossing(n: number, lo: number, theta: number): number {
    return this.k.accumulateCrossing(...this.window(n, lo), theta, OUT_IDX);
  }

  clear(): void {
    this.k.clear(ACC, KERNEL_WINDOW);
  }

  private window(n: number, lo: number): WindowArgs {
    return [n, POS, END, WEIGHT, this.docsP, this.impactsP, ACC, lo, lo + KERNEL_WINDOW];
  }

  // The block path (see QueryEngine.blocked); callable only where hasBlocks.

  /** Zeroes every block's bound. */
  clearBounds(): void {
    this.k.clear(this.ubP, this.stride >>> 1);
  }

  /**
   * Adds the first n terms (start, end, weight: the query's rarer terms) into the sums by
   * document, and raises each block's bound to its best sum; returns the largest bound.
   */
  rareBounds(n: number): number {
    const ahead = this.docCount >= ScoringKernel.touchAheadMinDocs ? ScoringKernel.touchAhead : 0;
    return this.k.rareBounds(
      n,
      START,
      END,
      WEIGHT,
      this.docsP,
      this.impactsP,
      this.blockAccP,
      this.ubP,
      ahead,
    );
  }

  /** Zeroes the sums of the first n terms' postings from start to end. */
  zeroRare(n: number): void {
    this.k.zeroRare(n, START, END, this.docsP, this.blockAccP);
  }

  /**
   * Adds s (an integer 0 … 255) · (quantised maximum) of dense slot `slot`, and s2 · that of
   * slot2, to every block's fixed-point bound (u16, for `histogram` and `selectBlocks`); returns
   * the largest bound. A slot below 0 adds nothing (its s must be 0). The first pass of a query
   * passes inv: the bounds then start from the rarer terms' bounds in fixed point, ⌈bound · inv⌉,
   * instead of what the previous passes left.
   */
  boundDense(slot: number, s: number, slot2: number, s2: number, inv = 0): number {
    const b = this.blocks!;
    // A slot below 0 reads the bounds instead: any memory of the row's length does, times 0.
    const row = slot < 0 ? this.ubP : b.denseMax + slot * this.stride;
    const row2 = slot2 < 0 ? this.ubP : b.denseMax + slot2 * this.stride;
    return this.k.boundDense(this.fixedP, row, row2, this.stride, s, s2, inv === 0 ? 0 : this.ubP, inv);
  }

  /**
   * Counts the blocks by fixed-point bound >> shift into `into` (HISTOGRAM_BINS bins; bin 0 takes
   * the blocks no query term is in), eight blocks of every `step`.
   */
  histogram(shift: number, step: number, into: Uint32Array): void {
    this.k.histogram(this.fixedP, this.stride, shift, HIST, step);
    const h = this.hist;
    for (let i = 0; i < HISTOGRAM_BINS; i++)
      into[i] = h[i]! + h[i + HISTOGRAM_BINS]! + h[i + 2 * HISTOGRAM_BINS]! + h[i + 3 * HISTOGRAM_BINS]!;
  }

  /** Lists the blocks with lo ≤ fixed-point bound ≤ hi, ascending; returns how many. */
  selectBlocks(lo: number, hi: number): number {
    return this.k.selectBlocks(this.fixedP, this.stride, lo, hi, this.selP);
  }

  /**
   * Adds dense slot s's postings (weight w) in the first ns blocks of the band's list, or of the
   * alive list; with `best`, raises each block's best sum (as `pruneBlocks` reads them).
   */
  addDense(slot: number, ns: number, w: number, alive: boolean, best = alive): void {
    const b = this.blocks!;
    this.k.addDense(
      alive ? this.aliveP : this.selP,
      ns,
      b.denseStart + 4 * slot * this.stride,
      w,
      this.docsP,
      this.impactsP,
      this.blockAccP,
      this.spanP,
      best ? this.bestP : 0,
    );
  }

  /** Zeroes what the first ns alive blocks can still gain. */
  clearRest(ns: number): void {
    this.k.clear(this.restP, ns);
  }

  /** Adds scale · (dense slot s's quantised maximum) to what each of the first ns alive blocks can gain. */
  gatherRest(slot: number, ns: number, scale: number, alive: boolean): void {
    const b = this.blocks!;
    this.k.gatherRest(
      alive ? this.aliveP : this.selP,
      ns,
      b.denseMax + slot * this.stride,
      scale,
      this.restP,
    );
  }

  /**
   * Keeps the first ns blocks of a list where some document's sum plus what the block can still
   * gain reaches theta; returns how many. 'band': the band's list, kept in place, its blocks
   * holding the rarer terms' sums alone (bounded by the block bounds `rareBounds` left);
   * 'band-alive': from the band's list into the alive list; 'alive': the alive list in place.
   * Past the band's own, the best sums are kept as `addDense` raises them.
   */
  pruneBlocks(ns: number, theta: number, lists: 'band' | 'band-alive' | 'alive'): number {
    return this.k.pruneBlocks(
      lists === 'alive' ? this.aliveP : this.selP,
      lists === 'band' ? this.selP : this.aliveP,
      ns,
      this.restP,
      this.ubP,
      theta,
      this.bestP,
      lists === 'band' ? 1 : 0,
    );
  }

  /**
   * Documents of listed blocks i0 … i1 − 1 (at most KERNEL_WINDOW >> DOC_BLOCK_SHIFT blocks)
   * summing to at least theta into outIdx (document numbers) and outScore, ascending; clears
   * their sums. Returns how many.
   */
  collectBlocks(i0: number, i1: number, theta: number): number {
    return this.k.collectBlocks(this.selP, i0, i1, this.blockAccP, theta, OUT_IDX, OUT_SCORE);
  }
}
