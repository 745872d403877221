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

/** One session on exactly the backend named: it fails rather than picking another one. */
export async function createSession(model: Uint8Array, backend: Backend): Promise<ort.InferenceSession> {
  configure();
  return ort.InferenceSession.create(model, {
    executionProviders: [backend],
    graphOptimizationLevel: 'all',
  });
}

export const ortVersion = ort.env.versions.web ?? ort.env.versions.common;
