/**
 * Writes public/demo/manifest.json (students, corpus index, the world, a pick list of held-out
 * test questions) and reference.json (one student prompt whose greedy tokens reference_tokens.py
 * fills in). Run by scripts/build-demo-student.sh after the files are in place.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { Bm25Index, generateSyntheticWorld, renderStudentPrompt, type SyntheticStyle } from '@steper/core';
import { MULTI_HOP_TYPES } from '../../apps/server/src/demo/measure';
import { type DemoManifest, parseDemoManifest, type Student } from '../../apps/web/src/inference/manifest';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    work: { type: 'string' },
    seed: { type: 'string' },
    passages: { type: 'string' },
    questions: { type: 'string' },
    style: { type: 'string' },
    'top-k': { type: 'string' },
    /**
     * The experiment's held-out questions: the first N of the test split (the standard preset's
     * testQuestions). Their multi-hop ones make the pick list (and are measured); ten others follow.
     */
    'test-questions': { type: 'string' },
    /** JSON of where the students come from (the experiment run), recorded as is. */
    source: { type: 'string' },
  },
  strict: true,
});
const out = values.out ?? 'public/demo';
const work = values.work ?? '.cache/demo-student';
const style = (values.style ?? 'plain') as SyntheticStyle;
const topK = Number(values['top-k'] ?? 2);
const source = values.source ? (JSON.parse(values.source) as Record<string, string | number | null>) : null;
const world = generateSyntheticWorld({
  seed: Number(values.seed ?? 42),
  passages: Number(values.passages ?? 3000),
  questions: Number(values.questions ?? 12_000),
  style,
});

function file(path: string) {
  const bytes = readFileSync(join(out, path));
  return {
    path,
    bytes: statSync(join(out, path)).size,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

/** The last step event and the done event of a training run, as the playground shows them. */
function training(name: string): Student['training'] {
  const events = readFileSync(join(work, `${name}.events.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const start = events.find((e) => e.event === 'start') as { config?: { config?: Record<string, unknown> } };
  const steps = events.filter((e) => e.event === 'step');
  const last = steps.at(-1) ?? {};
  const cfg = start?.config?.config ?? {};
  const seconds = steps.length > 1 ? Number(last.time) - Number(steps[0]!.time) : null;
  return {
    objective: String(cfg.objective ?? name),
    epochs: Number(cfg.epochs ?? 0),
    lr: Number(cfg.lr ?? 0),
    optimizerSteps: Number(last.step ?? 0),
    finalLoss: typeof last.loss === 'number' ? Number(last.loss.toFixed(4)) : null,
    trainSeconds: seconds === null ? null : Math.round(seconds),
    device: String(cfg.device ?? 'cpu'),
  };
}

const VARIANT_FILES = { fp32: 'model.onnx', fp16: 'model_fp16.onnx', int8: 'model_quantized.onnx' };

/** A Qwen2 decoder's parameters, counted from its config.json (q/k/v biases, tied embeddings). */
function qwen2Params(id: string): number {
  const c = JSON.parse(readFileSync(join(out, id, 'config.json'), 'utf8')) as Record<
    string,
    number | boolean
  >;
  const h = c.hidden_size as number;
  const heads = c.num_attention_heads as number;
  const kv = (c.num_key_value_heads as number | undefined) ?? heads;
  const hd = (c.head_dim as number | undefined) ?? h / heads;
  const attention = h * heads * hd + heads * hd + 2 * (h * kv * hd + kv * hd) + heads * hd * h;
  const mlp = 3 * h * (c.intermediate_size as number);
  const layer = attention + mlp + 2 * h;
  const embeddings = (c.vocab_size as number) * h * (c.tie_word_embeddings === false ? 2 : 1);
  return embeddings + (c.num_hidden_layers as number) * layer + h;
}

function student(id: string, label: string, objective: string): Student {
  const params = qwen2Params(id);
  const from = source ? ` (${source.experiment}, seed ${source.seed})` : '';
  return {
    id,
    label,
    objective,
    params,
    description: `${(params / 1e6).toFixed(2)}M-parameter Qwen2 student distilled with ${label} (${objective}) from the offline evidence teacher's step data on this synthetic world${from}`,
    config: file(`${id}/config.json`),
    tokenizer: file(`${id}/tokenizer.json`),
    tokenizerConfig: file(`${id}/tokenizer_config.json`),
    // The tiny students' graphs hold their weights: no external data files.
    variants: Object.fromEntries(
      Object.entries(VARIANT_FILES)
        .filter(([, f]) => existsSync(join(out, id, 'onnx', f)))
        .map(([v, f]) => [v, { ...file(`${id}/onnx/${f}`), externalData: [] }]),
    ),
    training: training(id),
  };
}

const byId = new Map(world.questions.map((q) => [q.id, q]));
const test = world.splits.test.slice(0, Number(values['test-questions'] ?? 900)).map((id) => byId.get(id)!);
const isMultiHop = (q: (typeof test)[number]) => q.type !== undefined && MULTI_HOP_TYPES.includes(q.type);
const multiHop = test.filter(isMultiHop);
const others = test.filter((q) => !isMultiHop(q)).slice(0, 10);
const questions = [...multiHop, ...others].map((q) => {
  return {
    id: q.id,
    question: q.question,
    answers: q.answers,
    ...(q.type ? { type: q.type } : {}),
    ...(q.hops ? { hops: q.hops } : {}),
  };
});

const manifest: DemoManifest = parseDemoManifest(
  {
    format: 'steper-demo',
    version: 1,
    corpus: {
      name: `Synthetic world (seed ${world.seed}, ${world.corpus.length} passages, ${style})`,
      index: file('synthetic/bm25.index'),
      passages: world.corpus.length,
    },
    world: { ...world.options, topK },
    ...(source ? { source } : {}),
    loop: { loop: 'ircot', maxSteps: 5, topK, maxTokens: 48 },
    questions,
    students: [
      student('vanilla', 'Vanilla-KD', training('vanilla').objective as string),
      student('steper', 'StepER', training('steper').objective as string),
    ],
  },
  'manifest',
);
writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

// The parity reference: the first pick-list question's step-1 student prompt (q, P_1).
const index = Bm25Index.fromBytes(new Uint8Array(readFileSync(join(out, 'synthetic/bm25.index'))));
const first = questions[0]!;
const passages = index.search(first.question, manifest.loop.topK).map((hit) => index.passage(hit.doc));
const prompt = renderStudentPrompt('ircot', first.question, passages);
writeFileSync(
  join(out, 'reference.json'),
  `${JSON.stringify({ questionId: first.id, prompt, maxTokens: 24, students: {} }, null, 2)}\n`,
);
console.error(`wrote ${relative('.', join(out, 'manifest.json'))} and reference.json`);
