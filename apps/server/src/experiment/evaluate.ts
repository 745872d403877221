import { scoreTraces, type TraceScore } from '@steper/core';
import { startEvaluation } from '../evaluation/start';
import type { EvalSummary } from '../evaluation/summary';
import type { GeneratorSpecInput } from '../students/spec';
import type { Workbench } from '../workbench';
import { requireDone, runChildJob } from './child-jobs';
import { contentKey, StepRecords } from './steps';
import type { EvalBase } from './world';

export interface EvaluatedSystem {
  evaluationId: string;
  summary: EvalSummary;
}

export interface EvaluateOptions {
  maxTokens: number;
  /** ONNX students run one at a time (each holds a session); endpoints and the teacher in parallel. */
  concurrency: number;
  signal?: AbortSignal | undefined;
  log?: (line: string) => void;
}

/**
 * One generator through the loop on the comparison's questions, as an evaluation job. Recorded
 * under the content key of generator + settings, so a resumed run continues the same evaluation
 * and another analysis in the workspace reuses a finished one.
 */
export async function evaluateSystem(
  wb: Workbench,
  base: EvalBase,
  name: string,
  generator: GeneratorSpecInput,
  opts: EvaluateOptions,
): Promise<EvaluatedSystem> {
  const key = contentKey({ base, generator, maxTokens: opts.maxTokens });
  const records = new StepRecords(wb.store);
  const record = records.get<{ evaluationId: string }>('eval', key);
  const known = record?.evaluationId ? wb.store.evaluations.get(record.evaluationId) : undefined;
  let id: string;
  if (known?.status === 'done') {
    id = known.id;
  } else if (known?.jobId && wb.store.jobs.get(known.jobId)) {
    opts.log?.(`resuming the evaluation of ${name}`);
    requireDone(await runChildJob(wb, { resume: known.jobId }, opts), `evaluating ${name}`);
    id = known.id;
  } else {
    opts.log?.(`evaluating ${name}`);
    const { evaluation } = await startEvaluation(
      wb,
      { ...base, name, generator, maxTokens: opts.maxTokens, concurrency: opts.concurrency },
      { queue: false },
    );
    id = evaluation.id;
    records.put('eval', key, { evaluationId: id });
    const job = await runChildJob(
      wb,
      { kind: 'eval', payload: { evaluationId: id } },
      { ...opts, created: (j) => wb.store.evaluations.setJob(id, j.id) },
    );
    requireDone(job, `evaluating ${name}`);
  }
  return {
    evaluationId: id,
    summary: wb.store.evaluations.require(id).metrics as unknown as EvalSummary,
  };
}

/** Per-question scores of a finished evaluation (for paired tests and pooling). */
export function questionScores(wb: Workbench, evaluationId: string): TraceScore[] {
  const evaluation = wb.store.evaluations.require(evaluationId);
  const questionSetId = (evaluation.config as { questionSetId: string }).questionSetId;
  return scoreTraces(
    wb.store.evaluations.allTraces(evaluationId).map((t) => t.trace),
    wb.store.questionSets.questions(questionSetId),
  ).perTrace;
}
