import {
  type BootstrapOptions,
  type RationaleSummary,
  type StageSummary,
  summarizeRationaleVerdicts,
  summarizeStageVerdicts,
} from '@steper/core';
import type { JudgeCriteria } from './config';
import type { VerdictLine } from './files';

export interface JudgementSummary {
  judgementId: string;
  evaluationId: string;
  criteria: JudgeCriteria;
  /** The judge's label: "offline evidence judge (no LM)" or "LM judge: openai:<model>". */
  judge: string;
  offline: boolean;
  /** Traces of the evaluation. */
  questions: number;
  /** Questions with a verdict that counts. */
  judged: number;
  /** Judge outputs without a valid verdict: counted here, left out of every mean (never scored 0 or 1). */
  unparseable: number;
  unparseableQuestionIds: string[];
  /** Questions the criteria do not apply to, by reason. */
  skipped: { reason: string; count: number }[];
  /** Per-stage means with 95% bootstrap CIs (criteria 'stages'). */
  stages: StageSummary | null;
  /** SQA over all judged questions, RI over those answered correctly (criteria 'rationale'). */
  rationale: (RationaleSummary & { answeredBy: 'acc' | 'em' }) | null;
}

/** Scores of the verdicts that count, with how many did not, and why. */
export function summarizeJudgement(
  meta: Pick<
    JudgementSummary,
    'judgementId' | 'evaluationId' | 'criteria' | 'judge' | 'offline' | 'questions'
  > & {
    answeredBy: 'acc' | 'em';
  },
  lines: readonly VerdictLine[],
  options: BootstrapOptions,
): JudgementSummary {
  const judged = lines.filter((l): l is Extract<VerdictLine, { status: 'judged' }> => l.status === 'judged');
  const unparseable = lines.filter((l) => l.status === 'unparseable');
  const reasons = new Map<string, number>();
  for (const l of lines) if (l.status === 'skipped') reasons.set(l.reason, (reasons.get(l.reason) ?? 0) + 1);
  const { answeredBy, ...rest } = meta;
  const base = {
    ...rest,
    judged: judged.length,
    unparseable: unparseable.length,
    unparseableQuestionIds: unparseable.map((l) => l.questionId),
    skipped: [...reasons].map(([reason, count]) => ({ reason, count })),
  };
  if (meta.criteria === 'stages') {
    const verdicts = judged.map((l) => {
      if (!l.stages) throw new Error(`Verdict of "${l.questionId}" has no stage scores.`);
      return { questionId: l.questionId, judge: l.judge, raw: l.raw, ...l.stages };
    });
    return { ...base, stages: summarizeStageVerdicts(verdicts, options), rationale: null };
  }
  const entries = judged.map((l) => {
    if (!l.answered) throw new Error(`Verdict of "${l.questionId}" has no sub-question answers.`);
    return {
      verdict: { questionId: l.questionId, judge: l.judge, answered: l.answered, raw: l.raw },
      correct: l.correct,
    };
  });
  return {
    ...base,
    stages: null,
    rationale: { ...summarizeRationaleVerdicts(entries, options), answeredBy },
  };
}
