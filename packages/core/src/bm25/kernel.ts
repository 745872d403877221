import { KERNEL_WASM_BASE64 } from './kernel-wasm';
import type { Columns } from './query';

/** Documents per window: the float64 score buffer (64 KiB) stays in L1/L2 cache. */
export const KERNEL_WINDOW = 8192;
/** Distinct query terms the kernel takes at most (its per-term arrays are this long). */
export const KERNEL_MAX_TERMS = 4096;

const PAGE = 65536;
// Scratch at the start of the kernel's memory, then the data: the postings, or a whole index file.
const POS = 0;
const END = POS + 4 * KERNEL_MAX_TERMS;
const WEIGHT = END + 4 * KERNEL_MAX_TERMS;
const ACC = WEIGHT + 8 * KERNEL_MAX_TERMS;
const OUT_IDX = ACC + 8 * KERNEL_WINDOW;
const OUT_SCORE = OUT_IDX + 4 * KERNEL_WINDOW;
const DATA = OUT_SCORE + 8 * KERNEL_WINDOW; // a multiple of 8, as the file's sections need

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
}

let compiled: WebAssembly.Module | null | undefined;

/** The kernel's module, compiled once (synchronously: it is 0.5 KB); null without WebAssembly SIMD. */
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
 * An index file copied into a new kernel memory, after the scratch: an index decoded from the
 * copy has its columns there, and the kernel reads them in place instead of copying them again.
 * Null for small files and where no kernel memory can be had (the file is then decoded where it is).
 */
export function placeInKernelMemory(
  file: Uint8Array,
): { memory: WebAssembly.Memory; file: Uint8Array } | null {
  if (file.length < PLACE_MIN_BYTES) return null;
  const memory = kernelMemory(DATA + file.length);
  if (memory === null) return null;
  const placed = new Uint8Array(memory.buffer, DATA, file.length);
  placed.set(file);
  return { memory, file: placed };
}

/**
 * The columns' documents and impacts in a WebAssembly memory, with the kernel (kernel.wat) that
 * scores a window of documents over them. Its memory has a fixed size and never grows, because
 * growing would detach every typed array viewing it.
 */
export class ScoringKernel {
  /** Per query term: next posting, end of column (u32), weight (f64); set before `accumulate`. */
  readonly pos: Uint32Array;
  readonly end: Uint32Array;
  readonly weight: Float64Array;
  /** What the last `collect` wrote: window offsets and their scores, ascending. */
  readonly outIdx: Uint32Array;
  readonly outScore: Float64Array;
  /** The window's sums (read after `accumulateCrossing`, before `clear`). */
  readonly acc: Float64Array;
  private readonly k: KernelExports;

  private constructor(
    memory: WebAssembly.Memory,
    instance: WebAssembly.Instance,
    private readonly docsP: number,
    private readonly impactsP: number,
  ) {
    this.k = instance.exports as unknown as KernelExports;
    this.pos = new Uint32Array(memory.buffer, POS, KERNEL_MAX_TERMS);
    this.end = new Uint32Array(memory.buffer, END, KERNEL_MAX_TERMS);
    this.weight = new Float64Array(memory.buffer, WEIGHT, KERNEL_MAX_TERMS);
    this.outIdx = new Uint32Array(memory.buffer, OUT_IDX, KERNEL_WINDOW);
    this.outScore = new Float64Array(memory.buffer, OUT_SCORE, KERNEL_WINDOW);
    this.acc = new Float64Array(memory.buffer, ACC, KERNEL_WINDOW);
  }

  /**
   * The kernel over `c`. Where `c.docs` and `c.impacts` already lie in `memory` (an index decoded
   * from `placeInKernelMemory`'s copy) it reads them there; otherwise it copies them into a new
   * kernel memory and points `c` at the copies (so the originals can be collected and the
   * TypeScript engine reads the same arrays). Null where WebAssembly SIMD is missing or no memory
   * can be had: the caller then scores in TypeScript.
   */
  static create(c: Columns, memory?: WebAssembly.Memory): ScoringKernel | null {
    const module = kernelModule();
    if (module === null) return null;
    if (memory === undefined || c.docs.buffer !== memory.buffer || c.impacts.buffer !== memory.buffer) {
      const n = c.docs.length;
      const fresh = kernelMemory(DATA + 8 * n);
      if (fresh === null) return null;
      const docs = new Uint32Array(fresh.buffer, DATA, n);
      const impacts = new Uint32Array(fresh.buffer, DATA + 4 * n, n);
      docs.set(c.docs);
      impacts.set(c.impacts);
      c.docs = docs;
      c.impacts = impacts;
      memory = fresh;
    }
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    return new ScoringKernel(memory, instance, c.docs.byteOffset, c.impacts.byteOffset);
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
}
