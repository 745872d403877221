import {
  type BootstrapOptions,
  type IntervalMetric,
  type MeanInterval,
  type Question,
  resolveBootstrapOptions,
  type ScoreSummary,
  scoreIntervals,
  scoreTraces,
  type Trace,
} from '@steper/core';

/** scoreTraces' means (per-trace rows dropped) with a bootstrap interval for every metric. */
export type MetricBlock = Omit<ScoreSummary, 'perTrace'> & {
  intervals: Record<IntervalMetric, MeanInterval | null>;
};

/** What an evaluation stores when it is done (DESIGN.md §2 metrics, paper Tables 1, 7, 8, Figure 6). */
export interface EvalSummary extends MetricBlock {
  bootstrap: { resamples: number; confidence: number; seed: number };
  /** The same block per dataset of the questions (Table 1's columns). */
  perDataset: Record<string, MetricBlock>;
  /** Table 1's "Average": the unweighted mean of the per-dataset means. */
  datasetAverage: { em: number; f1: number; acc: number; datasets: number };
}

function block(
  traces: readonly Trace[],
  byId: ReadonlyMap<string, Question>,
  options: BootstrapOptions,
): MetricBlock {
  const { perTrace, ...means } = scoreTraces(traces, byId);
  return { ...means, intervals: scoreIntervals(perTrace, options) };
}

const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** Scores the traces with core's scoreTraces, pooled and per dataset, with 95% bootstrap CIs. */
export function summarizeEvaluation(
  traces: readonly Trace[],
  questions: readonly Question[],
  options: BootstrapOptions = {},
): EvalSummary {
  const bootstrap = resolveBootstrapOptions(options);
  const byId = new Map(questions.map((q) => [q.id, q]));
  const groups = new Map<string, Trace[]>();
  for (const trace of traces) {
    const dataset = byId.get(trace.questionId)?.dataset ?? 'unknown';
    groups.set(dataset, [...(groups.get(dataset) ?? []), trace]);
  }
  const perDataset = Object.fromEntries(
    [...groups]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, ts]) => [name, block(ts, byId, bootstrap)]),
  );
  const blocks = Object.values(perDataset);
  return {
    ...block(traces, byId, bootstrap),
    bootstrap,
    perDataset,
    datasetAverage: {
      em: avg(blocks.map((b) => b.em)),
      f1: avg(blocks.map((b) => b.f1)),
      acc: avg(blocks.map((b) => b.acc)),
      datasets: blocks.length,
    },
  };
}
