import { subQuestionsOf } from '@steper/core';
import { UserError, zodToUserError } from '../../errors';
import type { JobRow } from '../../store/jobs';
import { newId, nowIso } from '../../store/util';
import type { Workbench } from '../../workbench';
import type { EvalConfig } from '../config';
import { type JudgementConfig, type JudgeStartInput, JudgeStartSchema } from './config';
import { createJudge } from './create';
import { setJudgementJob, writeJudgementConfig } from './files';

function hasSubQuestions(q: Parameters<typeof subQuestionsOf>[0]): boolean {
  try {
    subQuestionsOf(q);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks the evaluation is done and the criteria apply to its questions, asks an LM judge's
 * server whether it answers, then records the judgement and queues it. A bad input writes nothing.
 */
export async function startJudgement(
  wb: Workbench,
  raw: JudgeStartInput,
  opts: { queue?: boolean } = {},
): Promise<{ judgement: JudgementConfig; job: JobRow | null }> {
  const parsed = JudgeStartSchema.safeParse(raw);
  if (!parsed.success) throw zodToUserError('judgement', parsed.error);
  const input = parsed.data;
  const { store } = wb;
  const evaluation = store.evaluations.require(input.evaluationId);
  if (evaluation.status !== 'done') {
    throw new UserError(
      'PRECONDITION_FAILED',
      `Evaluation ${evaluation.id} is ${evaluation.status}: judge it once it is done${evaluation.jobId ? ` (continue it with \`steper resume ${evaluation.jobId}\`)` : ''}.`,
    );
  }
  const config = evaluation.config as unknown as EvalConfig;
  const questions = store.questionSets.questions(config.questionSetId).slice(0, config.limit);
  if (input.criteria === 'rationale' && !questions.some(hasSubQuestions)) {
    throw new UserError(
      'PRECONDITION_FAILED',
      `None of the ${questions.length} questions of evaluation ${evaluation.id} carries sub-questions (evidence[].subQuestion with its answer): rationale validity is judged on questions that carry their sub-questions: SubQA's (read by core's readSubQa) or the synthetic world's.`,
    );
  }
  if (input.judge.kind === 'offline' && !questions.some((q) => q.evidence.length > 0)) {
    throw new UserError(
      'PRECONDITION_FAILED',
      `The offline evidence judge scores from gold evidence, and none of the questions of evaluation ${evaluation.id} has any: use an LM judge (--judge-endpoint, or --base-url with --model).`,
    );
  }
  const judgementId = newId('judg');
  const made = createJudge(
    input.judge,
    { store, endpoints: wb.endpoints, owner: judgementId },
    input.maxTokens,
  );
  await made.probe();
  const judgement: JudgementConfig = {
    ...input,
    judgementId,
    judgeLabel: made.judge.label,
    judgeDescription: made.describe,
    createdAt: nowIso(),
  };
  writeJudgementConfig(store, judgement);
  const job =
    opts.queue === false ? null : wb.runner.enqueue('judge', { evaluationId: evaluation.id, judgementId });
  if (job) setJudgementJob(store, evaluation.id, judgementId, job.id);
  return { judgement, job };
}
