import { describe, expect, it } from 'vitest';
import type { Student } from '../src/inference/manifest';
import { parseModelConfig } from '../src/inference/model-config';
import {
  approxParams,
  chooseBackend,
  chooseWasmThreads,
  WASM_THREADS_FROM_PARAMS,
} from '../src/inference/variant';
import type { WebGpuProbe } from '../src/inference/webgpu';

const file = (bytes: number) => ({ path: 'x.onnx', bytes, sha256: 'a'.repeat(64), externalData: [] });
const student = (variants: Student['variants']): Student => ({
  id: 's',
  label: 'S',
  objective: 'steper-difficulty',
  config: file(1),
  tokenizer: file(1),
  tokenizerConfig: file(1),
  variants,
  promptFormat: 'plain',
  training: {},
});
// Qwen2.5-0.5B's shape: the embedding alone is 151,936 × 896.
const qwen05 = parseModelConfig(
  {
    num_hidden_layers: 24,
    num_attention_heads: 14,
    num_key_value_heads: 2,
    hidden_size: 896,
    vocab_size: 151_936,
    eos_token_id: 151_643,
  },
  'config.json',
);
const gpu = (over: Partial<WebGpuProbe> = {}): WebGpuProbe => ({
  available: true,
  reason: null,
  shaderF16: true,
  maxBufferSize: 4 * 1024 ** 3,
  maxStorageBufferBindingSize: 2 * 1024 ** 3,
  adapter: 'test adapter',
  software: false,
  ...over,
});
const all = student({ fp32: file(2_000_000_000), fp16: file(1_000_000_000), int8: file(600_000_000) });

describe('backend and variant choice', () => {
  it('takes fp16 on WebGPU with shader-f16, fp32 without', () => {
    expect(chooseBackend(all, qwen05, 'auto', gpu())).toMatchObject({
      backend: 'webgpu',
      variant: 'fp16',
      fallback: null,
    });
    const noF16 = chooseBackend(all, qwen05, 'webgpu', gpu({ shaderF16: false }));
    expect(noF16).toMatchObject({ backend: 'webgpu', variant: 'fp32' });
    expect(noF16.reason).toContain('lacks shader-f16');
  });

  it('falls back to WASM, saying why, when there is no WebGPU', () => {
    const c = chooseBackend(
      all,
      qwen05,
      'webgpu',
      gpu({ available: false, reason: 'navigator.gpu is missing' }),
    );
    expect(c.backend).toBe('wasm');
    expect(c.fallback).toBe('WebGPU was asked for, but navigator.gpu is missing');
  });

  it('checks the adapter limits against the largest weight', () => {
    // fp32 embedding: 151,936 × 896 × 4 B = 519 MiB; the WebGPU default binding limit is 128 MiB.
    const small = gpu({ shaderF16: false, maxStorageBufferBindingSize: 128 * 1024 ** 2 });
    const c = chooseBackend(all, qwen05, 'auto', small);
    expect(c.backend).toBe('wasm');
    expect(c.fallback).toContain('maxStorageBufferBindingSize');
  });

  it('on WASM prefers fp32, then int8 when fp32 would not fit in 4 GB', () => {
    expect(
      chooseBackend(student({ fp32: file(5_000_000), fp16: file(3_000_000) }), qwen05, 'wasm', gpu()).variant,
    ).toBe('fp32');
    // Qwen2.5-0.5B: fp32 is 2 GB, held twice while the session is made: int8.
    expect(chooseBackend(all, qwen05, 'wasm', gpu()).variant).toBe('int8');
    // External weights count: a 4 MB graph with 2 GB beside it is a 2 GB model.
    const external = {
      ...file(4_000_000),
      externalData: [{ ...file(2_000_000_000), location: 'model.onnx_data' }],
    };
    expect(
      chooseBackend(student({ fp32: external, int8: file(600_000_000) }), qwen05, 'wasm', gpu()).variant,
    ).toBe('int8');
    expect(() => chooseBackend(student({ fp32: file(6_000_000_000) }), qwen05, 'wasm', gpu())).toThrow(
      /no variant fits WASM/,
    );
  });

  it('runs a 4-bit-only export on either backend, its float32 embedding checked against the adapter', () => {
    const q4 = student({ q4: file(300_000_000) });
    expect(chooseBackend(q4, qwen05, 'wasm', gpu()).variant).toBe('q4');
    expect(chooseBackend(q4, qwen05, 'webgpu', gpu())).toMatchObject({ backend: 'webgpu', variant: 'q4' });
    // The embedding is not quantised: 519 MiB against a 128 MiB binding limit sends it to WASM.
    const small = chooseBackend(q4, qwen05, 'auto', gpu({ maxStorageBufferBindingSize: 128 * 1024 ** 2 }));
    expect(small).toMatchObject({ backend: 'wasm', variant: 'q4' });
    expect(small.fallback).toContain('q4: its largest weight');
  });
});

describe('WebAssembly threads', () => {
  const tiny = parseModelConfig(
    { num_hidden_layers: 2, num_attention_heads: 4, hidden_size: 64, vocab_size: 800, eos_token_id: 0 },
    'config.json',
  );

  it('uses every thread for a big model, one for a tiny one, and what was asked within what the page has', () => {
    expect(chooseWasmThreads([qwen05], 4)).toMatchObject({ threads: 4 });
    expect(chooseWasmThreads([tiny], 4)).toMatchObject({ threads: 1 });
    expect(chooseWasmThreads([tiny], 4).reason).toMatch(/0\.\d\dM parameters/);
    // The biggest student decides: both columns run in one runtime.
    expect(chooseWasmThreads([tiny, qwen05], 2).threads).toBe(2);
    expect(chooseWasmThreads([tiny], 4, 3)).toMatchObject({ threads: 3 });
    expect(chooseWasmThreads([qwen05], 2, 8).threads).toBe(2);
    expect(chooseWasmThreads([qwen05], 1)).toMatchObject({
      threads: 1,
      reason: expect.stringMatching(/not cross-origin isolated/),
    });
    expect(approxParams(qwen05)).toBeGreaterThan(WASM_THREADS_FROM_PARAMS);
  });
});
