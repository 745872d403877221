import * as ort from 'onnxruntime-web';
// The runtime's WebAssembly (with the WebGPU/JSEP kernels) and its loader, served by this app:
// never a CDN. The loader as a file of its own, not the copy bundled into this worker: WebAssembly
// threads start as workers of that file, and a bundled worker script cannot be one.
import jsepMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs?url';
import jsepWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import type { TensorCtor } from './decoder';
import type { Backend } from './variant';

let configured = false;

/** The WebAssembly threads a page may use: several only when cross-origin isolated (SharedArrayBuffer). */
export function availableWasmThreads(): number {
  return self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
}

/**
 * Sets the runtime up once per worker: the runtime reads the thread count when it first starts,
 * so a later request cannot change it. Returns the threads in use.
 */
export function configureOrt(threads = 1): number {
  if (!configured) {
    configured = true;
    ort.env.wasm.wasmPaths = {
      mjs: new URL(jsepMjsUrl, self.location.href).href,
      wasm: new URL(jsepWasmUrl, self.location.href).href,
    };
    ort.env.wasm.numThreads = Math.max(1, Math.min(threads, availableWasmThreads()));
    ort.env.wasm.proxy = false;
    ort.env.logLevel = 'error';
  }
  return ort.env.wasm.numThreads ?? 1;
}

export const OrtTensor = ort.Tensor as unknown as TensorCtor;

/**
 * One session on exactly the backend named: it fails rather than picking another one. On WebGPU
 * the KV cache (present.*) stays in GPU buffers between steps: only the logits are read back.
 */
export interface ModelFiles {
  graph: Uint8Array;
  /** Weights kept beside the graph, under the location names the graph refers to. */
  external: { path: string; data: Uint8Array }[];
}

export async function createSession(
  model: ModelFiles,
  backend: Backend,
  layers: number,
): Promise<ort.InferenceSession> {
  configureOrt();
  const onGpu: Record<string, 'gpu-buffer'> = {};
  if (backend === 'webgpu') {
    for (let i = 0; i < layers; i++) {
      onGpu[`present.${i}.key`] = 'gpu-buffer';
      onGpu[`present.${i}.value`] = 'gpu-buffer';
    }
  }
  return ort.InferenceSession.create(model.graph, {
    ...(model.external.length ? { externalData: model.external } : {}),
    executionProviders: [backend],
    graphOptimizationLevel: 'all',
    ...(backend === 'webgpu' ? { preferredOutputLocation: onGpu } : {}),
  });
}

export const ortVersion = ort.env.versions.web ?? ort.env.versions.common;
