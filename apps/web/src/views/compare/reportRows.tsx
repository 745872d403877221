import type { MetricBlock, SystemRow } from './MetricsTables';
import type { Comparison, ExperimentResult, SystemResult } from './reportTypes';

const block = (b: SystemResult['summary']['perDataset'][string]): MetricBlock => ({
  em: b.em,
  f1: b.f1,
  acc: b.acc,
  recall: b.recall,
  duplicativeness: b.duplicativeness,
  steps: b.steps,
  latencyMs: b.latencyMs,
  intervals: b.intervals,
});

/** A report system (or pooled row) as the shared tables read it. */
export function systemRow(s: Pick<SystemResult, 'name' | 'summary'>, key: string, color?: string): SystemRow {
  return {
    key,
    name: s.name,
    color,
    perDataset: Object.fromEntries(Object.entries(s.summary.perDataset).map(([d, b]) => [d, block(b)])),
    average: s.summary.datasetAverage,
    overall: block(s.summary),
  };
}

export const BUDGET_LABELS = { epoch: 'equal epochs', token: 'equal training tokens' } as const;

/** Each student group pooled over seeds, where the result has them. */
export function pooledRows(result: ExperimentResult): SystemRow[] {
  return (result.pooled ?? []).map((p) => ({
    ...systemRow(p, `pooled-${p.group ?? p.name}`),
    note: (
      <span className="muted">
        seeds {p.seeds.join(', ')}
        {p.n !== undefined && ` · ${p.n} question × seed rows`}
        {p.perSeed && ` · Acc per seed ${p.perSeed.acc.map((a) => (a * 100).toFixed(1)).join(' / ')}`}
      </span>
    ),
  }));
}

/**
 * The evaluation to put beside a system in the side-by-side view: for a StepER student, Vanilla-KD
 * of the same seed (at equal epochs when both budgets were trained); null otherwise.
 */
export function counterpart(result: ExperimentResult, s: SystemResult): SystemResult | null {
  if (!s.objective?.startsWith('steper')) return null;
  const vanillas = result.systems.filter((x) => x.objective === 'vanilla' && x.seed === s.seed);
  return vanillas.find((x) => (x.budget ?? 'epoch') === 'epoch') ?? vanillas[0] ?? null;
}

/** The two evaluations a per-seed comparison is made of; null for a pooled one. */
export function comparedSystems(
  result: ExperimentResult,
  c: Comparison,
): [SystemResult, SystemResult] | null {
  if (c.seed === null) return null;
  const a = result.systems.find((s) => s.name === c.a);
  const b = result.systems.find((s) => s.name === c.b);
  return a && b ? [a, b] : null;
}

/** The comparisons grouped by the budget Vanilla-KD trained with (one group for early results). */
export function comparisonsByBudget(
  result: ExperimentResult,
): { budget: 'epoch' | 'token' | null; rows: Comparison[] }[] {
  const budgets = [...new Set(result.comparisons.map((c) => c.budget ?? null))];
  return (budgets.length ? budgets : [null]).map((budget) => ({
    budget,
    rows: result.comparisons.filter((c) => (c.budget ?? null) === budget),
  }));
}
