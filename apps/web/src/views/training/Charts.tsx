import type { ReactNode } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { num } from '../../lib/format';
import type { EvalPoint, StepPoint } from '../../lib/series';

const COLORS = { init: '#2f7fd3', exp: '#e08a1e', agg: '#2b9a66', loss: '#1d2330', other: '#6b5bb5' };

function ChartPanel({
  id,
  title,
  extra,
  children,
}: {
  id: string;
  title: ReactNode;
  extra?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="panel chart-panel" id={id} data-testid={id}>
      <div className="chart-title">
        <h3>{title}</h3>
        {extra}
      </div>
      <div className="chart-box">{children}</div>
    </section>
  );
}

/**
 * How a chart's n-th line is drawn. Lines often coincide (σ̃ = 1/3 for every stage while the σ
 * are still equal; a stage loss equal to the combined one) and the last drawn would hide the rest:
 * each has its own dash pattern, and the earlier ones are wider, so their edges show beneath.
 */
const STROKES: { dash: string | undefined; width: number }[] = [
  { dash: undefined, width: 3.6 },
  { dash: '8 4', width: 2.6 },
  { dash: '2 3', width: 2 },
  { dash: '10 3 2 3', width: 1.5 },
];

const axis = { fontSize: 11, stroke: '#7a8396' };
const tooltipFmt = (v: unknown) => (typeof v === 'number' ? num(v, 4) : String(v));

function Lines({
  data,
  lines,
  yLabel,
  domain,
}: {
  data: object[];
  lines: { key: string; name: string; color: string }[];
  yLabel?: string;
  domain?: [number | 'auto', number | 'auto'];
}) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart data={data} margin={{ top: 4, right: 12, bottom: 4, left: 0 }}>
        <CartesianGrid stroke="#eef0f4" />
        <XAxis
          dataKey="step"
          type="number"
          domain={['dataMin', 'dataMax']}
          tick={axis}
          stroke="#c5cbd8"
          allowDecimals={false}
        />
        <YAxis
          tick={axis}
          stroke="#c5cbd8"
          width={56}
          tickFormatter={(v: number) => Number(v.toPrecision(5)).toString()}
          domain={domain ?? ['auto', 'auto']}
          label={
            yLabel
              ? { value: yLabel, angle: -90, position: 'insideLeft', fontSize: 11, fill: '#7a8396' }
              : undefined
          }
        />
        <Tooltip formatter={tooltipFmt} labelFormatter={(l) => `step ${l}`} contentStyle={{ fontSize: 12 }} />
        {/* In the lines' own order (recharts sorts by name otherwise: σ̃_agg before σ̃_init). */}
        <Legend
          wrapperStyle={{ fontSize: 12 }}
          itemSorter={(item) => lines.findIndex((l) => l.key === item.dataKey)}
        />
        {lines.map((l, i) => {
          const stroke = STROKES[i % STROKES.length]!;
          return (
            <Line
              key={l.key}
              type="monotone"
              dataKey={l.key}
              name={l.name}
              stroke={l.color}
              // Absent, not undefined, for a solid line: the legend would print "undefined".
              {...(stroke.dash ? { strokeDasharray: stroke.dash } : {})}
              strokeWidth={stroke.width}
              // The legend draws each line's own dashes.
              legendType="plainline"
              // Solid rings, smaller for later lines: coinciding points stay told apart too.
              dot={
                data.length < 40 ? { r: 1 + stroke.width, strokeWidth: 1, strokeDasharray: 'none' } : false
              }
              isAnimationActive={false}
              connectNulls
            />
          );
        })}
      </LineChart>
    </ResponsiveContainer>
  );
}

export function LossChart({ steps }: { steps: StepPoint[] }) {
  return (
    <ChartPanel id="chart-loss" title="Loss per stage and combined">
      <Lines
        data={steps}
        lines={[
          { key: 'loss', name: 'combined', color: COLORS.loss },
          { key: 'init', name: 'L_init', color: COLORS.init },
          { key: 'exp', name: 'L_exp', color: COLORS.exp },
          { key: 'agg', name: 'L_agg', color: COLORS.agg },
        ]}
      />
    </ChartPanel>
  );
}

/** The paper's Figure 7: σ̃_j = σ_j / Σ_k σ_k per stage over training; raw σ_j on a toggle. */
export function SigmaChart({
  steps,
  raw,
  onRaw,
  available,
}: {
  steps: StepPoint[];
  raw: boolean;
  onRaw: (raw: boolean) => void;
  available: boolean;
}) {
  const toggle = (
    <span className="segmented">
      <button type="button" id="sigma-norm" className={raw ? '' : 'on'} onClick={() => onRaw(false)}>
        σ̃ normalised
      </button>
      <button type="button" id="sigma-raw" className={raw ? 'on' : ''} onClick={() => onRaw(true)}>
        raw σ
      </button>
    </span>
  );
  return (
    <ChartPanel id="chart-sigma" title={raw ? 'σ per stage (raw)' : 'σ̃ per stage (Figure 7)'} extra={toggle}>
      {available ? (
        <Lines
          data={steps}
          domain={raw ? ['auto', 'auto'] : ['auto', 'auto']}
          lines={
            raw
              ? [
                  { key: 'sigmaInit', name: 'σ_init', color: COLORS.init },
                  { key: 'sigmaExp', name: 'σ_exp', color: COLORS.exp },
                  { key: 'sigmaAgg', name: 'σ_agg', color: COLORS.agg },
                ]
              : [
                  { key: 'normInit', name: 'σ̃_init', color: COLORS.init },
                  { key: 'normExp', name: 'σ̃_exp', color: COLORS.exp },
                  { key: 'normAgg', name: 'σ̃_agg', color: COLORS.agg },
                ]
          }
        />
      ) : (
        <div className="state">
          <div className="state-title">No σ in this run</div>
          <div className="state-body">
            Only the difficulty-aware objective (steper-difficulty) learns σ per stage.
          </div>
        </div>
      )}
    </ChartPanel>
  );
}

export function LrChart({ steps }: { steps: StepPoint[] }) {
  return (
    <ChartPanel id="chart-lr" title="Learning rate">
      <Lines data={steps} lines={[{ key: 'lr', name: 'lr', color: COLORS.other }]} />
    </ChartPanel>
  );
}

export function ThroughputChart({ steps }: { steps: StepPoint[] }) {
  return (
    <ChartPanel id="chart-throughput" title="Throughput (tokens/s)">
      <Lines data={steps} lines={[{ key: 'tokensPerSec', name: 'tokens/s', color: COLORS.loss }]} />
    </ChartPanel>
  );
}

export function EvalChart({ evals }: { evals: EvalPoint[] }) {
  return (
    <ChartPanel id="chart-eval" title="Evaluation loss (held-out)">
      {evals.length === 0 ? (
        <div className="state">
          <div className="state-title">No evaluation yet</div>
          <div className="state-body">
            Measured every eval_every steps on the held-out split, and at the end.
          </div>
        </div>
      ) : (
        <Lines data={evals} lines={[{ key: 'evalLoss', name: 'eval loss', color: COLORS.other }]} />
      )}
    </ChartPanel>
  );
}
