import type { TraceScore } from '../../metrics/score';
import {
  type BootstrapOptions,
  bootstrapMeanCI,
  type MeanInterval,
  resolveBootstrapOptions,
} from './bootstrap';
import { type McNemarResult, mcnemar, type PairedTest, pairedBootstrap } from './paired';

/** Per-question metrics of a TraceScore that have a mean worth an interval. */
export const INTERVAL_METRICS = [
  'em',
  'f1',
  'acc',
  'accWholeGeneration',
  'recall',
  'duplicativeness',
  'retrievalSteps',
  'totalMs',
] as const;
export type IntervalMetric = (typeof INTERVAL_METRICS)[number];

/** The values a summary averages for one metric, with the same exclusions as scoreTraces. */
export function metricValues(rows: readonly TraceScore[], metric: IntervalMetric): number[] {
  switch (metric) {
    case 'recall':
      // Undefined, not 0, for questions without gold passages.
      return rows.map((r) => r.recall).filter((r): r is number => r !== null);
    case 'duplicativeness':
      return rows.filter((r) => r.retrievalSteps > 0).map((r) => r.duplicativeness);
    default:
      return rows.map((r) => r[metric]);
  }
}

/**
 * A bootstrap interval for every per-question metric of a scored run; null for a metric with no
 * values (recall without gold passages, duplicativeness without retrieval). Each metric is
 * resampled from the same seed, so intervals are reproducible one by one.
 */
export function scoreIntervals(
  rows: readonly TraceScore[],
  options: BootstrapOptions = {},
): Record<IntervalMetric, MeanInterval | null> {
  const out = {} as Record<IntervalMetric, MeanInterval | null>;
  for (const metric of INTERVAL_METRICS) {
    const values = metricValues(rows, metric);
    out[metric] = values.length === 0 ? null : bootstrapMeanCI(values, options);
  }
  return out;
}

export const COMPARED_METRICS = ['em', 'f1', 'acc'] as const;
export type ComparedMetric = (typeof COMPARED_METRICS)[number];

export interface MetricComparison extends PairedTest {
  metric: ComparedMetric;
  meanA: number;
  meanB: number;
  confidence: number;
  /** For the binary metrics (EM, Acc): McNemar's test on the same pairs. */
  mcnemar?: McNemarResult;
}

export interface StudentComparison {
  /** Questions compared: those both systems answered. */
  n: number;
  em: MetricComparison;
  f1: MetricComparison;
  acc: MetricComparison;
}

function byQuestion(rows: readonly TraceScore[], name: string): Map<string, TraceScore> {
  const map = new Map<string, TraceScore>();
  rows.forEach((row, i) => {
    if (map.has(row.questionId)) {
      throw new Error(
        `compareStudents: ${name} has two traces for question "${row.questionId}" (row #${i}); give one trace per question.`,
      );
    }
    map.set(row.questionId, row);
  });
  return map;
}

function listSome(ids: readonly string[]): string {
  const shown = ids.slice(0, 5).map((id) => `"${id}"`);
  return ids.length > 5 ? `${shown.join(', ')} and ${ids.length - 5} more` : shown.join(', ');
}

/**
 * Student A against student B on the same questions (rows of scoreTraces, matched by question
 * id): for EM, F1 and Acc the mean difference A − B with its paired-bootstrap interval and
 * p-value, and McNemar's test for EM and Acc. The question sets must be the same.
 */
export function compareStudents(
  a: readonly TraceScore[],
  b: readonly TraceScore[],
  options: BootstrapOptions = {},
): StudentComparison {
  const resolved = resolveBootstrapOptions(options);
  const mapA = byQuestion(a, 'student A');
  const mapB = byQuestion(b, 'student B');
  const onlyA = [...mapA.keys()].filter((id) => !mapB.has(id));
  const onlyB = [...mapB.keys()].filter((id) => !mapA.has(id));
  if (onlyA.length > 0 || onlyB.length > 0) {
    const parts = [];
    if (onlyA.length > 0) parts.push(`only student A has ${listSome(onlyA)}`);
    if (onlyB.length > 0) parts.push(`only student B has ${listSome(onlyB)}`);
    throw new Error(
      `compareStudents: the two runs are not on the same questions (${parts.join('; ')}). Evaluate both students on the same question set.`,
    );
  }
  const ids = [...mapA.keys()];
  if (ids.length === 0) throw new RangeError('compareStudents: no questions to compare.');
  const compare = (metric: ComparedMetric): MetricComparison => {
    const va = ids.map((id) => (mapA.get(id) as TraceScore)[metric]);
    const vb = ids.map((id) => (mapB.get(id) as TraceScore)[metric]);
    const test = pairedBootstrap(va, vb, resolved);
    return {
      metric,
      meanA: va.reduce((s, x) => s + x, 0) / va.length,
      meanB: vb.reduce((s, x) => s + x, 0) / vb.length,
      diff: test.diff,
      ci: test.ci,
      pValue: test.pValue,
      n: test.n,
      method: test.method,
      confidence: test.confidence,
      ...(metric !== 'f1' && { mcnemar: mcnemar(va, vb) }),
    };
  };
  return { n: ids.length, em: compare('em'), f1: compare('f1'), acc: compare('acc') };
}
