import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { startEvaluation } from '../evaluation/start';
import { REPO_ROOT } from '../paths';
import type { EvaluationRow } from '../store/evaluations';
import { ONNX_VARIANTS, type OnnxVariant } from '../students/model-dir';
import type { Workbench } from '../workbench';
import type { DemoSummary } from './demo';

/** The playground's shipped students and index (scripts/build-demo-student.sh). */
export const SHIPPED_DEMO_DIR = join(REPO_ROOT, 'public', 'demo');

/** Held-out test questions each shipped student answers when a demo workspace is made. */
export const SHIPPED_EVAL_QUESTIONS = 200;

/** The manifest's fields the server reads (the full schema: apps/web/src/inference/manifest.ts). */
const ShippedManifestSchema = z.object({
  /** The synthetic world the students were trained on; absent in manifests built before it was recorded. */
  world: z
    .object({
      seed: z.number().int(),
      passages: z.number().int(),
      questions: z.number().int(),
      style: z.string(),
      topK: z.number().int(),
    })
    .optional(),
  loop: z.object({ maxSteps: z.number().int(), topK: z.number().int(), maxTokens: z.number().int() }),
  students: z.array(
    z.object({
      id: z.string().min(1),
      label: z.string().min(1),
      config: z.object({ path: z.string().min(1) }),
      variants: z.record(z.string(), z.unknown()),
    }),
  ),
});
export type ShippedManifest = z.infer<typeof ShippedManifestSchema>;

export interface ShippedStudent {
  id: string;
  label: string;
  dir: string;
  /** The variant shipped: fp32 when there, else int8, else fp16. */
  variant: OnnxVariant;
}

/** public/demo/manifest.json, or null when the demo is not built or does not parse. */
export function readShippedManifest(dir = SHIPPED_DEMO_DIR): ShippedManifest | null {
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) return null;
  try {
    const parsed = ShippedManifestSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The shipped students whose files are all there, each with the variant it ships. */
export function shippedStudents(dir = SHIPPED_DEMO_DIR): ShippedStudent[] {
  const manifest = readShippedManifest(dir);
  if (!manifest) return [];
  return manifest.students.flatMap((s) => {
    const folder = join(dir, dirname(s.config.path));
    const variant = (['fp32', 'int8', 'q4', 'fp16'] as const).find(
      (v) => v in s.variants && existsSync(join(folder, 'onnx', ONNX_VARIANTS[v])),
    );
    const complete = ['config.json', 'tokenizer.json'].every((f) => existsSync(join(folder, f)));
    return variant && complete ? [{ id: s.id, label: s.label, dir: folder, variant }] : [];
  });
}

/**
 * Evaluates the shipped students on the demo world's held-out test questions through the normal
 * evaluation jobs, so a fresh workbench's Comparison view shows them side by side. Only when the
 * manifest says they were trained on this very world and loop (a student of another world would
 * be measured on questions it never learnt), and only once per workspace. Queued, not awaited.
 */
export async function startShippedEvaluations(
  wb: Workbench,
  demo: DemoSummary,
  dir = SHIPPED_DEMO_DIR,
): Promise<{ started: EvaluationRow[]; skipped: string | null }> {
  const manifest = readShippedManifest(dir);
  if (!manifest) return { started: [], skipped: `no readable ${join(dir, 'manifest.json')}` };
  const source = wb.store.corpora.require(demo.corpusId).source as { synthetic?: Record<string, unknown> };
  const have: Record<string, unknown> = { ...source.synthetic, topK: demo.topK };
  const world = manifest.world;
  const same =
    world !== undefined &&
    (['seed', 'passages', 'questions', 'style', 'topK'] as const).every((k) => have[k] === world[k]);
  if (!same) {
    return {
      started: [],
      skipped: `the shipped students were trained on ${JSON.stringify(world ?? 'an unrecorded world')}, this workspace holds ${JSON.stringify(have)}`,
    };
  }
  const evaluated = new Set(
    wb.store.evaluations
      .list()
      .map((e) => (e.config.generator as { dir?: unknown } | undefined)?.dir)
      .filter((d): d is string => typeof d === 'string'),
  );
  const started: EvaluationRow[] = [];
  for (const s of shippedStudents(dir)) {
    if (evaluated.has(s.dir)) continue;
    const { evaluation } = await startEvaluation(wb, {
      name: `Demo student: ${s.label} (public/demo, ${s.variant})`,
      corpusId: demo.corpusId,
      questionSetId: demo.questionSetIds.test,
      loop: 'ircot',
      maxSteps: manifest.loop.maxSteps,
      topK: manifest.loop.topK,
      maxTokens: manifest.loop.maxTokens,
      // One thread each: the two jobs share two cores with the server.
      generator: { kind: 'onnx', dir: s.dir, variant: s.variant, threads: 1 },
      concurrency: 1,
      limit: SHIPPED_EVAL_QUESTIONS,
    });
    started.push(evaluation);
  }
  return { started, skipped: null };
}
