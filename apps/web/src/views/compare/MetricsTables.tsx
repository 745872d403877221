import type { ReactNode } from 'react';
import {
  CartesianGrid,
  ErrorBar,
  Legend,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
  ZAxis,
} from 'recharts';
import type { Evaluation, QuestionSetRow } from '../../api/types';
import { Section } from '../../components/Section';
import { ms, num, pct } from '../../lib/format';
import './reports.css';

/** The metrics an evaluation job stores (core's ScoreSummary without the per-trace rows). */
export interface EvalMetrics {
  traces: number;
  em: number;
  f1: number;
  acc: number;
  recall: number | null;
  duplicativeness: number;
  steps: { traces: number; mean: number; bins: { steps: number; count: number; share: number }[] };
  latencyMs: number;
  failed: number;
  /** 95% bootstrap intervals per metric, where the summary has them. */
  intervals?: Partial<Record<string, { ci: [number, number] } | null>>;
}

export const metricsOf = (e: Evaluation): EvalMetrics | null => (e.metrics as EvalMetrics | null) ?? null;

const PALETTE = ['#2f5bd3', '#e08a1e', '#2b9a66', '#c23a3a', '#6b5bb5', '#1d2330'];
export const colorOf = (i: number) => PALETTE[i % PALETTE.length]!;

/** The part of a metrics summary the tables and Figure 6 read. */
export type MetricBlock = Pick<
  EvalMetrics,
  'em' | 'f1' | 'acc' | 'recall' | 'duplicativeness' | 'steps' | 'latencyMs' | 'intervals'
>;

/**
 * One system as the tables show it, whatever it comes from: a stored evaluation, or a row of an
 * experiment report (which adds confidence intervals and links to its evaluation).
 */
export interface SystemRow {
  key: string;
  name: string;
  color?: string | undefined;
  /** Under the name: where to see the system's traces. */
  note?: ReactNode;
  /** Table 1's columns; null where the system has no result on that dataset. */
  perDataset: Record<string, MetricBlock | null>;
  /** Table 1's "Average", as the source computed it; the mean of the datasets when absent. */
  average?: { em: number; f1: number; acc: number } | null;
  /** All questions together: Tables 7 and 8, Figure 6. */
  overall: MetricBlock | null;
}

type Answer = 'em' | 'f1' | 'acc';
const ANSWER: Answer[] = ['em', 'f1', 'acc'];

/** Table 1 rows from evaluations: one row per name, its evaluations on different datasets side by side. */
export function evaluationTableRows(evals: Evaluation[], sets: QuestionSetRow[]): SystemRow[] {
  const datasetOf = (e: Evaluation) =>
    sets.find((s) => s.id === e.config.questionSetId)?.dataset ?? String(e.config.questionSetId ?? '?');
  const datasets = [...new Set(evals.map(datasetOf))];
  return [...new Set(evals.map((e) => e.name))].map((name) => {
    const mine = evals.filter((e) => e.name === name);
    return {
      key: name,
      name,
      perDataset: Object.fromEntries(
        datasets.map((d) => {
          const e = mine.find((x) => datasetOf(x) === d);
          return [d, e ? metricsOf(e) : null];
        }),
      ),
      overall: mine.length === 1 ? metricsOf(mine[0]!) : null,
    };
  });
}

/** Tables 7 and 8 and Figure 6 rows from evaluations: one per evaluation, in the selection's colours. */
export const evaluationRows = (evals: Evaluation[]): SystemRow[] =>
  evals.map((e, i) => ({
    key: e.id,
    name: e.name,
    color: colorOf(i),
    perDataset: {},
    overall: metricsOf(e),
  }));

/** A value with its 95% interval under it, when there is one. */
function WithCi({ value, ci }: { value: number | null | undefined; ci?: [number, number] | undefined }) {
  return (
    <>
      {pct(value)}
      {ci && (
        <span className="ci" title="95% bootstrap confidence interval">
          [{pct(ci[0])}, {pct(ci[1])}]
        </span>
      )}
    </>
  );
}

const ciOf = (b: MetricBlock | null | undefined, metric: string) => b?.intervals?.[metric]?.ci;

function RowName({ row }: { row: SystemRow }) {
  return (
    <td className="name-cell">
      <span className="cell-title" style={row.color ? { color: row.color } : undefined}>
        {row.name}
      </span>
      {row.note && <div className="row-note">{row.note}</div>}
    </td>
  );
}

/**
 * Table 1's shape: a row per system, EM / F1 / Acc per dataset and their average, the best value
 * of each column in bold; with 95% intervals where the rows carry them.
 */
