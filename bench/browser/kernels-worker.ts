/**
 * The browser side of bench/browser/kernels.ts, bundled by it with Vite: times each MatMul graph,
 * then (when asked) the playground's own decoder (greedyDecode) on the real model at each prompt
 * length, on onnxruntime-web's WebAssembly with the threads asked for.
 */
import * as ort from 'onnxruntime-web/wasm';
import { greedyDecode, type TensorCtor } from '../../apps/web/src/inference/decoder';
import { parseModelConfig } from '../../apps/web/src/inference/model-config';
import { decodeFigures, medianMs, promptIds } from './kernels-shared';

const p = new URLSearchParams(location.search);
ort.env.wasm.numThreads = Number(p.get('threads'));
ort.env.wasm.wasmPaths = { mjs: '/ort/ort-wasm-simd-threaded.mjs', wasm: '/ort/ort-wasm-simd-threaded.wasm' };
const runs = Number(p.get('runs'));

async function bytes(url: string): Promise<Uint8Array> {
  return new Uint8Array(await (await fetch(url)).arrayBuffer());
}

try {
  const matmul: Record<string, number> = {};
  for (const [name, k] of (p.get('graphs') ?? '').split(',').map((g) => g.split(':'))) {
    const s = await ort.InferenceSession.create(await bytes(`/graphs/${name}.onnx`), {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
    });
    const x = new ort.Tensor('float32', Float32Array.from({ length: Number(k) }, Math.sin), [
      1,
      1,
      Number(k),
    ]);
    matmul[name!] = await medianMs(() => s.run({ x }), runs);
    await s.release();
  }
  const decode: ReturnType<typeof decodeFigures>[] = [];
  if (p.get('prompts')) {
    const dims = parseModelConfig(await (await fetch('/model/config.json')).json(), 'config.json');
    const s = await ort.InferenceSession.create(await bytes('/model/onnx/model.onnx'), {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
    });
    for (const n of p.get('prompts')!.split(',').map(Number)) {
      const r = await greedyDecode(s, ort.Tensor as unknown as TensorCtor, dims, promptIds(n), {
        maxTokens: runs,
        stopIds: [],
      });
      decode.push(decodeFigures(n, r));
    }
    await s.release();
  }
  postMessage({ matmul, decode, threads: ort.env.wasm.numThreads });
} catch (e) {
  postMessage({ error: String(e) });
}
