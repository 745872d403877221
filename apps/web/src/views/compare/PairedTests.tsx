import { Link } from 'react-router';
import { Section } from '../../components/Section';
import { pct } from '../../lib/format';
import { comparedSystems } from './reportRows';
import type { Comparison, ExperimentResult } from './reportTypes';

const METRICS = ['em', 'f1', 'acc'] as const;

/** p-values as read in papers: 3 decimals, small ones as "< 0.001". */
const p = (x: number) => (x < 0.001 ? '< 0.001' : x.toFixed(3));

/**
 * A against B on the same questions, per answer metric: the mean difference with its paired
 * bootstrap interval and p-value, and McNemar's test for the binary metrics. A difference whose
 * interval excludes 0 is marked; a per-seed pair links to its traces side by side.
 */
export function PairedTests({
  result,
  comparisons,
  here,
  title,
  id,
}: {
  result: ExperimentResult;
  comparisons: Comparison[];
  here: Set<string>;
  title: string;
  id: string;
}) {
  return (
    <Section id={id} title={title}>
      {comparisons.length === 0 ? (
        <div className="state state-empty">
          <div className="state-body">No pair of students to compare in this report.</div>
        </div>
      ) : (
        <div style={{ overflowX: 'auto' }}>
          <table className="table" data-testid={id}>
            <thead>
              <tr>
                <th>A vs B</th>
                <th>Seed</th>
                <th>Metric</th>
                <th className="num">A</th>
                <th className="num">B</th>
                <th className="num">A − B [95% CI]</th>
                <th className="num">p (paired bootstrap)</th>
                <th className="num">p (McNemar, A only : B only)</th>
              </tr>
            </thead>
            <tbody>
              {comparisons.flatMap((c) => {
                const pair = comparedSystems(result, c);
                const linked = pair && here.has(pair[0].evaluationId) && here.has(pair[1].evaluationId);
                return METRICS.map((m, j) => {
                  const x = c.result[m];
                  const real = x.ci !== null && (x.ci[0] > 0 || x.ci[1] < 0);
                  return (
                    <tr
                      key={`${c.a}|${c.b}|${c.seed ?? 'pooled'}|${m}`}
                      className={j === 0 ? 'group-start' : undefined}
                    >
                      {j === 0 && (
                        <>
                          <td rowSpan={METRICS.length} className="pair-cell">
                            <span className="cell-title">
                              {c.a} <span className="muted">vs</span> {c.b}
                            </span>
                            {linked && (
                              <div className="row-note">
                                <Link
                                  to={`/compare?e=${encodeURIComponent(`${pair[0].evaluationId},${pair[1].evaluationId}`)}&only=split`}
                                >
                                  traces side by side →
                                </Link>
                              </div>
                            )}
                          </td>
                          <td rowSpan={METRICS.length} className="pair-cell">
                            {c.seed === null ? `pooled (${c.result.n} pairs)` : (c.seed ?? '—')}
                          </td>
                        </>
                      )}
                      <td>{m.toUpperCase()}</td>
                      <td className="num">{pct(x.meanA)}</td>
                      <td className="num">{pct(x.meanB)}</td>
                      <td
                        className={real ? 'num best' : 'num'}
                        title={real ? 'the interval excludes 0' : undefined}
                      >
                        {x.diff > 0 ? '+' : ''}
                        {pct(x.diff)}
                        {x.ci && (
                          <span className="ci">
                            [{pct(x.ci[0])}, {pct(x.ci[1])}]
                          </span>
                        )}
                      </td>
                      <td className="num">{p(x.pValue)}</td>
                      <td className="num">
                        {x.mcnemar ? `${p(x.mcnemar.pValue)} (${x.mcnemar.aOnly} : ${x.mcnemar.bOnly})` : '—'}
                      </td>
                    </tr>
                  );
                });
              })}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
