import { useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Section } from '../../components/Section';
import { num } from '../../lib/format';
import { colorOf } from './MetricsTables';
import type { ExperimentResult, OpenedReport } from './reportTypes';
import { figureUrl } from './reportTypes';

type Series = NonNullable<ExperimentResult['sigmaSeries']>[number];
type Value = 'norm' | 'raw';

const STAGE_COLORS: Record<string, string> = { init: '#2f5bd3', exp: '#e08a1e', agg: '#2b9a66' };
const DASHES = ['', '6 3', '2 3', '8 3 2 3'];

/** One row per optimizer step with a column per series (recharts reads the lines by name). */
export function sigmaRows(series: Series[], value: Value): Record<string, number>[] {
  const byStep = new Map<number, Record<string, number>>();
  for (const s of series) {
    for (const p of s.points) {
      const y = value === 'raw' ? p.sigma : p.y;
      if (y === null || y === undefined) continue;
      const row = byStep.get(p.x) ?? { step: p.x };
      row[s.name] = y;
      byStep.set(p.x, row);
    }
  }
  return [...byStep.values()].sort((a, b) => (a.step ?? 0) - (b.step ?? 0));
}

/**
 * Figure 7: σ̃ per stage over training (StepER, difficulty-aware), drawn from the result's
 * sigmaSeries — colour by stage, dash by seed, raw σ on a toggle; a result written before it
 * carried the series shows the report's PNG instead.
 */
export function SigmaFigure({ report, result }: { report: OpenedReport; result: ExperimentResult }) {
  const [value, setValue] = useState<Value>('norm');
  const series = result.sigmaSeries?.filter((s) => s.points.length > 0) ?? [];
  const hasRaw = series.some((s) => s.points.some((p) => p.sigma !== null && p.sigma !== undefined));
  const seeds = [...new Set(series.map((s) => s.seed ?? 0))];
  const png = result.figures.sigma;
  const toggle = hasRaw && (
    <span className="segmented">
      {(['norm', 'raw'] as const).map((v) => (
        <button
          key={v}
          type="button"
          className={value === v ? 'on' : undefined}
          aria-pressed={value === v}
          onClick={() => setValue(v)}
        >
          {v === 'norm' ? 'σ̃' : 'raw σ'}
        </button>
      ))}
    </span>
  );
  return (
    <Section
      id="report-sigma-chart"
      title="σ̃ per stage over training (Figure 7)"
      actions={toggle || undefined}
    >
      {series.length > 0 ? (
        <div className="chart-box" style={{ padding: '8px 12px' }} data-testid="sigma-chart">
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={sigmaRows(series, value)} margin={{ top: 8, right: 16, bottom: 16, left: 0 }}>
              <CartesianGrid stroke="#eef0f4" />
              <XAxis
                type="number"
                dataKey="step"
                domain={['dataMin', 'dataMax']}
                tick={{ fontSize: 11 }}
                label={{ value: 'optimizer step', position: 'insideBottom', offset: -8, fontSize: 11 }}
              />
              <YAxis tick={{ fontSize: 11 }} width={48} domain={['auto', 'auto']} />
              <Tooltip
                formatter={(v) => (typeof v === 'number' ? num(v, 4) : String(v))}
                contentStyle={{ fontSize: 12 }}
              />
              <Legend verticalAlign="top" wrapperStyle={{ fontSize: 12, paddingBottom: 6 }} />
              {series.map((s, i) => (
                <Line
                  key={s.name}
                  type="monotone"
                  dataKey={s.name}
                  name={value === 'raw' ? s.name.replace('σ̃', 'σ') : s.name}
                  stroke={(s.stage && STAGE_COLORS[s.stage]) || colorOf(i)}
                  strokeDasharray={DASHES[seeds.indexOf(s.seed ?? 0) % DASHES.length]}
                  dot={false}
                  connectNulls
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      ) : png && report.figures.includes(png) ? (
        <figure className="report-figure" data-testid="sigma-png">
          <img src={figureUrl(report.id, png)} alt="Figure 7: normalised σ̃ per stage over training" />
          <figcaption className="muted">
            The report's PNG: this result.json predates the σ̃ series, so the chart is not redrawn here.
          </figcaption>
        </figure>
      ) : (
        <div className="state state-empty">
          <div className="state-body">
            No σ̃ series in this report (no difficulty-aware student was trained).
          </div>
        </div>
      )}
    </Section>
  );
}
