import type { Question } from '../types/data';
import type { Trace } from '../types/trace';
import { accuracy, exactMatch, f1Score } from './answer';
import {
  duplicativeness,
  retrievalRecall,
  retrievalSteps,
  type StepsDistribution,
  stepsDistribution,
} from './retrieval';

/** Every metric of one trace against its question. */
export interface TraceScore {
  questionId: string;
  prediction: string;
  em: number;
  f1: number;
  acc: number;
  /** Acc with containment tested in the whole generation (kept chain + final output): lenient. */
  accWholeGeneration: number;
  /** null when the question has no gold passages. */
  recall: number | null;
  duplicativeness: number;
  retrievalSteps: number;
  totalMs: number;
  failed: boolean;
}

/** Means over a set of traces. */
export interface ScoreSummary {
  traces: number;
  em: number;
  f1: number;
  acc: number;
  /** Label it "Acc (whole generation)": not comparable with the paper's Acc. */
  accWholeGeneration: number;
  /** Mean over the traces whose question has gold passages (recallTraces of them); null if none. */
  recall: number | null;
  recallTraces: number;
  /** Mean over the traces that retrieved at least once. */
  duplicativeness: number;
  steps: StepsDistribution;
  /** Mean wall time per question (paper Figure 6). */
  latencyMs: number;
  /** Traces that ended with an error (scored as they stand). */
  failed: number;
  perTrace: TraceScore[];
}

export function scoreTrace(trace: Trace, question: Question): TraceScore {
  const golds = question.answers;
  const whole = [...trace.chain, trace.finalOutput].join('\n');
  return {
    questionId: trace.questionId,
    prediction: trace.prediction,
    em: exactMatch(trace.prediction, golds),
    f1: f1Score(trace.prediction, golds),
    acc: accuracy(trace.prediction, golds),
    accWholeGeneration: accuracy(trace.prediction, golds, { wholeGeneration: whole }),
    recall: retrievalRecall(trace, question),
    duplicativeness: duplicativeness(trace),
    retrievalSteps: retrievalSteps(trace),
    totalMs: trace.totalMs,
    failed: trace.error !== undefined,
  };
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Scores each trace against its question (matched by id) and averages. */
export function scoreTraces(
  traces: readonly Trace[],
  questions: readonly Question[] | ReadonlyMap<string, Question>,
): ScoreSummary {
  const byId =
    questions instanceof Map ? questions : new Map((questions as readonly Question[]).map((q) => [q.id, q]));
  const perTrace = traces.map((trace, i) => {
    const question = byId.get(trace.questionId);
    if (!question) {
      throw new Error(
        `scoreTraces: trace #${i} is for question "${trace.questionId}", which is not in the question set given. Pass the questions the traces were run on.`,
      );
    }
    return scoreTrace(trace, question);
  });
  const recalls = perTrace.map((s) => s.recall).filter((r): r is number => r !== null);
  return {
    traces: traces.length,
    em: mean(perTrace.map((s) => s.em)),
    f1: mean(perTrace.map((s) => s.f1)),
    acc: mean(perTrace.map((s) => s.acc)),
    accWholeGeneration: mean(perTrace.map((s) => s.accWholeGeneration)),
    recall: recalls.length === 0 ? null : mean(recalls),
    recallTraces: recalls.length,
    duplicativeness: mean(perTrace.filter((s) => s.retrievalSteps > 0).map((s) => s.duplicativeness)),
    steps: stepsDistribution(traces),
    latencyMs: mean(perTrace.map((s) => s.totalMs)),
    failed: perTrace.filter((s) => s.failed).length,
    perTrace,
  };
}
