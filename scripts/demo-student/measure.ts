/**
 * Measures the shipped demo students on the manifest's held-out multi-hop questions, through the
 * playground's IRCoT loop in Node (apps/server/src/demo/measure.ts), and prints EM per student.
 *
 *   tsx scripts/demo-student/measure.ts [--demo public/demo] [--models DIR --variants fp32,int8]
 *                                       [--write] [--out result.json]
 *
 * --models: a folder with <student id>/onnx/model*.onnx of other variants than the shipped one
 * (the build's work folder): each is measured, and the share of questions whose every step's
 * output is the same as the first variant's is printed. --write records the shipped variant's
 * figures in manifest.json (students[].heldOut), which the playground shows.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  MULTI_HOP_TYPES,
  measureStudent,
  type StudentMeasure,
  variantPath,
} from '../../apps/server/src/demo/measure';
import type { OnnxVariant } from '../../apps/server/src/students/model-dir';
import { parseDemoManifest } from '../../apps/web/src/inference/manifest';

const { values } = parseArgs({
  options: {
    demo: { type: 'string', default: 'public/demo' },
    models: { type: 'string' },
    variants: { type: 'string' },
    write: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
  strict: true,
});
const demo = values.demo!;
const manifestPath = join(demo, 'manifest.json');
const manifest = parseDemoManifest(JSON.parse(readFileSync(manifestPath, 'utf8')), manifestPath);
const questions = manifest.questions.filter((q) => q.type !== undefined && MULTI_HOP_TYPES.includes(q.type));
if (questions.length === 0)
  throw new Error(`${manifestPath} lists no multi-hop question (${MULTI_HOP_TYPES.join(', ')})`);
const index = join(demo, manifest.corpus.index.path);

const result: Record<string, unknown> = {
  questions: questions.length,
  questionTypes: MULTI_HOP_TYPES,
  loop: manifest.loop,
  runtime: 'onnxruntime-node, one thread, core runLoop (IRCoT, student prompts), greedy',
  students: {},
};
/** One student: its shipped variant, then each other variant asked for, one after another. */
async function measure(student: (typeof manifest.students)[number]) {
  const shipped = (['fp32', 'int8', 'fp16'] as const).find((v) => student.variants[v] !== undefined)!;
  const dir = join(demo, student.id);
  const runs: StudentMeasure[] = [await measureStudent(dir, shipped, index, manifest.loop, questions)];
  const others = (values.variants?.split(',') ?? []).filter((v) => v !== shipped) as OnnxVariant[];
  for (const v of others) {
    const other = join(values.models!, student.id);
    if (!existsSync(variantPath(other, v))) throw new Error(`no ${variantPath(other, v)} to compare with`);
    runs.push(await measureStudent(other, v, index, manifest.loop, questions));
  }
  return { student, shipped, runs };
}

// The students side by side, a core each (one thread apiece, as the browser runs them).
const measured = await Promise.all(manifest.students.map(measure));
for (const { student, shipped, runs } of measured) {
  const [first, ...rest] = runs;
  const agreement = rest.map((r) => {
    const same = r.answers.filter(
      (a, i) => JSON.stringify(a.outputs) === JSON.stringify(first!.answers[i]!.outputs),
    );
    const samePrediction = r.answers.filter((a, i) => a.prediction === first!.answers[i]!.prediction);
    return {
      variants: [first!.variant, r.variant],
      sameOutputs: same.length,
      samePredictions: samePrediction.length,
      questions: r.questions,
    };
  });
  for (const r of runs) {
    console.log(
      `${student.label} (${r.variant}): multi-hop EM ${(100 * r.em).toFixed(1)}% (${r.correct} of ${r.questions})`,
    );
  }
  for (const a of agreement) {
    console.log(
      `  ${a.variants.join(' vs ')}: every step's output the same on ${a.sameOutputs} of ${a.questions}, the prediction on ${a.samePredictions}`,
    );
  }
  (result.students as Record<string, unknown>)[student.id] = {
    label: student.label,
    shipped,
    runs: runs.map(({ answers, ...r }) => ({
      ...r,
      predictions: answers.map((a) => [a.id, a.prediction, a.em]),
    })),
    agreement,
  };
  if (values.write) {
    const raw = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      students: { id: string; heldOut?: unknown }[];
    };
    raw.students.find((s) => s.id === student.id)!.heldOut = {
      runtime: 'onnxruntime-node',
      variant: shipped,
      questionTypes: MULTI_HOP_TYPES,
      questions: first!.questions,
      correct: first!.correct,
      em: Number(first!.em.toFixed(4)),
    };
    writeFileSync(manifestPath, `${JSON.stringify(raw, null, 2)}\n`);
  }
}
if (values.out) writeFileSync(values.out, `${JSON.stringify(result, null, 1)}\n`);
