import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { Tensor } from 'onnxruntime-node';
import type { ModelDims } from './model-dir';

export interface GreedyOptions {
  maxTokens: number;
  /** Stop before emitting any of these ids (the model's EOS). */
  stopIds: readonly number[];
  /** Called with all new ids after each token; true stops (the loop's stop strings). */
  onToken?: (ids: readonly number[]) => boolean;
  signal?: AbortSignal | undefined;
}

export interface GreedyResult {
  ids: number[];
  stoppedBy: 'eos' | 'callback' | 'max-tokens';
}

/** First index of the largest value, as torch.argmax picks ties. */
export function argmax(data: Float32Array, offset: number, n: number): number {
  let best = 0;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = data[offset + i] as number;
    if (v > max) {
      max = v;
      best = i;
    }
  }
  return best;
}

const int64 = (values: ArrayLike<number>, dims: number[]) =>
  new Tensor('int64', BigInt64Array.from(Array.from(values), BigInt), dims);

/**
 * Greedy decoding over the trainer's ONNX decoder with its KV cache (inputs input_ids,
 * attention_mask, position_ids, past_key_values.{i}.key|value; outputs logits,
 * present.{i}.key|value), batch size 1: the prompt in one pass, then one token a call.
 */
export async function greedyDecode(
  session: InferenceSession,
  dims: ModelDims,
  promptIds: readonly number[],
  opts: GreedyOptions,
): Promise<GreedyResult> {
  if (promptIds.length === 0) throw new Error('greedyDecode: the prompt has no tokens');
  let past: OrtTensor[] = Array.from(
    { length: 2 * dims.layers },
    () => new Tensor('float32', new Float32Array(0), [1, dims.kvHeads, 0, dims.headDim]),
  );
  let pastLen = 0;
  const step = async (ids: readonly number[]): Promise<number> => {
    opts.signal?.throwIfAborted();
    const n = ids.length;
    const total = pastLen + n;
    const feeds: Record<string, OrtTensor> = {
      input_ids: int64(ids, [1, n]),
      attention_mask: int64(new Array(total).fill(1), [1, total]),
      position_ids: int64(
        Array.from({ length: n }, (_, i) => pastLen + i),
        [1, n],
      ),
    };
    for (let i = 0; i < dims.layers; i++) {
      feeds[`past_key_values.${i}.key`] = past[2 * i] as OrtTensor;
      feeds[`past_key_values.${i}.value`] = past[2 * i + 1] as OrtTensor;
    }
    const out = await session.run(feeds);
    past = [];
    for (let i = 0; i < dims.layers; i++) past.push(out[`present.${i}.key`]!, out[`present.${i}.value`]!);
    pastLen = total;
    const logits = out.logits!;
    const vocab = logits.dims[2] as number;
    return argmax(logits.data as Float32Array, (n - 1) * vocab, vocab);
  };

  let token = await step(promptIds);
  const ids: number[] = [];
  while (ids.length < opts.maxTokens) {
    if (opts.stopIds.includes(token)) return { ids, stoppedBy: 'eos' };
    ids.push(token);
    if (opts.onToken?.(ids)) return { ids, stoppedBy: 'callback' };
    if (ids.length === opts.maxTokens) break;
    token = await step([token]);
  }
  return { ids, stoppedBy: 'max-tokens' };
}
