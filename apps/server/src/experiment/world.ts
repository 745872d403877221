import { join } from 'node:path';
import { type DemoSummary, ensureDemo } from '../demo/demo';
import { UserError } from '../errors';
import { EXAMPLES_FILE } from '../stepdata/build';
import type { StepDatasetRow } from '../store/stepDatasets';
import type { Workbench } from '../workbench';
import type { ExperimentPreset } from './presets';

/** Where students are measured: dev questions choose a recipe, test questions report it. */
export type EvalSplit = 'dev' | 'test';

/** The evaluation settings every student and the teacher are compared under (DESIGN §2). */
export interface EvalBase {
  corpusId: string;
  questionSetId: string;
  loop: 'ircot';
  maxSteps: number;
  topK: number;
  limit: number;
}

export interface PreparedWorld {
  demo: DemoSummary;
  dataset: StepDatasetRow;
  /** Absolute path of the step data (examples.jsonl) every student trains on. */
  examples: string;
  /** Held-out questions of the evaluation split, IRCoT, S = 5, K = the world's topK (4). */
  evalBase: EvalBase;
}

/**
 * The synthetic world, the evidence teacher's run over it and the filtered step data — built once
 * per workspace (the demo). A workspace holding a different world is refused rather than reused.
 */
export async function prepareWorld(
  wb: Workbench,
  world: ExperimentPreset['world'],
  testQuestions: number,
  split: EvalSplit = 'test',
): Promise<PreparedWorld> {
  const topK = world.topK ?? 4;
  const demo = await ensureDemo(wb, world);
  const source = wb.store.corpora.require(demo.corpusId).source as {
    synthetic?: { seed: number; passages: number; questions: number; style?: string };
  };
  const have = source.synthetic;
  if (
    !have ||
    have.seed !== world.seed ||
    have.passages !== world.passages ||
    have.questions !== world.questions ||
    (have.style ?? 'paraphrased') !== (world.style ?? 'paraphrased')
  ) {
    throw new UserError(
      'CONFLICT',
      `Workspace ${wb.store.dir} holds a different synthetic world (${JSON.stringify(have ?? null)}) than this preset needs (${JSON.stringify(world)}); use another workspace.`,
    );
  }
  const built = (wb.store.teacherRuns.require(demo.teacherRunId).config as { topK?: number }).topK;
  if (built !== topK) {
    throw new UserError(
      'CONFLICT',
      `Workspace ${wb.store.dir} holds step data retrieved with K = ${built} passages per step; this preset needs K = ${topK}; use another workspace.`,
    );
  }
  const dataset = wb.store.stepDatasets.require(demo.datasetId);
  return {
    demo,
    dataset,
    examples: wb.store.path(join(dataset.exportDir, EXAMPLES_FILE)),
    evalBase: {
      corpusId: demo.corpusId,
      questionSetId: demo.questionSetIds[split],
      loop: 'ircot',
      maxSteps: 5,
      topK,
      limit: testQuestions,
    },
  };
}
