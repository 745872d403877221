import {
  type BootstrapOptions,
  bootstrapMeanCI,
  type COMPARED_METRICS,
  compareStudents,
  INTERVAL_METRICS,
  type IntervalMetric,
  type MeanInterval,
  type MetricComparison,
  metricValues,
  pairedBootstrap,
  type Question,
  type StudentComparison,
  scoreTraces,
  type Trace,
  type TraceScore,
} from '@steper/core';
import { type EvalSummary, summarizeEvaluation } from '../evaluation/summary';

/** One system's traces on one seed. */
export interface SeedRun {
  seed: number;
  traces: readonly Trace[];
}

const pooledId = (questionId: string, seed: number) => `${questionId}#seed${seed}`;

/**
 * All seeds' traces as one sample of question × seed rows (ids "q#seed<n>"), with the questions
 * renamed to match, so seed s of A is paired with seed s of B on the same question.
 */
export function poolSeeds(
  runs: readonly SeedRun[],
  questions: readonly Question[],
): { traces: Trace[]; questions: Question[] } {
  const byId = new Map(questions.map((q) => [q.id, q]));
  const traces: Trace[] = [];
  const pooledQuestions: Question[] = [];
  for (const { seed, traces: ts } of runs) {
    for (const t of ts) {
      const q = byId.get(t.questionId);
      if (!q) throw new Error(`poolSeeds: trace of unknown question "${t.questionId}" (seed ${seed}).`);
      traces.push({ ...t, questionId: pooledId(t.questionId, seed) });
      pooledQuestions.push({ ...q, id: pooledId(q.id, seed) });
    }
  }
  return { traces, questions: pooledQuestions };
}

/** How pooled intervals resample: questions, each with all of its seeds' rows (DESIGN §2). */
export const CLUSTER_METHOD =
  "cluster bootstrap over questions (each question's seeds averaged, resampled together)";

/** Each question's rows of one metric, one per seed that has a value (recall needs gold passages). */
function seedValuesByQuestion(
  runs: readonly SeedRun[],
  questions: readonly Question[],
  metric: IntervalMetric,
): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const run of runs) {
    const rows = scoreTraces(run.traces, questions).perTrace;
    const kept = new Set(metricRows(rows, metric));
    for (const row of rows) {
      if (!kept.has(row)) continue;
      const list = out.get(row.questionId) ?? [];
      list.push(metricValues([row], metric)[0]!);
      out.set(row.questionId, list);
    }
  }
  return out;
}

/** The rows metricValues averages for `metric` (the same exclusions). */
function metricRows(rows: readonly TraceScore[], metric: IntervalMetric): TraceScore[] {
  return rows.filter((r) => metricValues([r], metric).length > 0);
}

const meanOf = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/**
 * Intervals of every metric over several seeds, with the question as the unit: each question's
 * value is its mean over seeds, and the bootstrap resamples those. Rows of one question on
 * different seeds are not independent (the same question is hard for every seed), so resampling
 * question × seed rows as if they were gives intervals too narrow.
 */
export function clusteredIntervals(
  runs: readonly SeedRun[],
  questions: readonly Question[],
  options: BootstrapOptions = {},
): Record<IntervalMetric, MeanInterval | null> {
  const out = {} as Record<IntervalMetric, MeanInterval | null>;
  for (const metric of INTERVAL_METRICS) {
    const values = [...seedValuesByQuestion(runs, questions, metric).values()].map(meanOf);
    out[metric] =
      values.length === 0 ? null : { ...bootstrapMeanCI(values, options), method: CLUSTER_METHOD };
  }
  return out;
}

/** A student group pooled over seeds: every metric with its CI over questions (seeds together). */
export interface PooledRow {
  name: string;
  group: string;
  objective: string | null;
  budget: 'epoch' | 'token' | null;
  seeds: number[];
  /** Question × seed rows. */
  n: number;
  /** Questions: the unit the intervals resample. */
  questions: number;
  /** The evaluation summary of the pooled rows; its intervals resample questions (clusteredIntervals). */
  summary: EvalSummary;
  /** Each seed's own mean, in seed order. */
  perSeed: { em: number[]; f1: number[]; acc: number[]; primary?: number[] };
  /** The study's primary metric (EM over its question types), clustered like the rest. */
  primary?: MeanInterval | null;
}

/** The questions of the given types; every question when `types` is null. */
export function questionsOfTypes(
  questions: readonly Question[],
  types: readonly string[] | null,
): Question[] {
  return types === null ? [...questions] : questions.filter((q) => types.includes(q.type ?? 'untyped'));
}

/** Runs cut down to the traces of `questions`. */
function restrict(runs: readonly SeedRun[], questions: readonly Question[]): SeedRun[] {
  const ids = new Set(questions.map((q) => q.id));
  return runs.map((r) => ({ seed: r.seed, traces: r.traces.filter((t) => ids.has(t.questionId)) }));
}

