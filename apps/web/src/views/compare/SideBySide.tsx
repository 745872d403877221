import { useQueries } from '@tanstack/react-query';
import { useMemo } from 'react';
import { trpc } from '../../api/trpc';
import type { Evaluation, EvaluationTrace } from '../../api/types';
import { PassageCard } from '../../components/PassageCard';
import { Empty, ErrorView, Loading } from '../../components/States';
import { type AlignedStep, alignSteps, type Outcome, outcome } from '../../lib/compare';
import { pct } from '../../lib/format';
import { colorOf } from './MetricsTables';

const LIMIT = 500;

/**
 * Per question, the generators' traces side by side, step aligned, differences marked;
 * filterable to the questions where one is right and another wrong.
 */
export function SideBySide({
  evals,
  questionId,
  filter,
  onQuestion,
  onFilter,
}: {
  evals: Evaluation[];
  questionId: string | null;
  filter: Outcome | '';
  onQuestion: (id: string) => void;
  onFilter: (f: Outcome | '') => void;
}) {
  const results = useQueries({
    queries: evals.map((e) => trpc.evaluations.traces.queryOptions({ id: e.id, limit: LIMIT })),
  });
  const failed = results.find((r) => r.error);
  const loading = results.some((r) => r.isPending);
  const rows = useMemo(() => {
    if (loading || failed) return [];
    const maps = results.map((r) => new Map((r.data?.items ?? []).map((t) => [t.questionId, t])));
    const ids = [...new Set(results.flatMap((r) => r.data?.items.map((t) => t.questionId) ?? []))];
    return ids.map((id) => {
      const traces = maps.map((m) => m.get(id) ?? null);
      return { id, traces, outcome: outcome(traces.map((t) => t?.scores.em)) };
    });
  }, [results, loading, failed]);
  if (failed) return <ErrorView error={failed.error} what="evaluation traces" />;
  if (loading) return <Loading what="evaluation traces" />;
  const shown = rows.filter((r) => !filter || r.outcome === filter);
  const current = rows.find((r) => r.id === questionId) ?? null;
  const counts = { split: 0, 'all-right': 0, 'all-wrong': 0 } as Record<Outcome, number>;
  for (const r of rows) counts[r.outcome]++;

  return (
    <div className="split">
      <section className="panel list-panel" id="cmp-questions">
        <div className="filters">
          <select id="cmp-filter" value={filter} onChange={(e) => onFilter(e.target.value as Outcome | '')}>
            <option value="">all questions ({rows.length})</option>
            <option value="split">one right, another wrong ({counts.split})</option>
            <option value="all-right">all right ({counts['all-right']})</option>
            <option value="all-wrong">all wrong ({counts['all-wrong']})</option>
          </select>
        </div>
        {shown.length === 0 ? (
          <Empty title="No question matches" />
        ) : (
          <ul className="q-list" data-testid="cmp-question-list">
            {shown.map((r) => (
              <li key={r.id}>
                <button
                  type="button"
                  className={`q-item${r.id === questionId ? ' selected' : ''}`}
                  data-testid="cmp-question"
                  onClick={() => onQuestion(r.id)}
                >
                  <div className="q-text">{r.traces.find(Boolean)?.trace.question ?? r.id}</div>
                  <div className="q-meta">
                    {r.traces.map((t, i) => (
                      <span
                        key={evals[i]!.id}
                        className={`verdict ${t && (t.scores.em ?? 0) >= 0.999 ? 'verdict-ok' : 'verdict-bad'}`}
                        style={{ boxShadow: `inset 3px 0 0 ${colorOf(i)}` }}
                      >
                        {t ? ((t.scores.em ?? 0) >= 0.999 ? 'right' : 'wrong') : 'missing'}
                      </span>
                    ))}
                  </div>
                </button>
              </li>
            ))}
          </ul>
        )}
        {rows.length >= LIMIT && <div className="pager">First {LIMIT} questions of each evaluation.</div>}
      </section>
      <div>
        {current ? (
          <AlignedTraces evals={evals} traces={current.traces} />
        ) : (
          <Empty title="Pick a question">The traces open here side by side, step by step.</Empty>
        )}
      </div>
    </div>
  );
}

function AlignedTraces({ evals, traces }: { evals: Evaluation[]; traces: (EvaluationTrace | null)[] }) {
  const aligned = alignSteps(traces.map((t) => t?.trace ?? null));
  const first = traces.find(Boolean);
  const cols = { gridTemplateColumns: `repeat(${evals.length}, minmax(0, 1fr))` };
  return (
    <div className="cmp-grid" data-testid="side-by-side">
      <section className="panel question-card">
        <div className="question-text">{first?.trace.question}</div>
        <div className="question-meta">
          <span>
            <span className="muted">gold</span> {first?.trace.answers.join(' · ')}
          </span>
        </div>
      </section>
      <div className="cmp-cols" style={cols}>
        {evals.map((e, i) => {
          const t = traces[i];
          return (
            <div key={e.id} className="cmp-cell" style={{ borderTop: `3px solid ${colorOf(i)}` }}>
              <div className="cell-title">{e.name}</div>
              {t ? (
                <>
                  <div className="answer-value" data-testid="cmp-prediction">
                    {t.prediction || <span className="muted">(no answer)</span>}
                  </div>
                  <div className="q-meta">
                    <span>EM {pct(t.scores.em, 0)}</span>
                    <span>F1 {pct(t.scores.f1, 0)}</span>
                    <span>Acc {pct(t.scores.acc, 0)}</span>
                    <span>{t.trace.steps.length} steps</span>
                  </div>
                </>
              ) : (
                <div className="muted">not evaluated on this question</div>
              )}
            </div>
          );
        })}
      </div>
      {aligned.map((a) => (
        <StepRow key={a.step} aligned={a} cols={cols} />
      ))}
    </div>
  );
}

function StepRow({ aligned, cols }: { aligned: AlignedStep; cols: { gridTemplateColumns: string } }) {
  const marks = [
    aligned.queryDiffers && 'query',
    aligned.passagesDiffer && 'passages',
    aligned.sentenceDiffers && 'reasoning',
  ].filter(Boolean);
  return (
    <div data-testid="cmp-step">
      <div className="field-label" style={{ display: 'flex', gap: 8 }}>
        Step {aligned.step}
        {marks.length > 0 && <span className="diff-mark">differs: {marks.join(', ')}</span>}
      </div>
      <div className="cmp-step-row" style={cols}>
        {aligned.cells.map((c, i) =>
          c ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional (one per evaluation).
            <div key={i} className={`cmp-cell${marks.length ? ' differs' : ''}`}>
              <span className={`stage stage-${c.stage}`}>{c.stage}</span>{' '}
              {c.query !== null && <span className="query-text">{c.query}</span>}
              <div className="passages" style={{ marginTop: 6 }}>
                {c.retrieved.map((p) => (
                  <PassageCard key={`${p.id}-${p.rank}`} passage={p} compact />
                ))}
              </div>
              <div className={`reasoning${c.stage === 'agg' ? ' agg' : ''}`} style={{ margin: '6px 0 0' }}>
                {c.stage === 'agg' ? c.output : c.sentence}
              </div>
            </div>
          ) : (
            // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional (one per evaluation).
            <div key={i} className="cmp-cell absent">
              stopped before this step
            </div>
          ),
        )}
      </div>
    </div>
  );
}
