import {
  type BootstrapOptions,
  compareStudents,
  type Question,
  type StudentComparison,
  scoreTraces,
  type Trace,
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

/** A student group pooled over seeds: every metric with its CI over the pooled question × seed rows. */
export interface PooledRow {
  name: string;
  group: string;
  objective: string | null;
  budget: 'epoch' | 'token' | null;
  seeds: number[];
  /** Question × seed rows. */
  n: number;
  /** The evaluation summary of the pooled rows (means over seeds when seeds have equal questions). */
  summary: EvalSummary;
  /** Each seed's own mean, in seed order. */
  perSeed: { em: number[]; f1: number[]; acc: number[] };
}

export function pooledRow(
  meta: Pick<PooledRow, 'name' | 'group' | 'objective' | 'budget'>,
  runs: readonly SeedRun[],
  questions: readonly Question[],
  options: BootstrapOptions = {},
): PooledRow {
  const pooled = poolSeeds(runs, questions);
  const seedMeans = runs.map((r) => scoreTraces(r.traces, questions));
  return {
    ...meta,
    seeds: runs.map((r) => r.seed),
    n: pooled.traces.length,
    summary: summarizeEvaluation(pooled.traces, pooled.questions, options),
    perSeed: {
      em: seedMeans.map((s) => s.em),
      f1: seedMeans.map((s) => s.f1),
      acc: seedMeans.map((s) => s.acc),
    },
  };
}

/**
 * A against B over the given seeds, paired by question × seed (A's seed-s answer to q against B's
 * seed-s answer to q): paired bootstrap on EM/F1/Acc, McNemar on EM/Acc.
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
  const pa = poolSeeds(a, questions);
  const pb = poolSeeds(b, questions);
  return compareStudents(
    scoreTraces(pa.traces, pa.questions).perTrace,
    scoreTraces(pb.traces, pb.questions).perTrace,
    options,
  );
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