export function pooledRow(
  meta: Pick<PooledRow, 'name' | 'group' | 'objective' | 'budget'>,
  runs: readonly SeedRun[],
  questions: readonly Question[],
  options: BootstrapOptions = {},
  primaryTypes: readonly string[] | null = null,
): PooledRow {
  const pooled = poolSeeds(runs, questions);
  const seedMeans = runs.map((r) => scoreTraces(r.traces, questions));
  const summary = summarizeEvaluation(pooled.traces, pooled.questions, options);
  const intervals = clusteredIntervals(runs, questions, options);
  const primaryQuestions = primaryTypes ? questionsOfTypes(questions, primaryTypes) : [];
  const primaryRuns = restrict(runs, primaryQuestions);
  return {
    ...meta,
    seeds: runs.map((r) => r.seed),
    n: pooled.traces.length,
    questions: new Set(runs.flatMap((r) => r.traces.map((t) => t.questionId))).size,
    summary: { ...summary, intervals },
    perSeed: {
      em: seedMeans.map((s) => s.em),
      f1: seedMeans.map((s) => s.f1),
      acc: seedMeans.map((s) => s.acc),
      ...(primaryTypes && {
        primary: primaryRuns.map((r) => (r.traces.length ? scoreTraces(r.traces, primaryQuestions).em : 0)),
      }),
    },
    ...(primaryTypes && {
      primary: primaryQuestions.length ? clusteredIntervals(primaryRuns, primaryQuestions, options).em : null,
    }),
  };
}

/**
 * A against B over the given seeds, paired by question. One seed: the paired bootstrap on EM/F1/Acc
 * and McNemar on EM/Acc, question by question. Several seeds: each question's A − B is averaged
 * over the seeds and the bootstrap resamples questions (all seeds of a question together); McNemar
 * needs one binary pair per question, so it is left out there. The per-seed comparisons stand
 * beside the pooled one in the report.
 */
export function pooledComparison(
  a: readonly SeedRun[],
  b: readonly SeedRun[],
  questions: readonly Question[],
  options: BootstrapOptions = {},
): StudentComparison {
  const seedsA = a.map((s) => s.seed).join(',');
  const seedsB = b.map((s) => s.seed).join(',');
  if (seedsA !== seedsB) {
    throw new Error(`pooledComparison: A has seeds [${seedsA}] but B has [${seedsB}]; pool the same seeds.`);
  }
  if (a.length === 1) {
    return compareStudents(
      scoreTraces(a[0]!.traces, questions).perTrace,
      scoreTraces(b[0]!.traces, questions).perTrace,
      options,
    );
  }
  const compare = (metric: (typeof COMPARED_METRICS)[number]): MetricComparison => {
    const byA = seedValuesByQuestion(a, questions, metric);
    const byB = seedValuesByQuestion(b, questions, metric);
    const ids = [...byA.keys()].filter((id) => byB.has(id));
    const missing = [...byA.keys(), ...byB.keys()].filter((id) => !byA.has(id) || !byB.has(id));
    if (missing.length > 0 || ids.some((id) => byA.get(id)!.length !== byB.get(id)!.length)) {
      throw new Error(
        `pooledComparison: A and B did not answer the same questions on every seed (e.g. "${missing[0] ?? ids.find((id) => byA.get(id)!.length !== byB.get(id)!.length)}").`,
      );
    }
    const va = ids.map((id) => meanOf(byA.get(id)!));
    const vb = ids.map((id) => meanOf(byB.get(id)!));
    const test = pairedBootstrap(va, vb, options);
    return {
      metric,
      meanA: meanOf(va),
      meanB: meanOf(vb),
      diff: test.diff,
      ci: test.ci,
      pValue: test.pValue,
      n: test.n,
      method: `${CLUSTER_METHOD}, ${test.resamples} resamples, seed ${test.seed}`,
      confidence: test.confidence,
    };
  };
  const em = compare('em');
  return { n: em.n, em, f1: compare('f1'), acc: compare('acc') };
}

/** The comparison on the primary metric's questions only: its EM row. */
export function primaryComparison(
  a: readonly SeedRun[],
  b: readonly SeedRun[],
  questions: readonly Question[],
  types: readonly string[],
  options: BootstrapOptions = {},
): MetricComparison | null {
  const qs = questionsOfTypes(questions, types);
  if (qs.length === 0) return null;
  return pooledComparison(restrict(a, qs), restrict(b, qs), qs, options).em;
}

/** One system's pooled EM and Acc on the questions of one type. */
export interface TypeRow {
  name: string;
  type: string;
  /** Question × seed rows of this type. */
  n: number;
  /** Share of those rows whose gold answer is yes or no: what guessing alone can get right. */
  yesNo: number;
  em: number;
  acc: number;
}

/**
 * A system's scores per question type (synthetic and 2Wiki questions carry one), pooled over
 * seeds: where a score comes from. A comparison type answered yes/no is half right by guessing,
 * so a student can score there without getting one reasoning step right.
 */
export function byQuestionType(
  name: string,
  runs: readonly SeedRun[],
  questions: readonly Question[],
): TypeRow[] {
  const pooled = poolSeeds(runs, questions);
  const typeOf = (q: Question) => q.type ?? 'untyped';
  const types = [...new Set(pooled.questions.map(typeOf))].sort();
  return types.map((type) => {
    const qs = pooled.questions.filter((q) => typeOf(q) === type);
    const ids = new Set(qs.map((q) => q.id));
    const s = scoreTraces(
      pooled.traces.filter((t) => ids.has(t.questionId)),
      qs,
    );
    const yesNo = qs.filter((q) => q.answers.some((a) => /^(yes|no)$/i.test(a.trim()))).length / qs.length;
    return { name, type, n: qs.length, yesNo, em: s.em, acc: s.acc };
  });
}
