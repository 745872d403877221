import * as ort from 'onnxruntime-web';
// The runtime's WebAssembly (with the WebGPU/JSEP kernels), served by this app: never a CDN.
import jsepWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import type { TensorCtor } from './decoder';
import type { Backend } from './variant';

let configured = false;

function configure(): void {
  if (configured) return;
  configured = true;
  ort.env.wasm.wasmPaths = { wasm: new URL(jsepWasmUrl, self.location.href).href };
  // Threads need SharedArrayBuffer, i.e. a cross-origin-isolated page; otherwise one thread.
  ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
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
  configure();
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
