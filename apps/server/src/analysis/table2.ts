import type { StudentComparison } from '@steper/core';
import { PAIRED_HEADER, pairedCells, table, withCi } from '../experiment/markdown';
import { type PooledRow, pooledComparison, pooledRow, type SeedRun } from '../experiment/pooled';
import type { AnalysisContext, AnalysisOutput } from './context';
import type { AnalysisPreset } from './presets';
import { type StudentSystem, studentSystem, studentsWorld } from './shared';

type Variant = AnalysisPreset['table2']['variants'][number];

export interface Table2Row {
  label: string;
  objective: string;
  stageWeights: [number, number, number] | null;
  perSeed: {
    seed: number;
    evaluationId: string;
    trainingRunId: string;
    em: number;
    f1: number;
    acc: number;
  }[];
  /** Over all seeds (question × seed rows), with 95% CIs. */
  pooled: PooledRow;
}

export interface Table2Result {
  rows: Table2Row[];
  /** The variant every other one is compared with (difficulty-aware weighting). */
  reference: string;
  comparisons: { a: string; b: string; seed: number | null; result: StudentComparison }[];
}

/**
 * Table 2: StepER with fixed stage weights λ (init, exp, agg) against difficulty-aware weighting
 * (Eq. 4), each trained from the same init and question order per seed, evaluated with IRCoT on
 * the held-out questions; paired tests of each variant against the difficulty-aware one.
 */
export async function runTable2(ctx: AnalysisContext): Promise<Table2Result> {
  const { variants } = ctx.preset.table2;
  const { seeds } = ctx.preset.base;
  ctx.plan(2 * variants.length * seeds.length);
  const sw = await studentsWorld(ctx);
  const systems = new Map<Variant, { seed: number; s: StudentSystem }[]>(variants.map((v) => [v, []]));
  for (const init of sw.inits) {
    for (const v of variants) {
      const s = await studentSystem(ctx, sw, init, {
        name: `${v.label} · seed ${init.seed}`,
        objective: v.objective,
        ...(v.stageWeights ? { stageWeights: v.stageWeights } : {}),
      });
      systems.get(v)!.push({ seed: init.seed, s });
    }
  }
  const questions = ctx.wb.store.questionSets.questions(sw.world.evalBase.questionSetId);
  const runs = (v: Variant, only?: number): SeedRun[] =>
    systems
      .get(v)!
      .filter((x) => only === undefined || x.seed === only)
      .map((x) => ({
        seed: x.seed,
        traces: ctx.wb.store.evaluations.allTraces(x.s.evaluation.evaluationId).map((t) => t.trace),
      }));
  const rows: Table2Row[] = variants.map((v) => ({
    label: v.label,
    objective: v.objective,
    stageWeights: v.stageWeights ?? null,
    perSeed: systems.get(v)!.map(({ seed, s }) => ({
      seed,
      evaluationId: s.evaluation.evaluationId,
      trainingRunId: s.student.trainingRunId,
      em: s.evaluation.summary.em,
      f1: s.evaluation.summary.f1,
      acc: s.evaluation.summary.acc,
    })),
    pooled: pooledRow(
      { name: v.label, group: v.label, objective: v.objective, budget: null },
      runs(v),
      questions,
    ),
  }));
  const reference =
    variants.find((v) => v.objective === 'steper-difficulty') ?? variants[variants.length - 1]!;
  const comparisons: Table2Result['comparisons'] = [];
  for (const v of variants.filter((x) => x !== reference)) {
    for (const seed of seeds) {
      comparisons.push({
        a: v.label,
        b: reference.label,
        seed,
        result: pooledComparison(runs(v, seed), runs(reference, seed), questions),
      });
    }
    comparisons.push({
      a: v.label,
      b: reference.label,
      seed: null,
      result: pooledComparison(runs(v), runs(reference), questions),
    });
  }
  return { rows, reference: reference.label, comparisons };
}

export function renderTable2(r: Table2Result): string {
  const main = table(
    ['Objective', 'λ (init, exp, agg)', 'Seeds', 'EM', 'F1', 'Acc'],
    r.rows.map((row) => [
      row.label,
      row.stageWeights ? `(${row.stageWeights.join(', ')})` : 'learned (Eq. 4)',
      String(row.perSeed.length),
      withCi(row.pooled.summary.intervals.em),
      withCi(row.pooled.summary.intervals.f1),
      withCi(row.pooled.summary.intervals.acc),
    ]),
  );
  const perSeed = table(
    ['Objective', 'Seed', 'EM', 'F1', 'Acc', 'Evaluation'],
    r.rows.flatMap((row) =>
      row.perSeed.map((s) => [
        row.label,
        String(s.seed),
        (100 * s.em).toFixed(1),
        (100 * s.f1).toFixed(1),
        (100 * s.acc).toFixed(1),
        `\`${s.evaluationId}\``,
      ]),
    ),
  );
  const paired = table(
    ['A vs B', 'Seed', 'Metric', ...PAIRED_HEADER],
    r.comparisons.flatMap((c) =>
      (['em', 'f1', 'acc'] as const).map((m) => [
        `${c.a} vs ${c.b}`,
        c.seed === null ? `pooled (${c.result.n} pairs)` : String(c.seed),
        m.toUpperCase(),
        ...pairedCells(c.result[m]),
      ]),
    ),
  );
  return `## Table 2 — fixed λ vs difficulty-aware weighting (%, 95% CI, pooled over seeds)

${main}

## Per seed

${perSeed}

## Paired tests against ${r.reference} (same questions)

${paired}
`;
}

export async function table2(ctx: AnalysisContext): Promise<AnalysisOutput<Table2Result>> {
  const result = await runTable2(ctx);
  return { result, markdown: renderTable2(result), figures: {} };
}
