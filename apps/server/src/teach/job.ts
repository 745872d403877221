import { z } from 'zod';
import { forEachPendingQuestion } from '../jobs/pending';
import type { JobType } from '../jobs/runner';
import { buildStepData } from '../stepdata/build';
import { createTeacher } from '../teachers/create';
import { replicaSummary } from '../teachers/replicas';
import type { Workbench } from '../workbench';
import type { ResolvedTeachConfig } from './config';
import { teachQuestion } from './loop';

export const TeachJobPayload = z.object({ runId: z.string() });

/**
 * Runs the teacher over every question of the run that has no trace yet, so a resumed run
 * continues where it stopped. Each trace is written in its own transaction; teacher calls go
 * through the content cache, so the calls of a question cut off by a kill are not paid again.
 */
export function teachJob(wb: Workbench): JobType {
  return {
    async run({ job, store, signal, progress }) {
      const { runId } = TeachJobPayload.parse(job.payload);
      const run = store.teacherRuns.require(runId);
      const config = run.config as unknown as ResolvedTeachConfig;
      const retriever = wb.retrievers.get(run.corpusId);
      const all = store.questionSets.questions(run.questionSetId).slice(0, run.questionTotal);
      const count = await forEachPendingQuestion(
        {
          questions: all,
          done: store.teacherRuns.doneQuestionIds(runId),
          concurrency: config.concurrency,
          signal,
          progress,
        },
        () => createTeacher(config.teacher, { store, endpoints: wb.endpoints, owner: runId }),
        async (teacher, q, idx) => {
          const { trace, correct, cacheHits } = await teachQuestion(
            q,
            { retriever, generator: teacher.generator, config },
            signal,
          );
          store.transaction(() => {
            store.teacherRuns.insertTrace(
              runId,
              { questionId: q.id, idx, correct, error: trace.error ?? null, trace },
              cacheHits,
            );
          });
          if (teacher.health) progress({ message: replicaSummary(teacher.health()) });
        },
      );
      if (!config.buildDataset) return { traces: count };
      progress({ message: 'building step data' });
      // A kill between building the dataset and closing the job must not build it twice.
      const dataset =
        store.stepDatasets
          .list(runId)
          .find(
            (d) => d.manifest.filterRule === config.filterRule && d.manifest.stepConfig === config.stepConfig,
          ) ?? (await buildStepData(store, { teacherRunId: runId }));
      progress({ message: 'done' });
      return { traces: count, datasetId: dataset.id, counts: dataset.manifest.counts };
    },
    onStatus(store, job) {
      const run = store.teacherRuns.byJob(job.id);
      if (run) store.teacherRuns.setStatus(run.id, job.status, job.error);
    },
  };
}
