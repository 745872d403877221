import { type Student, type Variant, variantBytes } from './manifest';
import type { ModelDims } from './model-config';
import type { WebGpuProbe } from './webgpu';

export type Backend = 'webgpu' | 'wasm';
export type BackendPreference = Backend | 'auto';

export interface Choice {
  backend: Backend;
  variant: Variant;
  /** Why this backend and variant, shown in the playground. */
  reason: string;
  /** Set when the preferred backend could not be used: shown as a warning, never silent. */
  fallback: string | null;
}

/**
 * wasm32 addresses 4 GB, and while a session is created the model is held twice (the fetched
 * bytes and ORT's copy in the WASM heap): above this, a smaller variant is taken.
 */
const WASM_MAX_MODEL_BYTES = 1.5 * 1024 ** 3;
// q4 quantises the MatMuls only: its embedding (the largest weight) stays float32.
const ELEMENT_BYTES: Record<Variant, number> = { fp32: 4, fp16: 2, int8: 1, q4: 4 };

/** The largest single weight (the embedding matrix) of a variant, in bytes. */
export function largestTensorBytes(dims: ModelDims, variant: Variant): number {
  return dims.vocabSize * dims.hiddenSize * ELEMENT_BYTES[variant];
}

function has(student: Student, v: Variant): boolean {
  return student.variants[v] !== undefined;
}

/**
 * Variants on WASM, in the order they are preferred: fp32 is exact and fastest on the CPU; int8 and
 * q4 are the small ones (q4 far slower: no fast 4-bit kernel in the WASM build); fp16 runs there
 * only by upcasting.
 */
export const WASM_ORDER: readonly Variant[] = ['fp32', 'int8', 'q4', 'fp16'];

function wasmVariant(student: Student): Variant | null {
  const fits = (v: Variant) => has(student, v) && variantBytes(student.variants[v]!) <= WASM_MAX_MODEL_BYTES;
  return WASM_ORDER.find(fits) ?? null;
}

/** Why the adapter cannot hold this variant, or null when it can. */
function gpuLimitProblem(gpu: WebGpuProbe, largest: number): string | null {
  if (largest > gpu.maxStorageBufferBindingSize) {
    return `its largest weight (${mb(largest)}) exceeds the adapter's maxStorageBufferBindingSize (${mb(gpu.maxStorageBufferBindingSize)})`;
  }
  if (largest > gpu.maxBufferSize) {
    return `its largest weight (${mb(largest)}) exceeds the adapter's maxBufferSize (${mb(gpu.maxBufferSize)})`;
  }
  return null;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(bytes < 10 * 1024 ** 2 ? 1 : 0)} MB`;
}

/**
 * Backend and variant for one student: WebGPU when asked for (or on auto) and the adapter can hold
 * the model — fp16 with shader-f16, fp32 without, else q4 —, WASM otherwise, with the reason recorded.
 */
export function chooseBackend(
  student: Student,
  dims: ModelDims,
  preference: BackendPreference,
  gpu: WebGpuProbe,
): Choice {
  const wasm = (fallback: string | null, why: string): Choice => {
    const variant = wasmVariant(student);
    if (!variant) {
      throw new Error(
        `${student.label}: no variant fits WASM's 4 GB memory (${Object.keys(student.variants).join(', ')}); export an int8, q4 or fp16 variant`,
      );
    }
    return { backend: 'wasm', variant, reason: `${why}; ${variant} on the CPU`, fallback };
  };
  if (preference === 'wasm') return wasm(null, 'WASM chosen');
  const wanted = preference === 'webgpu' ? 'WebGPU was asked for' : 'WebGPU is preferred';
  if (!gpu.available) return wasm(`${wanted}, but ${gpu.reason}`, 'no WebGPU');
  // q4 last: for a model whose fp32 is too big to ship. An adapter that cannot run its MatMulNBits
  // (SwiftShader) fails on the first token, and the worker falls back to WASM then.
  const order: Variant[] = gpu.shaderF16 ? ['fp16', 'fp32', 'q4'] : ['fp32', 'q4'];
  const problems: string[] = [];
  for (const variant of order) {
    if (!has(student, variant)) continue;
    const problem = gpuLimitProblem(gpu, largestTensorBytes(dims, variant));
    if (problem) {
      problems.push(`${variant}: ${problem}`);
      continue;
    }
    const f16 = gpu.shaderF16 ? 'the adapter has shader-f16' : 'the adapter lacks shader-f16';
    return {
      backend: 'webgpu',
      variant,
      reason: `WebGPU on ${gpu.adapter}; ${f16}, so ${variant}`,
      fallback: null,
    };
  }
  const detail = problems.length ? problems.join('; ') : `no ${order.join(' or ')} variant is exported`;
  return wasm(`${wanted}, but ${detail}`, 'WebGPU cannot hold the model');
}

/** Rough parameter count of a Qwen2-family model: embedding plus ~12·h² per layer. */
export function approxParams(dims: ModelDims): number {
  return dims.vocabSize * dims.hiddenSize + dims.layers * 12 * dims.hiddenSize ** 2;
}

/**
 * Below this, WebAssembly threads cost more than they save: each matrix product is too small to
 * split (a 0.25M-parameter student decoded at 522 tok/s on one thread, 274 on two).
 */
export const WASM_THREADS_FROM_PARAMS = 10_000_000;

/** Threads for the page's students: all it may use for big models, one for tiny ones, or as asked. */
export function chooseWasmThreads(
  dims: readonly ModelDims[],
  available: number,
  asked?: number,
): { threads: number; reason: string } {
  if (available <= 1) {
    return { threads: 1, reason: 'one WebAssembly thread: the page is not cross-origin isolated' };
  }
  if (asked) {
    const threads = Math.max(1, Math.min(asked, available));
    return {
      threads,
      reason: `${threads} WebAssembly thread${threads === 1 ? '' : 's'}, as asked (?threads=)`,
    };
  }
  const params = Math.max(0, ...dims.map(approxParams));
  const millions = `${(params / 1e6).toFixed(params < 1e6 ? 2 : 0)}M parameters`;
  return params >= WASM_THREADS_FROM_PARAMS
    ? { threads: available, reason: `${available} WebAssembly threads for ${millions}` }
    : { threads: 1, reason: `one WebAssembly thread: at ${millions} threads cost more than they save` };
}
