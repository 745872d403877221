/**
 * Writes public/demo/manifest.json (students, corpus index, a pick list of held-out questions)
 * and reference.json (one student prompt whose greedy tokens reference_tokens.py fills in).
 * Run by scripts/build-demo-student.sh after the files are in place.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { Bm25Index, generateSyntheticWorld, renderStudentPrompt } from '@steper/core';
import { type DemoManifest, parseDemoManifest, type Student } from '../../apps/web/src/inference/manifest';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    work: { type: 'string' },
    seed: { type: 'string' },
    passages: { type: 'string' },
    questions: { type: 'string' },
  },
  strict: true,
});
const out = values.out ?? 'public/demo';
const work = values.work ?? '.cache/demo-student';
const world = generateSyntheticWorld({
  seed: Number(values.seed ?? 42),
  passages: Number(values.passages ?? 3000),
  questions: Number(values.questions ?? 2000),
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
    device: 'cpu',
  };
}

function student(id: string, label: string, objective: string): Student {
  return {
    id,
    label,
    objective,
    config: file(`${id}/config.json`),
    tokenizer: file(`${id}/tokenizer.json`),
    tokenizerConfig: file(`${id}/tokenizer_config.json`),
    // The tiny students' graphs hold their weights: no external data files.
    variants: {
      fp32: { ...file(`${id}/onnx/model.onnx`), externalData: [] },
      fp16: { ...file(`${id}/onnx/model_fp16.onnx`), externalData: [] },
    },
    training: training(id),
  };
}

const byId = new Map(world.questions.map((q) => [q.id, q]));
const questions = world.splits.test.slice(0, 24).map((id) => {
  const q = byId.get(id)!;
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
      name: `Synthetic world (seed ${world.seed}, ${world.corpus.length} passages)`,
      index: file('synthetic/bm25.index'),
      passages: world.corpus.length,
    },
    loop: { loop: 'ircot', maxSteps: 5, topK: 4, maxTokens: 48 },
    questions,
    students: [student('vanilla', 'Vanilla-KD', 'vanilla'), student('steper', 'StepER', 'steper-difficulty')],
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
