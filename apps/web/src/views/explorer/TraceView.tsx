import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef } from 'react';
import { trpc } from '../../api/trpc';
import { QueryState } from '../../components/States';
import { ms } from '../../lib/format';
import { stepViews } from '../../lib/trace';
import { useUi } from '../../state/ui';
import { AnswerPanel } from './AnswerPanel';
import { StepCard } from './StepCard';

/** One question's trace, step by step, with the final answer scored against gold. */
export function TraceView({
  runId,
  questionSetId,
  questionId,
  step,
  onStep,
}: {
  runId: string;
  questionSetId: string;
  questionId: string;
  step: number | undefined;
  onStep: (step: number) => void;
}) {
  const trace = useQuery(trpc.teacherRuns.trace.queryOptions({ id: runId, questionId }));
  const question = useQuery(trpc.questionSets.question.queryOptions({ id: questionSetId, questionId }));
  const { showPrompts, setShowPrompts } = useUi();
  const refs = useRef(new Map<number, HTMLElement>());
  const views = useMemo(
    () => (trace.data ? stepViews(trace.data.trace, question.data) : []),
    [trace.data, question.data],
  );

  useEffect(() => {
    if (step !== undefined && views.length > 0)
      refs.current.get(step)?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }, [step, views.length]);

  return (
    <QueryState query={trace} what="the trace">
      {(row) => {
        const t = row.trace;
        const q = question.data;
        return (
          <div className="trace" data-testid="trace-view">
            <section className="panel">
              <div className="question-card">
                <div className="question-text" data-testid="question-text">
                  {t.question}
                </div>
                <div className="question-meta">
                  <span>
                    <span className="muted">loop</span> {t.loop}
                  </span>
                  <span>
                    <span className="muted">generator</span> {t.generator}
                  </span>
                  {q?.type && (
                    <span>
                      <span className="muted">type</span> {q.type}
                    </span>
                  )}
                  {q?.hops && (
                    <span>
                      <span className="muted">hops</span> {q.hops}
                    </span>
                  )}
                  <span>
                    <span className="muted">aggregated at</span> t = {t.aggregatedAt}
                    {t.earlyStop ? ' (early stop)' : ''}
                  </span>
                  <span>
                    <span className="muted">total</span> {ms(t.totalMs)}
                  </span>
                  <span className="mono muted">{t.questionId}</span>
                </div>
              </div>
              <nav className="step-nav" aria-label="Steps">
                <span className="field-label" style={{ margin: '0 6px 0 0' }}>
                  Steps
                </span>
                {t.steps.map((s) => (
                  <button
                    key={s.step}
                    type="button"
                    className={`btn btn-small${s.step === step ? ' on' : ''}`}
                    data-testid="step-chip"
                    onClick={() => onStep(s.step)}
                  >
                    {s.step} <span className={`stage stage-${s.stage}`}>{s.stage}</span>
                  </button>
                ))}
                <label className="muted" style={{ marginLeft: 'auto', fontSize: 12 }}>
                  <input
                    type="checkbox"
                    checked={showPrompts}
                    onChange={(e) => setShowPrompts(e.target.checked)}
                  />{' '}
                  show prompts
                </label>
              </nav>
            </section>
            {t.error && <div className="state state-error">The loop ended with an error: {t.error}</div>}
            <div className="steps">
              {views.map((v) => (
                <StepCard
                  key={v.step.step}
                  view={v}
                  focused={v.step.step === step}
                  showPrompt={showPrompts}
                  ref={(el) => {
                    if (el) refs.current.set(v.step.step, el);
                    else refs.current.delete(v.step.step);
                  }}
                />
              ))}
            </div>
            <div style={{ marginTop: 12 }}>
              <AnswerPanel prediction={t.prediction} answers={t.answers} kept={row.correct} />
            </div>
          </div>
        );
      }}
    </QueryState>
  );
}
