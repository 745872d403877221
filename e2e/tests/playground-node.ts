import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import * as ort from 'onnxruntime-node';

/**
 * The exported student in onnxruntime-node (native CPU kernels), written apart from the browser's
 * runner (apps/web/src/inference) on purpose: the e2e tests compare the browser's tokens with
 * these, so a slip in either loop (KV cache, positions, stop strings) shows as a mismatch. Also
 * the Node row of the browser bench (bench/browser).
 */

/** public/demo: the shipped students and index. */
export const DEMO_DIR = join(import.meta.dirname, '..', '..', 'public', 'demo');

const VARIANT_FILES: Record<string, string> = {
  fp32: 'onnx/model.onnx',
  fp16: 'onnx/model_fp16.onnx',
  int8: 'onnx/model_quantized.onnx',
  q4: 'onnx/model_q4.onnx',
};

export function variantFile(variant: string): string {
  const file = VARIANT_FILES[variant];
  if (!file) throw new Error(`unknown variant "${variant}": one of ${Object.keys(VARIANT_FILES).join(', ')}`);
  return file;
}

/** The variant public/demo ships of a student: fp32 when there, else int8, else fp16 (as the WASM loader picks). */
export function shippedVariant(studentId: string): string {
  const manifest = JSON.parse(readFileSync(join(DEMO_DIR, 'manifest.json'), 'utf8')) as {
    students: { id: string; variants: Record<string, unknown> }[];
  };
  const student = manifest.students.find((s) => s.id === studentId);
  if (!student) throw new Error(`public/demo/manifest.json lists no student "${studentId}"`);
  const variant = ['fp32', 'int8', 'q4', 'fp16'].find((v) => v in student.variants);
  if (!variant) throw new Error(`public/demo/manifest.json: student "${studentId}" lists no variant`);
  return variant;
}

export interface NodeStudent {
  session: ort.InferenceSession;
  layers: number;
  kvHeads: number;
  headDim: number;
  eos: number[];
  tokenizer: Tokenizer;
}

/** `threads`: one by default, as the browser's WASM without cross-origin isolation. */
export async function loadNodeStudent(
  folder: string,
  modelFile = 'onnx/model.onnx',
  threads = 1,
): Promise<NodeStudent> {
  const json = (name: string) => JSON.parse(readFileSync(join(folder, name), 'utf8'));
  const config = json('config.json');
  const session = await ort.InferenceSession.create(join(folder, modelFile), {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
  return {
    session,
    layers: config.num_hidden_layers,
    kvHeads: config.num_key_value_heads ?? config.num_attention_heads,
    headDim: config.head_dim ?? config.hidden_size / config.num_attention_heads,
    eos: [config.eos_token_id].flat(),
    tokenizer: new Tokenizer(json('tokenizer.json'), json('tokenizer_config.json')),
  };
}

export function encode(student: NodeStudent, text: string): number[] {
  return student.tokenizer.encode(text, { add_special_tokens: false }).ids;
}

export interface NodeGeneration {
  ids: number[];
  text: string;
  promptTokens: number;
  firstTokenMs: number;
  totalMs: number;
}

const i64 = (xs: number[]) => new ort.Tensor('int64', BigInt64Array.from(xs, BigInt), [1, xs.length]);

/** Decoder calls that share one KV cache: each feeds `ids` after it and returns the last position's logits. */
function decoderSteps(student: NodeStudent): (ids: number[]) => Promise<Float32Array> {
  let past: Record<string, ort.Tensor> = {};
  for (let i = 0; i < student.layers; i++) {
    for (const part of ['key', 'value']) {
      past[`past_key_values.${i}.${part}`] = new ort.Tensor('float32', new Float32Array(0), [
        1,
        student.kvHeads,
        0,
        student.headDim,
      ]);
    }
  }
  let seen = 0;
  return async (ids: number[]): Promise<Float32Array> => {
    const positions = ids.map((_, i) => seen + i);
    seen += ids.length;
    const out = await student.session.run({
      input_ids: i64(ids),
      attention_mask: i64(new Array(seen).fill(1)),
      position_ids: i64(positions),
      ...past,
    });
    past = {};
    for (const name of Object.keys(out)) {
      if (name.startsWith('present.')) past[name.replace('present.', 'past_key_values.')] = out[name]!;
    }
    const logits = out.logits!;
    const vocab = logits.dims[2]!;
    return (logits.data as Float32Array).subarray((ids.length - 1) * vocab, ids.length * vocab);
  };
}

function argmax(row: Float32Array): number {
  let best = 0;
  for (let v = 1; v < row.length; v++) if (row[v]! > row[best]!) best = v;
  return best;
}

/**
 * Greedy tokens for a prompt: the whole prompt in one call, then one token a call with the cache;
 * ends before EOS, at a stop string (ids kept up to the token that completed it) or at maxTokens.
 * `stop: null` ignores EOS and stop strings (fixed-length runs).
 */
export async function nodeGenerate(
  student: NodeStudent,
  prompt: string | number[],
  stop: string[] | null,
  maxTokens: number,
): Promise<NodeGeneration> {
  const t0 = performance.now();
  const promptIds = typeof prompt === 'string' ? encode(student, prompt) : prompt;
  const step = decoderSteps(student);
  const next = async (ids: number[]) => argmax(await step(ids));
  let token = await next(promptIds);
  const firstTokenMs = performance.now() - t0;
  const ids: number[] = [];
  let text = '';
  while (ids.length < maxTokens) {
    if (stop && student.eos.includes(token)) break;
    ids.push(token);
    text = student.tokenizer.decode(ids, { skip_special_tokens: true });
    const at = stop
      ? Math.min(...stop.map((s) => text.indexOf(s)).filter((i) => i >= 0))
      : Number.POSITIVE_INFINITY;
    if (Number.isFinite(at)) {
      text = text.slice(0, at);
      break;
    }
    if (ids.length === maxTokens) break;
    token = await next([token]);
  }
  return { ids, text, promptTokens: promptIds.length, firstTokenMs, totalMs: performance.now() - t0 };
}

export interface ReplayedToken {
  /** The token replayed, its logit here and its rank (0: Node's own greedy choice, `best`). */
  token: number;
  logit: number;
  rank: number;
  best: number;
  bestLogit: number;
}

/**
 * Node's logits along tokens another runtime chose, fed as nodeGenerate feeds its own (the prompt
 * in one call, then one token a call with the cache): for each token, its logit and Node's best.
 */
export async function nodeReplay(
  student: NodeStudent,
  prompt: string | number[],
  tokens: number[],
): Promise<ReplayedToken[]> {
  const step = decoderSteps(student);
  let row = await step(typeof prompt === 'string' ? encode(student, prompt) : prompt);
  const replayed: ReplayedToken[] = [];
  for (const [i, token] of tokens.entries()) {
    const best = argmax(row);
    const logit = row[token]!;
    const rank = row.reduce((n, v) => (v > logit ? n + 1 : n), 0);
    replayed.push({ token, logit, rank, best, bestLogit: row[best]! });
    if (i < tokens.length - 1) row = await step([token]);
  }
  return replayed;
}
