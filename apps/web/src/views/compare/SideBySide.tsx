import { useQueries } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { trpc, trpcClient } from '../../api/trpc';
import type { Evaluation, EvaluationTrace, Outputs } from '../../api/types';
import { Pager } from '../../components/Pager';
import { PassageCard } from '../../components/PassageCard';
import { Empty, ErrorView, Loading } from '../../components/States';
import { type AlignedStep, alignSteps, type Outcome, outcome } from '../../lib/compare';
import { pct } from '../../lib/format';
import { colorOf } from './MetricsTables';

type QuestionOutcome = Outputs['evaluations']['outcomes']['items'][number];

/** Questions listed per page; every question of every evaluation is in the list. */
const PAGE = 100;
/** Outcomes fetched per request (text, prediction, scores: no traces). */
const OUTCOMES_PAGE = 5000;

/** Every question's outcome in one evaluation, page after page. */
async function allOutcomes(id: string): Promise<QuestionOutcome[]> {
  const all: QuestionOutcome[] = [];
  for (;;) {
    const page = await trpcClient.evaluations.outcomes.query({
      id,
      offset: all.length,
      limit: OUTCOMES_PAGE,
    });
    all.push(...page.items);
    if (page.items.length === 0 || all.length >= page.total) return all;
  }
}

const isRight = (o: QuestionOutcome | null): boolean => (o?.scores.em ?? 0) >= 0.999;

/**
 * Per question, the generators' traces side by side, step aligned, differences marked;
 * filterable to the questions where one is right and another wrong. The list holds every
 * question (outcomes only); the traces are fetched for the question opened.
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
    queries: evals.map((e) => ({
      queryKey: ['evaluations', 'outcomes', 'all', e.id, e.tracesDone],
      queryFn: () => allOutcomes(e.id),
    })),
  });
  const failed = results.find((r) => r.error);
  const loading = results.some((r) => r.isPending);
  const rows = useMemo(() => {
    if (loading || failed) return [];
    const maps = results.map((r) => new Map((r.data ?? []).map((o) => [o.questionId, o])));
    const ids = [...new Set(results.flatMap((r) => r.data?.map((o) => o.questionId) ?? []))];
    return ids.map((id) => {
      const outcomes = maps.map((m) => m.get(id) ?? null);
      return {
        id,
        question: outcomes.find(Boolean)?.question ?? id,
        outcomes,
        outcome: outcome(outcomes.map((o) => o?.scores.em)),
      };
    });
  }, [results, loading, failed]);
  const [page, setPage] = useState(0);
  // A new filter or a new set of evaluations starts the list from its first page.
  const evalKey = evals.map((e) => e.id).join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: the page resets when filter or evaluations change.
  useEffect(() => setPage(0), [filter, evalKey]);
  const traces = useQueries({
    queries: evals.map((e) => ({
      ...trpc.evaluations.traces.queryOptions({ id: e.id, questionIds: [questionId ?? ''], limit: 1 }),
      enabled: Boolean(questionId),
    })),
  });
  if (failed) return <ErrorView error={failed.error} what="evaluation outcomes" />;
  if (loading) return <Loading what="evaluation outcomes" />;
  const shown = rows.filter((r) => !filter || r.outcome === filter);
  const pages = Math.max(1, Math.ceil(shown.length / PAGE));
  const at = Math.min(page, pages - 1);
  const pageRows = shown.slice(at * PAGE, (at + 1) * PAGE);
  const current = rows.find((r) => r.id === questionId) ?? null;
  const counts = { split: 0, 'all-right': 0, 'all-wrong': 0 } as Record<Outcome, number>;
  for (const r of rows) counts[r.outcome]++;
  const traceError = traces.find((t) => t.error)?.error;

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
            {pageRows.map((r) => (
              <li key={r.id}>
                <button
                  type="button"
                  className={`q-item${r.id === questionId ? ' selected' : ''}`}
                  data-testid="cmp-question"
                  onClick={() => onQuestion(r.id)}
                >
                  <div className="q-text">{r.question}</div>
                  <div className="q-meta">
                    {r.outcomes.map((o, i) => (
                      <span
                        key={evals[i]!.id}
                        className={`verdict ${isRight(o) ? 'verdict-ok' : 'verdict-bad'}`}
                        style={{ boxShadow: `inset 3px 0 0 ${colorOf(i)}` }}
                      >
                        {o ? (isRight(o) ? 'right' : 'wrong') : 'missing'}
                      </span>
                    ))}
                  </div>
                </button>
              </li>
            ))}
          </ul>
        )}
        {shown.length > PAGE && (
          <Pager page={at} pageSize={PAGE} total={shown.length} onPage={setPage} testId="cmp-pager" />
        )}
      </section>
      <div>
        {!current ? (
          <Empty title="Pick a question">The traces open here side by side, step by step.</Empty>
        ) : traceError ? (
          <ErrorView error={traceError} what="the traces of this question" />
        ) : traces.some((t) => t.isPending) ? (
          <Loading what="the traces of this question" />
        ) : (
          <AlignedTraces evals={evals} traces={traces.map((t) => t.data?.items[0] ?? null)} />
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