export function MetricsTable({
  rows,
  title = 'Answer accuracy (Table 1)',
  id = 'metrics-table',
}: {
  rows: SystemRow[];
  title?: string;
  id?: string;
}) {
  const datasets = [...new Set(rows.flatMap((r) => Object.keys(r.perDataset)))];
  const withAvg = rows.map((r) => {
    const present = datasets.map((d) => r.perDataset[d]).filter((c): c is MetricBlock => Boolean(c));
    const mean = (k: Answer) =>
      present.length ? present.reduce((a, c) => a + c[k], 0) / present.length : null;
    return { row: r, avg: r.average ?? { em: mean('em'), f1: mean('f1'), acc: mean('acc') } };
  });
  const best = (get: (r: (typeof withAvg)[number]) => number | null | undefined) =>
    Math.max(...withAvg.map((r) => get(r) ?? -1));
  const cls = (v: number | null | undefined, b: number) =>
    v !== null && v !== undefined && v === b && rows.length > 1 ? 'num best' : 'num';
  return (
    <Section id={id} title={title}>
      <div style={{ overflowX: 'auto' }}>
        <table className="table" data-testid={id}>
          <thead>
            <tr>
              <th rowSpan={2}>System</th>
              {datasets.map((d) => (
                <th key={d} colSpan={3} style={{ textAlign: 'center' }}>
                  {d}
                </th>
              ))}
              {datasets.length > 1 && (
                <th colSpan={3} style={{ textAlign: 'center' }}>
                  Average
                </th>
              )}
            </tr>
            <tr>
              {[...datasets, ...(datasets.length > 1 ? ['avg'] : [])].flatMap((d) =>
                ['EM', 'F1', 'Acc'].map((m) => (
                  <th key={`${d}-${m}`} className="num">
                    {m}
                  </th>
                )),
              )}
            </tr>
          </thead>
          <tbody>
            {withAvg.map(({ row, avg }) => (
              <tr key={row.key}>
                <RowName row={row} />
                {datasets.flatMap((d) =>
                  ANSWER.map((k) => {
                    const block = row.perDataset[d];
                    return (
                      <td
                        key={`${d}-${k}`}
                        className={cls(
                          block?.[k],
                          best((x) => x.row.perDataset[d]?.[k]),
                        )}
                      >
                        <WithCi value={block?.[k]} ci={ciOf(block, k)} />
                      </td>
                    );
                  }),
                )}
                {datasets.length > 1 &&
                  ANSWER.map((k) => (
                    <td
                      key={`avg-${k}`}
                      className={cls(
                        avg[k],
                        best((x) => x.avg[k]),
                      )}
                    >
                      {pct(avg[k])}
                    </td>
                  ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Section>
  );
}

/** Table 7 (exact retrieval steps, % of questions) and Table 8 (recall, duplicativeness, latency). */
export function RetrievalTables({ rows, idPrefix = '' }: { rows: SystemRow[]; idPrefix?: string }) {
  const maxSteps = Math.max(1, ...rows.flatMap((r) => r.overall?.steps.bins.map((b) => b.steps) ?? []));
  const cols = Array.from({ length: maxSteps }, (_, i) => i + 1);
  return (
    <div className="charts retrieval-tables">
      <Section id={`${idPrefix}steps-table`} title="Exact retrieval steps (Table 7)">
        <div style={{ overflowX: 'auto' }}>
          <table className="table">
            <thead>
              <tr>
                <th>System</th>
                {cols.map((s) => (
                  <th key={s} className="num">
                    {s}
                  </th>
                ))}
                <th className="num">mean</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const m = r.overall;
                return (
                  <tr key={r.key}>
                    <RowName row={{ ...r, note: undefined }} />
                    {cols.map((s) => (
                      <td key={s} className="num">
                        {pct(m?.steps.bins.find((b) => b.steps === s)?.share ?? (m ? 0 : null))}
                      </td>
                    ))}
                    <td className="num">{num(m?.steps.mean, 2)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </Section>
      <Section id={`${idPrefix}recall-table`} title="Recall and duplicativeness (Table 8)">
        <div style={{ overflowX: 'auto' }}>
          <table className="table">
            <thead>
              <tr>
                <th>System</th>
                <th className="num">Recall</th>
                <th className="num">Duplicativeness</th>
                <th className="num">Latency / q</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const m = r.overall;
                return (
                  <tr key={r.key}>
                    <RowName row={{ ...r, note: undefined }} />
                    <td className="num">
                      <WithCi value={m?.recall} ci={ciOf(m, 'recall')} />
                    </td>
                    <td className="num">
                      <WithCi value={m?.duplicativeness} ci={ciOf(m, 'duplicativeness')} />
                    </td>
                    <td className="num">{ms(m?.latencyMs)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </Section>
    </div>
  );
}

/** Figure 6: accuracy against latency per question; the Acc interval as an error bar where known. */
export function LatencyChart({ rows, id = 'latency-chart' }: { rows: SystemRow[]; id?: string }) {
  return (
    <Section id={id} title="Accuracy vs latency (Figure 6)">
      <div className="chart-box" style={{ padding: '8px 12px' }}>
        <ResponsiveContainer width="100%" height="100%">
          <ScatterChart margin={{ top: 8, right: 16, bottom: 16, left: 0 }}>
            <CartesianGrid stroke="#eef0f4" />
            <XAxis
              type="number"
              dataKey="latency"
              name="latency"
              unit=" ms"
              tick={{ fontSize: 11 }}
              label={{
                value: 'latency per question (ms)',
                position: 'insideBottom',
                offset: -8,
                fontSize: 11,
              }}
            />
            <YAxis
              type="number"
              dataKey="acc"
              name="Acc"
              unit="%"
              tick={{ fontSize: 11 }}
              width={48}
              domain={[0, 100]}
            />
            <ZAxis range={[90, 90]} />
            <Tooltip
              formatter={(v) => (typeof v === 'number' ? num(v, 1) : String(v))}
              contentStyle={{ fontSize: 12 }}
            />
            <Legend verticalAlign="top" wrapperStyle={{ fontSize: 12, paddingBottom: 6 }} />
            {rows.map((r, i) => {
              const m = r.overall;
              if (!m) return null;
              const ci = ciOf(m, 'acc');
              const acc = m.acc * 100;
              return (
                <Scatter
                  key={r.key}
                  name={r.name}
                  data={[
                    {
                      latency: m.latencyMs,
                      acc,
                      err: ci ? [acc - ci[0] * 100, ci[1] * 100 - acc] : [0, 0],
                    },
                  ]}
                  fill={r.color ?? colorOf(i)}
                  isAnimationActive={false}
                >
                  {ci && <ErrorBar dataKey="err" direction="y" width={6} stroke={r.color ?? colorOf(i)} />}
                </Scatter>
              );
            })}
          </ScatterChart>
        </ResponsiveContainer>
      </div>
    </Section>
  );
}
