import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError, zodToUserError } from '../errors';
import { TRAINER_PROJECT } from '../paths';
import { exportAnnotated } from '../stepdata/annotated';
import { EXAMPLES_FILE } from '../stepdata/build';
import { writeFileAtomicSync } from '../store/blobs';
import type { JobRow } from '../store/jobs';
import { blobPaths } from '../store/store';
import type { TrainingRunRow } from '../store/trainingRuns';
import type { Workbench } from '../workbench';
import type { TrainerCommand } from './job';

export const TrainingStartSchema = z.object({
  name: z.string().min(1).max(200).default('training run'),
  /** The step dataset to train on; its examples.jsonl becomes the trainer config's `data`. */
  datasetId: z.string().min(1).optional(),
  /** Train on the dataset as annotated (rejected steps out, edits in) rather than as built. */
  useAnnotations: z.boolean().default(false),
  /**
   * The trainer's own config (apps/trainer TrainConfig: model, objective, hyper-parameters),
   * passed through; the trainer checks every field. `data` and `out_dir` are filled in here.
   */
  config: z.record(z.string(), z.unknown()).default({}),
});
export type TrainingStart = z.input<typeof TrainingStartSchema>;

/** The trainer writes its own resolved config.json into out_dir; ours is the one it is started with. */
export const CONFIG_FILE = 'train-config.json';

/**
 * The default trainer: the project's Python package in its own environment (made by the README's
 * set-up, never by a training job). Its interpreter is started directly rather than through
 * `uv run`, so a cancel's SIGTERM reaches the trainer itself, with no launcher in between.
 */
export function defaultTrainer(): TrainerCommand {
  return {
    argv: [join(TRAINER_PROJECT, '.venv', 'bin', 'python'), '-m', 'steper_trainer'],
    cwd: TRAINER_PROJECT,
  };
}

/**
 * Writes the resolved config into a fresh run folder first (temp name + rename), records the run
 * with the exact argument array, then queues the job.
 */
export async function startTraining(
  wb: Workbench,
  raw: TrainingStart,
  /** claim: true creates the job claimed by this process in the run's own transaction, for runner.runClaimed (the CLI). */
  opts: { queue?: boolean; claim?: boolean } = {},
): Promise<{ run: TrainingRunRow; job: JobRow | null }> {
  const parsed = TrainingStartSchema.safeParse(raw);
  if (!parsed.success) throw zodToUserError('training config', parsed.error);
  const input = parsed.data;
  const { store } = wb;
  const dataset = input.datasetId ? store.stepDatasets.require(input.datasetId) : undefined;
  const trainer = wb.trainer ?? defaultTrainer();
  if (!wb.trainer && !existsSync(join(TRAINER_PROJECT, '.venv'))) {
    throw new UserError(
      'PRECONDITION_FAILED',
      `The trainer's Python environment is missing (${join(TRAINER_PROJECT, '.venv')}). Create it with \`uv sync --project apps/trainer\` (the README's set-up does).`,
    );
  }
  if (!dataset && typeof input.config.data !== 'string') {
    throw new UserError(
      'BAD_REQUEST',
      'training config: give datasetId, or a "data" path (step-wise JSONL) in config.',
    );
  }
  if (typeof input.config.model !== 'string' || !input.config.model) {
    throw new UserError(
      'BAD_REQUEST',
      'training config: field "model" is missing: a Hugging Face model name or a local model folder.',
    );
  }
  const data = dataset
    ? input.useAnnotations
      ? (await exportAnnotated(store, dataset.id)).path
      : store.path(join(dataset.exportDir, EXAMPLES_FILE))
    : undefined;
  const id = store.trainingRuns.newId();
  const runDir = blobPaths.trainingDir(id);
  const config: Record<string, unknown> = {
    ...input.config,
    ...(data ? { data } : {}),
    out_dir: store.path(runDir),
  };
  const configPath = store.path(join(runDir, CONFIG_FILE));
  writeFileAtomicSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  const command = [...trainer.argv, 'train', '--config', configPath];
  return store.transaction(() => {
    store.trainingRuns.create({
      id,
      name: input.name,
      datasetId: dataset?.id ?? null,
      config,
      command,
      runDir,
    });
    const job = opts.claim
      ? store.jobs.create('train', { runId: id }, { claimedBy: process.pid })
      : opts.queue === false
        ? null
        : wb.runner.enqueue('train', { runId: id });
    if (job) store.trainingRuns.setJob(id, job.id);
    return { run: store.trainingRuns.require(id), job };
  });
}
