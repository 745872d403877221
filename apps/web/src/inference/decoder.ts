import type { InferenceSession, Tensor } from 'onnxruntime-web';
import type { ModelDims } from './model-config';

/**
 * Greedy decoding with the KV cache over the trainer's ONNX decoder (transformers.js layout:
 * input_ids, attention_mask, position_ids, past_key_values.{i}.key|value → logits,
 * present.{i}.key|value). Written against onnxruntime-common's interfaces only, so the browser
 * (onnxruntime-web) and Node (onnxruntime-node, the parity tests and the bench) run this same loop.
 */

/** The constructor of `Tensor` from whichever onnxruntime package the caller uses. */
export type TensorCtor = new (
  type: 'int64' | 'float32',
  data: BigInt64Array | Float32Array,
  dims: readonly number[],
) => Tensor;

export interface DecodeOptions {
  maxTokens: number;
  /** Stop before emitting any of these ids (the model's EOS); empty = never. */
  stopIds: readonly number[];
  /** Called after each new token with all ids so far; return true to stop (stop strings). */
  onToken?: (ids: readonly number[]) => boolean | undefined;
  /** Prompt tokens fed per prefill call: bounds the logits buffer (chunk × vocab floats). */
  prefillChunk?: number;
  signal?: AbortSignal;
}

export interface DecodeResult {
  ids: number[];
  /** Prefill and the first token, from the call. */
  firstTokenMs: number;
  totalMs: number;
  stoppedBy: 'eos' | 'callback' | 'max-tokens';
}

const LOGITS_BUDGET = 16 * 1024 * 1024; // floats per prefill call (64 MB)

export function prefillChunkFor(vocabSize: number): number {
  return Math.max(1, Math.min(512, Math.floor(LOGITS_BUDGET / vocabSize)));
}

export async function greedyDecode(
  session: InferenceSession,
  Tensor: TensorCtor,
  dims: ModelDims,
  promptIds: readonly number[],
  opts: DecodeOptions,
): Promise<DecodeResult> {
  if (promptIds.length === 0) throw new Error('greedyDecode: the prompt has no tokens');
  const started = performance.now();
  const chunk = opts.prefillChunk ?? prefillChunkFor(dims.vocabSize);
  const empty = new Float32Array(0);
  let past: Tensor[] = [];
  for (let i = 0; i < 2 * dims.layers; i++) {
    past.push(new Tensor('float32', empty, [1, dims.kvHeads, 0, dims.headDim]));
  }
  let pastLen = 0;

  /** Feeds `ids` after the cache; returns the argmax of the last position's logits. */
  const step = async (ids: readonly number[]): Promise<number> => {
    opts.signal?.throwIfAborted();
    const n = ids.length;
    const total = pastLen + n;
    const feeds: Record<string, Tensor> = {
      input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]),
      attention_mask: new Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
      position_ids: new Tensor(
        'int64',
        BigInt64Array.from({ length: n }, (_, i) => BigInt(pastLen + i)),
        [1, n],
      ),
    };
    for (let i = 0; i < dims.layers; i++) {
      feeds[`past_key_values.${i}.key`] = past[2 * i]!;
      feeds[`past_key_values.${i}.value`] = past[2 * i + 1]!;
    }
    const out = await session.run(feeds);
    const next: Tensor[] = [];
    for (let i = 0; i < dims.layers; i++) {
      next.push(out[`present.${i}.key`]!, out[`present.${i}.value`]!);
    }
    release(past);
    past = next;
    pastLen = total;
    const logits = out.logits!;
    const vocab = logits.dims[2]!;
    return argmax(logits.data as Float32Array, (n - 1) * vocab, vocab);
  };

  try {
    let token = -1;
    for (let at = 0; at < promptIds.length; at += chunk) {
      token = await step(promptIds.slice(at, at + chunk));
    }
    const firstTokenMs = performance.now() - started;
    const ids: number[] = [];
    let stoppedBy: DecodeResult['stoppedBy'] = 'max-tokens';
    while (ids.length < opts.maxTokens) {
      if (opts.stopIds.includes(token)) {
        stoppedBy = 'eos';
        break;
      }
      ids.push(token);
      if (opts.onToken?.(ids)) {
        stoppedBy = 'callback';
        break;
      }
      if (ids.length === opts.maxTokens) break;
      token = await step([token]);
    }
    return { ids, firstTokenMs, totalMs: performance.now() - started, stoppedBy };
  } finally {
    release(past);
  }
}

/** Frees a cache kept in GPU buffers (WebGPU); CPU tensors are left to the garbage collector. */
function release(tensors: Tensor[]): void {
  for (const t of tensors) if (t.location === 'gpu-buffer') t.dispose();
}

/** The first index of the largest value (as torch.argmax), over data[offset, offset + n). */
export function argmax(data: Float32Array, offset: number, n: number): number {
  let best = 0;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = data[offset + i]!;
    if (v > max) {
      max = v;
      best = i;
    }
  }
  return best;
}
