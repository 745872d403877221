import { answeredCorrectly, JudgeOutputError, type Question, subQuestionsOf, type Trace } from '@steper/core';
import { z } from 'zod';
import { forEachConcurrent } from '../../jobs/pool';
import type { JobType } from '../../jobs/runner';
import type { Workbench } from '../../workbench';
import type { EvalConfig } from '../config';
import { createJudge } from './create';
import {
  appendVerdict,
  readJudgementConfig,
  readVerdicts,
  type VerdictLine,
  writeJudgementSummary,
} from './files';
import { summarizeJudgement } from './summary';

export const JudgeJobPayload = z.object({ evaluationId: z.string(), judgementId: z.string() });

/** Why a criterion does not apply to a question (null: it does). */
function notApplicable(
  criteria: 'stages' | 'rationale',
  offline: boolean,
  trace: Trace,
  q: Question | undefined,
) {
  if (!q) return 'question not in the evaluation set';
  if (trace.error !== undefined) return 'the trace failed (no reasoning to judge)';
  if (criteria === 'rationale') {
    try {
      subQuestionsOf(q);
    } catch {
      return 'no sub-questions';
    }
  }
  if (offline && q.evidence.length === 0) return 'no gold evidence (offline judge)';
  return null;
}

/**
 * Judges each trace of an evaluation not judged yet (so a resumed job goes on where it stopped;
 * an LM judge's answers come from the response cache), one verdict line as each lands. A judge
 * output without a valid verdict is recorded as unparseable — counted, never scored — and the
 * summary with bootstrap CIs is written from all the lines at the end.
 */
export function judgeJob(wb: Workbench): JobType {
  return {
    async run({ job, store, signal, progress }) {
      const { evaluationId, judgementId } = JudgeJobPayload.parse(job.payload);
      const config = readJudgementConfig(store, evaluationId, judgementId);
      const evaluation = store.evaluations.require(evaluationId);
      const evalConfig = evaluation.config as unknown as EvalConfig;
      const byId = new Map(store.questionSets.questions(evalConfig.questionSetId).map((q) => [q.id, q]));
      const traces = store.evaluations.allTraces(evaluationId).map((t) => t.trace);
      const done = new Set(
        readVerdicts(store, evaluationId, judgementId, { repair: true }).map((l) => l.questionId),
      );
      const todo = traces.filter((t) => !done.has(t.questionId));
      let count = done.size;
      progress({
        done: count,
        total: traces.length,
        message: done.size ? `resumed after ${done.size}` : null,
      });
      const made = createJudge(
        config.judge,
        { store, endpoints: wb.endpoints, owner: judgementId },
        config.maxTokens,
      );
      const record = (line: VerdictLine) => {
        appendVerdict(store, evaluationId, judgementId, line);
        count += 1;
        progress({ done: count });
      };
      await forEachConcurrent(
        todo,
        made.concurrency,
        async (trace) => {
          const q = byId.get(trace.questionId);
          const reason = notApplicable(config.criteria, made.offline, trace, q);
          if (reason !== null || !q) {
            record({ status: 'skipped', questionId: trace.questionId, reason: reason ?? '' });
            return;
          }
          const correct = answeredCorrectly(trace, q, config.answeredBy);
          try {
            if (config.criteria === 'stages') {
              const v = await made.judge.judgeStages(trace, q, signal);
              record({
                status: 'judged',
                questionId: trace.questionId,
                judge: v.judge,
                raw: v.raw,
                stages: {
                  initialization: v.initialization,
                  expansion: v.expansion,
                  aggregation: v.aggregation,
                },
                correct,
              });
            } else {
              const v = await made.judge.judgeRationale(trace, q, signal);
              record({
                status: 'judged',
                questionId: trace.questionId,
                judge: v.judge,
                raw: v.raw,
                answered: v.answered,
                correct,
              });
            }
          } catch (err) {
            if (!(err instanceof JudgeOutputError)) throw err;
            record({
              status: 'unparseable',
              questionId: trace.questionId,
              raw: err.output,
              error: err.message,
            });
          }
        },
        signal,
      );
      progress({ message: 'summarising' });
      const summary = summarizeJudgement(
        {
          judgementId,
          evaluationId,
          criteria: config.criteria,
          judge: config.judgeLabel,
          offline: made.offline,
          questions: traces.length,
          answeredBy: config.answeredBy,
        },
        readVerdicts(store, evaluationId, judgementId),
        config.bootstrap,
      );
      writeJudgementSummary(store, evaluationId, judgementId, summary);
      return {
        judgementId,
        judged: summary.judged,
        unparseable: summary.unparseable,
        judge: summary.judge,
      };
    },
  };
}
