import { join } from 'node:path';
import { buildStepDataset, type FilterRule, type StepConfig, toJsonl } from '@steper/core';
import { z } from 'zod';
import { UserError } from '../errors';
import { writeFileAtomic } from '../store/blobs';
import type { StepDatasetRow } from '../store/stepDatasets';
import { blobPaths, type Store } from '../store/store';

export const BuildStepDataSchema = z.object({
  teacherRunId: z.string().min(1),
  name: z.string().min(1).max(200).optional(),
  filterRule: z.enum(['em', 'acc', 'f1>=0.8', 'none']).optional(),
  stepConfig: z.enum(['agg', 'init+agg', 'init+exp1+agg', 'all']).optional(),
});
export type BuildStepData = z.input<typeof BuildStepDataSchema>;

export const EXAMPLES_FILE = 'examples.jsonl';
export const MANIFEST_FILE = 'manifest.json';

/**
 * The run's traces → the filtered step-wise dataset (core builds it), exported for the trainer as
 * examples.jsonl + manifest.json, then recorded with its examples in one transaction. Files are
 * written first (temp name + rename) so a row never points at a missing file.
 */
export async function buildStepData(store: Store, raw: BuildStepData): Promise<StepDatasetRow> {
  const input = BuildStepDataSchema.parse(raw);
  const run = store.teacherRuns.require(input.teacherRunId);
  const config = run.config as { filterRule?: FilterRule; stepConfig?: StepConfig };
  const traces = store.teacherRuns.allTraces(run.id).map((t) => t.trace);
  if (traces.length === 0) {
    throw new UserError(
      'PRECONDITION_FAILED',
      `Teacher run ${run.id} has no traces yet: run or resume it first.`,
    );
  }
  const filterRule = input.filterRule ?? config.filterRule ?? 'em';
  const stepConfig = input.stepConfig ?? config.stepConfig ?? 'all';
  const dataset = buildStepDataset(traces, {
    name: input.name ?? `${run.name} · ${stepConfig} · ${filterRule}`,
    filterRule,
    stepConfig,
  });
  const id = store.stepDatasets.newId();
  const dir = blobPaths.datasetDir(id);
  const manifest = { ...dataset.manifest };
  await writeFileAtomic(store.path(join(dir, EXAMPLES_FILE)), toJsonl(dataset.examples));
  await writeFileAtomic(
    store.path(join(dir, MANIFEST_FILE)),
    `${JSON.stringify({ ...manifest, id, teacherRunId: run.id, dropped: dataset.dropped }, null, 2)}\n`,
  );
  return store.stepDatasets.create({
    id,
    name: manifest.name,
    teacherRunId: run.id,
    manifest,
    exportDir: dir,
    examples: dataset.examples,
  });
}
