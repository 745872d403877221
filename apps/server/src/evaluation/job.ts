import { type Question, runLoop, scoreTrace, scoreTraces } from '@steper/core';
import { z } from 'zod';
import { forEachConcurrent } from '../jobs/pool';
import type { JobType } from '../jobs/runner';
import { createTeacher } from '../teachers/create';
import type { Workbench } from '../workbench';
import type { EvalConfig } from './config';

export const EvalJobPayload = z.object({ evaluationId: z.string() });

/** Like a teacher run: questions without a stored trace are run, each trace is scored as it lands. */
export function evalJob(wb: Workbench): JobType {
  return {
    async run({ job, store, signal, progress }) {
      const { evaluationId } = EvalJobPayload.parse(job.payload);
      const evaluation = store.evaluations.require(evaluationId);
      const config = evaluation.config as unknown as EvalConfig;
      const retriever = wb.retrievers.get(config.corpusId);
      const questions = store.questionSets.questions(config.questionSetId).slice(0, config.limit);
      const done = store.evaluations.doneQuestionIds(evaluationId);
      const generator = createTeacher(config.generator, {
        store,
        endpoints: wb.endpoints,
        owner: evaluationId,
      }).generator;
      let count = done.size;
      progress({ done: count, total: questions.length });
      const todo = questions.map((q, idx) => ({ q, idx })).filter(({ q }) => !done.has(q.id));
      await forEachConcurrent(
        todo,
        config.concurrency,
        async ({ q, idx }) => {
          const trace = await runLoop(
            q,
            {
              retriever,
              generator,
              config: {
                loop: config.loop,
                maxSteps: config.maxSteps,
                topK: config.topK,
                maxTokens: config.maxTokens,
                promptStyle: config.promptStyle,
              },
            },
            signal,
          );
          const s = scoreTrace(trace, q);
          store.evaluations.insertTrace(evaluationId, {
            questionId: q.id,
            idx,
            prediction: trace.prediction,
            trace,
            scores: { em: s.em, f1: s.f1, acc: s.acc, recall: s.recall ?? -1, steps: s.retrievalSteps },
          });
          count += 1;
          progress({ done: count });
        },
        signal,
      );
      const byId = new Map<string, Question>(questions.map((q) => [q.id, q]));
      const traces = store.evaluations.allTraces(evaluationId).map((t) => t.trace);
      const { perTrace: _perTrace, ...metrics } = scoreTraces(traces, byId);
      store.evaluations.setStatus(evaluationId, 'running', { metrics });
      return metrics;
    },
    onStatus(store, job) {
      const id = (job.payload as { evaluationId?: string }).evaluationId;
      if (id && store.evaluations.get(id)) store.evaluations.setStatus(id, job.status, { error: job.error });
    },
  };
}
