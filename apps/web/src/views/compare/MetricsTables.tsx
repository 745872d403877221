import {
  CartesianGrid,
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
}

export const metricsOf = (e: Evaluation): EvalMetrics | null => (e.metrics as EvalMetrics | null) ?? null;

const PALETTE = ['#2f5bd3', '#e08a1e', '#2b9a66', '#c23a3a', '#6b5bb5', '#1d2330'];
export const colorOf = (i: number) => PALETTE[i % PALETTE.length]!;

/** Table 1's shape: a row per generator (evaluation name), EM / F1 / Acc per dataset, and the average. */
export function MetricsTable({ evals, sets }: { evals: Evaluation[]; sets: QuestionSetRow[] }) {
  const datasetOf = (e: Evaluation) =>
    sets.find((s) => s.id === e.config.questionSetId)?.dataset ?? String(e.config.questionSetId ?? '?');
  const datasets = [...new Set(evals.map(datasetOf))];
  const rows = [...new Set(evals.map((e) => e.name))].map((name) => {
    const cells = datasets.map((d) =>
      metricsOf(evals.find((e) => e.name === name && datasetOf(e) === d) ?? ({} as Evaluation)),
    );
    const present = cells.filter((c): c is EvalMetrics => c !== null);
    const avg = (k: 'em' | 'f1' | 'acc') =>
      present.length ? present.reduce((a, c) => a + c[k], 0) / present.length : null;
    return { name, cells, avg: { em: avg('em'), f1: avg('f1'), acc: avg('acc') } };
  });
  const best = (get: (r: (typeof rows)[number]) => number | null | undefined) =>
    Math.max(...rows.map((r) => get(r) ?? -1));
  const cls = (v: number | null | undefined, b: number) =>
    v !== null && v !== undefined && v === b && rows.length > 1 ? 'num best' : 'num';
  return (
    <Section id="metrics-table" title="Answer accuracy (Table 1)">
      <div style={{ overflowX: 'auto' }}>
        <table className="table" data-testid="metrics-table">
          <thead>
            <tr>
              <th rowSpan={2}>Generator</th>
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
            {rows.map((r) => (
              <tr key={r.name}>
                <td className="cell-title">{r.name}</td>
                {r.cells.flatMap((c, i) =>
                  (['em', 'f1', 'acc'] as const).map((k) => (
                    <td
                      key={`${datasets[i]}-${k}`}
                      className={cls(
                        c?.[k],
                        best((x) => x.cells[i]?.[k]),
                      )}
                    >
                      {pct(c?.[k])}
                    </td>
                  )),
                )}
                {datasets.length > 1 &&
                  (['em', 'f1', 'acc'] as const).map((k) => (
                    <td
                      key={`avg-${k}`}
                      className={cls(
                        r.avg[k],
                        best((x) => x.avg[k]),
                      )}
                    >
                      {pct(r.avg[k])}
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

/** Table 7 (exact retrieval steps, % of questions) and Table 8 (recall, duplicativeness). */
export function RetrievalTables({ evals }: { evals: Evaluation[] }) {
  const maxSteps = Math.max(1, ...evals.flatMap((e) => metricsOf(e)?.steps.bins.map((b) => b.steps) ?? []));
  const cols = Array.from({ length: maxSteps }, (_, i) => i + 1);
  return (
    <div className="charts">
      <Section id="steps-table" title="Exact retrieval steps (Table 7)">
        <table className="table">
          <thead>
            <tr>
              <th>Generator</th>
              {cols.map((s) => (
                <th key={s} className="num">
                  {s}
                </th>
              ))}
              <th className="num">mean</th>
            </tr>
          </thead>
          <tbody>
            {evals.map((e) => {
              const m = metricsOf(e);
              return (
                <tr key={e.id}>
                  <td className="cell-title">{e.name}</td>
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
      </Section>
      <Section id="recall-table" title="Recall and duplicativeness (Table 8)">
        <table className="table">
          <thead>
            <tr>
              <th>Generator</th>
              <th className="num">Recall</th>
              <th className="num">Duplicativeness</th>
              <th className="num">Latency / q</th>
            </tr>
          </thead>
          <tbody>
            {evals.map((e) => {
              const m = metricsOf(e);
              return (
                <tr key={e.id}>
                  <td className="cell-title">{e.name}</td>
                  <td className="num">{pct(m?.recall)}</td>
                  <td className="num">{pct(m?.duplicativeness)}</td>
                  <td className="num">{ms(m?.latencyMs)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Section>
    </div>
  );
}

/** Figure 6: accuracy against latency per question. */
export function LatencyChart({ evals }: { evals: Evaluation[] }) {
  return (
    <Section id="latency-chart" title="Accuracy vs latency (Figure 6)">
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
            {evals.map((e, i) => {
              const m = metricsOf(e);
              return m ? (
                <Scatter
                  key={e.id}
                  name={e.name}
                  data={[{ latency: m.latencyMs, acc: m.acc * 100 }]}
                  fill={colorOf(i)}
                  isAnimationActive={false}
                />
              ) : null;
            })}
          </ScatterChart>
        </ResponsiveContainer>
      </div>
    </Section>
  );
}
