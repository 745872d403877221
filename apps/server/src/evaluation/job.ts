import { runLoop, scoreTrace } from '@steper/core';
import { z } from 'zod';
import { forEachPendingQuestion } from '../jobs/pending';
import type { JobType } from '../jobs/runner';
import { createEvalGenerator } from '../students/create';
import type { Workbench } from '../workbench';
import { type EvalConfig, resolvePromptStyle } from './config';
import { offlineStageScores } from './offline-judge';
import { summarizeEvaluation } from './summary';

export const EvalJobPayload = z.object({ evaluationId: z.string() });

/**
 * Like a teacher run: questions without a stored trace are run (so a resumed job goes on where it
 * stopped), each trace is scored as it lands, and the summary is computed from the stored traces.
 */
export function evalJob(wb: Workbench): JobType {
  return {
    async run({ job, store, signal, progress }) {
      const { evaluationId } = EvalJobPayload.parse(job.payload);
      const evaluation = store.evaluations.require(evaluationId);
      const config = evaluation.config as unknown as EvalConfig;
      const retriever = wb.retrievers.get(config.corpusId);
      const questions = store.questionSets.questions(config.questionSetId).slice(0, config.limit);
      const loopConfig = {
        loop: config.loop,
        maxSteps: config.maxSteps,
        topK: config.topK,
        maxTokens: config.maxTokens,
        promptStyle: resolvePromptStyle(config),
      };
      await forEachPendingQuestion(
        {
          questions,
          done: store.evaluations.doneQuestionIds(evaluationId),
          concurrency: config.concurrency,
          signal,
          progress,
        },
        () => createEvalGenerator(config.generator, { store, endpoints: wb.endpoints, owner: evaluationId }),
        async ({ generator }, q, idx) => {
          const trace = await runLoop(q, { retriever, generator, config: loopConfig }, signal);
          const s = scoreTrace(trace, q);
          store.evaluations.insertTrace(evaluationId, {
            questionId: q.id,
            idx,
            prediction: trace.prediction,
            trace,
            scores: { em: s.em, f1: s.f1, acc: s.acc, recall: s.recall ?? -1, steps: s.retrievalSteps },
          });
        },
        ({ close }) => close(),
      );
      progress({ message: 'summarising' });
      const traces = store.evaluations.allTraces(evaluationId).map((t) => t.trace);
      const summary = summarizeEvaluation(traces, questions, config.bootstrap);
      const offlineJudge = await offlineStageScores(traces, questions, config.bootstrap);
      const metrics = { ...summary, offlineJudge };
      store.evaluations.setStatus(evaluationId, 'running', { metrics });
      return { traces: summary.traces, em: summary.em, f1: summary.f1, acc: summary.acc };
    },
    onStatus(store, job) {
      const id = (job.payload as { evaluationId?: string }).evaluationId;
      if (id && store.evaluations.get(id)) store.evaluations.setStatus(id, job.status, { error: job.error });
    },
  };
}
