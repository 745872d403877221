import { accuracy, exactMatch } from '../../metrics/answer';
import type { Question } from '../../types/data';
import type { Trace } from '../../types/trace';
import { type BootstrapOptions, bootstrapMeanCI } from '../stats/bootstrap';
import type { RationaleVerdict, StageVerdict } from './types';

/** A judged score averaged over the questions it applies to, with its bootstrap interval. */
export interface JudgedMean {
  /** null when no question applies (e.g. expansion when no trace expanded). */
  mean: number | null;
  n: number;
  ci: [number, number] | null;
}

function judgedMean(values: readonly number[], options: BootstrapOptions): JudgedMean {
  if (values.length === 0) return { mean: null, n: 0, ci: null };
  const interval = bootstrapMeanCI(values, options);
  return { mean: interval.mean, n: interval.n, ci: interval.ci };
}

/** The one judge behind a set of verdicts: scores of different judges are never averaged together. */
function judgeOf(verdicts: readonly { judge: string; questionId: string }[], what: string): string | null {
  const first = verdicts[0];
  if (!first) return null;
  const other = verdicts.find((v) => v.judge !== first.judge);
  if (other) {
    throw new Error(
      `${what}: verdicts come from two judges ("${first.judge}" and "${other.judge}", question "${other.questionId}"); summarise each judge's verdicts separately.`,
    );
  }
  return first.judge;
}

export interface StageSummary {
  /** The judge's label (say "offline evidence judge (no LM)" wherever these scores are shown). */
  judge: string | null;
  questions: number;
  initialization: JudgedMean;
  /** Over the traces that had an expansion step. */
  expansion: JudgedMean;
  aggregation: JudgedMean;
}

/** Per-stage judged scores (Figure 3): the mean of each 0/1 criterion with its interval. */
export function summarizeStageVerdicts(
  verdicts: readonly StageVerdict[],
  options: BootstrapOptions = {},
): StageSummary {
  const judge = judgeOf(verdicts, 'summarizeStageVerdicts');
  return {
    judge,
    questions: verdicts.length,
    initialization: judgedMean(
      verdicts.map((v) => v.initialization),
      options,
    ),
    expansion: judgedMean(
      verdicts.flatMap((v) => (v.expansion === null ? [] : [v.expansion])),
      options,
    ),
    aggregation: judgedMean(
      verdicts.map((v) => v.aggregation),
      options,
    ),
  };
}

/**
 * SQA of one question: the share of its sub-questions answerable from the rationale — with
 * SubQA's two sub-questions 1 if both, 0.5 if one, else 0 (DESIGN.md §2).
 */
export function sqaScore(answered: readonly boolean[]): number {
  if (answered.length === 0) throw new RangeError('sqaScore: no sub-questions were judged.');
  return answered.filter(Boolean).length / answered.length;
}

/** Whether a trace answered its question correctly, by EM or Acc (the rule RI is computed with). */
export function answeredCorrectly(trace: Trace, question: Question, by: 'em' | 'acc' = 'acc'): boolean {
  return (by === 'em' ? exactMatch : accuracy)(trace.prediction, question.answers) === 1;
}

export interface RationaleEntry {
  verdict: RationaleVerdict;
  /** The question was answered correctly (see answeredCorrectly). */
  correct: boolean;
}

export interface RationaleSummary {
  judge: string | null;
  questions: number;
  /** Mean SQA over all questions. */
  sqa: JudgedMean;
  /** Among the questions answered correctly, the share whose sub-questions are all answered. */
  ri: JudgedMean;
  correct: number;
}

/** Rationale validity (Table 4): SQA over all questions and RI over the correctly answered ones. */
export function summarizeRationaleVerdicts(
  entries: readonly RationaleEntry[],
  options: BootstrapOptions = {},
): RationaleSummary {
  const judge = judgeOf(
    entries.map((e) => e.verdict),
    'summarizeRationaleVerdicts',
  );
  const correct = entries.filter((e) => e.correct);
  return {
    judge,
    questions: entries.length,
    sqa: judgedMean(
      entries.map((e) => sqaScore(e.verdict.answered)),
      options,
    ),
    ri: judgedMean(
      correct.map((e) => (e.verdict.answered.every(Boolean) ? 1 : 0)),
      options,
    ),
    correct: correct.length,
  };
}
