import { Link } from 'react-router';
import { Section } from '../../components/Section';
import { duration, int, num, pct, utcTime } from '../../lib/format';
import { colorOf, LatencyChart, MetricsTable, RetrievalTables, type SystemRow } from './MetricsTables';
import { PairedTests } from './PairedTests';
import { BUDGET_LABELS, comparisonsByBudget, counterpart, pooledRows, systemRow } from './reportRows';
import type { ExperimentResult, OpenedReport, SystemResult } from './reportTypes';
import { figureUrl } from './reportTypes';
import { SigmaFigure } from './SigmaFigure';

/** The Vanilla-KD vs StepER experiment's report, drawn from its result.json. */
export function ExperimentReport({ report, result }: { report: OpenedReport; result: ExperimentResult }) {
  const here = new Set(report.evaluationsHere);
  const rows: SystemRow[] = result.systems.map((s, i) => ({
    ...systemRow(s, `${i}-${s.evaluationId}`, colorOf(i)),
    note: <TraceLink system={s} partner={counterpart(result, s)} here={here} />,
  }));
  const pooled = pooledRows(result);
  const judged = result.systems.filter((s) => s.summary.offlineJudge);
  const trained = result.systems.filter((s) => s.objective);
  const fig6 = result.figures.accuracyLatency;
  return (
    <div className="report" data-testid="experiment-report">
      <Section id="report-head" title={report.name}>
        <div className="panel-body report-meta">
          {result.primary?.best && !result.primary.powered ? (
            <div className="report-banner" role="note" data-testid="underpowered">
              <strong>Underpowered: it claims nothing.</strong> The best student group,{' '}
              {result.primary.best.name}, scores {pct(result.primary.best.mean)}% {result.primary.name}, below
              the preset's bar of {pct(result.primary.poweredAt)}%: the students do not yet answer multi-hop
              questions, so no gap here says which objective distils reasoning better.
            </div>
          ) : result.primary?.powered && !result.claims ? (
            <div className="report-banner" role="note" data-testid="probe">
              <strong>A probe: it claims nothing.</strong> The <code>{result.preset}</code> preset is marked{' '}
              <code>claims: false</code>: its students pass the bar on {result.primary.name}, but the run is a
              step towards a recipe, not the experiment's result.
            </div>
          ) : (
            !result.claims && (
              <div className="report-banner" role="note" data-testid="claims-nothing">
                <strong>This is a smoke run: it claims nothing.</strong> The <code>{result.preset}</code>{' '}
                preset checks that the pipeline runs end to end; its students are far too small and too
                briefly trained for these numbers to mean anything.
              </div>
            )
          )}
          <dl className="report-facts">
            <dt>Command</dt>
            <dd>
              <code className="mono-wrap">{result.command}</code>
            </dd>
            <dt>Commit</dt>
            <dd>
              <code className="mono-wrap">{result.commit}</code>
            </dd>
            <dt>Started</dt>
            <dd>
              {utcTime(result.startedAt)} · wall time {duration(result.wallSeconds)}
            </dd>
            <dt>Preset</dt>
            <dd>
              {result.preset}
              {result.budget && ` · Vanilla-KD trained at ${budgetText(result.budget)}`}
            </dd>
            {result.world && (
              <>
                <dt>Synthetic world</dt>
                <dd>
                  seed {result.world.seed}, {int(result.world.passages)} passages,{' '}
                  {int(result.world.questions)} questions
                </dd>
              </>
            )}
            {result.teacher && (
              <>
                <dt>Teacher data</dt>
                <dd>
                  offline evidence teacher, IRCoT: {int(result.teacher.traces)} traces,{' '}
                  {int(result.teacher.kept)} kept; step examples{' '}
                  {Object.entries(result.teacher.examples)
                    .map(([k, v]) => `${k} ${int(v)}`)
                    .join(', ')}
                </dd>
              </>
            )}
            {result.gpu && (
              <>
                <dt>Trained on</dt>
                <dd data-testid="trained-on">
                  {String(result.gpu.machine?.gpu ?? 'a GPU machine')}
                  {result.gpu.machine?.torch ? ` (torch ${String(result.gpu.machine.torch)})` : ''}:{' '}
                  {result.gpu.runs
                    .map(
                      (r) =>
                        `${r.kind === 'warm' ? 'warm stage ' : ''}${r.stage} ${r.wallSeconds.toFixed(0)} s / ${int(r.steps)} steps`,
                    )
                    .join(', ')}
                  ; evaluated here
                </dd>
              </>
            )}
            <dt>Folder</dt>
            <dd>
              <code className="mono-wrap">{report.outDir}</code>
            </dd>
          </dl>
        </div>
      </Section>

      {result.primary && <PrimaryVerdict result={result} />}
      <MetricsTable rows={rows} id="report-metrics-table" title="Answer accuracy, 95% CI (Table 1)" />
      {pooled.length > 0 && (
        <MetricsTable
          rows={pooled}
          id="report-pooled-table"
          title={
            result.pooled?.some((p) => p.questions !== undefined)
              ? 'Pooled over seeds, 95% CI resampling questions with all their seeds (Table 1)'
              : 'Pooled over seeds, 95% CI over question × seed rows (Table 1)'
          }
        />
      )}
      <RetrievalTables rows={rows} idPrefix="report-" />
      {comparisonsByBudget(result).map(({ budget, rows: comparisons }) => (
        <PairedTests
          key={budget ?? 'one'}
          id={`report-paired-${budget ?? 'tests'}`}
          title={`Paired tests${budget ? ` at ${BUDGET_LABELS[budget]}` : ''}: StepER vs Vanilla-KD (same questions)`}
          result={result}
          comparisons={comparisons}
          here={here}
        />
      ))}
      <div className="report-charts">
        <div>
          <LatencyChart rows={rows} id="report-latency-chart" />
          {fig6 && report.figures.includes(fig6) && (
            <a className="figure-link" href={figureUrl(report.id, fig6)} target="_blank" rel="noreferrer">
              the report's PNG of Figure 6
            </a>
          )}
        </div>
        <SigmaFigure report={report} result={result} />
      </div>

      {result.byType && result.byType.length > 0 && <ByTypeTable rows={result.byType} />}

      {trained.length > 0 && (
        <Section id="report-budget" title="Training budget">
          <table className="table">
            <thead>
              <tr>
                <th>Student</th>
                <th>Objective</th>
                <th>Budget</th>
                <th className="num">Seed</th>
                <th className="num">Epochs</th>
                <th className="num">Optimizer steps</th>
                <th className="num">Tokens trained</th>
                <th className="num">Training time</th>
              </tr>
            </thead>
            <tbody>
              {trained.map((s) => (
                <tr key={`${s.name}-${s.evaluationId}`}>
                  <td>
                    <span className="cell-title">{s.name}</span>
                  </td>
                  <td>{s.objective}</td>
                  <td>
                    {s.budget
                      ? BUDGET_LABELS[s.budget]
                      : s.objective === 'vanilla'
                        ? budgetText(result.budget ?? '—')
                        : 'its own epochs'}
                  </td>
                  <td className="num">{s.seed ?? '—'}</td>
                  <td className="num">{num(s.epochs ?? null, 2)}</td>
                  <td className="num">{int(s.optimizerSteps)}</td>
                  <td className="num">{int(s.tokensTrained)}</td>
                  <td className="num">{duration(s.trainSeconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      )}

      {judged.length > 0 && (
        <Section id="report-stages" title="Reasoning stages (offline evidence judge, no LM)">
          <table className="table">
            <thead>
              <tr>
                <th>System</th>
                <th className="num">Initialization</th>
                <th className="num">Expansion</th>
                <th className="num">Aggregation</th>
              </tr>
            </thead>
            <tbody>
              {judged.map((s) => {
                const j = s.summary.offlineJudge!;
                return (
                  <tr key={`${s.name}-${s.evaluationId}`}>
                    <td>
                      <span className="cell-title">{s.name}</span>
                    </td>
                    <td className="num">{pct(j.initialization.mean)}</td>
                    <td className="num">{pct(j.expansion.mean)}</td>
                    <td className="num">{pct(j.aggregation.mean)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </Section>
      )}
      <p className="muted report-foot">
        Intervals: 95% percentile bootstrap ({num(result.systems[0]?.summary.bootstrap?.resamples ?? null, 0)}{' '}
        resamples) over the held-out questions.
      </p>
    </div>
  );
}

function budgetText(budget: string): string {
  if (budget === 'both') return 'equal epochs and at equal training tokens';
  return budget === 'epoch' || budget === 'token' ? BUDGET_LABELS[budget] : budget;
}

/** A system's traces in the side-by-side view, beside Vanilla-KD of its seed when that is here too. */
function TraceLink({
  system,
  partner,
  here,
}: {
  system: SystemResult;
  partner: SystemResult | null;
  here: Set<string>;
}) {
  if (!here.has(system.evaluationId)) {
    return (
      <span
        className="muted"
        title={`Evaluation ${system.evaluationId} ran in another workspace; its traces are not here.`}
      >
        traces not in this workspace
      </span>
    );
  }
  const pair = partner && here.has(partner.evaluationId);
  const ids = pair ? `${system.evaluationId},${partner.evaluationId}` : system.evaluationId;
  return (
    <Link
      to={`/compare?e=${encodeURIComponent(ids)}${pair ? '&only=split' : ''}`}
      data-testid="report-trace-link"
    >
      {pair ? 'traces vs Vanilla-KD' : 'traces'} →
    </Link>
  );
}

type TypeRow = NonNullable<ExperimentResult['byType']>[number];

/** EM / Acc per question type, pooled over seeds: a yes/no type is half right by guessing. */
function ByTypeTable({ rows }: { rows: readonly TypeRow[] }) {
  const types = [...new Set(rows.map((r) => r.type))];
  const names = [...new Set(rows.map((r) => r.name))];
  const cell = (name: string, type: string) => rows.find((r) => r.name === name && r.type === type);
  return (
    <Section id="report-by-type" title="By question type, pooled over seeds (EM / Acc)">
      <p className="panel-note">
        Where the scores come from: a type answered yes/no is half right by guessing, without one reasoning
        step right.
      </p>
      <table className="table" data-testid="report-by-type">
        <thead>
          <tr>
            <th>System</th>
            {types.map((t) => (
              <th key={t} className="num">
                {t}
                <div className="ci">yes/no {pct(rows.find((r) => r.type === t)!.yesNo)}</div>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {names.map((name) => (
            <tr key={name}>
              <td>
                <span className="cell-title">{name}</span>
              </td>
              {types.map((t) => {
                const r = cell(name, t);
                return (
                  <td key={t} className="num">
                    {r ? `${pct(r.em)} / ${pct(r.acc)}` : '—'}
                    {r && <div className="ci">n {int(r.n)}</div>}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

/**
 * The primary metric, named in the preset before the run: each student group's score on it and
 * each pooled StepER − Vanilla-KD gap with its interval over questions and the per-seed gaps.
 */
function PrimaryVerdict({ result }: { result: ExperimentResult }) {
  const p = result.primary!;
  const gaps = result.comparisons.filter((c) => c.seed === null && c.primary);
  return (
    <Section id="report-primary" title={`Primary metric: ${p.name}`}>
      <div className="panel-body">
        <p className="muted">
          EM on the {p.questionTypes.join(', ')} questions, named before the run. Intervals resample questions
          with all their seeds; the bar for a powered comparison is {pct(p.poweredAt)}%.
        </p>
        <table className="table">
          <thead>
            <tr>
              <th>Student group</th>
              <th>{p.name} [95% CI]</th>
              <th>per seed</th>
            </tr>
          </thead>
          <tbody>
            {(result.pooled ?? [])
              .filter((row) => row.primary)
              .map((row) => (
                <tr key={row.name}>
                  <td>{row.name}</td>
                  <td className="num">
                    {pct(row.primary!.mean)} [{pct(row.primary!.ci[0])}, {pct(row.primary!.ci[1])}]
                  </td>
                  <td className="num">{row.perSeed?.primary?.map((x) => pct(x)).join(' / ') ?? '–'}</td>
                </tr>
              ))}
          </tbody>
        </table>
        {gaps.length > 0 && (
          <table className="table" data-testid="primary-gaps">
            <thead>
              <tr>
                <th>A − B</th>
                <th>Budget</th>
                <th>gap, points [95% CI]</th>
                <th>p</th>
              </tr>
            </thead>
            <tbody>
              {gaps.map((c) => (
                <tr key={`${c.a}|${c.b}|${c.budget}`}>
                  <td>
                    {c.a} − {c.b}
                  </td>
                  <td>{c.budget ? BUDGET_LABELS[c.budget] : '–'}</td>
                  <td className="num">
                    {pct(c.primary!.diff)}
                    {c.primary!.ci && ` [${pct(c.primary!.ci[0])}, ${pct(c.primary!.ci[1])}]`}
                  </td>
                  <td className="num">{c.primary!.pValue.toFixed(3)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </Section>
  );
}
